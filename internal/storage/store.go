package storage

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
)

// Sentinel errors. Capability packages turn them into the right Appwrite
// error for their context.
var (
	ErrNotFound = errors.New("storage: not found")
	ErrConflict = errors.New("storage: unique constraint violated")
	// ErrTargetExists: an email or phone change would reuse an identifier
	// that is already a messaging target.
	ErrTargetExists = errors.New("storage: target identifier exists")
	// ErrLimit: a limit was reached: the project already holds as many
	// users as it may (CreateUserWithin), or the user as many targets
	// (CreateTarget, MaxTargets).
	ErrLimit = errors.New("storage: limit reached")
)

// ListQuery selects rows for a list route: validated Appwrite queries
// (see the query package), a free-text search and a page.
type ListQuery struct {
	Filters []query.Query
	Orders  []query.Query
	Search  string
	Page    query.Page
}

// UserQuery selects users for the Users API list.
type UserQuery = ListQuery

// MaxTotal caps list totals, as Appwrite does, so counting stays cheap.
const MaxTotal = 5000

// MaxTargets is the most messaging targets one user holds. Every read of
// a user carries them all, so they must stay few. A push target belongs
// to a device, a device holds a session, and Appwrite lets a user hold
// at most 100 sessions (the top of auths.maxSessions).
const MaxTargets = 100

