package account

import (
	"context"
	"errors"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/emailpolicy"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// MaxPrefs is the largest encoded prefs object, as in Appwrite.
const MaxPrefs = 65535

// update runs fn on the stored user and stamps updatedAt (and the email
// facts, when fn changed the email); storage errors become Appwrite
// errors here.
func (s *Service) update(ctx context.Context, u *storage.User, event string, a Actor, fn func(*storage.User) error) (*storage.User, error) {
	now := s.nowUTC()
	out, err := s.store.UpdateUser(ctx, u.ProjectID, u.ID, func(cur *storage.User) error {
		email := cur.Email
		if err := fn(cur); err != nil {
			return err
		}
		if cur.Email != email {
			stampEmail(cur)
		}
		cur.UpdatedAt = now
		return nil
	})
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, apperr.New(apperr.UserNotFound)
	case err != nil:
		return nil, err
	}
	s.audit(ctx, out, event, a)
	return out, nil
}

// UpdateName is PATCH /account/name.
func (s *Service) UpdateName(ctx context.Context, u *storage.User, name string, a Actor) (*storage.User, error) {
	return s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		cur.Name = name
		return nil
	})
}

// UpdatePrefs replaces the whole prefs object.
func (s *Service) UpdatePrefs(ctx context.Context, u *storage.User, prefs []byte, a Actor) (*storage.User, error) {
	if len(prefs) > MaxPrefs {
		return nil, apperr.Invalid("prefs", "Value must be a valid object no longer than 65535 bytes")
	}
	if !isObject(prefs) {
		return nil, apperr.Invalid("prefs", "Value must be a valid object")
	}
	return s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		cur.Prefs = prefs
		return nil
	})
}

// checkPassword is the rule of the email, phone and password changes: the
// current password must be given when the user has one.
func (s *Service) checkPassword(ctx context.Context, u *storage.User, pw string) error {
	if u.PasswordHash == "" {
		return nil
	}
	ok, _, err := s.hasher.Verify(ctx, u.Hash, u.PasswordHash, u.HashOptions, pw)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if !ok {
		return apperr.New(apperr.UserInvalidCredentials)
	}
	return nil
}

// UpdateEmail is PATCH /account/email. A user without a password (an
// anonymous one converting) gets pw as their password. The project's
// email policies apply to the new address.
func (s *Service) UpdateEmail(ctx context.Context, p *storage.Project, u *storage.User, email, pw string, a Actor) (*storage.User, error) {
	email = strings.ToLower(email)
	if email == u.Email {
		// The address is already a target (this user's own): Appwrite
		// answers so, and so do we.
		return nil, apperr.New(apperr.UserTargetExists)
	}
	if err := emailpolicy.Check(p.Settings.Auth, email); err != nil {
		return nil, err
	}
	if err := s.checkPassword(ctx, u, pw); err != nil {
		return nil, err
	}
	if err := s.emailOfIdentity(ctx, u.ProjectID, email, u.ID, apperr.BadRequest); err != nil {
		return nil, err
	}
	var hash string
	if u.PasswordHash == "" {
		var err error
		if hash, err = s.hasher.Hash(ctx, pw); err != nil {
			return nil, err
		}
	}
	out, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		if cur.PasswordHash != u.PasswordHash {
			return apperr.New(apperr.UserInvalidCredentials) // changed meanwhile
		}
		if hash != "" {
			s.setPassword(cur, hash)
		}
		cur.Email = email
		cur.EmailVerification = false
		return nil
	})
	return out, conflictAs(err, apperr.UserAlreadyExists)
}

// UpdatePhone is PATCH /account/phone, with UpdateEmail's password rule.
func (s *Service) UpdatePhone(ctx context.Context, u *storage.User, phone, pw string, a Actor) (*storage.User, error) {
	if phone == u.Phone {
		return nil, apperr.New(apperr.UserTargetExists)
	}
	if err := s.checkPassword(ctx, u, pw); err != nil {
		return nil, err
	}
	var hash string
	if u.PasswordHash == "" {
		var err error
		if hash, err = s.hasher.Hash(ctx, pw); err != nil {
			return nil, err
		}
	}
	out, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		if cur.PasswordHash != u.PasswordHash {
			return apperr.New(apperr.UserInvalidCredentials)
		}
		if hash != "" {
			s.setPassword(cur, hash)
		}
		cur.Phone = phone
		cur.PhoneVerification = false
		return nil
	})
	return out, conflictAs(err, apperr.UserPhoneAlreadyExists)
}

// conflictAs maps storage conflicts of an email or phone change: a target
// clash first (every user's email and phone is a target), then a duplicate.
func conflictAs(err error, dup *apperr.Kind) error {
	switch {
	case errors.Is(err, storage.ErrTargetExists):
		return apperr.New(apperr.UserTargetExists)
	case errors.Is(err, storage.ErrConflict):
		return apperr.New(dup)
	}
	return err
}

func (s *Service) setPassword(u *storage.User, hash string) {
	u.PasswordHash, u.Hash, u.HashOptions = hash, "argon2", s.hasher.Options()
	u.PasswordUpdate = s.nowUTC()
}

// UpdatePassword is PATCH /account/password. oldPassword is checked when
// the user already has a password. With the project's invalidateSessions
// on, every other session of the user ends.
func (s *Service) UpdatePassword(ctx context.Context, p *storage.Project, c *Caller, pw, old string, a Actor) (*storage.User, error) {
	u := c.User
	if u.PasswordHash != "" {
		if old == "" {
			return nil, apperr.New(apperr.UserInvalidCredentials)
		}
		if err := s.checkPassword(ctx, u, old); err != nil {
			return nil, err
		}
	}
	if err := s.checkNewPassword(ctx, p, pw, u); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return nil, err
	}
	out, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		if cur.PasswordHash != u.PasswordHash {
			return apperr.New(apperr.UserInvalidCredentials)
		}
		s.setPassword(cur, hash)
		pushHistory(cur, hash, p.Settings.Auth.PasswordHistory)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if p.Settings.Auth.InvalidateSessions {
		keep := ""
		if c.Session != nil {
			keep = c.Session.ID
		}
		if _, err := s.store.DeleteSessions(ctx, u.ProjectID, u.ID, keep, s.nowUTC()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Block is PATCH /account/status: the user blocks itself.
func (s *Service) Block(ctx context.Context, u *storage.User, a Actor) (*storage.User, error) {
	return s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		cur.Status = false
		return nil
	})
}

// Delete is DELETE /account: the user and everything it owns.
func (s *Service) Delete(ctx context.Context, u *storage.User) error {
	err := s.store.DeleteUser(ctx, u.ProjectID, u.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.UserNotFound)
	}
	return err
}
