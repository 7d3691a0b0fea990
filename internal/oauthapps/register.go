package oauthapps

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"slices"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Dynamic client registration (RFC 7591): POST <issuer>/register makes a
// public client (no secret; PKCE) for anyone, when the project allows it.

// registrationGrants are the grant types a registered client may use.
var registrationGrants = []string{"authorization_code", "refresh_token", DeviceGrant}

// Metadata is a registration request's client metadata, and the answer's.
type Metadata struct {
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	TokenEndpointAuth      string   `json:"token_endpoint_auth_method"`
	GrantTypes             []string `json:"grant_types"`
	ResponseTypes          []string `json:"response_types"`
	ClientName             string   `json:"client_name,omitempty"`
	ClientURI              string   `json:"client_uri,omitempty"`
	LogoURI                string   `json:"logo_uri,omitempty"`
	PolicyURI              string   `json:"policy_uri,omitempty"`
	TOSURI                 string   `json:"tos_uri,omitempty"`
	Contacts               []string `json:"contacts,omitempty"`
}

// Registration is a registered client: its metadata as kept, its id and
// when it was issued (Unix seconds).
type Registration struct {
	ClientID string `json:"client_id"`
	IssuedAt int64  `json:"client_id_issued_at"`
	Metadata
}

// maxRegistration bounds a registration request.
const maxRegistration = 16 << 10

// ParseRegistration decodes and checks a registration request; its
// errors are oauth2_invalid_client_metadata or oauth2_invalid_redirect_uri.
func ParseRegistration(body []byte) (*Metadata, error) {
	if len(body) > maxRegistration {
		return nil, apperr.Newf(apperr.RegistrationInvalid, "The registration request is larger than 16 kB.")
	}
	var m Metadata
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil {
		return nil, apperr.Newf(apperr.RegistrationInvalid, "The registration request is not a JSON object of client metadata.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, apperr.Newf(apperr.RegistrationInvalid, "The registration request has data after its JSON object.")
	}
	if m.TokenEndpointAuth == "" {
		m.TokenEndpointAuth = "none"
	}
	if m.TokenEndpointAuth != "none" {
		return nil, apperr.Newf(apperr.RegistrationInvalid, "Only public clients may register: token_endpoint_auth_method must be none (use PKCE).")
	}
	if len(m.GrantTypes) == 0 {
		m.GrantTypes = []string{"authorization_code"}
	}
	for _, g := range m.GrantTypes {
		if !slices.Contains(registrationGrants, g) {
			return nil, apperr.Newf(apperr.RegistrationInvalid, "The grant type %q cannot be registered; only authorization_code, refresh_token and the device grant can.", clip(g))
		}
	}
	m.GrantTypes = uniq(m.GrantTypes)
	if len(m.ResponseTypes) == 0 {
		m.ResponseTypes = []string{"code"}
	}
	for _, r := range m.ResponseTypes {
		if r != "code" {
			return nil, apperr.Newf(apperr.RegistrationInvalid, "The response type %q cannot be registered; only code can.", clip(r))
		}
	}
	m.ResponseTypes = uniq(m.ResponseTypes)
	if slices.Contains(m.GrantTypes, "authorization_code") && len(m.RedirectURIs) == 0 {
		return nil, apperr.Newf(apperr.RegistrationRedirect, "A client of the authorization_code grant must register redirect_uris.")
	}
	for _, l := range [][]string{m.RedirectURIs, m.PostLogoutRedirectURIs} {
		if len(l) > MaxListItems {
			return nil, apperr.Newf(apperr.RegistrationRedirect, "At most %d redirect URIs may be registered.", MaxListItems)
		}
		for _, u := range l {
			if why := redirectProblem(u); why != "" {
				return nil, apperr.Newf(apperr.RegistrationRedirect, "%s", why)
			}
		}
	}
	if len(m.ClientName) > maxName || len(m.Contacts) > MaxListItems {
		return nil, apperr.Newf(apperr.RegistrationInvalid, "client_name is at most 128 characters and contacts at most 100.")
	}
	for _, c := range m.Contacts {
		if c == "" || len(c) > maxContact {
			return nil, apperr.Newf(apperr.RegistrationInvalid, "Each contact is 1 to 256 characters.")
		}
	}
	for _, u := range []string{m.ClientURI, m.LogoURI, m.PolicyURI, m.TOSURI} {
		if u != "" && webURL("uri", u) != nil {
			return nil, apperr.Newf(apperr.RegistrationInvalid, "client_uri, logo_uri, policy_uri and tos_uri must be http or https URLs.")
		}
	}
	return &m, nil
}

// Register makes a public client from a registration request, when the
// project's OAuth2 server is on and allows dynamic registration. The
// client is an app of no user.
func (s *Service) Register(ctx context.Context, projectID string, body []byte) (*Registration, error) {
	snap, err := s.projects.Lookup(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if set := snap.Settings.OAuth2Server; !set.Enabled || !set.DynamicRegistration {
		return nil, apperr.New(apperr.RegistrationDisabled)
	}
	m, err := ParseRegistration(body)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	name := m.ClientName
	if name == "" {
		name = "Registered client"
	}
	a := &storage.App{ProjectID: projectID, ID: secret.ID(), Name: name, ClientURI: m.ClientURI, LogoURI: m.LogoURI,
		PrivacyPolicyURL: m.PolicyURI, TermsURL: m.TOSURI, Contacts: m.Contacts, RedirectURIs: m.RedirectURIs,
		PostLogoutRedirectURIs: m.PostLogoutRedirectURIs, Enabled: true, Type: TypePublic,
		DeviceFlow: slices.Contains(m.GrantTypes, DeviceGrant), Registered: true, CreatedAt: now, UpdatedAt: now}
	if err := s.create(ctx, a, true); err != nil {
		return nil, err
	}
	return &Registration{ClientID: a.ID, IssuedAt: now.Unix(), Metadata: *m}, nil
}

func uniq(v []string) []string {
	out := make([]string, 0, len(v))
	for _, x := range v {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// clip shortens a value quoted in an error.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
