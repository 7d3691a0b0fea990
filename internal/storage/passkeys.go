package storage

import (
	"context"
	"time"
)

// Passkey is a WebAuthn credential of a user. It is an identity too
// (provider "passkey", ProviderUID the credential id in base64url): ID is
// that identity's id, and the identity's user is the passkey's user, so a
// link or unlink moving the identity moves the passkey, and deleting the
// identity deletes it.
type Passkey struct {
	ProjectID string
	ID        string // the identity's id
	UserID    string // the identity's user (read; set through the identity)
	Name      string
	// AuthenticatorType is the authenticator's attachment the browser
	// reported: "platform", "cross-platform" or "".
	AuthenticatorType string
	UserHandle        string // base64url WebAuthn user handle it was made with
	// Credential is the credential record as the WebAuthn library keeps
	// it, as JSON (public key, sign counter, flags, AAGUID, transports).
	Credential []byte
	LastUsedAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// PasskeyCeremony is a WebAuthn registration or sign-in in flight. Only
// the hash of its challenge is kept; Data is the rest of the library's
// session data, as JSON.
type PasskeyCeremony struct {
	ProjectID     string
	ID            string
	ChallengeHash string
	Kind          string // register, signup, signin, mfa
	UserID        string // "" for a discoverable sign-in and a sign-up
	Data          []byte
	Expire        time.Time
	CreatedAt     time.Time
}

// PasskeyStore keeps passkeys and their ceremonies.
type PasskeyStore interface {
	// AddPasskey creates identity i and passkey p (of the same id) in one
	// transaction, with the user locked: ErrNotFound when the user is
	// missing, ErrBlocked when blocked, ErrDeletionPending when being
	// deleted, ErrConflict when the credential is already an identity in
	// the project.
	AddPasskey(ctx context.Context, i *Identity, p *Passkey) error
	// CreateUserWithPasskey is CreateUserWithin and AddPasskey in one
	// transaction: a sign-up whose one way in is the passkey. It fails
	// as either does.
	CreateUserWithPasskey(ctx context.Context, u *User, limit int, i *Identity, p *Passkey) error
	// GetPasskey returns a passkey with its identity's user.
	GetPasskey(ctx context.Context, projectID, id string) (*Passkey, error)
	// ListPasskeys lists a user's passkeys, oldest first.
	ListPasskeys(ctx context.Context, projectID, userID string) ([]*Passkey, error)
	// UpdatePasskey changes a passkey in one transaction (see Store on
	// updaters); ErrNotFound when it is gone.
	UpdatePasskey(ctx context.Context, projectID, id string, fn func(*Passkey) error) (*Passkey, error)
	// SavePasskeyCeremony stores a ceremony and removes expired ones.
	SavePasskeyCeremony(ctx context.Context, c *PasskeyCeremony) error
	// TakePasskeyCeremony deletes and returns the project's live ceremony
	// whose challenge hashes to challengeHash: it works once, however
	// many callers race. ErrNotFound when there is none.
	TakePasskeyCeremony(ctx context.Context, projectID, challengeHash string, now time.Time) (*PasskeyCeremony, error)
	// TakePasskeyCeremonyByID is TakePasskeyCeremony by the ceremony's id
	// and user (the MFA challenge, named by its id).
	TakePasskeyCeremonyByID(ctx context.Context, projectID, userID, id string, now time.Time) (*PasskeyCeremony, error)
}
