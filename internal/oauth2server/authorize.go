package oauth2server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// loginWindow is how fresh a session must be after /authorize sent the
// browser to sign in again (prompt=login): the consent page's sign-in
// comes back within it.
const loginWindow = 120

// Outcome is where /authorize sends the browser.
type Outcome struct {
	// RedirectURL goes to the client (a code, an ID token or an RFC 6749
	// error) when ToClient, else to the project's consent page.
	RedirectURL string
	ToClient    bool
	// GrantID is set when the user must answer on the consent page.
	GrantID string
	// NeedLogin: no usable session; RedirectURL is the consent page with
	// the request's parameters, for it to sign the user in.
	NeedLogin bool
}

// redirectError is an RFC 6749 error for the client's redirect URI.
func redirectError(req *AuthRequest, code, desc string) *Outcome {
	v := url.Values{"error": {code}}
	if desc != "" {
		v.Set("error_description", desc)
	}
	if req.State != "" {
		v.Set("state", req.State)
	}
	return &Outcome{RedirectURL: withParams(req.RedirectURI, v, fragmentMode(req.ResponseType)), ToClient: true}
}

func fragmentMode(responseType string) bool { return strings.Contains(responseType, "id_token") }

// withParams adds v to the query (or the fragment) of u.
func withParams(u string, v url.Values, fragment bool) string {
	if fragment {
		return u + "#" + v.Encode()
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := parsed.Query()
	for k, vs := range v {
		q[k] = vs
	}
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

func invalidRequest(format string, args ...any) error {
	return apperr.Newf(apperr.OAuth2InvalidRequest, format, args...)
}

// Authorize handles an authorization request. Errors returned are
// Appwrite errors for requests whose client or redirect URI cannot be
// trusted (never a redirect); once the redirect URI is known to be the
// client's, problems go back to it as RFC 6749 errors in the Outcome.
func (s *Service) Authorize(ctx context.Context, p *storage.Project, v url.Values, sub *Subject) (*Outcome, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	set := p.Settings.OAuth2Server
	if v.Get("request_uri") != "" {
		return s.authorizePushed(ctx, p, v, sub)
	}
	client, err := s.client(ctx, p.ID, v.Get("client_id"))
	if err != nil {
		if errors.Is(err, ErrUnknownClient) {
			return nil, invalidRequest("Unknown or disabled client_id.")
		}
		return nil, err
	}
	if !slices.Contains(client.RedirectURIs, v.Get("redirect_uri")) {
		return nil, invalidRequest("redirect_uri is not one of the client's registered redirect URIs.")
	}
	req, perr := ParseAuthRequest(v)
	if perr != nil {
		// The redirect URI is the client's: the error may go there.
		fallback := &AuthRequest{RedirectURI: v.Get("redirect_uri"), State: v.Get("state"), ResponseType: v.Get("response_type")}
		if len(v["state"]) > 1 || len(fallback.State) > maxParam {
			fallback.State = ""
		}
		return redirectError(fallback, perr.Code, perr.Desc), nil
	}
	return s.authorizeParsed(ctx, p, set, client, req, sub)
}

func (s *Service) authorizeParsed(ctx context.Context, p *storage.Project, set storage.OAuth2ServerSettings, client *Client, req *AuthRequest, sub *Subject) (*Outcome, error) {
	if o := checkRequest(set, client, req); o != nil {
		return o, nil
	}
	now := s.now()
	fresh := sub != nil && sub.User != nil
	if fresh && req.MaxAge >= 0 && (sub.AuthTime.IsZero() || now.Sub(sub.AuthTime) > time.Duration(req.MaxAge)*time.Second) {
		fresh = false
	}
	if fresh && slices.Contains(req.Prompt, "login") {
		fresh = false
	}
	if !fresh {
		if slices.Contains(req.Prompt, "none") {
			return redirectError(req, "login_required", "The user is not signed in."), nil
		}
		return &Outcome{NeedLogin: true, RedirectURL: withParams(set.AuthorizationURL, loginParams(req), false)}, nil
	}
	consent, err := s.store.OAuth2ConsentFor(ctx, p.ID, sub.User.ID, client.ID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	covered := consent != nil && subset(req.Scopes, consent.Scopes) && subset(req.Resources, consent.Resources) &&
		detailsSubset(req.AuthorizationDetails, consent.AuthorizationDetails)
	if covered && !slices.Contains(req.Prompt, "consent") && !slices.Contains(req.Prompt, "select_account") {
		return s.issue(ctx, p, client, req, sub, consent.ID)
	}
	if slices.Contains(req.Prompt, "none") {
		return redirectError(req, "consent_required", "The user has not consented to this request."), nil
	}
	g, err := s.newGrant(ctx, p.ID, client, req, sub, "")
	if err != nil {
		return nil, err
	}
	return &Outcome{GrantID: g.ID, RedirectURL: withParams(set.AuthorizationURL, url.Values{"grant_id": {g.ID}}, false)}, nil
}

// loginParams are the request's parameters for the consent page's
// sign-in. prompt=login becomes a max_age the fresh sign-in meets, so
// the page's call back to /authorize does not ask for another sign-in.
func loginParams(req *AuthRequest) url.Values {
	r := *req
	if slices.Contains(r.Prompt, "login") {
		r.Prompt = slices.DeleteFunc(slices.Clone(r.Prompt), func(p string) bool { return p == "login" })
		if r.MaxAge < 0 || r.MaxAge > loginWindow {
			r.MaxAge = loginWindow
		}
	}
	return r.values()
}

// checkRequest checks a parsed request against the project and client;
// a problem is an RFC 6749 error for the client's redirect URI.
func checkRequest(set storage.OAuth2ServerSettings, client *Client, req *AuthRequest) *Outcome {
	// The order of the values does not matter (OAuth 2.0 Multiple
	// Response Types); the answer's mode follows from them.
	types := strings.Fields(req.ResponseType)
	slices.Sort(types)
	switch rt := strings.Join(types, " "); rt {
	case "code", "id_token", "code id_token":
		req.ResponseType = rt
	default:
		return redirectError(req, "unsupported_response_type", "response_type must be code, id_token or code id_token.")
	}
	if !req.ScopeSent {
		req.Scopes = slices.Clone(set.DefaultScopes)
	}
	for _, sc := range req.Scopes {
		if !knownScope(set, sc) {
			return redirectError(req, "invalid_scope", "Unknown scope "+sc+".")
		}
	}
	hasIDToken := strings.Contains(req.ResponseType, "id_token")
	if hasIDToken && !slices.Contains(req.Scopes, "openid") {
		return redirectError(req, "invalid_scope", "An id_token response needs the openid scope.")
	}
	if hasIDToken && req.Nonce == "" {
		return redirectError(req, "invalid_request", "nonce is required when the response includes an id_token.")
	}
	hasCode := strings.Contains(req.ResponseType, "code")
	if req.CodeChallenge != "" || req.CodeChallengeMethod != "" {
		if req.CodeChallengeMethod != "S256" {
			return redirectError(req, "invalid_request", "code_challenge_method must be S256; plain is not accepted.")
		}
		if !validChallenge(req.CodeChallenge) {
			return redirectError(req, "invalid_request", "code_challenge must be a base64url SHA-256 hash.")
		}
	} else if hasCode && (client.Public || set.ConfidentialPKCE) {
		return redirectError(req, "invalid_request", "PKCE (code_challenge with S256) is required.")
	}
	if req.AuthorizationDetails != "" {
		norm, perr := ParseAuthorizationDetails(req.AuthorizationDetails, append([]string{}, set.AuthorizationDetailsTypes...))
		if perr != nil {
			return redirectError(req, perr.Code, perr.Desc)
		}
		req.AuthorizationDetails = norm
	}
	return nil
}

// validChallenge: RFC 7636 S256 challenges are 43 base64url characters.
func validChallenge(c string) bool {
	if len(c) != 43 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (s *Service) newGrant(ctx context.Context, projectID string, client *Client, req *AuthRequest, sub *Subject, deviceID string) (*storage.OAuth2Grant, error) {
	raw, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode oauth2 request: %w", err)
	}
	now := s.nowUTC()
	prompt := strings.Join(req.Prompt, " ")
	g := &storage.OAuth2Grant{ProjectID: projectID, ID: secret.Hex(16), UserID: sub.User.ID, SessionID: sub.SessionID,
		ClientID: client.ID, DeviceID: deviceID, Request: string(raw), Scopes: req.Scopes, Resources: req.Resources,
		AuthorizationDetails: req.AuthorizationDetails, Prompt: prompt, RedirectURI: req.RedirectURI,
		AuthTime: sub.AuthTime.UTC().Truncate(time.Microsecond), CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(GrantTTL)}
	if err := s.store.CreateOAuth2Grant(ctx, g); err != nil {
		return nil, err
	}
	return g, nil
}

// Grant returns a live grant for the consent page. userID "" (an API key
// caller) may read any grant of the project; a user only their own.
func (s *Service) Grant(ctx context.Context, p *storage.Project, userID, id string) (*storage.OAuth2Grant, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	g, err := s.store.GetOAuth2Grant(ctx, p.ID, id, s.now())
	if errors.Is(err, storage.ErrNotFound) || err == nil && userID != "" && g.UserID != userID {
		return nil, apperr.New(apperr.OAuth2GrantNotFound)
	}
	return g, err
}

// Answer is the consent page's approval: the scopes and details it
// grants, narrower than asked or nil to keep what was asked.
type Answer struct {
	Scopes    []string
	ScopeSent bool
	// Details: nil keeps the requested authorization_details; "" too;
	// "[]" grants none.
	Details *string
}

// Approve answers a grant yes: it records the consent and returns where
// the browser goes (the client, with a code and/or an ID token; "" for
// a device grant).
func (s *Service) Approve(ctx context.Context, p *storage.Project, sub *Subject, grantID string, a Answer) (string, error) {
	if err := enabled(p); err != nil {
		return "", err
	}
	set := p.Settings.OAuth2Server
	g, err := s.store.GetOAuth2Grant(ctx, p.ID, grantID, s.now())
	if errors.Is(err, storage.ErrNotFound) || err == nil && g.UserID != sub.User.ID {
		return "", apperr.New(apperr.OAuth2GrantNotFound)
	}
	if err != nil {
		return "", err
	}
	var req AuthRequest
	if err := json.Unmarshal([]byte(g.Request), &req); err != nil {
		return "", fmt.Errorf("decode oauth2 grant: %w", err)
	}
	scopes := g.Scopes
	if a.ScopeSent {
		if !subset(a.Scopes, g.Scopes) {
			return "", apperr.Newf(apperr.OAuth2InvalidScope, "scope may only narrow the requested scopes.")
		}
		// Identity scopes are the sign-in itself: never narrowed away.
		scopes = nil
		for _, sc := range g.Scopes {
			if slices.Contains(a.Scopes, sc) || slices.Contains(IdentityScopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	details := g.AuthorizationDetails
	if a.Details != nil && *a.Details != "" {
		norm, perr := ParseAuthorizationDetails(*a.Details, append([]string{}, set.AuthorizationDetailsTypes...))
		if perr != nil {
			return "", invalidRequest("%s", perr.Desc)
		}
		if !detailsSubset(norm, g.AuthorizationDetails) {
			return "", invalidRequest("authorization_details may only narrow the requested ones.")
		}
		details = norm
	}
	client, err := s.client(ctx, p.ID, g.ClientID)
	if err != nil {
		if errors.Is(err, ErrUnknownClient) {
			return "", invalidRequest("The client is no longer available.")
		}
		return "", err
	}
	// Single use: taking the grant is the commit point.
	if _, err := s.store.TakeOAuth2Grant(ctx, p.ID, sub.User.ID, g.ID, s.now()); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return "", apperr.New(apperr.OAuth2GrantNotFound)
		}
		return "", err
	}
	now := s.nowUTC()
	consent, err := s.store.SaveOAuth2Consent(ctx, &storage.OAuth2Consent{ProjectID: p.ID, ID: secret.ID(), UserID: sub.User.ID,
		ClientID: client.ID, CIMD: client.CIMD, Scopes: scopes, Resources: g.Resources, AuthorizationDetails: details,
		CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return "", err
	}
	if g.DeviceID != "" {
		return "", s.approveDevice(ctx, p.ID, g, sub, consent, scopes, details)
	}
	req.Scopes, req.AuthorizationDetails = scopes, details
	// The grant's session and sign-in time are those of the authorize
	// request, not of the approving call.
	grantSub := *sub
	grantSub.SessionID, grantSub.AuthTime = g.SessionID, g.AuthTime
	if grantSub.SessionID == "" {
		grantSub.SessionID = sub.SessionID
	}
	o, err := s.issue(ctx, p, client, &req, &grantSub, consent.ID)
	if err != nil {
		return "", err
	}
	return o.RedirectURL, nil
}

// Reject answers a grant no: the client gets access_denied.
func (s *Service) Reject(ctx context.Context, p *storage.Project, sub *Subject, grantID string) (string, error) {
	if err := enabled(p); err != nil {
		return "", err
	}
	g, err := s.store.TakeOAuth2Grant(ctx, p.ID, sub.User.ID, grantID, s.now())
	if errors.Is(err, storage.ErrNotFound) {
		return "", apperr.New(apperr.OAuth2GrantNotFound)
	}
	if err != nil {
		return "", err
	}
	if g.DeviceID != "" {
		return "", s.denyDevice(ctx, p.ID, g.DeviceID)
	}
	var req AuthRequest
	if err := json.Unmarshal([]byte(g.Request), &req); err != nil {
		return "", fmt.Errorf("decode oauth2 grant: %w", err)
	}
	return redirectError(&req, "access_denied", "The user denied the request.").RedirectURL, nil
}
