package oauthapps

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"unicode/utf8"
)

// DeviceGrant is the device authorization grant type (RFC 8628).
const DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// Document is a client ID metadata document, checked: its client_id is
// its own URL, its redirect URIs follow the rules of RedirectURI, and it
// describes a public client.
type Document struct {
	ClientID               string   `json:"client_id"`
	ClientName             string   `json:"client_name"`
	ClientURI              string   `json:"client_uri"`
	LogoURI                string   `json:"logo_uri"`
	PolicyURI              string   `json:"policy_uri"`
	TOSURI                 string   `json:"tos_uri"`
	Contacts               []string `json:"contacts"`
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris"`
	TokenEndpointAuth      string   `json:"token_endpoint_auth_method"`
	GrantTypes             []string `json:"grant_types"`
	ResponseTypes          []string `json:"response_types"`
	// Only checked for absence: a document is public, so it cannot
	// carry a secret.
	ClientSecret          *json.RawMessage `json:"client_secret"`
	ClientSecretExpiresAt *json.RawMessage `json:"client_secret_expires_at"`
}

// DeviceFlow reports whether the document asks for the device grant.
func (d *Document) DeviceFlow() bool { return slices.Contains(d.GrantTypes, DeviceGrant) }

// ParseDocument decodes and checks a metadata document fetched from
// clientID.
func ParseDocument(clientID string, body []byte) (*Document, error) {
	if len(body) > MaxDocument {
		return nil, docErr("The client ID metadata document is larger than %d bytes.", MaxDocument)
	}
	if !utf8.Valid(body) {
		return nil, docErr("The client ID metadata document is not UTF-8.")
	}
	var d Document
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&d); err != nil {
		return nil, docErr("The client ID metadata document is not a JSON object of client metadata.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, docErr("The client ID metadata document has data after its JSON object.")
	}
	if d.ClientID != clientID {
		return nil, docErr("The client ID metadata document's client_id is not the URL it was fetched from.")
	}
	if d.ClientSecret != nil || d.ClientSecretExpiresAt != nil {
		return nil, docErr("A client ID metadata document must not hold a client_secret.")
	}
	if d.TokenEndpointAuth != "" && d.TokenEndpointAuth != "none" {
		return nil, docErr("A client ID metadata document's client is public: token_endpoint_auth_method must be none.")
	}
	if len(d.RedirectURIs) == 0 {
		return nil, docErr("The client ID metadata document lists no redirect_uris.")
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"redirect_uris", d.RedirectURIs}, {"post_logout_redirect_uris", d.PostLogoutRedirectURIs}} {
		if len(f.list) > MaxListItems {
			return nil, docErr("The client ID metadata document lists more than %d %s.", MaxListItems, f.name)
		}
		for _, u := range f.list {
			if why := redirectProblem(u); why != "" {
				return nil, docErr("The client ID metadata document's %s: %s", f.name, why)
			}
		}
	}
	if len(d.ClientName) > 256 || len(d.Contacts) > MaxListItems {
		return nil, docErr("The client ID metadata document's client_name or contacts are too long.")
	}
	// Pages and pictures a consent screen may show: only web URLs; a
	// field that is not one is left out rather than failing the client.
	for _, p := range []*string{&d.ClientURI, &d.LogoURI, &d.PolicyURI, &d.TOSURI} {
		if *p != "" && webURL("uri", *p) != nil {
			*p = ""
		}
	}
	d.TokenEndpointAuth = "none"
	return &d, nil
}
