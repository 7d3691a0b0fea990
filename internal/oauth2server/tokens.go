package oauth2server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Authentication context values of the tokens (docs/oauth2-server.md).
const (
	ACRSingle = "urn:gatehouse:acr:single-factor"
	ACRMulti  = "urn:gatehouse:acr:multi-factor"
)

// amrOf turns a session's factors into RFC 8176 amr values, with "mfa"
// when two kinds of factor were completed.
func amrOf(factors []string) []string {
	var out []string
	add := func(v string) {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, f := range factors {
		switch f {
		case "password":
			add("pwd")
		case "totp":
			add("otp")
		case "email":
			add("otp")
		case "phone":
			add("sms")
		case "oauth2":
			add("fed")
		case "recoveryCode", "recoverycode":
			add("kba")
		case "passkey", "webauthn":
			add("hwk")
		}
	}
	if account.FactorKinds(factors) >= 2 {
		add("mfa")
	}
	return out
}

func acrOf(amr []string) string {
	if slices.Contains(amr, "mfa") {
		return ACRMulti
	}
	return ACRSingle
}

// TokenResponse is RFC 6749's token response (Appwrite's Oauth2Token).
type TokenResponse struct {
	AccessToken          string          `json:"access_token"`
	TokenType            string          `json:"token_type"`
	ExpiresIn            int64           `json:"expires_in"`
	RefreshToken         string          `json:"refresh_token,omitempty"`
	Scope                string          `json:"scope"`
	IDToken              string          `json:"id_token,omitempty"`
	AuthorizationDetails json.RawMessage `json:"authorization_details,omitempty"`
}

// issue completes an authorization the user has consented to: a code
// and/or an ID token on the client's redirect URI.
func (s *Service) issue(ctx context.Context, p *storage.Project, client *Client, req *AuthRequest, sub *Subject, consentID string) (*Outcome, error) {
	now := s.nowUTC()
	v := url.Values{}
	amr := amrOf(sub.Factors)
	var code string
	if strings.Contains(req.ResponseType, "code") {
		code = secret.Hex(32)
		c := &storage.OAuth2Code{ProjectID: p.ID, CodeHash: secret.Hash(code), ClientID: client.ID, UserID: sub.User.ID,
			ConsentID: consentID, SessionID: sub.SessionID, RedirectURI: req.RedirectURI, Scopes: req.Scopes,
			Resources: req.Resources, AuthorizationDetails: req.AuthorizationDetails, CodeChallenge: req.CodeChallenge,
			Nonce: req.Nonce, AuthTime: sub.AuthTime.UTC().Truncate(time.Microsecond), AMR: amr, CreatedAt: now,
			ExpiresAt: now.Add(CodeTTL)}
		if err := s.store.CreateOAuth2Code(ctx, c); err != nil {
			return nil, err
		}
		v.Set("code", code)
	}
	if strings.Contains(req.ResponseType, "id_token") {
		idt, err := s.idToken(ctx, p, client.ID, sub.User, req.Scopes, req.Nonce, sub.AuthTime, amr, "", code,
			AccessTTL(p.Settings.OAuth2Server, client.Public))
		if err != nil {
			return nil, err
		}
		v.Set("id_token", idt)
	}
	if req.State != "" {
		v.Set("state", req.State)
	}
	return &Outcome{ToClient: true, RedirectURL: withParams(req.RedirectURI, v, fragmentMode(req.ResponseType))}, nil
}

// halfHash is OpenID Connect's at_hash / c_hash.
func halfHash(v string) string {
	h, err := oidc.ClaimHash(v, jose.RS256)
	if err != nil {
		sum := sha256.Sum256([]byte(v))
		return base64.RawURLEncoding.EncodeToString(sum[:16])
	}
	return h
}

// idToken signs an ID token with the claims scopes allow.
func (s *Service) idToken(ctx context.Context, p *storage.Project, clientID string, u *storage.User, scopes []string, nonce string,
	authTime time.Time, amr []string, accessToken, code string, ttl time.Duration) (string, error) {
	now := s.now()
	claims := map[string]any{"iss": s.issuer(p.ID), "sub": u.ID, "aud": clientID, "azp": clientID, "iat": now.Unix(),
		"exp": now.Add(ttl).Unix(), "acr": acrOf(amr), "amr": nonNil(amr)}
	if !authTime.IsZero() {
		claims["auth_time"] = authTime.Unix()
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if accessToken != "" {
		claims["at_hash"] = halfHash(accessToken)
	}
	if code != "" {
		claims["c_hash"] = halfHash(code)
	}
	for k, v := range userClaims(u, scopes) {
		claims[k] = v
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode id token: %w", err)
	}
	return s.keys.sign(ctx, p.ID, p.Settings.OAuth2Server, "", payload)
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// userClaims are the standard claims the granted scopes release.
func userClaims(u *storage.User, scopes []string) map[string]any {
	out := map[string]any{}
	if slices.Contains(scopes, "profile") {
		out["name"] = u.Name
		out["updated_at"] = u.UpdatedAt.Unix()
	}
	if slices.Contains(scopes, "email") && u.Email != "" {
		out["email"] = u.Email
		out["email_verified"] = u.EmailVerification
	}
	if slices.Contains(scopes, "phone") && u.Phone != "" {
		out["phone_number"] = u.Phone
		out["phone_number_verified"] = u.PhoneVerification
	}
	return out
}

// accessToken signs an RFC 9068 access token for family f.
func (s *Service) accessToken(ctx context.Context, p *storage.Project, f *storage.OAuth2Family, aud []string, exp time.Time) (string, error) {
	now := s.now()
	claims := map[string]any{"iss": s.issuer(p.ID), "sub": f.UserID, "client_id": f.ClientID, "iat": now.Unix(),
		"exp": exp.Unix(), "jti": f.AccessJTI, "scope": strings.Join(f.Scopes, " "), "acr": acrOf(f.AMR), "amr": nonNil(f.AMR)}
	switch {
	case len(aud) == 1:
		claims["aud"] = aud[0]
	case len(aud) > 1:
		claims["aud"] = aud
	default:
		claims["aud"] = f.ClientID
	}
	if !f.AuthTime.IsZero() {
		claims["auth_time"] = f.AuthTime.Unix()
	}
	if f.AuthorizationDetails != "" {
		claims["authorization_details"] = json.RawMessage(f.AuthorizationDetails)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode access token: %w", err)
	}
	return s.keys.sign(ctx, p.ID, p.Settings.OAuth2Server, "at+jwt", payload)
}

// TokenRequest is a token endpoint request after decoding.
type TokenRequest struct {
	GrantType    string
	Code         string
	RedirectURI  string
	CodeVerifier string
	RefreshToken string
	DeviceCode   string
	Resources    []string
}

// Device grant type of RFC 8628.
const DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// Token is the token endpoint.
func (s *Service) Token(ctx context.Context, p *storage.Project, cr Credentials, tr TokenRequest) (*TokenResponse, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	switch tr.GrantType {
	case "authorization_code", "refresh_token", DeviceGrant:
	case "":
		return nil, invalidRequest("grant_type is required.")
	default:
		return nil, apperr.New(apperr.OAuth2UnsupportedGrantType)
	}
	client, err := s.authenticate(ctx, p.ID, cr)
	if err != nil {
		return nil, err
	}
	switch tr.GrantType {
	case "authorization_code":
		return s.codeGrant(ctx, p, client, tr)
	case "refresh_token":
		return s.refreshGrant(ctx, p, client, tr)
	}
	return s.deviceGrant(ctx, p, client, tr)
}

func invalidGrant(desc string) error { return apperr.Newf(apperr.OAuth2InvalidGrant, "%s", desc) }

// newFamily starts a token family for a consent.
func (s *Service) newFamily(p *storage.Project, client *Client, consentID, userID, sessionID string, scopes, resources []string,
	details string, authTime time.Time, amr []string) (*storage.OAuth2Family, string) {
	now := s.nowUTC()
	set := p.Settings.OAuth2Server
	refresh := secret.Hex(32)
	return &storage.OAuth2Family{ProjectID: p.ID, ID: secret.ID(), ConsentID: consentID, UserID: userID, ClientID: client.ID,
		PublicClient: client.Public, SessionID: sessionID, Scopes: scopes, Resources: resources, AuthorizationDetails: details,
		AuthTime: authTime, AMR: amr, RefreshHash: secret.Hash(refresh), RefreshExpiresAt: now.Add(RefreshTTL(set, client.Public)),
		AccessJTI: secret.Hex(16), AccessExpiresAt: now.Add(AccessTTL(set, client.Public)), CreatedAt: now, UpdatedAt: now}, refresh
}

func (s *Service) codeGrant(ctx context.Context, p *storage.Project, client *Client, tr TokenRequest) (*TokenResponse, error) {
	if tr.Code == "" {
		return nil, invalidRequest("code is required.")
	}
	var refresh string
	var fam *storage.OAuth2Family
	var mintErr error
	code, err := s.store.RedeemOAuth2Code(ctx, p.ID, secret.Hash(tr.Code), s.now(), func(c *storage.OAuth2Code) (*storage.OAuth2Family, error) {
		if c.ClientID != client.ID {
			mintErr = invalidGrant("The code was issued to another client.")
			return nil, mintErr
		}
		if c.RedirectURI != tr.RedirectURI {
			mintErr = invalidGrant("redirect_uri does not match the authorization request.")
			return nil, mintErr
		}
		if c.CodeChallenge != "" || tr.CodeVerifier != "" {
			if !verifierMatches(c.CodeChallenge, tr.CodeVerifier) {
				mintErr = invalidGrant("code_verifier does not match the code_challenge.")
				return nil, mintErr
			}
		}
		fam, refresh = s.newFamily(p, client, c.ConsentID, c.UserID, c.SessionID, c.Scopes, c.Resources, c.AuthorizationDetails, c.AuthTime, c.AMR)
		return fam, nil
	})
	switch {
	case errors.Is(err, storage.ErrReused):
		return nil, invalidGrant("The code was already used; the tokens it gave are revoked.")
	case errors.Is(err, storage.ErrNotFound):
		return nil, invalidGrant("The code is invalid or expired.")
	case mintErr != nil:
		return nil, mintErr
	case err != nil:
		return nil, err
	}
	return s.respond(ctx, p, client, fam, refresh, fam.Resources, code.Nonce, true)
}

// verifierMatches checks an RFC 7636 S256 verifier in constant time.
func verifierMatches(challenge, verifier string) bool {
	if challenge == "" || len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	return secret.Equal(oidc.NewSHACodeChallenge(verifier), challenge)
}

// respond signs the tokens of family f.
func (s *Service) respond(ctx context.Context, p *storage.Project, client *Client, f *storage.OAuth2Family, refresh string,
	aud []string, nonce string, withID bool) (*TokenResponse, error) {
	u, err := s.store.GetUser(ctx, p.ID, f.UserID)
	if errors.Is(err, storage.ErrNotFound) || err == nil && !u.Status {
		s.store.DeleteOAuth2Family(ctx, p.ID, f.ID)
		return nil, invalidGrant("The user is no longer available.")
	}
	if err != nil {
		return nil, err
	}
	at, err := s.accessToken(ctx, p, f, aud, f.AccessExpiresAt)
	if err != nil {
		return nil, err
	}
	out := &TokenResponse{AccessToken: at, TokenType: "Bearer", RefreshToken: refresh, Scope: strings.Join(f.Scopes, " "),
		ExpiresIn: int64(f.AccessExpiresAt.Sub(s.now()).Round(time.Second).Seconds())}
	if f.AuthorizationDetails != "" {
		out.AuthorizationDetails = json.RawMessage(f.AuthorizationDetails)
	}
	if withID && slices.Contains(f.Scopes, "openid") {
		out.IDToken, err = s.idToken(ctx, p, client.ID, u, f.Scopes, nonce, f.AuthTime, f.AMR, at, "", AccessTTL(p.Settings.OAuth2Server, client.Public))
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) refreshGrant(ctx context.Context, p *storage.Project, client *Client, tr TokenRequest) (*TokenResponse, error) {
	if tr.RefreshToken == "" {
		return nil, invalidRequest("refresh_token is required.")
	}
	set := p.Settings.OAuth2Server
	var refresh string
	var wrongClient, wrongTarget bool
	f, err := s.store.RotateOAuth2Refresh(ctx, p.ID, secret.Hash(tr.RefreshToken), s.now(), func(f *storage.OAuth2Family) error {
		wrongClient, wrongTarget = false, false
		if f.ClientID != client.ID {
			wrongClient = true
			return storage.ErrNotFound
		}
		if !subset(tr.Resources, f.Resources) {
			wrongTarget = true
			return storage.ErrNotFound
		}
		now := s.nowUTC()
		refresh = secret.Hex(32)
		f.RefreshHash = secret.Hash(refresh)
		f.AccessJTI = secret.Hex(16)
		f.AccessExpiresAt = now.Add(AccessTTL(set, client.Public))
		// The lineage lives as long as its first refresh token allowed;
		// rotation does not extend it.
		f.UpdatedAt = now
		return nil
	})
	switch {
	case errors.Is(err, storage.ErrReused):
		return nil, invalidGrant("The refresh token was already used; its token family is revoked.")
	case wrongTarget:
		return nil, apperr.Newf(apperr.OAuth2InvalidTarget, "resource must be one of the granted resources.")
	case errors.Is(err, storage.ErrNotFound) || wrongClient:
		return nil, invalidGrant("The refresh token is invalid, expired or revoked.")
	case err != nil:
		return nil, err
	}
	aud := f.Resources
	if len(tr.Resources) > 0 {
		aud = tr.Resources
	}
	return s.respond(ctx, p, client, f, refresh, aud, "", true)
}
