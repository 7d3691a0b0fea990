package oauth2server

import (
	"context"
	"errors"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// A user's consents and their token families, for the Account API
// (/account/consents) and the Users API.

// Consents pages through a user's consents.
func (s *Service) Consents(ctx context.Context, projectID, userID string, page storage.Page) ([]*storage.OAuth2Consent, int, error) {
	return s.store.ListOAuth2Consents(ctx, projectID, userID, page)
}

// Consent returns one of the user's consents.
func (s *Service) Consent(ctx context.Context, projectID, userID, id string) (*storage.OAuth2Consent, error) {
	c, err := s.store.GetOAuth2Consent(ctx, projectID, userID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.OAuth2ConsentNotFound)
	}
	return c, err
}

// DeleteConsent withdraws a consent: every token family under it dies
// with it, and the client must ask again.
func (s *Service) DeleteConsent(ctx context.Context, projectID, userID, id string) error {
	err := s.store.DeleteOAuth2Consent(ctx, projectID, userID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.OAuth2ConsentNotFound)
	}
	return err
}

// Families pages through the token families of one of the user's
// consents.
func (s *Service) Families(ctx context.Context, projectID, userID, consentID string, page storage.Page) ([]*storage.OAuth2Family, int, error) {
	if _, err := s.Consent(ctx, projectID, userID, consentID); err != nil {
		return nil, 0, err
	}
	return s.store.ListOAuth2Families(ctx, projectID, consentID, page)
}

// Family returns one token family of one of the user's consents.
func (s *Service) Family(ctx context.Context, projectID, userID, consentID, id string) (*storage.OAuth2Family, error) {
	f, err := s.store.GetOAuth2Family(ctx, projectID, id)
	if errors.Is(err, storage.ErrNotFound) || err == nil && (f.UserID != userID || f.ConsentID != consentID) {
		return nil, apperr.New(apperr.OAuth2TokenNotFound)
	}
	return f, err
}

// DeleteFamily revokes one token family: its access and refresh tokens.
func (s *Service) DeleteFamily(ctx context.Context, projectID, userID, consentID, id string) error {
	if _, err := s.Family(ctx, projectID, userID, consentID, id); err != nil {
		return err
	}
	err := s.store.DeleteOAuth2Family(ctx, projectID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.OAuth2TokenNotFound)
	}
	return err
}

// Discovery is the project's OpenID Provider / RFC 8414 metadata.
func (s *Service) Discovery(p *storage.Project) (map[string]any, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	set := p.Settings.OAuth2Server
	iss := s.issuer(p.ID)
	authMethods := []string{"client_secret_post", "client_secret_basic", "none"}
	scopes := append(append([]string{}, IdentityScopes...), set.Scopes...)
	return map[string]any{
		"issuer":                                        iss,
		"authorization_endpoint":                        iss + "/authorize",
		"pushed_authorization_request_endpoint":         iss + "/par",
		"token_endpoint":                                iss + "/token",
		"userinfo_endpoint":                             iss + "/userinfo",
		"revocation_endpoint":                           iss + "/revoke",
		"end_session_endpoint":                          iss + "/logout",
		"introspection_endpoint":                        iss + "/introspect",
		"device_authorization_endpoint":                 iss + "/device_authorization",
		"jwks_uri":                                      iss + "/.well-known/jwks.json",
		"response_types_supported":                      []string{"code", "id_token", "code id_token"},
		"response_modes_supported":                      []string{"query", "fragment"},
		"grant_types_supported":                         []string{"authorization_code", "refresh_token", DeviceGrant},
		"token_endpoint_auth_methods_supported":         authMethods,
		"revocation_endpoint_auth_methods_supported":    authMethods,
		"introspection_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"code_challenge_methods_supported":              []string{"S256"},
		"subject_types_supported":                       []string{"public"},
		"id_token_signing_alg_values_supported":         []string{"RS256"},
		"claims_supported": []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "email", "email_verified",
			"name", "phone_number", "phone_number_verified", "updated_at", "at_hash", "c_hash"},
		"claim_types_supported":                          []string{"normal"},
		"claims_parameter_supported":                     false,
		"request_parameter_supported":                    false,
		"request_uri_parameter_supported":                true,
		"require_pushed_authorization_requests":          false,
		"resource_parameter_supported":                   true,
		"authorization_response_iss_parameter_supported": false,
		"authorization_details_types_supported":          nonNil(set.AuthorizationDetailsTypes),
		"scopes_supported":                               scopes,
		"acr_values_supported":                           []string{ACRSingle, ACRMulti},
	}, nil
}
