package oauth2server

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// AccessToken is a verified, live access token.
type AccessToken struct {
	ProjectID            string
	UserID               string
	ClientID             string
	Scopes               []string
	Audience             []string
	AuthorizationDetails string
	FamilyID             string
	ConsentID            string
	IssuedAt             time.Time
	ExpiresAt            time.Time
	AuthTime             time.Time
	AMR                  []string
	JTI                  string
}

// HasScope reports whether the token carries scope.
func (t *AccessToken) HasScope(scope string) bool { return slices.Contains(t.Scopes, scope) }

type atClaims struct {
	Iss      string          `json:"iss"`
	Sub      string          `json:"sub"`
	Aud      json.RawMessage `json:"aud"`
	Exp      int64           `json:"exp"`
	Iat      int64           `json:"iat"`
	JTI      string          `json:"jti"`
	Scope    string          `json:"scope"`
	ClientID string          `json:"client_id"`
}

var errBadToken = errors.New("oauth2: invalid access token")

// Verify checks an access token of a project: its signature by one of the
// project's keys, typ at+jwt, issuer and expiry, and then its family (one
// indexed lookup): a revoked consent or family, a rotated-away token, a
// blocked or deleted user, all fail here at once, on every node. It
// returns apperr OAuth2InvalidToken for anything that does not verify.
// This is the check for Bearer tokens on Gatehouse's own API.
func (s *Service) Verify(ctx context.Context, projectID, token string) (*AccessToken, error) {
	p, err := s.store.GetProject(ctx, projectID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.OAuth2InvalidToken)
	}
	if err != nil {
		return nil, err
	}
	return s.VerifyIn(ctx, p, token)
}

// VerifyIn is Verify for a project already at hand.
func (s *Service) VerifyIn(ctx context.Context, p *storage.Project, token string) (*AccessToken, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	at, err := s.verify(ctx, p, token)
	if errors.Is(err, errBadToken) {
		return nil, apperr.New(apperr.OAuth2InvalidToken)
	}
	return at, err
}

func (s *Service) verify(ctx context.Context, p *storage.Project, token string) (*AccessToken, error) {
	if strings.Count(token, ".") != 2 || len(token) > 16<<10 {
		return nil, errBadToken
	}
	payload, typ, err := s.keys.verify(ctx, p.ID, p.Settings.OAuth2Server, token)
	if err != nil || !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
		return nil, errBadToken
	}
	var c atClaims
	if json.Unmarshal(payload, &c) != nil || c.Iss != s.issuer(p.ID) || c.JTI == "" {
		return nil, errBadToken
	}
	now := s.now()
	if now.Unix() >= c.Exp {
		return nil, errBadToken
	}
	f, err := s.store.OAuth2FamilyByAccess(ctx, p.ID, c.JTI, now)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errBadToken
	}
	if err != nil {
		return nil, err
	}
	if f.UserID != c.Sub || f.ClientID != c.ClientID {
		return nil, errBadToken
	}
	var aud []string
	if json.Unmarshal(c.Aud, &aud) != nil {
		var one string
		if json.Unmarshal(c.Aud, &one) == nil {
			aud = []string{one}
		}
	}
	return &AccessToken{ProjectID: p.ID, UserID: f.UserID, ClientID: f.ClientID, Scopes: f.Scopes, Audience: aud,
		AuthorizationDetails: f.AuthorizationDetails, FamilyID: f.ID, ConsentID: f.ConsentID, IssuedAt: time.Unix(c.Iat, 0),
		ExpiresAt: time.Unix(c.Exp, 0), AuthTime: f.AuthTime, AMR: f.AMR, JTI: c.JTI}, nil
}

// UserInfo returns the claims an access token's scopes release.
func (s *Service) UserInfo(ctx context.Context, p *storage.Project, token string) (map[string]any, error) {
	at, err := s.VerifyIn(ctx, p, token)
	if err != nil {
		return nil, err
	}
	if !at.HasScope("openid") {
		return nil, apperr.Newf(apperr.OAuth2InsufficientScope, "The access token was not granted the openid scope.")
	}
	u, err := s.store.GetUser(ctx, p.ID, at.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.OAuth2InvalidToken)
	}
	if err != nil {
		return nil, err
	}
	out := userClaims(u, at.Scopes)
	out["sub"] = u.ID
	return out, nil
}

// family finds the family a token belongs to, an access token (by its
// signature and jti, expired or not) or a refresh token (by hash).
func (s *Service) family(ctx context.Context, p *storage.Project, token, hint string) (*storage.OAuth2Family, error) {
	tryAccess := func() (*storage.OAuth2Family, error) {
		if strings.Count(token, ".") != 2 {
			return nil, storage.ErrNotFound
		}
		payload, _, err := s.keys.verify(ctx, p.ID, p.Settings.OAuth2Server, token)
		if err != nil {
			return nil, storage.ErrNotFound
		}
		var c atClaims
		if json.Unmarshal(payload, &c) != nil || c.JTI == "" {
			return nil, storage.ErrNotFound
		}
		return s.store.OAuth2FamilyByAccess(ctx, p.ID, c.JTI, time.Time{})
	}
	tryRefresh := func() (*storage.OAuth2Family, error) {
		return s.store.OAuth2FamilyByRefresh(ctx, p.ID, secret.Hash(token))
	}
	order := []func() (*storage.OAuth2Family, error){tryAccess, tryRefresh}
	if hint == "refresh_token" {
		order = []func() (*storage.OAuth2Family, error){tryRefresh, tryAccess}
	}
	for _, try := range order {
		f, err := try()
		if !errors.Is(err, storage.ErrNotFound) {
			return f, err
		}
	}
	return nil, storage.ErrNotFound
}

