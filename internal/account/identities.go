package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/emailpolicy"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// ProviderIdentity is what an OAuth2 provider said about who signed in.
type ProviderIdentity struct {
	Provider      string
	UID           string
	Email         string
	EmailVerified bool
	Name          string
	AccessToken   string
	RefreshToken  string
	Expiry        time.Time
}

// OAuthResult is the outcome of a provider sign-in: the user and either a
// session (session mode) or a token secret (token mode).
type OAuthResult struct {
	User    *storage.User
	Session *NewSession
	Token   *NewToken
}

// SignInOAuth resolves a provider sign-in to a user and signs it in.
//
// Resolution, in order: an existing identity signs its user in; an existing user with the same email is signed in
// (and gains the identity) only when the provider says the email is
// verified and the user's own email is verified too, otherwise the
// sign-in is refused with user_already_exists: that closes the
// pre-account-takeover hole of signing into an account on an unverified
// email. Otherwise a new user is created. A sign-in never adds the
// identity to whoever is signed in on the browser: that is LinkOAuth, an
// explicit choice of the app.
func (s *Service) SignInOAuth(ctx context.Context, p *storage.Project, pi ProviderIdentity, token bool, a Actor) (*OAuthResult, error) {
	pi.Email = strings.ToLower(pi.Email)
	u, err := s.resolveOAuthUser(ctx, p, pi, a)
	if err != nil {
		return nil, err
	}
	if !u.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	if err := s.saveIdentity(ctx, p, u, pi); err != nil {
		return nil, err
	}
	if u, err = s.fillFromProvider(ctx, u, pi, a); err != nil {
		return nil, err
	}
	res := &OAuthResult{User: u}
	if token {
		res.Token, err = s.createToken(ctx, u, storage.TokenOAuth2, secret.Hex(32), duration(p), a)
		return res, err
	}
	res.Session, err = s.startSession(ctx, p, u, pi.Provider, pi.UID, []string{"email", "oauth2"}, a)
	if err != nil {
		return nil, err
	}
	res.Session.ProviderAccessToken = s.sealed(pi.AccessToken)
	res.Session.ProviderRefreshToken = s.sealed(pi.RefreshToken)
	res.Session.ProviderAccessTokenExpiry = pi.Expiry
	if _, err := s.store.UpdateSession(ctx, p.ID, u.ID, res.Session.ID, func(sess *storage.Session) error {
		sess.ProviderAccessToken, sess.ProviderRefreshToken = res.Session.ProviderAccessToken, res.Session.ProviderRefreshToken
		sess.ProviderAccessTokenExpiry = pi.Expiry
		return nil
	}); err != nil {
		return nil, err
	}
	return res, nil
}

// fillFromProvider fills u's empty email or name from the provider; an
// email only when the provider vouched for it, since an unverified one
// reserves nothing (and a user's own email would). An address taken
// meanwhile is left alone.
func (s *Service) fillFromProvider(ctx context.Context, u *storage.User, pi ProviderIdentity, a Actor) (*storage.User, error) {
	if (u.Email != "" || pi.Email == "" || !pi.EmailVerified) && (u.Name != "" || pi.Name == "") {
		return u, nil
	}
	upd, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		if cur.Email == "" && pi.Email != "" && pi.EmailVerified {
			cur.Email, cur.EmailVerification = pi.Email, true
		}
		if cur.Name == "" {
			cur.Name = pi.Name
		}
		return nil
	})
	switch {
	case err == nil:
		return upd, nil
	case apperr.Is(err, apperr.UserAlreadyExists) || errors.Is(err, storage.ErrTargetExists) || errors.Is(err, storage.ErrConflict):
		return u, nil
	}
	return nil, err
}

func (s *Service) sealed(v string) string {
	if s.seal == nil {
		return ""
	}
	return s.seal.Seal(v)
}

// Unseal opens a provider token kept sealed.
func (s *Service) Unseal(v string) string {
	if s.seal == nil || v == "" {
		return ""
	}
	out, err := s.seal.Open(v)
	if err != nil {
		return ""
	}
	return out
}

