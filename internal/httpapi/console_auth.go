package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/passkey"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Console administrators (docs/console.md) are the users of the console
// project. They sign in with the Account API on project "console" and
// their session then drives, as the instance admin key does, the
// Projects API and, with X-Appwrite-Mode: admin, a project's Users API,
// the way Appwrite's console SDK does.

// consoleAccountRoutes are the only Account API routes the console
// project serves: signing in and out (with a password or a passkey), the
// account itself, its passkeys and second factors and the one-time link
// that sets a password. Every other route (sign-up, passkey sign-up
// included, magic links, OAuth2, anonymous, JWTs, ...) answers
// project_not_found on the console, as before it had users.
var consoleAccountRoutes = map[string]bool{
	"GET /v1/account":                              true,
	"PATCH /v1/account/name":                       true,
	"PATCH /v1/account/password":                   true,
	"GET /v1/account/prefs":                        true,
	"PATCH /v1/account/prefs":                      true,
	"GET /v1/account/logs":                         true,
	"POST /v1/account/sessions/email":              true,
	"GET /v1/account/sessions":                     true,
	"DELETE /v1/account/sessions":                  true,
	"GET /v1/account/sessions/{sessionId}":         true,
	"DELETE /v1/account/sessions/{sessionId}":      true,
	"PUT /v1/account/recovery":                     true,
	"PATCH /v1/account/mfa":                        true,
	"GET /v1/account/mfa/factors":                  true,
	"POST /v1/account/mfa/authenticators/{type}":   true,
	"PUT /v1/account/mfa/authenticators/{type}":    true,
	"DELETE /v1/account/mfa/authenticators/{type}": true,
	"POST /v1/account/mfa/recovery-codes":          true,
	"GET /v1/account/mfa/recovery-codes":           true,
	"PATCH /v1/account/mfa/recovery-codes":         true,
	"POST /v1/account/mfa/challenge":               true,
	"POST /v1/account/mfa/challenges":              true,
	"PUT /v1/account/mfa/challenge":                true,
	"PUT /v1/account/mfa/challenges":               true,
	"POST /v1/account/passkeys/registration":       true,
	"PUT /v1/account/passkeys/registration":        true,
	"GET /v1/account/passkeys":                     true,
	"PATCH /v1/account/passkeys/{passkeyId}":       true,
	"DELETE /v1/account/passkeys/{passkeyId}":      true,
	"POST /v1/account/sessions/passkey/options":    true,
	"POST /v1/account/sessions/passkey":            true,
}

// consoleScopes are what a console administrator holds on a project's
// Users API in admin mode: every users, sessions and targets scope.
var consoleScopes = []string{"users.read", "users.write", "sessions.read", "sessions.write", "targets.read", "targets.write"}

// consoleCaller finds the console administrator of the request: a live
// session of the console project (cookie, legacy cookie,
// X-Appwrite-Session or X-Fallback-Cookies), of a user that is not
// blocked, has no password reset pending and completed its second factor
// when it enabled MFA. It is checked on every request, so blocking or
// deleting an administrator takes effect at once. nil: no session.
func (s *Server) consoleCaller(c *call) (*account.Caller, error) {
	raw := sessionString(c.r, project.Console)
	if raw == "" {
		return nil, nil
	}
	caller, err := s.Accounts.Authenticate(c.ctx(), project.Console, raw)
	if err != nil || caller == nil {
		return nil, err
	}
	u := caller.User
	switch {
	case !u.Status:
		return nil, apperr.New(apperr.UserBlocked)
	case u.Reset:
		return nil, apperr.New(apperr.UserPasswordReset)
	case s.needsMoreFactors(c.ctx(), caller):
		return nil, apperr.New(apperr.UserMoreFactorsRequired)
	}
	return caller, nil
}

// consoleSession admits a console administrator on a console route (the
// Projects API, the jobs and admins routes), its writes only from the
// console's own origin.
func (s *Server) consoleSession(c *call) error {
	caller, err := s.consoleCaller(c)
	if err != nil {
		return err
	}
	if caller == nil {
		return c.missingScopes("projects.write")
	}
	if c.r.Method != http.MethodGet && !s.consoleOrigin(c.r) {
		return apperr.New(apperr.UnknownOrigin)
	}
	c.console = caller.User
	return nil
}

// adminMode reports whether a request asks to act on a project's Users
// API as a console administrator: X-Appwrite-Mode: admin on a Users API
// route of a project other than the console. Other services ignore the
// mode.
func adminMode(c *call, pid string) bool {
	return pid != project.Console && strings.EqualFold(c.r.Header.Get("X-Appwrite-Mode"), "admin") &&
		serviceOf(c.r.Pattern) == "users"
}

