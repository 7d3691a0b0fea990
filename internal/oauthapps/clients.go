package oauthapps

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

var _ oauth2server.Clients = (*Service)(nil)

// Client resolves a client_id of a project: an app's id gives the app
// when it is enabled; an https URL the client its metadata document
// describes (an http loopback URL too, when the project allows
// loopback). Anything else is oauth2server.ErrUnknownClient, wrapping
// the reason.
func (s *Service) Client(ctx context.Context, projectID, clientID string) (*oauth2server.Client, error) {
	if IsURL(clientID) {
		d, err := s.Document(ctx, projectID, clientID)
		if apperr.Is(err, apperr.AppMetadataInvalid) || apperr.Is(err, apperr.ProjectNotFound) {
			return nil, fmt.Errorf("%w: %w", oauth2server.ErrUnknownClient, err)
		}
		if err != nil {
			return nil, err
		}
		return &oauth2server.Client{ID: clientID, ProjectID: projectID, Name: d.ClientName, CIMD: true, Public: true,
			RedirectURIs: slices.Clone(d.RedirectURIs), PostLogoutRedirectURIs: slices.Clone(d.PostLogoutRedirectURIs),
			DeviceFlow: d.DeviceFlow(), LogoURI: d.LogoURI, ClientURI: d.ClientURI, PolicyURI: d.PolicyURI, TermsURI: d.TOSURI}, nil
	}
	a, err := s.enabledApp(ctx, projectID, clientID)
	if err != nil {
		return nil, err
	}
	return &oauth2server.Client{ID: a.ID, ProjectID: projectID, Name: a.Name, Public: a.Type == TypePublic,
		RedirectURIs: slices.Clone(a.RedirectURIs), PostLogoutRedirectURIs: slices.Clone(a.PostLogoutRedirectURIs),
		DeviceFlow: a.DeviceFlow, LogoURI: a.LogoURI, ClientURI: a.ClientURI, PolicyURI: a.PrivacyPolicyURL, TermsURI: a.TermsURL}, nil
}

func (s *Service) enabledApp(ctx context.Context, projectID, id string) (*storage.App, error) {
	if validate.UID("client_id", id) != nil {
		return nil, oauth2server.ErrUnknownClient
	}
	a, err := s.store.GetApp(ctx, projectID, id)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, oauth2server.ErrUnknownClient
	case err != nil:
		return nil, err
	case !a.Enabled:
		return nil, fmt.Errorf("%w: the app is disabled", oauth2server.ErrUnknownClient)
	}
	return a, nil
}

// VerifySecret checks a confidential app's secret against the hashes of
// all its secrets in constant time and notes the use. Public apps and
// clients of metadata documents have no secret: ErrClientAuth.
func (s *Service) VerifySecret(ctx context.Context, projectID, clientID, presented string) error {
	if IsURL(clientID) {
		return oauth2server.ErrClientAuth
	}
	a, err := s.enabledApp(ctx, projectID, clientID)
	if err != nil {
		return err
	}
	// A public app authenticates with nothing, even when it kept secrets
	// from when it was confidential.
	if a.Type == TypePublic || presented == "" {
		return oauth2server.ErrClientAuth
	}
	c, err := s.matchCredential(ctx, projectID, a.ID, storage.AppSecretKind, presented)
	if err != nil {
		return err
	}
	if c == nil {
		return oauth2server.ErrClientAuth
	}
	return nil
}

// Document fetches (or takes from the cache) the metadata document at
// url for a project, under the project's cimdAllowLoopback. Its errors
// are app_client_metadata_invalid saying why.
func (s *Service) Document(ctx context.Context, projectID, url string) (*Document, error) {
	snap, err := s.projects.Lookup(ctx, projectID)
	if err != nil {
		return nil, err
	}
	d, err := s.docs.get(ctx, projectID, url, snap.Settings.OAuth2Server.CIMDAllowLoopback)
	var de *DocError
	if errors.As(err, &de) {
		return nil, apperr.Newf(apperr.AppMetadataInvalid, "%s", de.Why)
	}
	return d, err
}

// Scope is one scope an app may ask for (Appwrite's AppScope).
type Scope struct {
	Value, Description, Type, Category string
	Deprecated                         bool
}

// identityScopes are OpenID Connect's scopes, always offered.
var identityScopes = []Scope{
	{Value: "openid", Description: "Sign you in and tell the app who you are.", Type: "account", Category: "identity"},
	{Value: "profile", Description: "Read your name.", Type: "account", Category: "identity"},
	{Value: "email", Description: "Read your email address and whether it is verified.", Type: "account", Category: "identity"},
	{Value: "phone", Description: "Read your phone number and whether it is verified.", Type: "account", Category: "identity"},
}

// Scopes lists the scopes apps of a project may ask for: the identity
// scopes, then the project's own OAuth2 server scopes.
func (s *Service) Scopes(ctx context.Context, projectID string) ([]Scope, error) {
	snap, err := s.projects.Lookup(ctx, projectID)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(identityScopes)
	for _, sc := range snap.Settings.OAuth2Server.Scopes {
		if slices.ContainsFunc(identityScopes, func(i Scope) bool { return i.Value == sc }) {
			continue
		}
		out = append(out, Scope{Value: sc, Description: "", Type: "project", Category: "project"})
	}
	return out, nil
}
