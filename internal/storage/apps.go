package storage

import (
	"context"
	"time"
)

// App is a registered OAuth2 client of a project's OAuth2 server
// (Appwrite 2.0's App model). UserID is the user who created it through
// the Apps API with a session; "" when an API key or dynamic client
// registration made it.
type App struct {
	ProjectID               string
	ID                      string
	Name                    string
	Description             string
	ClientURI               string
	LogoURI                 string
	PrivacyPolicyURL        string
	TermsURL                string
	Contacts                []string
	Tagline                 string
	Tags                    []string
	Labels                  []string
	Images                  []string
	SupportURL              string
	DataDeletionURL         string
	RedirectURIs            []string
	PostLogoutRedirectURIs  []string
	Enabled                 bool
	Type                    string // "public" or "confidential"
	DeviceFlow              bool
	TeamID                  string
	UserID                  string
	InstallationScopes      []string
	InstallationRedirectURL string
	// Registered marks a client made by dynamic client registration
	// (RFC 7591).
	Registered bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Kinds of app credential.
const (
	AppSecretKind = "secret" // a confidential client's secret
	AppKeyKind    = "key"    // an app key (Appwrite's installation auth)
)

// AppCredential is an app's secret or key: only its hash is kept, with
// the last few characters as a hint.
type AppCredential struct {
	ProjectID      string
	AppID          string
	Kind           string
	ID             string
	SecretHash     string
	Hint           string
	CreatedByID    string
	CreatedByName  string
	LastAccessedAt time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// AppStore keeps apps and their credentials. App ids are unique per
// project: CreateApp fails with ErrConflict when the id is taken.
type AppStore interface {
	// CreateApp fails with ErrLimit when the project already holds max
	// apps of the same owner (a.UserID, "" counting as one owner),
	// checked in the same transaction, and with ErrNotFound when the
	// project is missing.
	CreateApp(ctx context.Context, a *App, max int) error
	GetApp(ctx context.Context, projectID, id string) (*App, error)
	// ListApps lists the project's apps matching q, only userID's when
	// userID is not "" (and a cursor must then be one of them); the
	// total is capped at MaxTotal. Filters and orders may name $id,
	// $createdAt, $updatedAt, name, description, enabled, type,
	// deviceFlow, userId, teamId, clientUri and labels. A cursor naming
	// no app of the list is ErrNotFound.
	ListApps(ctx context.Context, projectID, userID string, q ListQuery) ([]*App, int, error)
	UpdateApp(ctx context.Context, projectID, id string, fn func(*App) error) (*App, error)
	// DeleteApp removes an app and its credentials in one transaction.
	DeleteApp(ctx context.Context, projectID, id string) error

	// CreateAppCredential fails with ErrNotFound when the app is missing
	// and with ErrLimit when it already holds max credentials of the
	// kind, checked in the same transaction.
	CreateAppCredential(ctx context.Context, c *AppCredential, max int) error
	GetAppCredential(ctx context.Context, projectID, appID, kind, id string) (*AppCredential, error)
	// ListAppCredentials lists the credentials of a kind of the apps
	// named (one read for a page of apps), oldest first.
	ListAppCredentials(ctx context.Context, projectID, kind string, appIDs []string) ([]*AppCredential, error)
	DeleteAppCredential(ctx context.Context, projectID, appID, kind, id string) error
	// TouchAppCredential sets a credential's lastAccessedAt.
	TouchAppCredential(ctx context.Context, projectID, appID, kind, id string, at time.Time) error
}
