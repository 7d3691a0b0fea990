package account

import (
	"context"
	"errors"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/emailpolicy"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// SignUp is POST /account: a new user with email and password. It does not
// create a session.
type SignUp struct {
	UserID   string // "unique()" or a chosen id
	Email    string
	Password string
	Name     string
}

// Create makes the user described by in.
func (s *Service) Create(ctx context.Context, p *storage.Project, in SignUp, a Actor) (*storage.User, error) {
	if err := s.checkUserLimit(ctx, p); err != nil {
		return nil, err
	}
	id := in.UserID
	if id == "unique()" {
		id = secret.ID()
	}
	email := strings.ToLower(in.Email)
	if err := emailpolicy.Check(p.Settings.Auth, email); err != nil {
		return nil, err
	}
	if err := s.emailOfIdentity(ctx, p.ID, email, "", apperr.BadRequest); err != nil {
		return nil, err
	}
	if err := s.checkNewPassword(ctx, p, in.Password, &storage.User{ID: id, Email: email, Name: in.Name}); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	u := &storage.User{ProjectID: p.ID, ID: id, Name: in.Name, Email: email, PasswordHash: hash, Hash: "argon2",
		HashOptions: s.hasher.Options(), PasswordUpdate: now, Registration: now, Status: true,
		Prefs: []byte("{}"), AccessedAt: now, CreatedAt: now, UpdatedAt: now}
	if p.Settings.Auth.PasswordHistory > 0 {
		u.PasswordHistory = []string{hash}
	}
	stampEmail(u)
	if err := s.store.CreateUserWithin(ctx, u, p.Settings.Auth.Limit); err != nil {
		if errors.Is(err, storage.ErrLimit) {
			return nil, apperr.New(apperr.UserCountExceeded)
		}
		if errors.Is(err, storage.ErrConflict) {
			return nil, apperr.New(apperr.UserAlreadyExists)
		}
		return nil, err
	}
	s.signedUp(ctx, u, a)
	return u, nil
}

// stampEmail records what the email policies make of u's email (nil
// facts when it has none). Every path that sets an email calls it: the
// sign-ups and the user creations here, and update for changes.
func stampEmail(u *storage.User) {
	u.EmailFacts = emailpolicy.Classify(u.Email)
}

// checkUserLimit enforces the project's users limit on self sign-up.
func (s *Service) checkUserLimit(ctx context.Context, p *storage.Project) error {
	limit := p.Settings.Auth.Limit
	if limit <= 0 {
		return nil
	}
	n, err := s.store.CountUsers(ctx, p.ID)
	if err != nil {
		return err
	}
	if n >= limit {
		return apperr.New(apperr.UserCountExceeded)
	}
	return nil
}

// checkNewPassword applies the project's strength, dictionary,
// personal-data and history rules to a password about to be set for u.
// The routes check strength and dictionary first, with the other
// parameters (CheckPasswordPolicy); this repeats it for every path.
func (s *Service) checkNewPassword(ctx context.Context, p *storage.Project, pw string, u *storage.User) error {
	auth := p.Settings.Auth
	if err := CheckPasswordPolicy(p, "password", pw); err != nil {
		return err
	}
	if auth.PersonalDataCheck && hasPersonalData(pw, u) {
		return apperr.New(apperr.PasswordPersonalData)
	}
	if auth.PasswordHistory > 0 {
		for _, old := range u.PasswordHistory {
			ok, _, err := s.hasher.Verify(ctx, "argon2", old, nil, pw)
			if err == nil && ok {
				return apperr.New(apperr.PasswordRecentlyUsed)
			}
		}
	}
	return nil
}

// hasPersonalData reports whether the lower-cased password contains the
// user's id, email, email local part, name or phone.
func hasPersonalData(pw string, u *storage.User) bool {
	pw = strings.ToLower(pw)
	var parts []string
	parts = append(parts, u.ID, u.Name)
	if u.Email != "" {
		parts = append(parts, u.Email)
		if local, _, ok := strings.Cut(u.Email, "@"); ok {
			parts = append(parts, local)
		}
	}
	if u.Phone != "" {
		parts = append(parts, u.Phone, strings.TrimPrefix(u.Phone, "+"))
	}
	for _, part := range parts {
		if part = strings.ToLower(strings.TrimSpace(part)); part != "" && strings.Contains(pw, part) {
			return true
		}
	}
	return false
}

// pushHistory records hash in the user's password history, keeping the
// project's last n.
func pushHistory(u *storage.User, hash string, n int) {
	if n <= 0 {
		u.PasswordHistory = nil
		return
	}
	u.PasswordHistory = append(u.PasswordHistory, hash)
	if len(u.PasswordHistory) > n {
		u.PasswordHistory = u.PasswordHistory[len(u.PasswordHistory)-n:]
	}
}