// Store is everything Gatehouse keeps. Each engine implements all of it and
// passes the storagetest conformance suite.
//
// Update methods load the record inside a transaction, call fn on it, and
// save it when fn returns nil; an error from fn aborts and is returned
// unchanged. fn may run more than once and must not have side effects.
type Store interface {
	JobStore
	MaintenanceStore
	VariableStore
	OAuth2Store
	AppStore

	Close() error
	Ping(ctx context.Context) error
	Engine() string

	// InstanceValue returns a value shared by every node, setting it to def
	// first when absent; concurrent callers all get the first value stored.
	InstanceValue(ctx context.Context, key, def string) (string, error)

	CreateProject(ctx context.Context, p *Project) error
	GetProject(ctx context.Context, id string) (*Project, error)
	ListProjects(ctx context.Context, search string, page Page) ([]*Project, int, error)
	UpdateProject(ctx context.Context, id string, fn func(*Project) error) (*Project, error)
	DeleteProject(ctx context.Context, id string) error

	CreatePlatform(ctx context.Context, p *Platform) error
	GetPlatform(ctx context.Context, projectID, id string) (*Platform, error)
	ListPlatforms(ctx context.Context, projectID string) ([]*Platform, error)
	UpdatePlatform(ctx context.Context, projectID, id string, fn func(*Platform) error) (*Platform, error)
	DeletePlatform(ctx context.Context, projectID, id string) error

	CreateKey(ctx context.Context, k *Key) error
	GetKey(ctx context.Context, projectID, id string) (*Key, error)
	KeyBySecretHash(ctx context.Context, hash string) (*Key, error)
	ListKeys(ctx context.Context, projectID string) ([]*Key, error)
	UpdateKey(ctx context.Context, projectID, id string, fn func(*Key) error) (*Key, error)
	DeleteKey(ctx context.Context, projectID, id string) error

	// CreateUser fails with ErrConflict when the id or email is taken, by
	// another user or through another user's identity.
	CreateUser(ctx context.Context, u *User) error
	// CreateUserWithin is CreateUser that also fails with ErrLimit when
	// the project already holds limit users (0: no limit), checked in the
	// same transaction so concurrent sign-ups cannot pass it together.
	CreateUserWithin(ctx context.Context, u *User, limit int) error
	GetUser(ctx context.Context, projectID, id string) (*User, error)
	// GetUserForJWT is GetUser (one indexed read) that also returns the
	// instant set by the user's last DeleteSessions: a JWT without a
	// session issued at or before it is void. Zero when never set.
	GetUserForJWT(ctx context.Context, projectID, id string) (*User, time.Time, error)
	UserByEmail(ctx context.Context, projectID, email string) (*User, error)
	UserByPhone(ctx context.Context, projectID, phone string) (*User, error)
	// UpdateUser also moves the user's email and sms targets along with
	// its email and phone, and withdraws the tokens sent to the old email
	// or phone; it fails with ErrTargetExists when the new value is
	// already some target's identifier.
	UpdateUser(ctx context.Context, projectID, id string, fn func(*User) error) (*User, error)
	// DeleteUser hides the user at once and ends its sessions; its data
	// is removed by PurgeUser, from a background job.
	DeleteUser(ctx context.Context, projectID, id string) error
	// PurgeUser removes a deleted user's rows (targets, sessions, logs,
	// identities), freeing its email and phone. Running it twice is fine.
	PurgeUser(ctx context.Context, projectID, id string) error
	// ListUsers pages through users matching q; the total is capped at
	// MaxTotal.
	ListUsers(ctx context.Context, projectID string, q UserQuery) ([]*User, int, error)

	// CreateTarget fails with ErrLimit when the user already holds
	// MaxTargets targets.
	CreateTarget(ctx context.Context, t *Target) error
	GetTarget(ctx context.Context, projectID, userID, id string) (*Target, error)
	ListTargets(ctx context.Context, projectID, userID string) ([]*Target, error)
	UpdateTarget(ctx context.Context, projectID, userID, id string, fn func(*Target) error) (*Target, error)
	DeleteTarget(ctx context.Context, projectID, userID, id string) error
	CountUsers(ctx context.Context, projectID string) (int, error)
	// TouchUser sets accessedAt without loading the user.
	TouchUser(ctx context.Context, projectID, id string, at time.Time) error

	// CreateSession stores s, removes the user's oldest sessions beyond
	// max and adds l (the session.create entry, when not nil) to the
	// security log, all in one transaction. It returns the ids it removed,
	// or ErrNotFound when the user no longer exists.
	CreateSession(ctx context.Context, s *Session, max int, l *Log) ([]string, error)
	// SessionBySecret is the hot path: one indexed lookup returning the
	// session with its user, whatever its expiry. The session's Client
	// (device fields) is left empty: read the session itself to show it.
	// The user id (from the session string) is bound too, so PostgreSQL
	// reads the user by primary key even without planner statistics.
	SessionBySecret(ctx context.Context, projectID, userID, secretHash string) (*Session, *User, error)
	// SessionBySecretLite is SessionBySecret reading only what checking a
	// session and showing the account model need: the user comes without
	// PasswordHash, Hash, HashOptions, PasswordHistory and RecoveryCodes,
	// the session with only its ID, UserID, ProjectID, Factors,
	// MFAUpdatedAt and Expire. For read-only routes.
	SessionBySecretLite(ctx context.Context, projectID, userID, secretHash string) (*Session, *User, error)
	GetSession(ctx context.Context, projectID, userID, id string) (*Session, error)
	ListSessions(ctx context.Context, projectID, userID string) ([]*Session, error)
	UpdateSession(ctx context.Context, projectID, userID, id string, fn func(*Session) error) (*Session, error)
	DeleteSession(ctx context.Context, projectID, userID, id string) error
	// DeleteSessions removes all of a user's sessions except keep (when
	// not empty) and returns how many it removed. In the same transaction
	// it moves the user's JWT revocation instant (see GetUserForJWT) up to
	// at: the JWTs minted without a session end with the sessions.
	DeleteSessions(ctx context.Context, projectID, userID, keep string, at time.Time) (int, error)

	CreateToken(ctx context.Context, t *Token) error
	// ConsumeToken deletes and returns the user's live token of one of
	// types whose secret hashes to secretHash; ErrNotFound when there is
	// none. A token is used at most once, however many callers race.
	ConsumeToken(ctx context.Context, projectID, userID, secretHash string, types []TokenType, now time.Time) (*Token, error)
	// ProveAddress spends the token of pr (if any) and carries out what
	// pr.Apply decides, in one transaction with the user locked. It
	// returns the user as saved and the spent token; ErrNotFound when the
	// token is not live or the user is missing, or when Apply refused.
	ProveAddress(ctx context.Context, pr *Proof) (*User, *Token, error)
	// FailTokens counts a wrong guess against each of the user's short
	// tokens (Token.Short) and withdraws those guessed at maxAttempts
	// times. Long tokens are never withdrawn by guesses: none can reach
	// them, and a stranger could otherwise end them.
	FailTokens(ctx context.Context, projectID, userID string, maxAttempts int) error
	// DeleteTokens removes a user's tokens of a type (0: all types).
	DeleteTokens(ctx context.Context, projectID, userID string, typ TokenType) error

	// PutAuthenticator creates or replaces a user's authenticator of a
	// type; it fails with ErrConflict when a verified one exists.
	PutAuthenticator(ctx context.Context, a *Authenticator) error
	GetAuthenticator(ctx context.Context, projectID, userID, typ string) (*Authenticator, error)
	// UpdateAuthenticator changes an authenticator in one transaction,
	// keeping the user's TOTP flag in step with its verified state.
	UpdateAuthenticator(ctx context.Context, projectID, userID, typ string, fn func(*Authenticator) error) (*Authenticator, error)
	DeleteAuthenticator(ctx context.Context, projectID, userID, typ string) error

	CreateChallenge(ctx context.Context, c *Challenge) error
	GetChallenge(ctx context.Context, projectID, userID, id string) (*Challenge, error)
	// FailChallenge counts a wrong answer and removes the challenge at max.
	FailChallenge(ctx context.Context, projectID, id string, max int) error
	DeleteChallenge(ctx context.Context, projectID, id string) error

	// CreateIdentity fails with ErrConflict when the provider account is
	// already an identity in the project, or when its email is another
	// user's (as that user's email or through one of its identities).
	CreateIdentity(ctx context.Context, i *Identity) error
	GetIdentity(ctx context.Context, projectID, id string) (*Identity, error)
	IdentityByProvider(ctx context.Context, projectID, provider, providerUID string) (*Identity, error)
	// IdentityEmailOwner returns the user holding email through an
	// identity, other than except; ErrNotFound when none does. Only an
	// identity whose provider verified the email (or a merged account's
	// own email) holds it: an unverified provider email reserves nothing.
	IdentityEmailOwner(ctx context.Context, projectID, email, except string) (string, error)
	// ListIdentities lists a user's identities, or the project's when
	// userID is "".
	ListIdentities(ctx context.Context, projectID, userID string, page Page) ([]*Identity, int, error)
	// FindIdentities lists the identities matching q (on userId,
	// provider, providerUid, providerEmail, providerAccessTokenExpiry,
	// $id, $createdAt, $updatedAt), the total capped at MaxTotal. With
	// userID set only that user's identities are listed, whatever q says,
	// and a cursor must be one of them. A cursor not in the list is
	// ErrNotFound.
	FindIdentities(ctx context.Context, projectID, userID string, q ListQuery) ([]*Identity, int, error)
	UpdateIdentity(ctx context.Context, projectID, id string, fn func(*Identity) error) (*Identity, error)
	DeleteIdentity(ctx context.Context, projectID, id string) error
	// DeleteIdentityIf removes an identity in one transaction holding its
	// user's row, once keep returns nil for the user, the identity and the
	// user's other identities (all read under that lock, so two deletes
	// of one user's identities see each other's result). An error from
	// keep aborts and is returned unchanged; ErrNotFound when the
	// identity or its user (deleted or being deleted) is missing.
	DeleteIdentityIf(ctx context.Context, projectID, id string, keep func(u *User, i *Identity, rest []*Identity) error) error

	// MergeUser links secondary into primary in one transaction: the
	// secondary's identities move to the primary with profile as their
	// profileData, the extra identities (its email and phone as ways in)
	// are added, the secondary's log is set aside under its id (held by
	// the primary) and the secondary user is removed, with w's work. It
	// fails with ErrNotFound when either user is missing, ErrBlocked when
	// either is blocked and ErrDeletionPending when either is being
	// deleted.
	MergeUser(ctx context.Context, projectID, primaryID, secondaryID string, profile []byte, extra []*Identity, w *LinkWork) error
	// SplitIdentity undoes a link in one transaction: user (made from the
	// identity's profileData) is created, and the identities listed move
	// from fromID to it (or, for email and phone ways in, are removed,
	// since the new user holds the address itself); the log set aside for
	// oldID by fromID comes back under the new user's id; then w's work.
	// It fails with ErrNotFound when fromID is missing or no longer holds
	// one of the identities, and ErrDeletionPending when it is being
	// deleted.
	SplitIdentity(ctx context.Context, fromID, oldID string, user *User, move, drop []string, w *LinkWork) error
	// AddIdentity adds a provider identity to an active user with w's
	// work, in one transaction. It fails with ErrNotFound, ErrBlocked or
	// ErrDeletionPending for the user, and with ErrConflict as
	// CreateIdentity does.
	AddIdentity(ctx context.Context, i *Identity, w *LinkWork) error
	// RemoveIdentity removes userID's identity provider/providerUID with
	// w's work, in one transaction; ErrNotFound when userID does not hold
	// it (or w's undo token is spent or expired).
	RemoveIdentity(ctx context.Context, projectID, userID, provider, providerUID string, w *LinkWork) error
	// GetLinkUndo returns the undo token whose secret hashes to
	// secretHash, used or not, expired or not.
	GetLinkUndo(ctx context.Context, projectID, secretHash string) (*LinkUndo, error)

	// SaveOAuthState keeps a sign-in in flight under the hash of its id.
	SaveOAuthState(ctx context.Context, idHash, projectID string, st *OAuthState, expire time.Time) error
	// TakeOAuthState returns and deletes a live state: it works once.
	TakeOAuthState(ctx context.Context, idHash string, now time.Time) (string, *OAuthState, error)

	AddLog(ctx context.Context, l *Log) error
	ListLogs(ctx context.Context, projectID, userID string, page Page) ([]*Log, int, error)

	// HitCounter adds one to the counter key in the window starting at
	// window and returns the count before this hit; it does not add past
	// limit. Old windows are removed from time to time.
	HitCounter(ctx context.Context, key string, window time.Time, limit int) (int, error)
}
