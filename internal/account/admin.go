package account

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// The Users API: a server holding an API key manages users. Every change
// is written to the user's security log with the key's name as actor.

// NewUser is POST /users and its imported-hash variants.
type NewUser struct {
	ID    string // "unique()" or a chosen id
	Email string
	Phone string
	Name  string
	// Password is a plain password to hash; or set Hash to store an
	// imported hash as it is.
	Password    string
	Hash        string // algorithm name (argon2, bcrypt, md5, sha, phpass, scrypt, scryptMod)
	HashValue   string
	HashOptions json.RawMessage

	// Fields an import carries over; zero values mean the defaults.
	Labels            []string
	Prefs             json.RawMessage // a JSON object
	Blocked           bool
	EmailVerification bool
	PhoneVerification bool
	Registration      time.Time
}

// CreateUser makes a user for an API key. The users limit and the email
// policies do not apply, as in Appwrite (a server is trusted with the
// addresses it adds); the email facts are recorded all the same.
func (s *Service) CreateUser(ctx context.Context, p *storage.Project, in NewUser, a Actor) (*storage.User, error) {
	id := in.ID
	if id == "unique()" {
		id = secret.ID()
	}
	now := s.nowUTC()
	if err := s.emailOfIdentity(ctx, p.ID, in.Email, "", apperr.UserEmailAlreadyExists); err != nil {
		return nil, err
	}
	u := &storage.User{ProjectID: p.ID, ID: id, Name: in.Name, Email: strings.ToLower(in.Email), Phone: in.Phone,
		Hash: "argon2", HashOptions: s.hasher.Options(), Registration: now, Status: true, Prefs: []byte("{}"),
		CreatedAt: now, UpdatedAt: now}
	u.Labels, u.Status, u.EmailVerification, u.PhoneVerification = in.Labels, !in.Blocked, in.EmailVerification, in.PhoneVerification
	if len(in.Prefs) > 0 {
		if len(in.Prefs) > MaxPrefs || !isObject(in.Prefs) {
			return nil, apperr.Invalid("prefs", "Value must be a valid object no longer than 65535 bytes")
		}
		u.Prefs = in.Prefs
	}
	if !in.Registration.IsZero() {
		u.Registration = in.Registration.UTC()
	}
	switch {
	case in.HashValue != "":
		u.PasswordHash, u.Hash, u.HashOptions, u.PasswordUpdate = in.HashValue, in.Hash, in.HashOptions, now
	case in.Password != "":
		if err := s.checkNewPassword(ctx, p, in.Password, u); err != nil {
			return nil, err
		}
		hash, err := s.hasher.Hash(ctx, in.Password)
		if err != nil {
			return nil, err
		}
		s.setPassword(u, hash)
		pushHistory(u, hash, p.Settings.Auth.PasswordHistory)
	}
	stampEmail(u)
	if err := s.store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil, apperr.New(apperr.UserAlreadyExists)
		}
		return nil, err
	}
	s.audit(ctx, u, "user.create", a)
	return u, nil
}

// User reads a user for the Users API.
func (s *Service) User(ctx context.Context, p *storage.Project, id string) (*storage.User, error) {
	u, err := s.store.GetUser(ctx, p.ID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserNotFound)
	}
	return u, err
}

// ListUsers pages through a project's users.
func (s *Service) ListUsers(ctx context.Context, p *storage.Project, q storage.UserQuery) ([]*storage.User, int, error) {
	users, total, err := s.store.ListUsers(ctx, p.ID, q)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, 0, apperr.Newf(apperr.CursorNotFound, "The cursor is invalid: no user has that id.")
	}
	return users, total, err
}

// DeleteUser removes a user: it disappears and its sessions end at once;
// the rest is cleaned up in the background.
func (s *Service) DeleteUser(ctx context.Context, u *storage.User, a Actor) error {
	s.audit(ctx, u, "user.delete", a)
	err := s.store.DeleteUser(ctx, u.ProjectID, u.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.UserNotFound)
	}
	return err
}

// SetEmail changes or (with "") removes a user's email.
func (s *Service) SetEmail(ctx context.Context, u *storage.User, email string, a Actor) (*storage.User, error) {
	email = strings.ToLower(email)
	if err := s.emailOfIdentity(ctx, u.ProjectID, email, u.ID, apperr.UserEmailAlreadyExists); err != nil {
		return nil, err
	}
	out, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		if cur.Email != email {
			cur.EmailVerification = false
		}
		cur.Email = email
		return nil
	})
	return out, conflictAs(err, apperr.UserEmailAlreadyExists)
}

// SetPhone changes or (with "") removes a user's phone.
func (s *Service) SetPhone(ctx context.Context, u *storage.User, phone string, a Actor) (*storage.User, error) {
	out, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		if cur.Phone != phone {
			cur.PhoneVerification = false
		}
		cur.Phone = phone
		return nil
	})
	return out, conflictAs(err, apperr.UserPhoneAlreadyExists)
}

// SetPassword sets (or with "" clears) a user's password. With the
// project's invalidateSessions on, all the user's sessions end.
func (s *Service) SetPassword(ctx context.Context, p *storage.Project, u *storage.User, pw string, a Actor) (*storage.User, error) {
	var hash string
	if pw != "" {
		if err := s.checkNewPassword(ctx, p, pw, u); err != nil {
			return nil, err
		}
		var err error
		if hash, err = s.hasher.Hash(ctx, pw); err != nil {
			return nil, err
		}
	}
	out, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		if hash == "" {
			cur.PasswordHash, cur.PasswordUpdate = "", time.Time{}
			return nil
		}
		s.setPassword(cur, hash)
		pushHistory(cur, hash, p.Settings.Auth.PasswordHistory)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if p.Settings.Auth.InvalidateSessions {
		if _, err := s.store.DeleteSessions(ctx, u.ProjectID, u.ID, "", s.nowUTC()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Set changes plain fields of a user: fn edits the stored record.
func (s *Service) Set(ctx context.Context, u *storage.User, a Actor, fn func(*storage.User)) (*storage.User, error) {
	return s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		fn(cur)
		return nil
	})
}

// DeleteUserSession ends one of a user's sessions.
func (s *Service) DeleteUserSession(ctx context.Context, u *storage.User, id string, a Actor) error {
	err := s.store.DeleteSession(ctx, u.ProjectID, u.ID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.UserSessionNotFound)
	}
	if err == nil {
		s.audit(ctx, u, "session.delete", a)
	}
	return err
}

// CreateUserJWT mints a JWT for a user, bound to one of its sessions
// ("recent" picks the newest) or to none.
func (s *Service) CreateUserJWT(ctx context.Context, u *storage.User, sessionID string, d time.Duration) (string, error) {
	bound := ""
	if sessionID != "" {
		list, err := s.store.ListSessions(ctx, u.ProjectID, u.ID) // oldest first
		if err != nil {
			return "", err
		}
		for _, sess := range list {
			if sess.ID == sessionID || sessionID == "recent" {
				bound = sess.ID
			}
		}
	}
	return s.jwts.Sign(u.ProjectID, u.ID, bound, d)
}
