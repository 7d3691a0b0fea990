// Package oauth2server makes a project an OAuth 2.1 and OpenID Connect
// provider: Appwrite 2.0's OAuth2 server, with its issuer at
// <public URL>/v1/oauth2/<projectId>. The clients it serves come from a
// Clients source (registered apps and client ID metadata documents,
// package oauthapps); users, sessions and factors from the account
// package.
package oauth2server

import (
	"context"
	"errors"
)

// Errors a Clients source returns.
var (
	// ErrUnknownClient: no app of that id in the project, a disabled
	// app, or a client ID metadata document that could not be used.
	ErrUnknownClient = errors.New("oauth2server: unknown client")
	// ErrClientAuth: a confidential client's secret did not match.
	ErrClientAuth = errors.New("oauth2server: client authentication failed")
)

// Client is an OAuth2 client as the server sees it: a registered app of
// the project or a client ID metadata document fetched from its URL.
type Client struct {
	// ID is the client_id: the app's $id, or the https URL of the
	// metadata document.
	ID        string
	ProjectID string
	Name      string
	// CIMD marks a client described by a metadata document; it has no
	// app and is always public.
	CIMD bool
	// Public clients have no secret and must use PKCE.
	Public                 bool
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	DeviceFlow             bool
	LogoURI                string
	ClientURI              string
	PolicyURI              string
	TermsURI               string
}

// Clients resolves and authenticates the clients of a project.
type Clients interface {
	// Client returns the enabled client of that id in the project, or
	// ErrUnknownClient.
	Client(ctx context.Context, projectID, clientID string) (*Client, error)
	// VerifySecret checks a confidential client's secret in constant time
	// and notes its use; ErrClientAuth when no secret of the client
	// matches.
	VerifySecret(ctx context.Context, projectID, clientID, secret string) error
}
