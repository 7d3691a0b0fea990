// Package account is the signed-in user's side of Gatehouse: signing up and
// in, sessions, JWTs, profile changes and the security log. It enforces the
// project's auth settings and returns *apperr.Error for every refusal.
package account

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/passkey"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// JWTLifetime is a JWT's lifetime when the caller names none (fixed in
// Appwrite 1.6 to 1.8; 1.9 takes a duration of up to an hour).
const JWTLifetime = 15 * time.Minute

// accessedAtEvery limits how often a request refreshes a user's accessedAt.
const accessedAtEvery = 24 * time.Hour

// Service is the account capability.
type Service struct {
	store  storage.Store
	hasher *password.Hasher
	jwts   *session.JWTs
	now    func() time.Time
	log    *slog.Logger

	dummyOnce sync.Once
	dummy     string

	outbox  Sender
	seal    *seal.Box
	codeKey *secret.Keyed // see SetInstanceKey

	undoTTL time.Duration // see SetUndoLifetime

	passkeys *passkey.Service // see SetPasskeys
}

// SetSeal gives the service the box that seals MFA secrets.
func (s *Service) SetSeal(b *seal.Box) { s.seal = b }

// Sender queues a message for delivery; *outbox.Outbox is one.
type Sender interface {
	Send(ctx context.Context, m outbox.Message) error
}

// SetSender gives the service a way to send mail and texts. Without one,
// flows that send a message answer that mail is not configured.
func (s *Service) SetSender(o Sender) { s.outbox = o }

// New returns a Service.
func New(store storage.Store, hasher *password.Hasher, jwts *session.JWTs, now func() time.Time, log *slog.Logger) *Service {
	codeKey, err := secret.NewKeyed([]byte(secret.Hex(32)), codeKeyLabel)
	if err != nil {
		panic(err) // HKDF fails only for an impossible output length
	}
	return &Service{store: store, hasher: hasher, jwts: jwts, now: now, log: log, codeKey: codeKey}
}

// Actor says who asks for a change: the user itself (mode "default") or an
// API key (mode "admin", Actor is the key's name). It goes to the log.
type Actor struct {
	Mode   string
	Name   string
	Client storage.Client
	Locale string // X-Appwrite-Locale, for messages
	// Operator is the impersonator acting as the user (see Impersonate);
	// the security log names it instead of the user.
	Operator *storage.User
	// Console is the console administrator acting through the console
	// (a session of the console project in admin mode); the security log
	// names it.
	Console *storage.User
}

// Caller is an authenticated request's user and, for session callers, the
// session that authenticated it.
type Caller struct {
	User    *storage.User
	Session *storage.Session // nil when authenticated by a JWT without session
	ByJWT   bool
	// Operator is set while an impersonator acts as User: it is the user
	// the session or JWT authenticated (see Impersonate).
	Operator *storage.User
}

func (s *Service) nowUTC() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Authenticate resolves a session string to its live session and user. It
// returns (nil, nil) for anything that does not authenticate: the caller is
// then a guest, as in Appwrite.
func (s *Service) Authenticate(ctx context.Context, projectID, sessionString string) (*Caller, error) {
	return s.authenticate(ctx, projectID, sessionString, s.store.SessionBySecret)
}

// AuthenticateLite is Authenticate for read-only routes that show no more
// than the account model: the user comes without its secrets (password,
// history, recovery codes) and the session with only what checks it (see
// storage.Store.SessionBySecretLite). It is the cheaper lookup of the hot
// path.
func (s *Service) AuthenticateLite(ctx context.Context, projectID, sessionString string) (*Caller, error) {
	return s.authenticate(ctx, projectID, sessionString, s.store.SessionBySecretLite)
}

type sessionLookup func(ctx context.Context, projectID, userID, secretHash string) (*storage.Session, *storage.User, error)

func (s *Service) authenticate(ctx context.Context, projectID, sessionString string, lookup sessionLookup) (*Caller, error) {
	cred, ok := session.Decode(sessionString)
	if !ok {
		return nil, nil
	}
	sess, u, err := lookup(ctx, projectID, cred.ID, secret.Hash(cred.Secret))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// The hash lookup already proves the secret; the user id in the
	// credential must name the same user, compared in constant time.
	if !secret.Equal(u.ID, cred.ID) || !s.now().Before(sess.Expire) {
		return nil, nil
	}
	s.touch(ctx, u)
	return &Caller{User: u, Session: sess}, nil
}

