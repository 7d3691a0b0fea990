package httpapi

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/oauth"
	"github.com/gatehouse-auth/gatehouse/internal/project"
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

// ephemeralKeyOf renders an ephemeral key: the Key model, or for formats
// before 1.9.3 the older {scopes, projectId, jwt}.
func ephemeralKeyOf(c *call, k *storage.Key, secret string) any {
	if c.formatBefore("1.9.3") {
		return newObject().set("scopes", nonNil(k.Scopes)).set("projectId", k.ProjectID).set("jwt", secret)
	}
	return keyOf(k, secret)
}

// jsonObject is a JSON object that keeps its keys in the order they were
// set, so a model can be built once and then down-converted for an older
// response format by renaming and dropping fields, as Appwrite's filters
// do.
type jsonObject struct {
	keys []string
	vals map[string]any
}

func newObject() *jsonObject { return &jsonObject{vals: map[string]any{}} }

func (o *jsonObject) set(k string, v any) *jsonObject {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

func (o *jsonObject) del(keys ...string) {
	for _, k := range keys {
		if _, ok := o.vals[k]; !ok {
			continue
		}
		delete(o.vals, k)
		o.keys = slices.DeleteFunc(o.keys, func(x string) bool { return x == k })
	}
}

// rename gives a field a new name in its place.
func (o *jsonObject) rename(from, to string) {
	v, ok := o.vals[from]
	if !ok {
		return
	}
	delete(o.vals, from)
	o.vals[to] = v
	o.keys[slices.Index(o.keys, from)] = to
}

func (o *jsonObject) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, k := range o.keys {
		if i > 0 {
			b = append(b, ',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, kb...), ':'), vb...)
	}
	return append(b, '}'), nil
}

// authMethodIDs are the auth methods of the Project model, in Appwrite's
// order; authMethods (projects_auth.go) maps them to settings keys.
var authMethodIDs = []string{"email-password", "magic-url", "email-otp", "anonymous", "invites", "jwt", "phone"}

// projectServices are the services a project can switch off, in
// Appwrite's order. Gatehouse serves account, users, avatars and locale
// and refuses them when off; the others are kept for the SDKs.
var projectServices = []string{"account", "avatars", "databases", "tablesdb", "locale", "health", "project",
	"storage", "teams", "users", "vcs", "sites", "functions", "proxy", "graphql", "migrations", "messaging", "advisor"}

// protocols maps the protocol ids of Appwrite 1.9 to the settings keys
// (ProjectSettings.APIs) the console's older names wrote.
var protocols = []struct{ id, key string }{{"rest", "rest"}, {"graphql", "graphql"}, {"websocket", "realtime"}}

type toggleModel struct {
	ID      string `json:"$id"`
	Enabled bool   `json:"enabled"`
}

func enabled(m map[string]bool, key string) bool {
	on, ok := m[key]
	return !ok || on
}

// projectJSON answers with project p in the caller's response format.
func (s *Server) projectJSON(c *call, status int, p *storage.Project) error {
	m, err := s.projectModelOf(c, p)
	if err != nil {
		return err
	}
	return c.json(status, m)
}

// projectModelOf renders p: Appwrite 1.9.5's Project, with the auth
// methods, services and protocols as lists; for older formats the flat
// model with the auth settings, platforms and keys the console SDKs
// read (projectFlat).
func (s *Server) projectModelOf(c *call, p *storage.Project) (any, error) {
	a := p.Settings.Auth
	sm := p.Settings.SMTP
	o := newObject().set("$id", p.ID).set("$createdAt", when(p.CreatedAt)).set("$updatedAt", when(p.UpdatedAt)).
		set("name", p.Name).set("teamId", p.TeamID).set("region", "default").set("devKeys", []any{}).
		set("smtpEnabled", sm.Enabled).set("smtpSenderName", sm.SenderName).set("smtpSenderEmail", sm.SenderEmail).
		set("smtpReplyToName", sm.ReplyToName).set("smtpReplyToEmail", sm.ReplyTo).set("smtpHost", sm.Host).
		set("smtpPort", sm.Port).set("smtpUsername", sm.Username).
		set("smtpPassword", ""). // never sent back, sealed or not
		set("smtpSecure", sm.Secure).set("pingCount", 0).set("pingedAt", "").
		set("labels", nonNil(p.Settings.Labels)).set("status", "active").set("onboarding", struct{}{})
	methods := make([]toggleModel, len(authMethodIDs))
	for i, id := range authMethodIDs {
		methods[i] = toggleModel{id, a.MethodEnabled(authMethods[id])}
	}
	services := make([]toggleModel, len(projectServices))
	for i, id := range projectServices {
		services[i] = toggleModel{id, enabled(p.Settings.Services, id)}
	}
	protos := make([]toggleModel, len(protocols))
	for i, pr := range protocols {
		protos[i] = toggleModel{pr.id, enabled(p.Settings.APIs, pr.key)}
	}
	o.set("authMethods", methods).set("services", services).set("protocols", protos).
		set("blocks", []any{}).set("consoleAccessedAt", "").set("wafEnabled", false).
		// Gatehouse's own settings (docs/linking.md).
		set("authLinkingMode", linkingMode(a)).set("authMultiAccounts", a.MultiAccounts)
	if !c.formatBefore("1.9.5") {
		s.oauth2ServerFields(o, p)
		return o, nil
	}
	return o, s.projectFlat(c, p, o)
}

// projectFlat turns the 1.9.5 Project into the flat model of earlier
// formats: a boolean per auth method, service and protocol, the auth
// settings, and the project's platforms and keys.
func (s *Server) projectFlat(c *call, p *storage.Project, o *jsonObject) error {
	pls, err := s.Store.ListPlatforms(c.ctx(), p.ID)
	if err != nil {
		return err
	}
	keys, err := s.Store.ListKeys(c.ctx(), p.ID)
	if err != nil {
		return err
	}
	a := p.Settings.Auth
	for _, list := range []string{"authMethods", "services", "protocols"} {
		for _, t := range o.vals[list].([]toggleModel) {
			switch list {
			case "authMethods":
				o.set("auth"+upperFirst(authMethods[t.ID]), t.Enabled)
			case "services":
				o.set("serviceStatusFor"+upperFirst(t.ID), t.Enabled)
			default:
				o.set("protocolStatusFor"+upperFirst(t.ID), t.Enabled)
			}
		}
	}
	o.del("authMethods", "services", "protocols")
	// The flat model lists mock numbers as 1.8 stored them: {phone, otp}.
	mocks := make([]oldMockNumberModel, len(a.MockNumbers))
	for i, m := range a.MockNumbers {
		mocks[i] = oldMockNumberModel{Phone: m.Phone, OTP: m.OTP}
	}
	o.set("authLimit", a.Limit).set("authDuration", a.Duration).set("authSessionsLimit", a.MaxSessions).
		set("authPasswordHistory", a.PasswordHistory).set("authPasswordDictionary", a.PasswordDictionary).
		set("authPersonalDataCheck", a.PersonalDataCheck).set("authDisposableEmails", a.DisposableEmails).
		set("authCanonicalEmails", a.CanonicalEmails).set("authFreeEmails", a.FreeEmails).
		set("authCorporateEmails", a.CorporateEmails).set("authMockNumbers", mocks).
		set("authSessionAlerts", a.SessionAlerts).set("authMembershipsUserName", a.MembershipsUserName).
		set("authMembershipsUserEmail", a.MembershipsUserEmail).set("authMembershipsMfa", a.MembershipsMFA).
		set("authMembershipsUserId", a.MembershipsUserID).set("authMembershipsUserPhone", a.MembershipsUserPhone).
		set("authMembershipsUserAccessedAt", a.MembershipsUserAccessedAt).set("authInvalidateSessions", a.InvalidateSessions)
	st := p.Settings
	o.set("description", p.Description).set("logo", st.Logo).set("url", st.URL).set("legalName", st.LegalName).
		set("legalCountry", st.LegalCountry).set("legalState", st.LegalState).set("legalCity", st.LegalCity).
		set("legalAddress", st.LegalAddress).set("legalTaxId", st.LegalTaxID).set("oAuthProviders", oauthProvidersOf(p))
	platforms := make([]any, len(pls))
	for i, pl := range pls {
		platforms[i] = platformOf(c, pl)
	}
	km := make([]keyModel, len(keys))
	for i, k := range keys {
		km[i] = keyOf(k, "")
	}
	o.set("platforms", platforms).set("webhooks", []any{}).set("keys", km).
		set("billingLimits", map[string]int{"bandwidth": 0, "storage": 0, "users": 0, "executions": 0, "GBHours": 0,
			"imageTransformations": 0, "authPhone": 0, "budgetLimit": 0})
	if c.formatBefore("1.9.2") {
		o.rename("smtpReplyToEmail", "smtpReplyTo")
		o.del("smtpReplyToName", "authMembershipsUserId", "authMembershipsUserPhone")
	}
	if c.formatBefore("1.9.1") {
		o.del("protocolStatusForRest", "protocolStatusForGraphql", "protocolStatusForWebsocket")
	}
	return nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func linkingMode(a storage.AuthSettings) string {
	if a.LinkingMode == "" {
		return "automatic"
	}
	return a.LinkingMode
}

// platformIdentifiers name a platform kind's identifier field; the
// identifier of every kind but web is stored as the platform's key.
var platformIdentifiers = map[string]string{project.PlatformApple: "bundleIdentifier",
	project.PlatformAndroid: "applicationId", project.PlatformWindows: "packageIdentifierName",
	project.PlatformLinux: "packageName"}

// platformOf renders a platform in the caller's format: from 1.9.0 by
// its kind (PlatformWeb's hostname, PlatformApple's bundleIdentifier,
// ...), before that the one model of every type with key, store and
// hostname.
func platformOf(c *call, pl *storage.Platform) any {
	o := newObject().set("$id", pl.ID).set("$createdAt", when(pl.CreatedAt)).set("$updatedAt", when(pl.UpdatedAt)).
		set("name", pl.Name)
	if c.formatBefore("1.9.0") {
		return o.set("type", pl.Type).set("key", pl.Key).set("store", pl.Store).set("hostname", pl.Hostname).
			set("httpUser", "").set("httpPass", "")
	}
	kind := project.Kind(pl.Type)
	o.set("type", kind)
	if f, ok := platformIdentifiers[kind]; ok {
		return o.set(f, pl.Key)
	}
	return o.set("hostname", pl.Hostname).set("key", pl.Key)
}

type platformListModel struct {
	Total     int   `json:"total"`
	Platforms []any `json:"platforms"`
}

type projectListModel struct {
	Total    int   `json:"total"`
	Projects []any `json:"projects"`
}
