package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// NewSession is a created session with the credential the client keeps.
type NewSession struct {
	*storage.Session
	User *storage.User
	// Credential is the session string (cookie value); shown only once.
	Credential string
}

// SignInEmail is POST /account/sessions/email.
func (s *Service) SignInEmail(ctx context.Context, p *storage.Project, email, pw string, a Actor) (*NewSession, error) {
	email = strings.ToLower(email)
	u, err := s.store.UserByEmail(ctx, p.ID, email)
	if errors.Is(err, storage.ErrNotFound) {
		return s.signInLinkedEmail(ctx, p, email, pw, a)
	}
	if err != nil {
		return nil, err
	}
	ok, rehash, err := s.hasher.Verify(ctx, u.Hash, u.PasswordHash, u.HashOptions, pw)
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.WarnContext(ctx, "verify password", "user", u.ID, "err", err)
	}
	if !ok {
		s.countEvent(ctx, p.ID, storage.StatSignInFailed)
		return nil, apperr.New(apperr.UserInvalidCredentials)
	}
	if !u.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	if rehash {
		s.upgradeHash(ctx, u, pw)
	}
	ns, err := s.startSession(ctx, p, u, "email", u.Email, []string{"password"}, a)
	if err != nil {
		return nil, err
	}
	return s.passwordStillHolds(ctx, u, ns)
}

// dummyHash is verified when an email is unknown. It is made once with the
// current parameters (of a random password) so it costs what a real check costs.
func (s *Service) dummyHash(ctx context.Context) string {
	s.dummyOnce.Do(func() {
		s.dummy, _ = s.hasher.Hash(ctx, secret.Hex(16))
	})
	return s.dummy
}

// upgradeHash replaces an old or imported hash with a current argon2id one
// after a successful sign-in. Failure is logged: the sign-in still counts.
func (s *Service) upgradeHash(ctx context.Context, u *storage.User, pw string) {
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return
	}
	old := u.PasswordHash
	_, err = s.store.UpdateUser(ctx, u.ProjectID, u.ID, func(cur *storage.User) error {
		if cur.PasswordHash != old {
			return errPasswordChanged
		}
		cur.PasswordHash, cur.Hash, cur.HashOptions = hash, "argon2", s.hasher.Options()
		return nil
	})
	if err != nil && !errors.Is(err, errPasswordChanged) {
		s.log.WarnContext(ctx, "upgrade password hash", "user", u.ID, "err", err)
	}
}

var errPasswordChanged = errors.New("password changed meanwhile")

// signInLinkedEmail signs in with the email and password of an account
// that was linked into another: the primary is who signs in.
func (s *Service) signInLinkedEmail(ctx context.Context, p *storage.Project, email, pw string, a Actor) (*NewSession, error) {
	u, prof, err := s.linkedWay(ctx, p.ID, WayEmail, email)
	if err != nil {
		if !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		// Spend the same work as a real check so response time does not
		// tell which emails have accounts.
		s.hasher.Verify(ctx, "argon2", s.dummyHash(ctx), nil, pw)
		s.countEvent(ctx, p.ID, storage.StatSignInFailed)
		return nil, apperr.New(apperr.UserInvalidCredentials)
	}
	ok, _, err := s.hasher.Verify(ctx, prof.Hash, prof.Password, prof.HashOptions, pw)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if !ok {
		s.countEvent(ctx, p.ID, storage.StatSignInFailed)
		return nil, apperr.New(apperr.UserInvalidCredentials)
	}
	if !u.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	ns, err := s.startSession(ctx, p, u, "email", email, []string{"password"}, a)
	if err != nil {
		return nil, err
	}
	return s.linkedPasswordStillHolds(ctx, u, email, prof.Password, ns)
}

