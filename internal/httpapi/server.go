// Package httpapi is Gatehouse's wire: Appwrite's routes, headers, cookies,
// error bodies and response models over the capability packages. Handlers
// decode, validate, make one call and encode; the route adapter runs
// Appwrite's request pipeline (origin, project, key, scope, blocked user,
// factors, rate limit, method gate) before any handler.
package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"github.com/gatehouse-auth/gatehouse/internal/clientinfo"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/geoip"
	"github.com/gatehouse-auth/gatehouse/internal/locale"
	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/oauthapps"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// Deps are what the wire needs from the rest of Gatehouse.
type Deps struct {
	Store        storage.Store
	Projects     *project.Service
	Accounts     *account.Service
	Limiter      *ratelimit.Limiter
	Hasher       *password.Hasher
	Log          *slog.Logger
	Now          func() time.Time
	AdminKeyHash string // SHA-256 hex of the instance admin key
	Metrics      *Metrics
	Seal         *seal.Box    // seals settings secrets (SMTP passwords)
	Mail         MailTester   // sends the console's SMTP test mail
	OAuthClient  *http.Client // talks to OAuth2 providers
	PublicURL    string       // external base URL, for provider callbacks
	ListenURL    string       // base URL from the listen address, when PublicURL is unset
	// TrustedProxies are the peers whose X-Forwarded-For names the client.
	TrustedProxies clientinfo.Proxies
	// GeoIP finds the country of the client's address; nil knows none.
	GeoIP geoip.Locator
	// Apps are the registered OAuth2 clients (/v1/apps).
	Apps *oauthapps.Service
	// OAuth2Clients resolves the clients of projects' OAuth2 servers
	// (registered apps, client ID metadata documents); nil knows none.
	OAuth2Clients oauth2server.Clients
	// OAuth2UserCodes hashes device-flow user codes under a key kept out
	// of the database; nil disables the device flow.
	OAuth2UserCodes *secret.Keyed
}

// MailTester sends a test mail through given SMTP settings, or only
// checks that they connect and authenticate.
type MailTester interface {
	Test(ctx context.Context, p *storage.Project, set storage.SMTPSettings, to []string) error
	Check(ctx context.Context, p *storage.Project, set storage.SMTPSettings) error
}

// Server serves the /v1 API.
type Server struct {
	Deps
	mux       *http.ServeMux
	handler   http.Handler
	providers providerCache
	oauth2    *oauth2server.Service
}

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.GeoIP == nil {
		d.GeoIP = geoip.None{}
	}
	s := &Server{Deps: d, mux: http.NewServeMux()}
	s.routes()
	s.handler = s.instrument(s.mux)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handlerFunc is a route's logic; the adapter writes any error it returns.
type handlerFunc func(c *call) error

// route says what the pipeline demands before a handler runs.
type route struct {
	scope string // scope the caller must hold; "" for none
	// scopes are scopes any one of which suffices (Appwrite 1.9's scope
	// lists), besides scope when that is set too.
	scopes []string
	// keyOnly: only an API key's scopes count. Appwrite's lists on the
	// Users API name sessions.read and sessions.write, and guests and
	// users hold sessions.write; Appwrite keeps them out with document
	// permissions, which Gatehouse has not. A users.read route that shows
	// secrets (MFA recovery codes) is keyOnly too: an impersonator's
	// session, which holds users.read, may not use it.
	keyOnly    bool
	console    bool   // the instance admin key on the console project
	noProject  bool   // no project needed (health, version)
	guestOnly  bool   // refused with user_session_already_exists when signed in
	method     string // project auth method that must be on
	needsSess  bool   // a real session, a JWT is not enough
	mfaExempt  bool   // reachable before the second factor
	fresh      fresh  // needs a recently completed second factor
	htmlErrors bool   // browser navigations: errors as a page, not JSON
	// lite: the handler reads no more of the caller than the account
	// model, so the session check skips the user's secrets (the cheaper
	// lookup of the hot path; see account.AuthenticateLite).
	lite   bool
	limits []ratelimit.Rule
	// asTarget: while an impersonator impersonates, the route acts as
	// the impersonated user. Other Account API routes are refused then
	// (see impersonate.go).
	asTarget bool
	// own: the server-side Project API, acting on the caller's project
	// (never the console's); see projectIDParam.
	own bool
}

// fresh says when a route needs a second factor completed in the last
// account.FreshFactor.
type fresh int

