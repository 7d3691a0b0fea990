// Package storage defines the records Gatehouse keeps, the Store interface
// every database engine implements, and the sentinel errors it returns.
// Capability packages depend on this package only, never on a SQL driver.
package storage

import (
	"encoding/json"
	"time"
)

// Project is one tenant: its users, sessions and settings are its own.
type Project struct {
	ID          string
	Name        string
	TeamID      string
	Description string
	Settings    ProjectSettings
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ProjectSettings is stored as one JSON document so later features add
// fields without a migration. Zero values mean "the default".
type ProjectSettings struct {
	Logo         string `json:"logo,omitempty"`
	URL          string `json:"url,omitempty"`
	LegalName    string `json:"legalName,omitempty"`
	LegalCountry string `json:"legalCountry,omitempty"`
	LegalState   string `json:"legalState,omitempty"`
	LegalCity    string `json:"legalCity,omitempty"`
	LegalAddress string `json:"legalAddress,omitempty"`
	LegalTaxID   string `json:"legalTaxId,omitempty"`

	Auth      AuthSettings        `json:"auth"`
	SMTP      SMTPSettings        `json:"smtp"`
	Templates map[string]Template `json:"templates,omitempty"` // key: channel.kind.locale
	OAuth     map[string]OAuthApp `json:"oauth,omitempty"`     // key: provider name
	Services  map[string]bool     `json:"services,omitempty"`  // false disables a service
	APIs      map[string]bool     `json:"apis,omitempty"`      // false disables rest, graphql, realtime

	// Labels are the project's own tags (Appwrite 1.9's PUT
	// /project/labels): up to 1000 alphanumeric strings of 1-36 chars.
	Labels []string `json:"labels,omitempty"`

	// OAuth2Server makes the project an OAuth 2.1 and OpenID Connect
	// provider (Appwrite 2.0's PUT /project/oauth2-server).
	OAuth2Server OAuth2ServerSettings `json:"oauth2Server"`
}

// OAuth2ServerSettings are a project's settings as an OAuth2 and OpenID
// provider. Durations are seconds; zero means the default.
type OAuth2ServerSettings struct {
	Enabled bool `json:"enabled"`
	// AuthorizationURL is the project's own consent page.
	AuthorizationURL          string   `json:"authorizationUrl,omitempty"`
	Scopes                    []string `json:"scopes,omitempty"`
	DefaultScopes             []string `json:"defaultScopes,omitempty"`
	AuthorizationDetailsTypes []string `json:"authorizationDetailsTypes,omitempty"`

	AccessTokenDuration             int `json:"accessTokenDuration,omitempty"`
	RefreshTokenDuration            int `json:"refreshTokenDuration,omitempty"`
	PublicAccessTokenDuration       int `json:"publicAccessTokenDuration,omitempty"`
	PublicRefreshTokenDuration      int `json:"publicRefreshTokenDuration,omitempty"`
	InstallationAccessTokenDuration int `json:"installationAccessTokenDuration,omitempty"`

	// ConfidentialPKCE requires PKCE of confidential clients too; public
	// clients always need it.
	ConfidentialPKCE bool `json:"confidentialPkce,omitempty"`

	// The device flow (RFC 8628): on for a project once VerificationURL
	// names its page.
	VerificationURL    string `json:"verificationUrl,omitempty"`
	UserCodeLength     int    `json:"userCodeLength,omitempty"`
	UserCodeFormat     string `json:"userCodeFormat,omitempty"`
	DeviceCodeDuration int    `json:"deviceCodeDuration,omitempty"`

	InstallationScopes []string `json:"installationScopes,omitempty"`

	// CIMDAllowLoopback lets client ID metadata documents be fetched from
	// loopback addresses (and from http:// loopback URLs), for
	// development only; private addresses stay refused (oauthapps).
	CIMDAllowLoopback bool `json:"cimdAllowLoopback,omitempty"`
	// DynamicRegistration opens POST <issuer>/register (RFC 7591) to
	// anyone, for public PKCE clients only. Off by default.
	DynamicRegistration bool `json:"dynamicRegistration,omitempty"`
}

// SMTPSettings are a project's own mail server. Password is sealed.
type SMTPSettings struct {
	Enabled     bool   `json:"enabled"`
	SenderName  string `json:"senderName"`
	SenderEmail string `json:"senderEmail"`
	ReplyTo     string `json:"replyTo"`
	ReplyToName string `json:"replyToName,omitempty"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	Secure      string `json:"secure"`
}

// OAuthApp is a project's registration at an OAuth2 provider. Secret is
// sealed; for providers needing several values it is Appwrite's JSON.
type OAuthApp struct {
	Enabled bool   `json:"enabled"`
	AppID   string `json:"appId"`
	Secret  string `json:"secret"`
	// Options are a provider's settings that are not credentials and have
	// no place in its secret (Google's prompt), kept in the clear.
	Options map[string]string `json:"options,omitempty"`
}

// Template is a project's own text for one message kind and locale.
type Template struct {
	Subject     string `json:"subject,omitempty"`
	Message     string `json:"message"`
	SenderName  string `json:"senderName,omitempty"`
	SenderEmail string `json:"senderEmail,omitempty"`
	ReplyTo     string `json:"replyTo,omitempty"`
	ReplyToName string `json:"replyToName,omitempty"`
}

// TemplateKey names a template in ProjectSettings.Templates.
func TemplateKey(channel, kind, locale string) string { return channel + "." + kind + "." + locale }

// AuthSettings are the per-project sign-in rules (Appwrite's auths map).
type AuthSettings struct {
	Limit                int             `json:"limit"`
	Duration             int             `json:"duration"`    // session length in seconds
	MaxSessions          int             `json:"maxSessions"` // 1..100
	PasswordHistory      int             `json:"passwordHistory"`
	PasswordDictionary   bool            `json:"passwordDictionary"`
	PersonalDataCheck    bool            `json:"personalDataCheck"`
	SessionAlerts        bool            `json:"sessionAlerts"`
	InvalidateSessions   bool            `json:"invalidateSessions"`
	MockNumbers          []MockNumber    `json:"mockNumbers"`
	Methods              map[string]bool `json:"methods"` // absent means enabled
	MembershipsUserName  bool            `json:"membershipsUserName"`
	MembershipsUserEmail bool            `json:"membershipsUserEmail"`
	MembershipsMFA       bool            `json:"membershipsMfa"`
	// The membership-privacy fields Appwrite 1.9.2 added.
	MembershipsUserID         bool `json:"membershipsUserId,omitempty"`
	MembershipsUserPhone      bool `json:"membershipsUserPhone,omitempty"`
	MembershipsUserAccessedAt bool `json:"membershipsUserAccessedAt,omitempty"`
	// LinkingMode decides what an OAuth2 sign-in does when its email
	// belongs to another user: "automatic" (default: sign in when both
	// sides verified the email), "suggested" (refuse, telling the app to
	// offer linking after a sign-in) or "off" (refuse).
	LinkingMode string `json:"linkingMode,omitempty"`
	// MultiAccounts lets one browser or app hold sessions of several
	// accounts and switch between them (off: Appwrite's one account per
	// client, where a second sign-in is user_session_already_exists).
	MultiAccounts bool `json:"multiAccounts,omitempty"`

	// PasswordStrength is Appwrite 1.9.5's password-strength policy,
	// checked on every route that sets a password.
	PasswordStrength PasswordStrength `json:"passwordStrength"`

	// The email policies of Appwrite 1.9 (deny-*-email), checked on
	// every sign-up path and email change.
	DisposableEmails bool `json:"disposableEmails,omitempty"` // deny disposable
	CanonicalEmails  bool `json:"canonicalEmails,omitempty"`  // deny aliased (non-canonical)
	FreeEmails       bool `json:"freeEmails,omitempty"`       // deny free providers
	CorporateEmails  bool `json:"corporateEmails,omitempty"`  // deny non-corporate
}

// PasswordStrength is the password-strength policy. Min below 8 (a
// project stored before the policy existed) means 8.
type PasswordStrength struct {
	Min       int  `json:"min"`
	Uppercase bool `json:"uppercase"`
	Lowercase bool `json:"lowercase"`
	Number    bool `json:"number"`
	Symbols   bool `json:"symbols"`
}

// MockNumber is a phone number that answers with a fixed code and sends nothing.
type MockNumber struct {
	Phone string `json:"phone"`
	OTP   string `json:"otp"`
	// Set by the Project API's mock-phone routes (zero for numbers stored
	// before them).
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// Default auth values of a new project.
const (
	DefaultDuration    = 31536000
	DefaultMaxSessions = 10
)

// NewAuthSettings returns the settings a new project starts with.
func NewAuthSettings() AuthSettings {
	return AuthSettings{
		Duration:           DefaultDuration,
		MaxSessions:        DefaultMaxSessions,
		InvalidateSessions: true,
		MockNumbers:        []MockNumber{},
		Methods:            map[string]bool{},
	}
}

// MethodEnabled reports whether an auth method (emailPassword, anonymous,
// JWT...) is on. Methods are on unless switched off.
func (a AuthSettings) MethodEnabled(m string) bool {
	on, ok := a.Methods[m]
	return !ok || on
}

// Platform is an app allowed to call the project: web platforms give the
// hostnames used for CORS and redirect URLs.
type Platform struct {
	ID        string
	ProjectID string
	Type      string
	Name      string
	Key       string // bundle or package id of native apps
	Store     string
	Hostname  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Key is a project API key. Only the hash of its secret is stored.
type Key struct {
	ID         string
	ProjectID  string
	Name       string
	Scopes     []string
	Expire     time.Time // zero: never
	SecretHash string
	Prefix     string // first characters of the secret, shown to identify it
	AccessedAt time.Time
	SDKs       []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Ephemeral marks a key made from a signed ephemeral secret
	// (project.Service.EphemeralKey): never stored, it lives until its
	// Expire and cannot mint or widen other keys.
	Ephemeral bool
}

// User is an account in a project.
type User struct {
	ProjectID         string
	ID                string
	Name              string
	Email             string // lower-case; "" when none
	Phone             string // E.164; "" when none
	PasswordHash      string // "" when the user has no password
	Hash              string // algorithm name as Appwrite reports it
	HashOptions       json.RawMessage
	PasswordUpdate    time.Time
	PasswordHistory   []string
	Registration      time.Time
	Status            bool
	Labels            []string
	EmailVerification bool
	// EmailFacts is what the email policies found about Email when it was
	// last set; nil when it was set before Gatehouse looked (or there is
	// no email).
	EmailFacts        *EmailFacts
	PhoneVerification bool
	MFA               bool
	Reset             bool
	Prefs             json.RawMessage // a JSON object
	Targets           []Target        // messaging targets, kept by the store
	TOTP              bool            // has a verified TOTP authenticator
	RecoveryCodes     string          // sealed JSON list of unused MFA recovery codes
	Impersonator      bool            // may act as other users of its project (Appwrite 1.9)
	AccessedAt        time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// EmailFacts classifies a user's email for the email policies: the
// address with its aliasing removed, and what kind of provider serves it.
type EmailFacts struct {
	Canonical   string
	Free        bool
	Disposable  bool
	Corporate   bool
	IsCanonical bool // the address is its own canonical form
}

// Target is where messages to a user go: its email, its phone, or a push
// token. The store keeps a user's email and sms targets in step with its
// email and phone.
type Target struct {
	ProjectID    string    `json:"-"`
	ID           string    `json:"id"`
	UserID       string    `json:"userId"`
	Name         string    `json:"name"`
	ProviderID   string    `json:"providerId,omitempty"`
	ProviderType string    `json:"providerType"` // email, sms or push
	Identifier   string    `json:"identifier"`
	Expired      bool      `json:"expired"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// Client describes the device a request came from, parsed from its
// User-Agent and address.
type Client struct {
	IP                  string `json:"ip"`
	OSCode              string `json:"osCode"`
	OSName              string `json:"osName"`
	OSVersion           string `json:"osVersion"`
	ClientType          string `json:"clientType"`
	ClientCode          string `json:"clientCode"`
	ClientName          string `json:"clientName"`
	ClientVersion       string `json:"clientVersion"`
	ClientEngine        string `json:"clientEngine"`
	ClientEngineVersion string `json:"clientEngineVersion"`
	DeviceName          string `json:"deviceName"`
	DeviceBrand         string `json:"deviceBrand"`
	DeviceModel         string `json:"deviceModel"`
	CountryCode         string `json:"countryCode"`
}

// Session is a signed-in device. The secret is stored only as a hash.
type Session struct {
	ProjectID                 string
	ID                        string
	UserID                    string
	SecretHash                string
	Provider                  string
	ProviderUID               string
	ProviderAccessToken       string
	ProviderAccessTokenExpiry time.Time
	ProviderRefreshToken      string
	Client                    Client
	Factors                   []string
	MFAUpdatedAt              time.Time
	Expire                    time.Time
	CreatedAt                 time.Time
	UpdatedAt                 time.Time
}

// TokenType says what a token is for; the numbers are Appwrite's.
type TokenType int

const (
	TokenVerification      TokenType = 2
	TokenRecovery          TokenType = 3
	TokenMagicURL          TokenType = 5
	TokenPhone             TokenType = 6
	TokenOAuth2            TokenType = 7
	TokenGeneric           TokenType = 8
	TokenEmail             TokenType = 9
	TokenPhoneVerification TokenType = 10
)

// Token is a one-time secret of a user. Only the hash is stored.
type Token struct {
	ProjectID  string
	ID         string
	UserID     string
	Type       TokenType
	SecretHash string
	// Short marks a secret of fewer than 128 random bits: wrong guesses
	// count against it (see Store.FailTokens).
	Short     bool
	Expire    time.Time
	CreatedAt time.Time
	// Address is where the secret was sent (an email or a phone number),
	// "" for a token sent nowhere; it is good only while the address is
	// still the user's (see Store.ProveAddress).
	Address string
	// SessionID is the session that asked for the token, "" when none did.
	SessionID string
}

// LogModeImpersonated is the mode of an entry written while an
// impersonator acted as the user: Actor is the operator's id, and
// UserEmail and UserName are the operator's. It is "default" on the wire.
const LogModeImpersonated = "impersonated"

// Log is one entry of a user's security log.
type Log struct {
	ProjectID string
	ID        string
	UserID    string
	Event     string
	Mode      string // "default" for the user's own actions, "admin" for keys, LogModeImpersonated
	Actor     string // who acted: the user, an API key's name, or the impersonating operator's id
	UserEmail string
	UserName  string
	Client    Client
	Time      time.Time
}

// Authenticator is a user's TOTP app. Secret is sealed.
type Authenticator struct {
	ProjectID string
	UserID    string
	Type      string
	Secret    string
	Verified  bool
	LastStep  int64 // the last time step whose code was accepted
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Challenge is a pending second-factor check.
type Challenge struct {
	ProjectID string
	ID        string
	UserID    string
	Type      string // totp, email, phone, recoverycode
	CodeHash  string // for email and phone: the hash of the code sent
	Attempts  int
	Expire    time.Time
	CreatedAt time.Time
}

// Identity is a way a user signs in through an OAuth2 provider. The
// provider tokens are sealed.
type Identity struct {
	ProjectID                 string
	ID                        string
	UserID                    string
	Provider                  string
	ProviderUID               string
	ProviderEmail             string
	ProviderEmailVerified     bool
	ProviderAccessToken       string
	ProviderAccessTokenExpiry time.Time
	ProviderRefreshToken      string
	ProfileData               json.RawMessage // set when merged in by linking
	CreatedAt                 time.Time
	UpdatedAt                 time.Time
}

// OAuthState is a sign-in in flight, kept until the provider calls back.
type OAuthState struct {
	Provider    string   `json:"provider"`
	Success     string   `json:"success"`
	Failure     string   `json:"failure"`
	Token       bool     `json:"token"`            // token mode: secret and userId go to the success URL
	Verifier    string   `json:"verifier"`         // PKCE code verifier (sealed)
	LinkUserID  string   `json:"linkUserId"`       // signed-in user adding this identity (an explicit link)
	LinkSession string   `json:"linkSession"`      // the session that started the link; it must finish it
	Scopes      []string `json:"scopes,omitempty"` // extra scopes asked for
	// Browser is the hash of the cookie set on the browser that started
	// the flow; the callback must come from that browser.
	Browser string `json:"browser,omitempty"`
	// ByServer marks a token flow a server started with an API key (an
	// app rendering on the server): no browser made the start, so there
	// is none to bind, and the app that redeems the token binds it.
	ByServer bool `json:"byServer,omitempty"`
	// Suggested marks a link token, not a sign-in in flight: the identity
	// a "suggested" linking mode held back for LinkUserID to confirm.
	Suggested *SuggestedIdentity `json:"suggested,omitempty"`
}

// SuggestedIdentity is a provider identity waiting for its account's owner
// to confirm the link. Provider tokens are kept sealed.
type SuggestedIdentity struct {
	UID           string    `json:"uid"`
	Email         string    `json:"email"`
	EmailVerified bool      `json:"emailVerified"`
	Name          string    `json:"name"`
	AccessToken   string    `json:"accessToken,omitempty"`
	RefreshToken  string    `json:"refreshToken,omitempty"`
	Expiry        time.Time `json:"expiry"`
}

// Page selects part of a list.
type Page struct {
	Limit  int
	Offset int
}
