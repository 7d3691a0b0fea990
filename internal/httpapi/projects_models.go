package httpapi

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/oauth"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// jsonStrict decodes raw into v, refusing unknown fields.
func jsonStrict(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

type oauthProviderModel struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	AppID   string `json:"appId"`
	Secret  string `json:"secret"` // never sent back
	Enabled bool   `json:"enabled"`
}

func oauthProvidersOf(p *storage.Project) []oauthProviderModel {
	names := oauth.Names()
	out := make([]oauthProviderModel, len(names))
	for i, n := range names {
		app := p.Settings.OAuth[n]
		out[i] = oauthProviderModel{Key: n, Name: strings.ToUpper(n[:1]) + n[1:], AppID: app.AppID, Enabled: app.Enabled}
	}
	return out
}

type platformModel struct {
	ID        string `json:"$id"`
	CreatedAt string `json:"$createdAt"`
	UpdatedAt string `json:"$updatedAt"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Key       string `json:"key"`
	Store     string `json:"store"`
	Hostname  string `json:"hostname"`
	HTTPUser  string `json:"httpUser"`
	HTTPPass  string `json:"httpPass"`
}

func platformOf(p *storage.Platform) platformModel {
	return platformModel{ID: p.ID, CreatedAt: when(p.CreatedAt), UpdatedAt: when(p.UpdatedAt), Name: p.Name,
		Type: p.Type, Key: p.Key, Store: p.Store, Hostname: p.Hostname}
}

type platformListModel struct {
	Total     int             `json:"total"`
	Platforms []platformModel `json:"platforms"`
}

type keyModel struct {
	ID         string   `json:"$id"`
	CreatedAt  string   `json:"$createdAt"`
	UpdatedAt  string   `json:"$updatedAt"`
	Name       string   `json:"name"`
	Expire     string   `json:"expire"`
	Scopes     []string `json:"scopes"`
	Secret     string   `json:"secret"`
	AccessedAt string   `json:"accessedAt"`
	SDKs       []string `json:"sdks"`
}

// keyOf renders a key; secret is set only in the creation response.
func keyOf(k *storage.Key, secret string) keyModel {
	return keyModel{ID: k.ID, CreatedAt: when(k.CreatedAt), UpdatedAt: when(k.UpdatedAt), Name: k.Name,
		Expire: when(k.Expire), Scopes: nonNil(k.Scopes), Secret: secret, AccessedAt: when(k.AccessedAt), SDKs: nonNil(k.SDKs)}
}

type keyListModel struct {
	Total int        `json:"total"`
	Keys  []keyModel `json:"keys"`
}

type projectListModel struct {
	Total    int            `json:"total"`
	Projects []projectModel `json:"projects"`
}

type projectModel struct {
	ID                        string               `json:"$id"`
	CreatedAt                 string               `json:"$createdAt"`
	UpdatedAt                 string               `json:"$updatedAt"`
	Name                      string               `json:"name"`
	Description               string               `json:"description"`
	TeamID                    string               `json:"teamId"`
	Logo                      string               `json:"logo"`
	URL                       string               `json:"url"`
	LegalName                 string               `json:"legalName"`
	LegalCountry              string               `json:"legalCountry"`
	LegalState                string               `json:"legalState"`
	LegalCity                 string               `json:"legalCity"`
	LegalAddress              string               `json:"legalAddress"`
	LegalTaxID                string               `json:"legalTaxId"`
	AuthDuration              int                  `json:"authDuration"`
	AuthLimit                 int                  `json:"authLimit"`
	AuthSessionsLimit         int                  `json:"authSessionsLimit"`
	AuthPasswordHistory       int                  `json:"authPasswordHistory"`
	AuthPasswordDictionary    bool                 `json:"authPasswordDictionary"`
	AuthPersonalDataCheck     bool                 `json:"authPersonalDataCheck"`
	AuthMockNumbers           []storage.MockNumber `json:"authMockNumbers"`
	AuthSessionAlerts         bool                 `json:"authSessionAlerts"`
	AuthMembershipsUserName   bool                 `json:"authMembershipsUserName"`
	AuthMembershipsUserEmail  bool                 `json:"authMembershipsUserEmail"`
	AuthMembershipsMFA        bool                 `json:"authMembershipsMfa"`
	AuthInvalidateSessions    bool                 `json:"authInvalidateSessions"`
	AuthLinkingMode           string               `json:"authLinkingMode"`
	AuthMultiAccounts         bool                 `json:"authMultiAccounts"`
	OAuthProviders            []oauthProviderModel `json:"oAuthProviders"`
	Platforms                 []platformModel      `json:"platforms"`
	Webhooks                  []any                `json:"webhooks"`
	Keys                      []keyModel           `json:"keys"`
	DevKeys                   []any                `json:"devKeys"`
	SMTPEnabled               bool                 `json:"smtpEnabled"`
	SMTPSenderName            string               `json:"smtpSenderName"`
	SMTPSenderEmail           string               `json:"smtpSenderEmail"`
	SMTPReplyTo               string               `json:"smtpReplyTo"`
	SMTPHost                  string               `json:"smtpHost"`
	SMTPPort                  int                  `json:"smtpPort"`
	SMTPUsername              string               `json:"smtpUsername"`
	SMTPPassword              string               `json:"smtpPassword"`
	SMTPSecure                string               `json:"smtpSecure"`
	PingCount                 int                  `json:"pingCount"`
	PingedAt                  string               `json:"pingedAt"`
	Labels                    []string             `json:"labels"`
	Status                    string               `json:"status"`
	AuthEmailPassword         bool                 `json:"authEmailPassword"`
	AuthUsersAuthMagicURL     bool                 `json:"authUsersAuthMagicURL"`
	AuthEmailOtp              bool                 `json:"authEmailOtp"`
	AuthAnonymous             bool                 `json:"authAnonymous"`
	AuthInvites               bool                 `json:"authInvites"`
	AuthJWT                   bool                 `json:"authJWT"`
	AuthPhone                 bool                 `json:"authPhone"`
	ServiceStatusForAccount   bool                 `json:"serviceStatusForAccount"`
	ServiceStatusForAvatars   bool                 `json:"serviceStatusForAvatars"`
	ServiceStatusForDatabases bool                 `json:"serviceStatusForDatabases"`
	ServiceStatusForTablesdb  bool                 `json:"serviceStatusForTablesdb"`
	ServiceStatusForLocale    bool                 `json:"serviceStatusForLocale"`
	ServiceStatusForHealth    bool                 `json:"serviceStatusForHealth"`
	ServiceStatusForStorage   bool                 `json:"serviceStatusForStorage"`
	ServiceStatusForTeams     bool                 `json:"serviceStatusForTeams"`
	ServiceStatusForUsers     bool                 `json:"serviceStatusForUsers"`
	ServiceStatusForSites     bool                 `json:"serviceStatusForSites"`
	ServiceStatusForFunctions bool                 `json:"serviceStatusForFunctions"`
	ServiceStatusForGraphql   bool                 `json:"serviceStatusForGraphql"`
	ServiceStatusForMessaging bool                 `json:"serviceStatusForMessaging"`
	Region                    string               `json:"region"`
	BillingLimits             map[string]int       `json:"billingLimits"`
	Blocks                    []any                `json:"blocks"`
	ConsoleAccessedAt         string               `json:"consoleAccessedAt"`
}

func linkingMode(a storage.AuthSettings) string {
	if a.LinkingMode == "" {
		return "automatic"
	}
	return a.LinkingMode
}

func (s *Server) projectJSON(c *call, status int, p *storage.Project) error {
	m, err := s.projectModelOf(c, p)
	if err != nil {
		return err
	}
	return c.json(status, m)
}

func (s *Server) projectModelOf(c *call, p *storage.Project) (projectModel, error) {
	pls, err := s.Store.ListPlatforms(c.ctx(), p.ID)
	if err != nil {
		return projectModel{}, err
	}
	keys, err := s.Store.ListKeys(c.ctx(), p.ID)
	if err != nil {
		return projectModel{}, err
	}
	a := p.Settings.Auth
	svc := func(name string) bool {
		on, ok := p.Settings.Services[name]
		return !ok || on
	}
	m := projectModel{
		ID: p.ID, CreatedAt: when(p.CreatedAt), UpdatedAt: when(p.UpdatedAt), Name: p.Name,
		Description: p.Description, TeamID: p.TeamID, Logo: p.Settings.Logo, URL: p.Settings.URL,
		LegalName: p.Settings.LegalName, LegalCountry: p.Settings.LegalCountry, LegalState: p.Settings.LegalState,
		LegalCity: p.Settings.LegalCity, LegalAddress: p.Settings.LegalAddress, LegalTaxID: p.Settings.LegalTaxID,
		AuthDuration: a.Duration, AuthLimit: a.Limit, AuthSessionsLimit: a.MaxSessions,
		AuthPasswordHistory: a.PasswordHistory, AuthPasswordDictionary: a.PasswordDictionary,
		AuthPersonalDataCheck: a.PersonalDataCheck, AuthMockNumbers: a.MockNumbers, AuthSessionAlerts: a.SessionAlerts,
		AuthMembershipsUserName: a.MembershipsUserName, AuthMembershipsUserEmail: a.MembershipsUserEmail,
		AuthMembershipsMFA: a.MembershipsMFA, AuthInvalidateSessions: a.InvalidateSessions,
		AuthLinkingMode: linkingMode(a), AuthMultiAccounts: a.MultiAccounts,
		OAuthProviders: oauthProvidersOf(p), Platforms: make([]platformModel, len(pls)), Webhooks: []any{},
		Keys: make([]keyModel, len(keys)), DevKeys: []any{}, Labels: []string{}, Status: "active",
		AuthEmailPassword: a.MethodEnabled("emailPassword"), AuthUsersAuthMagicURL: a.MethodEnabled("usersAuthMagicURL"),
		AuthEmailOtp: a.MethodEnabled("emailOtp"), AuthAnonymous: a.MethodEnabled("anonymous"),
		AuthInvites: a.MethodEnabled("invites"), AuthJWT: a.MethodEnabled("JWT"), AuthPhone: a.MethodEnabled("phone"),
		ServiceStatusForAccount: svc("account"), ServiceStatusForAvatars: svc("avatars"),
		ServiceStatusForDatabases: svc("databases"), ServiceStatusForTablesdb: svc("tablesdb"),
		ServiceStatusForLocale: svc("locale"), ServiceStatusForHealth: svc("health"), ServiceStatusForStorage: svc("storage"),
		ServiceStatusForTeams: svc("teams"), ServiceStatusForUsers: svc("users"), ServiceStatusForSites: svc("sites"),
		ServiceStatusForFunctions: svc("functions"), ServiceStatusForGraphql: svc("graphql"),
		ServiceStatusForMessaging: svc("messaging"), Region: "default", Blocks: []any{},
		BillingLimits: map[string]int{"bandwidth": 0, "storage": 0, "users": 0, "executions": 0, "GBHours": 0,
			"imageTransformations": 0, "authPhone": 0, "budgetLimit": 0},
	}
	sm := p.Settings.SMTP
	m.SMTPEnabled, m.SMTPSenderName, m.SMTPSenderEmail, m.SMTPReplyTo = sm.Enabled, sm.SenderName, sm.SenderEmail, sm.ReplyTo
	m.SMTPHost, m.SMTPPort, m.SMTPUsername, m.SMTPSecure = sm.Host, sm.Port, sm.Username, sm.Secure
	// The password is never sent back, sealed or not.
	if m.AuthMockNumbers == nil {
		m.AuthMockNumbers = []storage.MockNumber{}
	}
	for i, pl := range pls {
		m.Platforms[i] = platformOf(pl)
	}
	for i, k := range keys {
		m.Keys[i] = keyOf(k, "")
	}
	return m, nil
}