const (
	freshNever  fresh = iota
	freshIfMFA        // sensitive changes of users with MFA on
	freshAlways       // recovery codes, removing an authenticator
)

// call is one request passing through the pipeline.
type call struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	p       params
	project *project.Snapshot
	caller  *account.Caller // nil for guests
	key     *storage.Key    // set for API-key callers
	admin   bool            // instance admin on the console project
	// console is the console administrator acting, signed in on the
	// console project (console_auth.go); nil otherwise.
	console *storage.User
	own     bool // the route acts on c.project itself
	client  *storage.Client
	naming  *locale.Names // the caller's language for names, once chosen
	// bearer is the OAuth2 access token the caller came with (bearer.go).
	bearer *oauth2server.AccessToken
}

func (s *Server) handle(pattern string, rt route, h handlerFunc) {
	if rt.scope != "" {
		rt.scopes = append([]string{rt.scope}, rt.scopes...)
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r}
		err := s.pipeline(c, rt)
		if err == nil {
			err = h(c)
		}
		if err == nil && c.console != nil {
			s.auditConsole(c)
		}
		if err != nil {
			if rt.htmlErrors {
				w = htmlErrorWriter{w}
			}
			s.writeError(w, r, err)
		}
	})
}

// pipeline runs Appwrite's checks in Appwrite's order.
func (s *Server) pipeline(c *call, rt route) error {
	r := c.r
	if rt.noProject {
		return nil
	}
	pid := projectID(r)
	if rt.console {
		return s.consoleAuth(c, pid)
	}
	if rt.own && pid == project.Console {
		corsError(c)
		return apperr.New(apperr.ConsoleForbidden)
	}
	c.own = rt.own
	if pid == "" || (pid == project.Console && !consoleAccountRoutes[r.Pattern]) || !validate.Plain(pid) {
		corsError(c)
		return apperr.New(apperr.ProjectNotFound)
	}
	snap, err := s.Projects.Lookup(r.Context(), pid)
	if err != nil {
		corsError(c)
		return err
	}
	c.project = snap
	if pid == project.Console {
		c.r = s.withConsolePasskeys(r)
	}
	keyHeader := r.Header.Get("X-Appwrite-Key")
	if keyHeader == "" && adminMode(c, pid) {
		return s.adminModeAuth(c)
	}
	s.cors(c)
	if keyHeader == "" && r.Method != http.MethodGet && !s.originAllowed(c) {
		return apperr.New(apperr.UnknownOrigin)
	}
	if c.p, err = readParams(c.w, r); err != nil {
		return err
	}
	c.upgradeParams(requestSteps)
	if err := checkText(r, c.p); err != nil {
		return err
	}
	if err := s.authenticate(c, keyHeader, rt.lite); err != nil {
		return err
	}
	// Only here: the issuer's own routes (consent, authorize) never take
	// an access token as the user's presence.
	if tok := bearerToken(r); tok != "" {
		if err := s.authenticateBearer(c, tok); err != nil {
			return err
		}
	}
	if rt.guestOnly && c.caller != nil && c.key == nil && c.multiAccounts() {
		// Another account signs in next to the current one; the sign-in
		// does not act as the current account.
		c.caller = nil
	}
	if c.key == nil {
		if svc := serviceOf(r.Pattern); svc != "" {
			if on, ok := snap.Settings.Services[svc]; ok && !on {
				return apperr.New(apperr.ServiceDisabled)
			}
		}
	}
	if len(rt.scopes) > 0 && !c.hasAnyScope(rt.scopes, rt.keyOnly) {
		return c.missingScopes(rt.scopes...)
	}
	if c.caller != nil {
		u := c.caller.User
		if !u.Status {
			return apperr.New(apperr.UserBlocked)
		}
		if u.Reset {
			return apperr.New(apperr.UserPasswordReset)
		}
		if !rt.mfaExempt && s.needsMoreFactors(c.ctx(), c.caller) {
			return apperr.New(apperr.UserMoreFactorsRequired)
		}
		if c.bearer != nil && !bearerAllowed(r.Pattern, rt) {
			return errBearerRoute()
		}
		if err := s.impersonate(c, rt); err != nil {
			return err
		}
	}
	if c.key == nil && len(rt.limits) > 0 {
		if err := s.rateLimit(c, rt.limits); err != nil {
			return err
		}
	}
	if c.key == nil && rt.method != "" && !snap.Settings.Auth.MethodEnabled(rt.method) {
		return methodDisabled(rt.method)
	}
	if rt.guestOnly && c.caller != nil {
		return apperr.New(apperr.UserSessionExists)
	}
	if rt.needsSess && (c.caller == nil || c.caller.Session == nil || c.caller.ByJWT) {
		return apperr.New(apperr.UserSessionNotFound)
	}
	if c.caller != nil && (rt.fresh == freshAlways || rt.fresh == freshIfMFA && c.caller.User.MFA) && !s.Accounts.FreshFactor(c.caller) {
		return apperr.New(apperr.UserChallengeRequired)
	}
	return nil
}

