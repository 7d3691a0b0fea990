package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// oauth2Routes registers the OAuth2 server: the issuer's endpoints, the
// project settings and the consents of the Account and Users APIs.
func (s *Server) oauth2Routes() {
	s.oauth2 = oauth2server.New(s.Store, s.OAuth2Clients, s.Seal, s.OAuth2UserCodes, s.Now, s.oauth2Base())

	const iss = "/v1/oauth2/{projectId}"
	perURLIP := []ratelimit.Rule{oneMinute(60, "url:{url},ip:{ip}")}
	browse := issuerRoute{session: true, limits: perURLIP}
	consent := func(n int) issuerRoute {
		return issuerRoute{session: true, sameOrigin: true, limits: []ratelimit.Rule{oneMinute(n, "url:{url},ip:{ip},userId:{userId}")}}
	}
	token := issuerRoute{rfc: true, limits: perURLIP}
	open := issuerRoute{rfc: true}

	s.issuerHandle("GET "+iss+"/.well-known/openid-configuration", open, s.oauth2Discovery)
	s.issuerHandle("GET "+iss+"/.well-known/oauth-authorization-server", open, s.oauth2Discovery)
	s.issuerHandle("GET "+iss+"/.well-known/jwks.json", open, s.oauth2JWKS)
	s.issuerHandle("GET "+iss+"/authorize", browse, s.oauth2Authorize)
	s.issuerHandle("POST "+iss+"/authorize", browse, s.oauth2Authorize)
	s.issuerHandle("POST "+iss+"/par", issuerRoute{limits: perURLIP}, s.oauth2PAR)
	s.issuerHandle("GET "+iss+"/grants/{grantId}", consent(60), s.oauth2GetGrant)
	// User codes are short: besides Appwrite's limit per address and
	// user, one per user alone, so guesses spread over addresses do not
	// add up.
	userCodes := consent(10)
	userCodes.limits = append(userCodes.limits, oneMinute(20, "url:{url},userId:{userId}"))
	s.issuerHandle("POST "+iss+"/grants", userCodes, s.oauth2CreateGrant)
	s.issuerHandle("POST "+iss+"/approve", consent(10), s.oauth2Approve)
	s.issuerHandle("POST "+iss+"/reject", consent(10), s.oauth2Reject)
	s.issuerHandle("POST "+iss+"/token", token, s.oauth2Token)
	s.issuerHandle("POST "+iss+"/revoke", token, s.oauth2Revoke)
	s.issuerHandle("POST "+iss+"/introspect", issuerRoute{rfc: true, session: true, limits: perURLIP}, s.oauth2Introspect)
	s.issuerHandle("GET "+iss+"/userinfo", token, s.oauth2UserInfo)
	s.issuerHandle("POST "+iss+"/userinfo", token, s.oauth2UserInfo)
	s.issuerHandle("POST "+iss+"/device_authorization", token, s.oauth2DeviceAuthorization)
	s.issuerHandle("GET "+iss+"/logout", browse, s.oauth2Logout)
	s.issuerHandle("POST "+iss+"/logout", browse, s.oauth2Logout)

	s.oauth2SettingsRoutes()
	s.oauth2ConsentRoutes()
}

func (s *Server) oauth2Discovery(c *call) error {
	doc, err := s.oauth2.Discovery(c.project.Project)
	if err != nil {
		return err
	}
	c.w.Header().Set("Cache-Control", "public, max-age=300")
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return c.jsonRaw(http.StatusOK, b)
}

func (s *Server) oauth2JWKS(c *call) error {
	set, err := s.oauth2.JWKS(c.ctx(), c.project.Project)
	if err != nil {
		return err
	}
	// Short: a key published ahead of its use must reach caches within
	// the publish-ahead period (oauth2server.PublishAhead).
	c.w.Header().Set("Cache-Control", "public, max-age=300")
	b, err := json.Marshal(set)
	if err != nil {
		return err
	}
	return c.jsonRaw(http.StatusOK, b)
}

// authorizeModel is Appwrite's Oauth2Authorize: exactly one of the two is
// set.
type authorizeModel struct {
	GrantID     string `json:"grantId"`
	RedirectURL string `json:"redirectUrl"`
}

func (s *Server) oauth2Authorize(c *call) error {
	o, err := s.oauth2.Authorize(c.ctx(), c.project.Project, oauthValues(c), subject(c))
	if err != nil {
		return err
	}
	if !wantsJSON(c) {
		return c.redirectTo(o.RedirectURL)
	}
	switch {
	case o.NeedLogin:
		return oauth2server.NeedsSession()
	case o.GrantID != "":
		return c.noStoreJSON(http.StatusOK, authorizeModel{GrantID: o.GrantID})
	}
	return c.noStoreJSON(http.StatusOK, authorizeModel{RedirectURL: o.RedirectURL})
}

