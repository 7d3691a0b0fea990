package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// LinkOAuth adds a provider identity to the signed-in caller's account.
// It is the explicit link an app asks for (GET
// /v1/account/identities/oauth2/{provider}), never the side effect of a
// sign-in: a sign-in from a signed-in browser signs in the provider's
// own account. The route that starts it asks, with MFA on, for a fresh
// second factor, as every other change of the ways in does, and the
// identity is added with the same notice and undo link as a link of two
// accounts.
func (s *Service) LinkOAuth(ctx context.Context, p *storage.Project, c *Caller, pi ProviderIdentity, a Actor, undoURL string) (*storage.Identity, error) {
	pi.Email = strings.ToLower(pi.Email)
	u := c.User
	if !u.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	existing, err := s.store.IdentityByProvider(ctx, p.ID, pi.Provider, pi.UID)
	switch {
	case err == nil && existing.UserID != u.ID:
		return nil, apperr.Newf(apperr.UserAlreadyExists, "This %s account is already linked to another user.", pi.Provider)
	case err == nil:
		// Already a way into this account: only its tokens change.
		if err := s.saveIdentity(ctx, p, u, pi); err != nil {
			return nil, err
		}
		return s.store.IdentityByProvider(ctx, p.ID, pi.Provider, pi.UID)
	case !errors.Is(err, storage.ErrNotFound):
		return nil, err
	}
	if pi.Email != "" {
		if owner, err := s.store.IdentityEmailOwner(ctx, p.ID, pi.Email, u.ID); err == nil && owner != "" {
			return nil, apperr.New(apperr.UserAlreadyExists)
		}
		if other, err := s.store.UserByEmail(ctx, p.ID, pi.Email); err == nil && other.ID != u.ID {
			return nil, apperr.New(apperr.UserAlreadyExists)
		}
	}
	i, err := s.addIdentity(ctx, p, u, pi, a, undoURL)
	if err != nil {
		return nil, err
	}
	// An anonymous account becomes a real one this way, as in Appwrite.
	if _, err := s.fillFromProvider(ctx, u, pi, a); err != nil {
		return nil, err
	}
	return i, nil
}

// addIdentity adds pi to u in one transaction with u's security log
// entry and the notices: each verified address of u, and the provider's
// email when it vouched for it, gets the accountLinked mail with a link
// that takes the identity back.
func (s *Service) addIdentity(ctx context.Context, p *storage.Project, u *storage.User, pi ProviderIdentity, a Actor, undoURL string) (*storage.Identity, error) {
	now := s.nowUTC()
	i := &storage.Identity{ProjectID: p.ID, ID: secret.ID(), UserID: u.ID, Provider: pi.Provider,
		ProviderUID: pi.UID, ProviderEmail: pi.Email, ProviderEmailVerified: pi.EmailVerified,
		ProviderAccessToken: s.sealed(pi.AccessToken), ProviderRefreshToken: s.sealed(pi.RefreshToken),
		ProviderAccessTokenExpiry: pi.Expiry, CreatedAt: now, UpdatedAt: now}
	w := &storage.LinkWork{Now: now, Logs: []*storage.Log{s.linkLog(u, "user.link", a, now)}}
	later, err := s.identityNotices(ctx, p, u, pi, now, undoURL, a, w)
	if err != nil {
		return nil, err
	}
	if err := linkErr(s.store.AddIdentity(ctx, i, w), apperr.UserNotFound); err != nil {
		return nil, err
	}
	s.sendLater(ctx, later)
	return i, nil
}

// identityNotices builds the notices of an identity added to u, as
// notices does for a link of two accounts: one undo token per address,
// all of one change.
func (s *Service) identityNotices(ctx context.Context, p *storage.Project, u *storage.User, pi ProviderIdentity, at time.Time,
	undoURL string, a Actor, w *storage.LinkWork) ([]outbox.Message, error) {
	if s.outbox == nil || undoURL == "" {
		return nil, nil
	}
	addrs, err := s.verifiedAddresses(ctx, u)
	if err != nil {
		return nil, err
	}
	if pi.Email != "" && pi.EmailVerified {
		addrs = append(addrs, pi.Email)
	}
	what := pi.Provider + " account " + pi.UID
	if pi.Email != "" {
		what = pi.Provider + " account " + pi.Email
	}
	change := secret.ID()
	seen := map[string]bool{}
	var later []outbox.Message
	for _, to := range addrs {
		if seen[to] {
			continue
		}
		seen[to] = true
		raw := secret.Hex(32)
		w.Undo = append(w.Undo, &storage.LinkUndo{SecretHash: secret.Hash(raw), ProjectID: p.ID, ChangeID: change, Kind: storage.UndoIdentity,
			PrimaryID: u.ID, Provider: pi.Provider, ProviderUID: pi.UID, Recipient: to, Time: at, Expire: at.Add(s.undoLifetime())})
		m := outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "accountLinked", To: to, ToName: u.Name, Locale: a.Locale,
			Vars: vars(p, u, map[string]string{"redirect": withQuery(undoURL, map[string]string{"secret": raw}), "account": what})}
		if err := s.queueMail(m, &w.Jobs, &later); err != nil {
			return nil, err
		}
	}
	return later, nil
}

// undoIdentity takes back an identity added to kept: the identity goes,
// and so does every session kept opened since it was added (the ones it
// may have opened).
func (s *Service) undoIdentity(ctx context.Context, p *storage.Project, t *storage.LinkUndo, kept *storage.User, a Actor, w *storage.LinkWork) error {
	w.EndSessionsSince = t.Time
	w.Logs = []*storage.Log{s.linkLog(kept, "user.link.undo", a, w.Now)}
	err := s.store.RemoveIdentity(ctx, p.ID, kept.ID, t.Provider, t.ProviderUID, w)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.Newf(apperr.UserIdentityNotFound, "The identity is no longer part of this account: there is nothing to undo.")
	}
	return linkErr(err, apperr.UserIdentityNotFound)
}