// ownHost is the API's own host name: from GATEHOUSE_PUBLIC_URL, else
// from the address it listens on.
func (s *Server) ownHost() string {
	base := s.PublicURL
	if base == "" {
		base = s.ListenURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// projectID reads the project from the `project` query parameter first,
// then the X-Appwrite-Project header, as Appwrite does.
func projectID(r *http.Request) string {
	if v := r.URL.Query().Get("project"); v != "" {
		return v
	}
	return r.Header.Get("X-Appwrite-Project")
}

// consoleAuth admits the instance admin key, or a console
// administrator's session, on the console project.
func (s *Server) consoleAuth(c *call, pid string) error {
	if pid != "" && pid != project.Console {
		return apperr.Newf(apperr.UnauthorizedScope, "The projects API is served on the console project.")
	}
	key := c.r.Header.Get("X-Appwrite-Key")
	if key == "" {
		// A console administrator's session (console_auth.go).
		if err := s.consoleSession(c); err != nil {
			return err
		}
	} else if subtle.ConstantTimeCompare([]byte(secret.Hash(key)), []byte(s.AdminKeyHash)) != 1 {
		return apperr.Newf(apperr.UserUnauthorized, "The API key is invalid.")
	}
	c.admin = true
	var err error
	if c.p, err = readParams(c.w, c.r); err != nil {
		return err
	}
	c.upgradeParams(requestSteps)
	return checkText(c.r, c.p)
}

// serviceOf names the project service a route belongs to.
func serviceOf(pattern string) string {
	_, path, _ := strings.Cut(pattern, " ")
	switch {
	case strings.HasPrefix(path, "/v1/account"):
		return "account"
	case strings.HasPrefix(path, "/v1/users"):
		return "users"
	case strings.HasPrefix(path, "/v1/avatars"):
		return "avatars"
	case strings.HasPrefix(path, "/v1/locale"):
		return "locale"
	}
	return ""
}

var guestScopes = map[string]bool{"public": true, "sessions.write": true, "avatars.read": true, "locale.read": true}
var userScopes = map[string]bool{"public": true, "sessions.write": true, "account": true, "targets.read": true, "targets.write": true,
	"avatars.read": true, "locale.read": true, "apps.read": true, "apps.write": true}

func (c *call) hasScope(scope string) bool {
	switch {
	case c.key != nil:
		return scope == "public" || project.HasScope(c.key, scope)
	case c.bearer != nil:
		// Only user-role scopes, and only those the token names.
		return scope == "public" || userScopes[scope] && c.bearer.HasScope(scope)
	case c.caller != nil:
		// An impersonator may list and search users with its session,
		// to choose whom to impersonate.
		return userScopes[scope] || scope == "users.read" && c.operator().Impersonator
	}
	return guestScopes[scope]
}

// hasAnyScope reports whether the caller holds one of scopes; with
// keyOnly only an API key's count.
func (c *call) hasAnyScope(scopes []string, keyOnly bool) bool {
	if keyOnly && c.key == nil {
		return false
	}
	for _, sc := range scopes {
		if c.hasScope(sc) {
			return true
		}
	}
	return false
}

// missingScopes is Appwrite's 401 for a caller holding none of scopes:
// `<email or "User"> (role: <role>) missing scopes (<JSON list>)`.
func (c *call) missingScopes(scopes ...string) error {
	list, _ := json.Marshal(scopes)
	return apperr.Newf(apperr.UnauthorizedScope, "%s (role: %s) missing scopes (%s)", c.who(), c.role(), list)
}

func (c *call) role() string {
	switch {
	case c.key != nil:
		return "applications"
	case c.caller != nil:
		return "users"
	}
	return "guests"
}

func (c *call) who() string {
	switch {
	case c.key != nil:
		return "app." + c.project.ID
	case c.caller != nil && c.caller.User.Email != "":
		return c.caller.User.Email
	}
	return "User"
}

// needsMoreFactors is Appwrite's MFA rule: with MFA on and a verified
// factor available, a session must have completed two factors, of two
// kinds (see account.FactorKinds: a provider sign-in is one factor, of
// the email kind). JWT callers were minted from a session that already
// passed.
func (s *Server) needsMoreFactors(ctx context.Context, caller *account.Caller) bool {
	u := caller.User
	if caller.ByJWT || caller.Session == nil || !u.MFA {
		return false
	}
	if !u.EmailVerification && !u.PhoneVerification && !u.TOTP {
		// A passkey is a factor the user row does not show; a failed
		// read counts as one, so MFA is never skipped by an error.
		if has, err := s.Accounts.HasPasskey(ctx, u); err == nil && !has {
			return false
		}
	}
	return account.FactorKinds(caller.Session.Factors) < 2
}

// methodDisabledMessages are Appwrite's messages for a sign-in method the
// project switched off, by method key (see authMethods).
var methodDisabledMessages = map[string]string{
	"emailPassword":     "Email / Password authentication is disabled for this project",
	"usersAuthMagicURL": "Magic URL authentication is disabled for this project",
	"anonymous":         "Anonymous authentication is disabled for this project",
	"phone":             "Phone authentication is disabled for this project",
	"invites":           "Invites authentication is disabled for this project",
	"JWT":               "JWT authentication is disabled for this project",
	"passkey":           "Passkey authentication is disabled for this project",
	"emailOtp":          "Email OTP authentication is disabled for this project",
}

// methodDisabled is the error of a route whose sign-in method is off.
func methodDisabled(method string) error {
	if msg, ok := methodDisabledMessages[method]; ok {
		return apperr.Newf(apperr.UserAuthMethodUnsupported, "%s", msg)
	}
	return apperr.New(apperr.UserAuthMethodUnsupported)
}

func (s *Server) rateLimit(c *call, rules []ratelimit.Rule) error {
	// {url} is the route, as Appwrite's request URI: not the Host header,
	// which a client could vary to get a fresh counter each time, and for
	// an alias the route it stands for (limitalias.go).
	path := limitPath(c.r.Pattern)
	vals := func(name string) string {
		switch name {
		case "url":
			return path
		case "ip":
			return c.clientInfo().IP
		case "userId":
			if c.caller != nil {
				return c.caller.User.ID
			}
			return ""
		}
		if p, ok := strings.CutPrefix(name, "param-"); ok {
			if v := c.r.PathValue(p); v != "" {
				return v
			}
			v, _, _ := c.p.str(p)
			return strings.ToLower(v)
		}
		return ""
	}
	res, err := s.Limiter.Check(c.r.Context(), projectRules(rules), func(name string) string {
		if name == "project" {
			return c.project.ID
		}
		return vals(name)
	})
	if err != nil {
		return err
	}
	res.Headers(c.w.Header())
	if res.Exceeded {
		return apperr.New(apperr.RateLimitExceeded)
	}
	return nil
}

// projectRules are rules counted per project, as Appwrite counts them
// (in each project's own database): requests to one project never spend
// another's allowance, such as the sign-in tries at an address.
func projectRules(rules []ratelimit.Rule) []ratelimit.Rule {
	out := make([]ratelimit.Rule, len(rules))
	for i, r := range rules {
		r.Key = "project:{project}," + r.Key
		out[i] = r
	}
	return out
}

// locale is the caller's language for messages: the locale parameter,
// else X-Appwrite-Locale.
func (c *call) locale() string {
	if v, _, _ := c.p.str("locale"); v != "" {
		return v
	}
	return c.r.Header.Get("X-Appwrite-Locale")
}

// ctx is the request's context.
func (c *call) ctx() context.Context { return c.r.Context() }

// actor describes who acts, for the security log.
func (c *call) actor() account.Actor {
	a := account.Actor{Client: *c.clientInfo(), Locale: c.locale()}
	if c.key != nil {
		a.Mode, a.Name = "admin", c.key.Name
	}
	if c.caller != nil {
		a.Operator = c.caller.Operator
	}
	switch {
	case c.console != nil:
		a.Console = c.console
	case c.admin && c.key == nil:
		a.Mode, a.Name = "admin", "instance admin key"
	}
	return a
}
