package httpapi

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/oauth"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// stateLifetime bounds how long a person may take at the provider.
const stateLifetime = 15 * time.Minute

// OAuth2 error kinds (Appwrite's).
var (
	errProviderError = &apperr.Kind{Type: "user_oauth2_provider_error", Status: 424, Msg: "Failed to obtain access token. The OAuth2 provider returned an error."}
	errOAuthBad      = &apperr.Kind{Type: "user_oauth2_bad_request", Status: 400, Msg: "The OAuth2 provider rejected the request."}
	errOAuthUnauth   = &apperr.Kind{Type: "user_oauth2_unauthorized", Status: 401, Msg: "The OAuth2 provider refused the credentials."}
	errMissingID     = &apperr.Kind{Type: "user_missing_id", Status: 400, Msg: "The OAuth2 provider returned no user id."}
)

func (s *Server) oauthRoutes() {
	start := route{scope: "sessions.write", htmlErrors: true, limits: []ratelimit.Rule{perHour(50, "ip:{ip}")}}
	s.handle("GET /v1/account/sessions/oauth2/{provider}", start, s.startOAuth(flowSession))
	s.handle("GET /v1/account/tokens/oauth2/{provider}", start, s.startOAuth(flowToken))
	// Gatehouse's own: the signed-in user adds a provider to its account,
	// with MFA on after a fresh second factor like every change of the
	// ways in. Signing in never links (see docs/linking.md).
	s.handle("GET /v1/account/identities/oauth2/{provider}", route{scope: "account", needsSess: true, fresh: freshIfMFA,
		htmlErrors: true, limits: []ratelimit.Rule{perHour(50, "ip:{ip}")}}, s.startOAuth(flowLink))
	cb := route{noProject: true, htmlErrors: true}
	s.handle("GET /v1/account/sessions/oauth2/callback/{provider}/{projectId}", cb, s.oauthCallback)
	// Apple answers with a form POST from its own origin.
	s.handle("POST /v1/account/sessions/oauth2/callback/{provider}/{projectId}", cb, s.oauthCallbackPost)

	s.handle("GET /v1/account/identities", route{scope: "account", asTarget: true}, s.listMyIdentities)
	s.handle("DELETE /v1/account/identities/{identityId}", route{scope: "account", fresh: freshIfMFA}, s.deleteMyIdentity)
	s.handle("POST /v1/account/identities/link", route{scope: "account", fresh: freshIfMFA,
		limits: []ratelimit.Rule{perHour(10, "url:{url},userId:{userId}")}}, s.confirmLink)
	s.handle("GET /v1/users/identities", route{scope: "users.read"}, s.listAllIdentities)
}