// AuthenticateJWT resolves an X-Appwrite-JWT value. A bad or expired
// token, one of another project, one issued before its user existed, and
// one without a session issued at or before the user's sessions last all
// ended are user_jwt_invalid; a token whose session has ended or expired
// makes a guest (as in Appwrite for an ended session). The check stays one
// indexed read of the user (and of the session, for a session's token).
func (s *Service) AuthenticateJWT(ctx context.Context, projectID, token string) (*Caller, error) {
	c, err := s.jwts.Verify(token, projectID)
	if err != nil {
		return nil, apperr.New(apperr.UserJWTInvalid)
	}
	u, revoked, err := s.store.GetUserForJWT(ctx, projectID, c.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	issued := c.IssuedAt.Time
	// A user made after the token is someone else under a reused id (the
	// first was deleted, or its whole project).
	if issued.Before(u.CreatedAt) {
		return nil, apperr.New(apperr.UserJWTInvalid)
	}
	caller := &Caller{User: u, ByJWT: true}
	if c.SessionID == "" {
		// Nothing else ends it: "at or before", since a revocation in the
		// same microsecond may have come after the signing.
		if !issued.After(revoked) {
			return nil, apperr.New(apperr.UserJWTInvalid)
		}
	} else {
		sess, err := s.store.GetSession(ctx, projectID, u.ID, c.SessionID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if !s.now().Before(sess.Expire) {
			return nil, nil
		}
		caller.Session = sess
	}
	s.touch(ctx, u)
	return caller, nil
}

// touch refreshes accessedAt at most once a day, so the hot path writes
// almost never.
func (s *Service) touch(ctx context.Context, u *storage.User) {
	now := s.nowUTC()
	if now.Sub(u.AccessedAt) < accessedAtEvery {
		return
	}
	if err := s.store.TouchUser(ctx, u.ProjectID, u.ID, now); err != nil {
		s.log.WarnContext(ctx, "refresh accessedAt", "err", err)
		return
	}
	u.AccessedAt = now
}

// CreateJWT mints a JWT for the caller's current session, valid for d.
// A caller authenticated by a JWT may not mint another (that would let a
// leaked token outlive its own expiry forever).
func (s *Service) CreateJWT(c *Caller, d time.Duration) (string, error) {
	if c != nil && c.ByJWT {
		return "", apperr.New(apperr.UserJWTCreationDenied)
	}
	if c == nil || c.Session == nil {
		return "", apperr.New(apperr.UserSessionNotFound)
	}
	return s.jwts.Sign(c.User.ProjectID, c.User.ID, c.Session.ID, d)
}

// audit writes a security log entry; a failure is logged, not returned:
// the change it records is already made. (A new session's entry is
// written with the session instead, in CreateSession's transaction.)
func (s *Service) audit(ctx context.Context, u *storage.User, event string, a Actor) {
	if err := s.store.AddLog(ctx, s.logEntry(u, event, a)); err != nil {
		s.log.ErrorContext(ctx, "write security log", "event", event, "err", err)
	}
}

// logEntry is the security log entry for event, done by a to u.
func (s *Service) logEntry(u *storage.User, event string, a Actor) *storage.Log {
	mode, actor := a.Mode, a.Name
	email, name := u.Email, u.Name
	switch {
	case a.Operator != nil:
		// The entry stays in the impersonated user's log and names the
		// operator who acted, as Appwrite's audit does.
		mode, actor = storage.LogModeImpersonated, a.Operator.ID
		email, name = a.Operator.Email, a.Operator.Name
	case a.Console != nil:
		mode, actor = storage.LogModeConsole, a.Console.ID
		email, name = a.Console.Email, a.Console.Name
	case mode == "":
		mode, actor = "default", u.ID
	}
	return &storage.Log{ProjectID: u.ProjectID, ID: secret.ID(), UserID: u.ID, Event: event, Mode: mode, Actor: actor,
		UserEmail: email, UserName: name, Client: a.Client, Time: s.nowUTC()}
}

// LogUserType names who acted in a security log entry, as Appwrite 1.9's
// Log.userType does: keyProject for an API key (mode "admin", the only
// actor that writes it), user for everything else, which the user did
// with a session, a JWT or the secret of a message sent to them.
// Gatehouse has no account or organization keys and writes no entries
// for guests or the console, so the other values never occur.
func LogUserType(l *storage.Log) string {
	// A console administrator is a user, of the console project.
	if l.Mode == "admin" {
		return "keyProject"
	}
	return "user"
}

// ListLogs returns a page of the user's security log, newest first.
func (s *Service) ListLogs(ctx context.Context, u *storage.User, page storage.Page) ([]*storage.Log, int, error) {
	return s.store.ListLogs(ctx, u.ProjectID, u.ID, page)
}

// isObject reports whether raw is a JSON object.
func isObject(raw []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && m != nil
}
