package account

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// linkTokenLifetime bounds how long an app may take to ask its user and
// have them sign in to the existing account.
const linkTokenLifetime = 15 * time.Minute

// LinkSuggestion is the outcome of an OAuth2 sign-in in "suggested"
// linking mode whose verified email is the verified email of an existing
// user: nothing is linked, and Token lets that user, once signed in,
// confirm the link. It unwraps to user_link_suggested.
type LinkSuggestion struct {
	Token string
}

func (l *LinkSuggestion) Error() string { return apperr.UserLinkSuggested.Type }

func (l *LinkSuggestion) Unwrap() error { return apperr.New(apperr.UserLinkSuggested) }

// suggestLink holds the provider identity back under a fresh link token
// for u to confirm. The token is single use, short-lived and stored only
// as its hash, in the table of OAuth2 sign-ins in flight.
func (s *Service) suggestLink(ctx context.Context, p *storage.Project, u *storage.User, pi ProviderIdentity) error {
	token := secret.Hex(32)
	st := &storage.OAuthState{Provider: pi.Provider, LinkUserID: u.ID, Suggested: &storage.SuggestedIdentity{
		UID: pi.UID, Email: pi.Email, EmailVerified: pi.EmailVerified, Name: pi.Name,
		AccessToken: s.sealed(pi.AccessToken), RefreshToken: s.sealed(pi.RefreshToken), Expiry: pi.Expiry}}
	if err := s.store.SaveOAuthState(ctx, secret.Hash(token), p.ID, st, s.now().Add(linkTokenLifetime)); err != nil {
		return err
	}
	return &LinkSuggestion{Token: token}
}

// ConfirmLink adds the identity a link token holds back to the signed-in
// user it names, with the notice of every link (see addIdentity). The
// token works once, whoever presents it: a wrong account spends it and is
// refused.
func (s *Service) ConfirmLink(ctx context.Context, p *storage.Project, c *Caller, token string, a Actor, undoURL string) (*storage.Identity, error) {
	if token == "" || len(token) > 256 {
		return nil, apperr.New(apperr.UserInvalidToken)
	}
	pid, st, err := s.store.TakeOAuthState(ctx, secret.Hash(token), s.now())
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserInvalidToken)
	}
	if err != nil {
		return nil, err
	}
	if pid != p.ID || st.Suggested == nil {
		return nil, apperr.New(apperr.UserInvalidToken)
	}
	u := c.User
	if !secret.Equal(st.LinkUserID, u.ID) {
		return nil, apperr.Newf(apperr.UserUnauthorized, "The link token was issued for another account.")
	}
	sug := st.Suggested
	existing, err := s.store.IdentityByProvider(ctx, p.ID, st.Provider, sug.UID)
	switch {
	case err == nil && existing.UserID != u.ID:
		return nil, apperr.Newf(apperr.UserAlreadyExists, "This %s account is already linked to another user.", st.Provider)
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return nil, err
	}
	pi := ProviderIdentity{Provider: st.Provider, UID: sug.UID, Email: sug.Email, EmailVerified: sug.EmailVerified, Name: sug.Name,
		AccessToken: s.Unseal(sug.AccessToken), RefreshToken: s.Unseal(sug.RefreshToken), Expiry: sug.Expiry}
	if existing != nil {
		// Linked meanwhile to this very account: only its tokens change.
		if err := s.saveIdentity(ctx, p, u, pi); err != nil {
			return nil, err
		}
		return s.store.IdentityByProvider(ctx, p.ID, st.Provider, sug.UID)
	}
	return s.addIdentity(ctx, p, u, pi, a, undoURL)
}