// callbackURL is where the provider sends people back: Appwrite's own
// path, so an app moving over keeps its provider registrations.
func (s *Server) callbackURL(r *http.Request, provider, projectID string) string {
	base := s.PublicURL
	if base == "" {
		scheme := "http"
		if s.isHTTPS(r) {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return strings.TrimSuffix(base, "/") + "/v1/account/sessions/oauth2/callback/" + url.PathEscape(provider) + "/" + url.PathEscape(projectID)
}

// providerFor builds the project's configured provider.
func (s *Server) providerFor(r *http.Request, p *storage.Project, name string, scopes []string) (oauth.Provider, error) {
	if !slices.Contains(oauth.Names(), name) {
		return nil, apperr.Invalid("provider", "Value must be one of the supported OAuth2 providers")
	}
	app := p.Settings.OAuth[name]
	if !app.Enabled || app.AppID == "" || app.Secret == "" {
		return nil, apperr.New(apperr.ProviderDisabled)
	}
	redirect := s.callbackURL(r, name, p.ID)
	key := providerKey(p.ID, name, app.AppID, app.Secret+"\x00"+optionsText(app.Options), redirect, scopes)
	if prov, ok := s.providers.get(key); ok {
		return prov, nil
	}
	raw, err := s.Seal.Open(app.Secret)
	if err != nil {
		return nil, err
	}
	clientSecret, extra, err := oauth.ParseSecret(name, raw)
	if err != nil {
		return nil, apperr.Wrap(apperr.ProviderDisabled, err)
	}
	extra = withOptions(extra, app.Options)
	prov, err := oauth.New(name, oauth.Config{ClientID: app.AppID, ClientSecret: clientSecret, Extra: extra,
		RedirectURL: redirect, Scopes: scopes}, s.OAuthClient)
	switch {
	case errors.Is(err, oauth.ErrUnsupported):
		return nil, apperr.New(apperr.ProviderUnsupported)
	case err != nil:
		return nil, apperr.Wrap(apperr.ProviderDisabled, err)
	}
	s.providers.put(key, prov)
	return prov, nil
}

// What an OAuth2 flow ends in.
type flow int

const (
	flowSession flow = iota // a session of the provider's account
	flowToken               // a token for it on the success URL
	flowLink                // the identity added to the signed-in account
)

func (s *Server) startOAuth(mode flow) handlerFunc {
	return func(c *call) error {
		name := c.r.PathValue("provider")
		success, err := c.redirectParam("success", true)
		if err != nil {
			return err
		}
		failure, err := c.redirectParam("failure", false)
		if err != nil {
			return err
		}
		if failure == "" {
			failure = success
		}
		scopes, _, err := c.p.strings("scopes")
		if err != nil {
			return err
		}
		if len(scopes) > 100 {
			return apperr.Invalid("scopes", "Value must be an array of at most 100 scopes")
		}
		for _, sc := range scopes {
			if len(sc) == 0 || len(sc) > 4096 {
				return apperr.Invalid("scopes", "Each scope must be 1 to 4096 characters")
			}
		}
		prov, err := s.providerFor(c.r, c.project.Project, name, scopes)
		if err != nil {
			return err
		}
		st := &storage.OAuthState{Provider: name, Success: success, Failure: failure, Token: mode == flowToken, Scopes: scopes}
		if mode == flowLink {
			// The route admits only a real session (needsSess), and only
			// one of the device's own accounts: a session a sibling
			// subdomain planted in Appwrite's cookie must not collect the
			// victim's provider account.
			if !c.sessionOnDevice() {
				return errNotOnDevice
			}
			st.LinkUserID, st.LinkSession = c.caller.User.ID, c.caller.Session.ID
		}
		verifier := ""
		if oauth.SupportsPKCE(name) {
			verifier = oauth2.GenerateVerifier()
			st.Verifier = s.Seal.Seal(verifier)
		}
		if d, ok := prov.(oauth.Discoverer); ok {
			if err := d.Discover(c.ctx()); err != nil {
				return oauthFailure(c, st, apperr.Wrap(errProviderError, err))
			}
		}
		state := secret.Hex(32)
		if st.ByServer = c.key != nil; st.ByServer && mode != flowToken {
			return apperr.Newf(apperr.ArgumentInvalid, "A server starts the token flow (createOAuth2Token); a session flow is started by the browser itself.")
		}
		if !st.ByServer {
			s.bindBrowser(c, st, state, name)
		}
		if err := s.Store.SaveOAuthState(c.ctx(), secret.Hash(state), c.project.ID, st, s.Now().Add(stateLifetime)); err != nil {
			return err
		}
		noStore(c.w)
		http.Redirect(c.w, c.r, prov.AuthCodeURL(state, verifier), http.StatusMovedPermanently)
		return nil
	}
}

func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0")
	w.Header().Set("Pragma", "no-cache")
}

// oauthFailure sends the browser to the failure URL with Appwrite's
// error JSON, or shows the error page when there is none.
func oauthFailure(c *call, st *storage.OAuthState, err error) error {
	var ae *apperr.Error
	if st == nil || st.Failure == "" || !errors.As(err, &ae) {
		return err
	}
	if ae.Err != nil {
		c.s.Log.WarnContext(c.ctx(), "oauth2 sign-in failed", "provider", st.Provider, "type", ae.Kind.Type, "err", ae.Err)
	}
	b, _ := json.Marshal(map[string]any{"message": ae.Message(), "type": ae.Kind.Type, "code": ae.Kind.Status})
	params := map[string]string{"error": string(b)}
	var ls *account.LinkSuggestion
	if errors.As(err, &ls) {
		params["linkToken"] = ls.Token
	}
	noStore(c.w)
	http.Redirect(c.w, c.r, withParams(st.Failure, params), http.StatusMovedPermanently)
	return nil
}

func withParams(raw string, params map[string]string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (s *Server) oauthCallback(c *call) error {
	var err error
	if c.p, err = readParams(c.w, c.r); err != nil {
		return err
	}
	name, pid := c.r.PathValue("provider"), c.r.PathValue("projectId")
	stateRaw, _, _ := c.p.str("state")
	if stateRaw == "" || len(stateRaw) > 256 {
		return apperr.Newf(apperr.ArgumentInvalid, "The sign-in state is missing.")
	}
	statePID, st, err := s.Store.TakeOAuthState(c.ctx(), secret.Hash(stateRaw), s.Now())
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.Newf(apperr.ArgumentInvalid, "The sign-in has expired or was already used; start again.")
	}
	if err != nil {
		return err
	}
	if statePID != pid || st.Provider != name || st.Suggested != nil {
		return apperr.Newf(apperr.ArgumentInvalid, "The sign-in state does not belong to this provider.")
	}
	if c.project, err = s.Projects.Lookup(c.ctx(), pid); err != nil {
		return err
	}
	if err := s.checkBrowser(c, st, stateRaw, name, pid); err != nil {
		return oauthFailure(c, st, err)
	}
	var linker *account.Caller
	if st.LinkUserID != "" {
		if linker, err = s.linkingCaller(c, st); err != nil {
			return oauthFailure(c, st, err)
		}
	}
	if e, _, _ := c.p.str("error"); e != "" {
		desc, _, _ := c.p.str("error_description")
		return oauthFailure(c, st, apperr.Newf(errProviderError, "The %s OAuth2 provider returned an error: %s %s", name, clip(e), clip(desc)))
	}
	code, _, _ := c.p.str("code")
	if code == "" {
		return oauthFailure(c, st, apperr.Newf(errProviderError, "The %s OAuth2 provider returned no code.", name))
	}
	prov, err := s.providerFor(c.r, c.project.Project, name, st.Scopes)
	if err != nil {
		return oauthFailure(c, st, err)
	}
	verifier := ""
	if st.Verifier != "" {
		if verifier, err = s.Seal.Open(st.Verifier); err != nil {
			return err
		}
	}
	tok, err := prov.Exchange(c.ctx(), code, verifier)
	if err != nil {
		return oauthFailure(c, st, providerErr(err))
	}
	id, err := prov.Identity(c.ctx(), tok)
	if err != nil {
		return oauthFailure(c, st, providerErr(err))
	}
	pi := account.ProviderIdentity{Provider: name, UID: id.ProviderUID, Email: id.Email, EmailVerified: id.EmailVerified,
		Name: id.Name, AccessToken: id.AccessToken, RefreshToken: id.RefreshToken, Expiry: id.Expiry}
	if name == "apple" && pi.Name == "" {
		if u, _, _ := c.p.str("user"); u != "" {
			pi.Name = oauth.AppleUserName(u)
		}
	}
	if linker != nil {
		if _, err := s.Accounts.LinkOAuth(c.ctx(), c.project.Project, linker, pi, c.actor(), s.undoURL(pid)); err != nil {
			return oauthFailure(c, st, err)
		}
		noStore(c.w)
		http.Redirect(c.w, c.r, st.Success, http.StatusMovedPermanently)
		return nil
	}
	res, err := s.Accounts.SignInOAuth(c.ctx(), c.project.Project, pi, st.Token, c.actor())
	if err != nil {
		return oauthFailure(c, st, err)
	}
	noStore(c.w)
	if st.Token {
		http.Redirect(c.w, c.r, withParams(st.Success, map[string]string{"secret": res.Token.Secret, "userId": res.User.ID}), http.StatusMovedPermanently)
		return nil
	}
	s.endReplacedSession(c, res.Session.ID)
	c.setSessionCookies(res.Session.Credential, res.Session.Expire)
	http.Redirect(c.w, c.r, st.Success, http.StatusMovedPermanently)
	return nil
}

func clip(v string) string {
	if len(v) > 200 {
		v = v[:200]
	}
	return v
}

// providerErr maps provider failures to Appwrite's OAuth2 errors.
func providerErr(err error) error {
	switch {
	case errors.Is(err, oauth.ErrMissingID):
		return apperr.Wrap(errMissingID, err)
	case errors.Is(err, oauth.ErrBadRequest):
		return apperr.Wrap(errOAuthBad, err)
	case errors.Is(err, oauth.ErrUnauthorized):
		return apperr.Wrap(errOAuthUnauth, err)
	}
	return apperr.Wrap(errProviderError, err)
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Sign-in failed</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:4rem auto">
<h1>Sign-in failed</h1><p>{{.Message}}</p><p><code>{{.Type}}</code> ({{.Code}})</p>
</body></html>`))

// writeHTMLError renders an OAuth2 route's error as a page, as Appwrite
// does for browser navigations.
func writeHTMLError(w http.ResponseWriter, status int, body errorBody) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
	errorPage.Execute(w, body)
}

// Identity models.

type identityModel struct {
	ID                        string `json:"$id"`
	CreatedAt                 string `json:"$createdAt"`
	UpdatedAt                 string `json:"$updatedAt"`
	UserID                    string `json:"userId"`
	Provider                  string `json:"provider"`
	ProviderUID               string `json:"providerUid"`
	ProviderEmail             string `json:"providerEmail"`
	ProviderAccessToken       string `json:"providerAccessToken"`
	ProviderAccessTokenExpiry string `json:"providerAccessTokenExpiry"`
	ProviderRefreshToken      string `json:"providerRefreshToken"`
	// ProfileData is the linked account's profile (Gatehouse's linking);
	// null for identities that were never merged in.
	ProfileData json.RawMessage `json:"profileData"`
	// Passkey is a passkey identity's name and authenticator type.
	Passkey *identityPasskeyModel `json:"passkey,omitempty"`
}

// identityOf renders an identity. Its provider refresh token is a
// long-lived credential at the provider: API keys read it, a client
// (session or JWT) never does, as with every other secret.
func (c *call) identityOf(id *storage.Identity) identityModel {
	m := identityModel{ID: id.ID, CreatedAt: when(id.CreatedAt), UpdatedAt: when(id.UpdatedAt), UserID: id.UserID,
		Provider: id.Provider, ProviderUID: id.ProviderUID, ProviderEmail: id.ProviderEmail,
		ProviderAccessToken: c.providerAccess(id.ProviderAccessToken, id.UserID), ProviderAccessTokenExpiry: when(id.ProviderAccessTokenExpiry),
		ProviderRefreshToken: c.providerSecret(id.ProviderRefreshToken), ProfileData: account.PublicProfile(id.ProfileData)}
	if m.ProfileData == nil {
		m.ProfileData = json.RawMessage("null")
	}
	m.Passkey = c.passkeyOfIdentity(id)
	return m
}

type identityListModel struct {
	Total      int             `json:"total"`
	Identities []identityModel `json:"identities"`
}

// identitySchema is what the identity lists may filter and order on.
var identitySchema = query.Schema{"userId": query.String, "provider": query.String, "providerUid": query.String,
	"providerEmail": query.String, "providerAccessTokenExpiry": query.Datetime}

// identityList serves both identity lists; userID, when set, confines it
// to that user's identities whatever the queries say.
func (s *Server) identityList(c *call, userID string) error {
	q, err := listQuery(c, identitySchema)
	if err != nil {
		return err
	}
	list, total, err := s.Accounts.FindIdentities(c.ctx(), c.project.ID, userID, q)
	if err != nil {
		return err
	}
	if off, _, _ := c.p.boolean("total"); c.p.has("total") && !off {
		total = 0 // 1.8: total=false skips counting
	}
	out := identityListModel{Total: total, Identities: make([]identityModel, len(list))}
	for i, id := range list {
		out.Identities[i] = c.identityOf(id)
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) listMyIdentities(c *call) error  { return s.identityList(c, c.user().ID) }
func (s *Server) listAllIdentities(c *call) error { return s.identityList(c, "") }

func (s *Server) deleteMyIdentity(c *call) error {
	if err := s.Accounts.DeleteIdentity(c.ctx(), c.project.ID, c.user().ID, c.r.PathValue("identityId")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) deleteAnyIdentityID(c *call, id string) error {
	if err := s.Accounts.DeleteIdentity(c.ctx(), c.project.ID, "", id); err != nil {
		return err
	}
	return c.noContent()
}

// confirmLink adds the identity a "suggested" sign-in held back, once the
// signed-in owner of the account confirms it with the link token.
func (s *Server) confirmLink(c *call) error {
	tok, err := c.p.required("linkToken")
	if err != nil {
		return err
	}
	if !c.caller.ByJWT && !c.sessionOnDevice() {
		return errNotOnDevice
	}
	i, err := s.Accounts.ConfirmLink(c.ctx(), c.project.Project, c.me(), tok, c.actor(), s.undoURL(c.project.ID))
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, c.identityOf(i))
}
