package storage

import (
	"context"
	"errors"
	"time"
)

// ErrReused: a refresh token that its family had already rotated away was
// presented again. The family has been revoked in the same transaction.
var ErrReused = errors.New("storage: refresh token reused")

// OAuth2Key is one of a project's token-signing keys. PrivateKey is
// sealed by the caller. A key is published from CreatedAt, signs from
// ActivatesAt until a newer generation activates, and is dropped once
// ExpiresAt (zero: not set yet) has passed.
type OAuth2Key struct {
	ProjectID   string
	Generation  int64
	KID         string
	PrivateKey  string
	CreatedAt   time.Time
	ActivatesAt time.Time
	ExpiresAt   time.Time
}

// OAuth2Grant is an authorization request waiting for the user's answer
// on the project's consent page, or a device request bound to the user
// by its user code (DeviceID set). Request is the validated authorize
// request as JSON, for the capability package to read back.
type OAuth2Grant struct {
	ProjectID            string
	ID                   string
	UserID               string
	SessionID            string
	ClientID             string
	DeviceID             string
	Request              string
	Scopes               []string
	Resources            []string
	AuthorizationDetails string
	Prompt               string
	RedirectURI          string
	AuthTime             time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
	ExpiresAt            time.Time
}

// OAuth2PAR is a pushed authorization request (RFC 9126), kept by the
// hash of its request_uri.
type OAuth2PAR struct {
	ProjectID  string
	HandleHash string
	ClientID   string
	Request    string
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// OAuth2Consent is what a user approved for one client.
type OAuth2Consent struct {
	ProjectID            string
	ID                   string
	UserID               string
	ClientID             string
	CIMD                 bool
	Scopes               []string
	Resources            []string
	AuthorizationDetails string
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// OAuth2Code is an authorization code, kept by its hash. UsedAt and
// FamilyID are set when it is redeemed.
type OAuth2Code struct {
	ProjectID            string
	CodeHash             string
	ClientID             string
	UserID               string
	ConsentID            string
	SessionID            string
	RedirectURI          string
	Scopes               []string
	Resources            []string
	AuthorizationDetails string
	CodeChallenge        string
	Nonce                string
	AuthTime             time.Time
	AMR                  []string
	CreatedAt            time.Time
	ExpiresAt            time.Time
	UsedAt               time.Time
	FamilyID             string
}

// OAuth2Family is one refresh-token lineage under a consent: its current
// refresh token (by hash) and current access token (by jti).
type OAuth2Family struct {
	ProjectID            string
	ID                   string
	ConsentID            string
	UserID               string
	ClientID             string
	PublicClient         bool
	SessionID            string
	Scopes               []string
	Resources            []string
	AuthorizationDetails string
	AuthTime             time.Time
	AMR                  []string
	RefreshHash          string
	RefreshExpiresAt     time.Time
	AccessJTI            string
	AccessExpiresAt      time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// OAuth2Device is a device authorization request (RFC 8628). Status is
// one of the OAuth2Device* constants.
type OAuth2Device struct {
	ProjectID            string
	ID                   string
	DeviceHash           string
	UserCodeHash         string
	ClientID             string
	Scopes               []string
	Resources            []string
	AuthorizationDetails string
	Status               string
	UserID               string
	ConsentID            string
	SessionID            string
	AuthTime             time.Time
	AMR                  []string
	Interval             int
	LastPollAt           time.Time
	CreatedAt            time.Time
	ExpiresAt            time.Time
}

// Device request states.
const (
	OAuth2DevicePending  = "pending"
	OAuth2DeviceApproved = "approved"
	OAuth2DeviceDenied   = "denied"
)

// OAuth2Store keeps a project's OAuth2 server state. Every method takes
// the project id and never finds a row of another project. Methods taking
// now ignore rows whose expiry is not after it.
type OAuth2Store interface {
	// ListOAuth2Keys returns the project's signing keys, oldest
	// generation first, expired ones included until they are swept.
	ListOAuth2Keys(ctx context.Context, projectID string) ([]*OAuth2Key, error)
	// AddOAuth2Key inserts k, and in the same transaction sets expiresAt
	// on every older key of the project that has none yet. ErrConflict
	// when k's generation exists: another node got there first.
	AddOAuth2Key(ctx context.Context, k *OAuth2Key, olderExpireAt time.Time) error

	CreateOAuth2Grant(ctx context.Context, g *OAuth2Grant) error
	GetOAuth2Grant(ctx context.Context, projectID, id string, now time.Time) (*OAuth2Grant, error)
	// TakeOAuth2Grant removes and returns a live grant of the user: a
	// grant is answered once.
	TakeOAuth2Grant(ctx context.Context, projectID, userID, id string, now time.Time) (*OAuth2Grant, error)

	CreateOAuth2PAR(ctx context.Context, p *OAuth2PAR) error
	GetOAuth2PAR(ctx context.Context, projectID, handleHash string, now time.Time) (*OAuth2PAR, error)
	// TakeOAuth2PAR removes and returns a live request: single-use.
	TakeOAuth2PAR(ctx context.Context, projectID, handleHash string, now time.Time) (*OAuth2PAR, error)

	// SaveOAuth2Consent creates the user's consent for c.ClientID, or
	// replaces the scopes, resources and details of the existing one
	// (keeping its id and creation time); it returns the stored consent.
	SaveOAuth2Consent(ctx context.Context, c *OAuth2Consent) (*OAuth2Consent, error)
	GetOAuth2Consent(ctx context.Context, projectID, userID, id string) (*OAuth2Consent, error)
	OAuth2ConsentFor(ctx context.Context, projectID, userID, clientID string) (*OAuth2Consent, error)
	// ListOAuth2Consents pages through a user's consents, oldest first.
	ListOAuth2Consents(ctx context.Context, projectID, userID string, page Page) ([]*OAuth2Consent, int, error)
	// DeleteOAuth2Consent deletes the consent and every token family
	// under it.
	DeleteOAuth2Consent(ctx context.Context, projectID, userID, id string) error

	CreateOAuth2Code(ctx context.Context, c *OAuth2Code) error
	// RedeemOAuth2Code spends a live code: in one transaction it calls
	// mint with the code, inserts the family mint returns and marks the
	// code used by it. An error from mint leaves the code unspent. A code
	// already used is ErrReused, and the family it minted is revoked in
	// that transaction; the code is returned with it.
	RedeemOAuth2Code(ctx context.Context, projectID, codeHash string, now time.Time, mint func(*OAuth2Code) (*OAuth2Family, error)) (*OAuth2Code, error)

	// RotateOAuth2Refresh finds the live family whose current refresh
	// token has hash oldHash and lets fn move it on (new refresh hash,
	// new access jti); the old hash is remembered. An old hash already
	// rotated away is ErrReused: the family is revoked. fn may run more
	// than once and must have no side effects.
	RotateOAuth2Refresh(ctx context.Context, projectID, oldHash string, now time.Time, fn func(*OAuth2Family) error) (*OAuth2Family, error)
	// OAuth2FamilyByAccess returns the live family whose current access
	// token is jti, if its user exists and is not blocked: the one
	// lookup behind every use of an access token.
	OAuth2FamilyByAccess(ctx context.Context, projectID, jti string, now time.Time) (*OAuth2Family, error)
	// OAuth2FamilyByRefresh returns the family whose current refresh
	// token has this hash.
	OAuth2FamilyByRefresh(ctx context.Context, projectID, hash string) (*OAuth2Family, error)
	GetOAuth2Family(ctx context.Context, projectID, id string) (*OAuth2Family, error)
	// ListOAuth2Families pages through the families of a consent, oldest
	// first.
	ListOAuth2Families(ctx context.Context, projectID, consentID string, page Page) ([]*OAuth2Family, int, error)
	DeleteOAuth2Family(ctx context.Context, projectID, id string) error

	CreateOAuth2Device(ctx context.Context, d *OAuth2Device) error
	OAuth2DeviceByUserCode(ctx context.Context, projectID, userCodeHash string, now time.Time) (*OAuth2Device, error)
	// UpdateOAuth2Device changes a live device request in a transaction.
	UpdateOAuth2Device(ctx context.Context, projectID, id string, now time.Time, fn func(*OAuth2Device) error) (*OAuth2Device, error)
	// PollOAuth2Device is the device's poll at the token endpoint: fn sees
	// the request with this device-code hash, expired or not, and decides. When it
	// returns a family, that family is inserted and the request deleted in
	// the same transaction; otherwise the request is saved as fn left it
	// (LastPollAt), and fn's error, if any, returned after the save.
	PollOAuth2Device(ctx context.Context, projectID, deviceHash string, now time.Time, fn func(*OAuth2Device) (*OAuth2Family, error)) (*OAuth2Family, error)
}