func (s *Server) oauth2PAR(c *call) error {
	v := oauthValues(c)
	cr, err := clientCredentials(c, v)
	if err != nil {
		return err
	}
	out, err := s.oauth2.Push(c.ctx(), c.project.Project, cr, v)
	if err != nil {
		return err
	}
	return c.noStoreJSON(http.StatusCreated, out)
}

// grantModel is Appwrite's Oauth2Grant.
type grantModel struct {
	ID                   string   `json:"$id"`
	CreatedAt            string   `json:"$createdAt"`
	UpdatedAt            string   `json:"$updatedAt"`
	UserID               string   `json:"userId"`
	AppID                string   `json:"appId"`
	Scopes               []string `json:"scopes"`
	Resources            []string `json:"resources"`
	AuthorizationDetails string   `json:"authorizationDetails"`
	Prompt               string   `json:"prompt"`
	RedirectURI          string   `json:"redirectUri"`
	AuthTime             int64    `json:"authTime"`
	Expire               string   `json:"expire"`
}

func grantOf(g *storage.OAuth2Grant) grantModel {
	m := grantModel{ID: g.ID, CreatedAt: when(g.CreatedAt), UpdatedAt: when(g.UpdatedAt), UserID: g.UserID, AppID: g.ClientID,
		Scopes: nonNil(g.Scopes), Resources: nonNil(g.Resources), AuthorizationDetails: g.AuthorizationDetails, Prompt: g.Prompt,
		RedirectURI: g.RedirectURI, Expire: when(g.ExpiresAt)}
	if m.AuthorizationDetails == "" {
		m.AuthorizationDetails = "[]"
	}
	if !g.AuthTime.IsZero() {
		m.AuthTime = g.AuthTime.Unix()
	}
	return m
}

// consentCaller is the user answering on the consent page: a session or
// JWT, never an API key.
func consentCaller(c *call) (*oauth2server.Subject, error) {
	sub := subject(c)
	if sub == nil {
		if c.key != nil {
			return nil, c.missingScopes("oauth2.write")
		}
		return nil, apperr.New(apperr.UserUnauthorized)
	}
	return sub, nil
}

func (s *Server) oauth2GetGrant(c *call) error {
	userID := ""
	switch {
	case c.key != nil:
		if !project.HasScope(c.key, "oauth2.read") {
			return c.missingScopes("oauth2.read")
		}
	case c.caller != nil:
		userID = c.caller.User.ID
	default:
		return apperr.New(apperr.UserUnauthorized)
	}
	g, err := s.oauth2.Grant(c.ctx(), c.project.Project, userID, c.r.PathValue("grantId"))
	if err != nil {
		return err
	}
	return c.noStoreJSON(http.StatusOK, grantOf(g))
}

func (s *Server) oauth2CreateGrant(c *call) error {
	sub, err := consentCaller(c)
	if err != nil {
		return err
	}
	code, err := c.p.required("user_code")
	if err != nil {
		return err
	}
	g, err := s.oauth2.DeviceGrant(c.ctx(), c.project.Project, sub, code)
	if err != nil {
		return err
	}
	return c.noStoreJSON(http.StatusCreated, grantOf(g))
}

func (s *Server) oauth2Approve(c *call) error {
	sub, err := consentCaller(c)
	if err != nil {
		return err
	}
	v := oauthValues(c)
	id := v.Get("grant_id")
	if id == "" {
		return apperr.Missing("grant_id")
	}
	var a oauth2server.Answer
	if _, sent := v["scope"]; sent {
		a.ScopeSent, a.Scopes = true, oauth2server.ParseScope(v.Get("scope"))
	}
	if d, sent := v["authorization_details"]; sent && len(d) == 1 {
		a.Details = &d[0]
	}
	u, err := s.oauth2.Approve(c.ctx(), c.project.Project, sub, id, a)
	if err != nil {
		return err
	}
	if !wantsJSON(c) && u != "" {
		return c.redirectTo(u)
	}
	return c.noStoreJSON(http.StatusOK, map[string]string{"redirectUrl": u})
}

func (s *Server) oauth2Reject(c *call) error {
	sub, err := consentCaller(c)
	if err != nil {
		return err
	}
	id := oauthValues(c).Get("grant_id")
	if id == "" {
		return apperr.Missing("grant_id")
	}
	u, err := s.oauth2.Reject(c.ctx(), c.project.Project, sub, id)
	if err != nil {
		return err
	}
	if !wantsJSON(c) && u != "" {
		return c.redirectTo(u)
	}
	return c.noStoreJSON(http.StatusOK, map[string]string{"redirectUrl": u})
}