func (s *Service) resolveOAuthUser(ctx context.Context, p *storage.Project, pi ProviderIdentity, a Actor) (*storage.User, error) {
	existing, err := s.store.IdentityByProvider(ctx, p.ID, pi.Provider, pi.UID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	if existing != nil {
		return s.User(ctx, p, existing.UserID)
	}
	if pi.Email == "" {
		return nil, apperr.Newf(apperr.UserUnauthorized, "The OAuth2 provider did not return an email.")
	}
	if u, err := s.store.UserByEmail(ctx, p.ID, pi.Email); err == nil {
		switch p.Settings.Auth.LinkingMode {
		case "off":
			return nil, apperr.Newf(apperr.UserAlreadyExists, "An account with this email already exists.")
		case "suggested":
			if pi.EmailVerified && u.EmailVerification {
				return nil, s.suggestLink(ctx, p, u, pi)
			}
		default:
			if pi.EmailVerified {
				// A verified provider email proves the address: see claim.go.
				return s.claimByProvider(ctx, p, u, pi.Email, a)
			}
		}
		return nil, apperr.Newf(apperr.UserAlreadyExists, "An account with this email exists; sign in to it and link %s from there.", pi.Provider)
	} else if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	// A new user: the project's email policies apply to the provider's
	// address (the sign-in above of a known user or identity does not).
	if err := emailpolicy.Check(p.Settings.Auth, pi.Email); err != nil {
		return nil, err
	}
	if owner, err := s.store.IdentityEmailOwner(ctx, p.ID, pi.Email, ""); err == nil && owner != "" {
		return nil, apperr.New(apperr.BadRequest)
	}
	if err := s.checkUserLimit(ctx, p); err != nil {
		return nil, err
	}
	now := s.nowUTC()
	u := &storage.User{ProjectID: p.ID, ID: secret.ID(), Name: pi.Name, Email: pi.Email, EmailVerification: pi.EmailVerified,
		Hash: "argon2", HashOptions: s.hasher.Options(), Registration: now, Status: true, Prefs: []byte("{}"),
		AccessedAt: now, CreatedAt: now, UpdatedAt: now}
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

// saveIdentity records the identity on u, or refreshes its tokens.
func (s *Service) saveIdentity(ctx context.Context, p *storage.Project, u *storage.User, pi ProviderIdentity) error {
	now := s.nowUTC()
	existing, err := s.store.IdentityByProvider(ctx, p.ID, pi.Provider, pi.UID)
	if err == nil {
		_, err = s.store.UpdateIdentity(ctx, p.ID, existing.ID, func(i *storage.Identity) error {
			i.ProviderEmail, i.ProviderEmailVerified = pi.Email, pi.EmailVerified
			i.ProviderAccessToken, i.ProviderRefreshToken = s.sealed(pi.AccessToken), s.sealed(pi.RefreshToken)
			i.ProviderAccessTokenExpiry, i.UpdatedAt = pi.Expiry, now
			return nil
		})
		return err
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	err = s.store.CreateIdentity(ctx, &storage.Identity{ProjectID: p.ID, ID: secret.ID(), UserID: u.ID, Provider: pi.Provider,
		ProviderUID: pi.UID, ProviderEmail: pi.Email, ProviderEmailVerified: pi.EmailVerified,
		ProviderAccessToken: s.sealed(pi.AccessToken), ProviderRefreshToken: s.sealed(pi.RefreshToken),
		ProviderAccessTokenExpiry: pi.Expiry, CreatedAt: now, UpdatedAt: now})
	if errors.Is(err, storage.ErrConflict) {
		return apperr.New(apperr.UserAlreadyExists)
	}
	return err
}

// emailOfIdentity fails with kind when another user holds email through
// an identity: an email is unique across users and identities, where an
// identity holds only an email its provider verified (see
// storage.Store.IdentityEmailOwner).
func (s *Service) emailOfIdentity(ctx context.Context, projectID, email, except string, kind *apperr.Kind) error {
	if email == "" {
		return nil
	}
	owner, err := s.store.IdentityEmailOwner(ctx, projectID, strings.ToLower(email), except)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		return err
	case owner != "":
		return apperr.New(kind)
	}
	return nil
}

// ListIdentities lists a user's identities (or all of the project's).
func (s *Service) ListIdentities(ctx context.Context, projectID, userID string, page storage.Page) ([]*storage.Identity, int, error) {
	return s.store.ListIdentities(ctx, projectID, userID, page)
}

// FindIdentities lists the identities matching q: a user's only when
// userID is set (the Account API), whatever q asks for.
func (s *Service) FindIdentities(ctx context.Context, projectID, userID string, q storage.ListQuery) ([]*storage.Identity, int, error) {
	list, total, err := s.store.FindIdentities(ctx, projectID, userID, q)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, 0, apperr.Newf(apperr.CursorNotFound, "The cursor is invalid: no identity in this list has that id.")
	}
	return list, total, err
}

// DeleteIdentity removes an identity; userID, when set, must own it. It
// is refused when the identity is the user's last way in (see
// otherWayIn), checked in the transaction that deletes it.
func (s *Service) DeleteIdentity(ctx context.Context, projectID, userID, id string) error {
	err := s.store.DeleteIdentityIf(ctx, projectID, id, func(u *storage.User, i *storage.Identity, rest []*storage.Identity) error {
		if userID != "" && i.UserID != userID {
			return apperr.New(apperr.UserIdentityNotFound)
		}
		// An anonymous account's remains sign nothing in: removing them
		// takes no way in away.
		if i.Provider != WayAnonymous && !otherWayIn(u, rest) {
			return apperr.New(apperr.UserIdentityLastWayIn)
		}
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.UserIdentityNotFound)
	}
	return err
}