// adminModeAuth runs the pipeline of an admin-mode request: the caller
// is the console administrator, holding consoleScopes as a key would;
// the project's own sessions, JWTs, platforms and CORS play no part. A
// platform of the project is someone else's site: it may neither read
// (no CORS answer) nor write (the origin must be the console's) with an
// administrator's cookie.
func (s *Server) adminModeAuth(c *call) error {
	if c.r.Method != http.MethodGet && !s.consoleOrigin(c.r) {
		return apperr.New(apperr.UnknownOrigin)
	}
	var err error
	if c.p, err = readParams(c.w, c.r); err != nil {
		return err
	}
	c.upgradeParams(requestSteps)
	if err := checkText(c.r, c.p); err != nil {
		return err
	}
	caller, err := s.consoleCaller(c)
	if err != nil {
		return err
	}
	if caller == nil {
		return apperr.Newf(apperr.UserUnauthorized, "Admin mode needs a signed-in console administrator.")
	}
	u := caller.User
	c.console = u
	c.key = &storage.Key{ID: "console", ProjectID: c.project.ID, Name: "console " + u.Email, Scopes: consoleScopes}
	return nil
}

// consoleOrigin reports whether a request may write with a console
// administrator's credentials: no browser origin (a script), or the
// console's own: the API's host and port, or those of
// GATEHOUSE_PUBLIC_URL. Stricter than a project's rule, which compares
// host names only: another port of the same host is another site.
func (s *Server) consoleOrigin(r *http.Request) bool {
	o, sent := browserOrigin(r)
	if !sent {
		return true
	}
	if o == nil {
		return false
	}
	if strings.EqualFold(o.Host, r.Host) {
		return true
	}
	if s.PublicURL == "" {
		return false
	}
	pub, err := url.Parse(s.PublicURL)
	return err == nil && pub.Host != "" && strings.EqualFold(o.Scheme, pub.Scheme) && strings.EqualFold(o.Host, pub.Host)
}

// withConsolePasskeys gives a request on the console project the
// console's relying party for its passkey ceremonies: the host the
// console is served from (GATEHOUSE_PUBLIC_URL's, else the request's,
// as consoleOrigin decides), and as the only origins those consoleOrigin
// lets write: the request's host and port, and the public URL's origin.
// The passkey package still requires a secure context and an origin
// within the relying party's domain.
func (s *Server) withConsolePasskeys(r *http.Request) *http.Request {
	rpID := hostOnly(r.Host)
	origins := []string{"https://" + r.Host, "http://" + r.Host}
	if s.PublicURL != "" {
		if pub, err := url.Parse(s.PublicURL); err == nil && pub.Host != "" {
			rpID = pub.Hostname()
			origins = append(origins, strings.ToLower(pub.Scheme)+"://"+pub.Host)
		}
	}
	return r.WithContext(passkey.WithConsole(r.Context(), rpID, origins))
}

// auditConsole records a console administrator's change, made through
// the console (a Projects, admins, jobs or admin-mode Users API route
// that answered without error), in the administrator's own security log
// and the server log. The Users API also writes the change to the
// changed user's log, naming the administrator (account.Actor.Console).
func (s *Server) auditConsole(c *call) {
	if c.r.Method == http.MethodGet || c.r.Method == http.MethodHead {
		return // reads change nothing
	}
	ev := consoleEvent(c)
	s.Accounts.Audit(c.ctx(), c.console, ev, account.Actor{Client: *c.clientInfo()})
	s.Log.InfoContext(c.ctx(), "console action", "admin", c.console.ID, "email", c.console.Email, "event", ev)
}

// consoleEvent names a console change after its route: the path's
// segments, placeholders filled in, and the verb: "projects.p1.keys.create",
// "projects.p1.users.u1.status.update" (admin mode names the project).
func consoleEvent(c *call) string {
	_, path, _ := strings.Cut(c.r.Pattern, " ")
	var parts []string
	if c.project != nil && c.project.ID != project.Console {
		parts = append(parts, "projects", c.project.ID)
	}
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/v1/"), "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			seg = c.r.PathValue(strings.TrimSuffix(name, "}"))
		}
		if seg != "" {
			parts = append(parts, seg)
		}
	}
	verb := map[string]string{http.MethodPost: "create", http.MethodPut: "update", http.MethodPatch: "update",
		http.MethodDelete: "delete"}[c.r.Method]
	return strings.Join(append(parts, verb), ".")
}