func (s *Server) oauth2Token(c *call) error {
	v := oauthValues(c)
	cr, err := clientCredentials(c, v)
	if err != nil {
		return err
	}
	res := v["resource"]
	if a := v.Get("audience"); a != "" {
		res = append(res, a)
	}
	if _, perr := oauth2server.ParseResources(res, ""); perr != nil {
		return apperr.Newf(apperr.OAuth2InvalidTarget, "%s", perr.Desc)
	}
	out, err := s.oauth2.Token(c.ctx(), c.project.Project, cr, oauth2server.TokenRequest{GrantType: v.Get("grant_type"),
		Code: v.Get("code"), RedirectURI: v.Get("redirect_uri"), CodeVerifier: v.Get("code_verifier"),
		RefreshToken: v.Get("refresh_token"), DeviceCode: v.Get("device_code"), Resources: res})
	if err != nil {
		return err
	}
	return c.noStoreJSON(http.StatusOK, out)
}

func (s *Server) oauth2Revoke(c *call) error {
	v := oauthValues(c)
	cr, err := clientCredentials(c, v)
	if err != nil {
		return err
	}
	if err := s.oauth2.Revoke(c.ctx(), c.project.Project, cr, v.Get("token"), v.Get("token_type_hint")); err != nil {
		return err
	}
	return c.noStoreJSON(http.StatusOK, struct{}{})
}

func (s *Server) oauth2Introspect(c *call) error {
	v := oauthValues(c)
	anyKey := false
	var cr oauth2server.Credentials
	if c.key != nil {
		if !project.HasScope(c.key, "oauth2.introspect") {
			return c.missingScopes("oauth2.introspect")
		}
		anyKey = true
	} else {
		var err error
		if cr, err = clientCredentials(c, v); err != nil {
			return err
		}
	}
	out, err := s.oauth2.Introspect(c.ctx(), c.project.Project, cr, anyKey, v.Get("token"), v.Get("token_type_hint"))
	if err != nil {
		return err
	}
	return c.noStoreJSON(http.StatusOK, out)
}

func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

func (s *Server) oauth2UserInfo(c *call) error {
	tok := bearer(c.r)
	if tok == "" {
		return apperr.Newf(apperr.OAuth2InvalidToken, "An access token is required (Authorization: Bearer).")
	}
	claims, err := s.oauth2.UserInfo(c.ctx(), c.project.Project, tok)
	if err != nil {
		return err
	}
	return c.noStoreJSON(http.StatusOK, claims)
}

func (s *Server) oauth2DeviceAuthorization(c *call) error {
	v := oauthValues(c)
	cr, err := clientCredentials(c, v)
	if err != nil {
		return err
	}
	out, err := s.oauth2.DeviceAuthorize(c.ctx(), c.project.Project, cr, v)
	if err != nil {
		return err
	}
	return c.noStoreJSON(http.StatusOK, out)
}

// oauth2Logout is OpenID RP-Initiated Logout. With an id_token_hint of
// this issuer whose subject is the browser's signed-in user, that
// session ends; without one nothing is ended (a cross-site link cannot
// sign anyone out). The browser then goes to the client's registered
// post_logout_redirect_uri, with state.
func (s *Server) oauth2Logout(c *call) error {
	v := oauthValues(c)
	clientID := v.Get("client_id")
	sub := ""
	if hint := v.Get("id_token_hint"); hint != "" {
		var aud string
		var err error
		if sub, aud, err = s.oauth2.IDTokenHint(c.ctx(), c.project.Project, hint); err != nil {
			return err
		}
		if clientID != "" && clientID != aud {
			return apperr.Newf(apperr.OAuth2InvalidRequest, "client_id does not match the id_token_hint.")
		}
		clientID = aud
	}
	// The way back is checked before anything ends: a refused logout
	// changes nothing.
	to := ""
	if u := v.Get("post_logout_redirect_uri"); u != "" {
		if clientID == "" {
			return apperr.Newf(apperr.OAuth2InvalidRequest, "post_logout_redirect_uri needs id_token_hint or client_id.")
		}
		var err error
		if to, err = s.oauth2.LogoutRedirect(c.ctx(), c.project.Project, clientID, u, v.Get("state")); err != nil {
			return err
		}
	}
	if sub != "" && c.caller != nil && c.caller.Session != nil && !c.caller.ByJWT && c.caller.User.ID == sub {
		if _, err := s.Accounts.DeleteSession(c.ctx(), c.caller, "current", c.actor()); err != nil {
			return err
		}
		c.clearSessionCookies()
	}
	if to != "" {
		return c.redirectTo(to)
	}
	return c.noContent()
}