// SignInAnonymous is POST /account/sessions/anonymous: a new user with no
// email, phone or password.
func (s *Service) SignInAnonymous(ctx context.Context, p *storage.Project, a Actor) (*NewSession, error) {
	if err := s.checkUserLimit(ctx, p); err != nil {
		return nil, err
	}
	now := s.nowUTC()
	u := &storage.User{ProjectID: p.ID, ID: secret.ID(), Hash: "argon2", HashOptions: s.hasher.Options(),
		Registration: now, Status: true, Prefs: []byte("{}"), AccessedAt: now, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateUserWithin(ctx, u, p.Settings.Auth.Limit); errors.Is(err, storage.ErrLimit) {
		return nil, apperr.New(apperr.UserCountExceeded)
	} else if err != nil {
		return nil, err
	}
	s.signedUp(ctx, u, a)
	return s.startSession(ctx, p, u, "anonymous", "", []string{"anonymous"}, a)
}

// CreateServerSession is POST /users/{id}/sessions: an API key makes a
// session for a user; no session limit applies, as in Appwrite.
func (s *Service) CreateServerSession(ctx context.Context, p *storage.Project, u *storage.User, a Actor) (*NewSession, error) {
	return s.startSession(ctx, p, u, "server", "", []string{"server"}, a)
}

// startSession stores a new session for u and trims the user's sessions to
// the project's limit.
func (s *Service) startSession(ctx context.Context, p *storage.Project, u *storage.User, provider, providerUID string, factors []string, a Actor) (*NewSession, error) {
	now := s.nowUTC()
	raw := secret.Hex(32)
	sess := &storage.Session{ProjectID: p.ID, ID: secret.ID(), UserID: u.ID, SecretHash: secret.Hash(raw),
		Provider: provider, ProviderUID: providerUID, Client: a.Client, Factors: factors,
		Expire: now.Add(duration(p)), CreatedAt: now, UpdatedAt: now}
	max := p.Settings.Auth.MaxSessions
	if provider == "server" {
		max = 0
	}
	alert := s.sessionAlertDue(ctx, p, u, sess)
	if _, err := s.store.CreateSession(ctx, sess, max, s.logEntry(u, "session.create", a)); errors.Is(err, storage.ErrNotFound) {
		// A link merged the user away (or it was deleted) while it signed
		// in; its credentials now lead elsewhere or nowhere.
		return nil, apperr.Newf(apperr.UserNotFound, "The account changed while signing in; sign in again.")
	} else if err != nil {
		return nil, err
	}
	if alert {
		s.sendSessionAlert(ctx, p, u, a)
	}
	if provider != "server" {
		s.countEvent(ctx, p.ID, storage.StatSignIn)
	}
	return &NewSession{Session: sess, User: u, Credential: session.Encode(u.ID, raw)}, nil
}

func duration(p *storage.Project) time.Duration {
	d := p.Settings.Auth.Duration
	if d <= 0 {
		d = storage.DefaultDuration
	}
	return time.Duration(d) * time.Second
}

// ListSessions returns all of the user's sessions, expired ones included.
func (s *Service) ListSessions(ctx context.Context, u *storage.User) ([]*storage.Session, error) {
	return s.store.ListSessions(ctx, u.ProjectID, u.ID)
}

// resolve turns "current" into the caller's session id.
func resolve(c *Caller, id string) (string, error) {
	if id != "current" {
		return id, nil
	}
	// A JWT proves its session still exists, but it is not that session:
	// JWT callers have no current session, as in Appwrite.
	if c.Session == nil || c.ByJWT {
		return "", apperr.New(apperr.UserSessionNotFound)
	}
	return c.Session.ID, nil
}

// GetSession is GET /account/sessions/{id}.
func (s *Service) GetSession(ctx context.Context, c *Caller, id string) (*storage.Session, error) {
	id, err := resolve(c, id)
	if err != nil {
		return nil, err
	}
	sess, err := s.store.GetSession(ctx, c.User.ProjectID, c.User.ID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserSessionNotFound)
	}
	return sess, err
}

// ExtendSession is PATCH /account/sessions/{id}: expiry moves to now plus
// the project's session length.
func (s *Service) ExtendSession(ctx context.Context, p *storage.Project, c *Caller, id string, a Actor) (*storage.Session, error) {
	id, err := resolve(c, id)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	sess, err := s.store.UpdateSession(ctx, p.ID, c.User.ID, id, func(sess *storage.Session) error {
		sess.Expire = now.Add(duration(p))
		sess.UpdatedAt = now
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserSessionNotFound)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, c.User, "session.update", a)
	return sess, nil
}

// DeleteSession ends one session. It reports whether that was the
// caller's own, so the HTTP layer clears cookies.
func (s *Service) DeleteSession(ctx context.Context, c *Caller, id string, a Actor) (current bool, err error) {
	id, err = resolve(c, id)
	if err != nil {
		return false, err
	}
	err = s.store.DeleteSession(ctx, c.User.ProjectID, c.User.ID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return false, apperr.New(apperr.UserSessionNotFound)
	}
	if err != nil {
		return false, err
	}
	s.audit(ctx, c.User, "session.delete", a)
	return c.Session != nil && c.Session.ID == id, nil
}

// DeleteSessions ends every session of the user.
func (s *Service) DeleteSessions(ctx context.Context, u *storage.User, a Actor) error {
	if _, err := s.store.DeleteSessions(ctx, u.ProjectID, u.ID, "", s.nowUTC()); err != nil {
		return err
	}
	s.audit(ctx, u, "session.delete", a)
	return nil
}