// Revoke is RFC 7009: the token's family dies, whichever of its tokens
// was presented. Unknown tokens and tokens of other clients are ignored:
// the answer is the same.
func (s *Service) Revoke(ctx context.Context, p *storage.Project, cr Credentials, token, hint string) error {
	if err := enabled(p); err != nil {
		return err
	}
	client, err := s.authenticate(ctx, p.ID, cr)
	if err != nil {
		return err
	}
	if token == "" {
		return invalidRequest("token is required.")
	}
	f, err := s.family(ctx, p, token, hint)
	if errors.Is(err, storage.ErrNotFound) || err == nil && f.ClientID != client.ID {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.store.DeleteOAuth2Family(ctx, p.ID, f.ID); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	return nil
}

// Introspection is RFC 7662's answer.
type Introspection struct {
	Active               bool            `json:"active"`
	Scope                string          `json:"scope,omitempty"`
	ClientID             string          `json:"client_id,omitempty"`
	Sub                  string          `json:"sub,omitempty"`
	Exp                  int64           `json:"exp,omitempty"`
	Iat                  int64           `json:"iat,omitempty"`
	Iss                  string          `json:"iss,omitempty"`
	Aud                  []string        `json:"aud,omitempty"`
	TokenType            string          `json:"token_type,omitempty"`
	AuthorizationDetails json.RawMessage `json:"authorization_details,omitempty"`
}

// Introspect is RFC 7662. A confidential client sees its own tokens; a
// caller with a project API key holding oauth2.introspect (anyKey) sees
// any token of the project, public clients' included.
func (s *Service) Introspect(ctx context.Context, p *storage.Project, cr Credentials, anyKey bool, token, hint string) (*Introspection, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	var client *Client
	if !anyKey {
		c, err := s.authenticate(ctx, p.ID, cr)
		if err != nil {
			return nil, err
		}
		if c.Public {
			return nil, apperr.Newf(apperr.OAuth2InvalidClient, "Public clients cannot introspect; use an API key with the oauth2.introspect scope.")
		}
		client = c
	}
	if token == "" {
		return nil, invalidRequest("token is required.")
	}
	inactive := &Introspection{Active: false}
	if hint != "refresh_token" {
		if at, err := s.verify(ctx, p, token); err == nil {
			if client != nil && at.ClientID != client.ID {
				return inactive, nil
			}
			out := &Introspection{Active: true, Scope: strings.Join(at.Scopes, " "), ClientID: at.ClientID, Sub: at.UserID,
				Exp: at.ExpiresAt.Unix(), Iat: at.IssuedAt.Unix(), Iss: s.issuer(p.ID), Aud: at.Audience, TokenType: "Bearer"}
			if at.AuthorizationDetails != "" {
				out.AuthorizationDetails = json.RawMessage(at.AuthorizationDetails)
			}
			return out, nil
		} else if !errors.Is(err, errBadToken) {
			return nil, err
		}
	}
	f, err := s.store.OAuth2FamilyByRefresh(ctx, p.ID, secret.Hash(token))
	if errors.Is(err, storage.ErrNotFound) {
		return inactive, nil
	}
	if err != nil {
		return nil, err
	}
	if client != nil && f.ClientID != client.ID || !f.RefreshExpiresAt.After(s.now()) {
		return inactive, nil
	}
	if u, err := s.store.GetUser(ctx, p.ID, f.UserID); err != nil || !u.Status {
		return inactive, nil
	}
	return &Introspection{Active: true, Scope: strings.Join(f.Scopes, " "), ClientID: f.ClientID, Sub: f.UserID,
		Exp: f.RefreshExpiresAt.Unix(), Iss: s.issuer(p.ID), TokenType: "refresh_token"}, nil
}

// JWKS is the project's published key set.
func (s *Service) JWKS(ctx context.Context, p *storage.Project) (*jose.JSONWebKeySet, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	keys, err := s.keys.published(ctx, p.ID, p.Settings.OAuth2Server)
	if err != nil {
		return nil, err
	}
	return &jose.JSONWebKeySet{Keys: keys}, nil
}

// IDTokenHint reads an ID token this project issued (expired or not, as
// OpenID RP-Initiated Logout allows) and returns its subject and client.
func (s *Service) IDTokenHint(ctx context.Context, p *storage.Project, token string) (sub, clientID string, err error) {
	payload, typ, err := s.keys.verify(ctx, p.ID, p.Settings.OAuth2Server, token)
	if err != nil || typ != "" {
		return "", "", invalidRequest("id_token_hint is not an ID token of this issuer.")
	}
	var c struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Aud string `json:"aud"`
	}
	if json.Unmarshal(payload, &c) != nil || c.Iss != s.issuer(p.ID) {
		return "", "", invalidRequest("id_token_hint is not an ID token of this issuer.")
	}
	return c.Sub, c.Aud, nil
}

// LogoutRedirect checks a post-logout redirect URI against the client's
// list and returns it with state.
func (s *Service) LogoutRedirect(ctx context.Context, p *storage.Project, clientID, uri, state string) (string, error) {
	c, err := s.client(ctx, p.ID, clientID)
	if err != nil {
		if errors.Is(err, ErrUnknownClient) {
			return "", invalidRequest("Unknown client.")
		}
		return "", err
	}
	if !slices.Contains(c.PostLogoutRedirectURIs, uri) {
		return "", invalidRequest("post_logout_redirect_uri is not one of the client's.")
	}
	if state == "" {
		return uri, nil
	}
	return withParams(uri, map[string][]string{"state": {state}}, false), nil
}
