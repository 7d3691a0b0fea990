package account

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// NewToken is a created token with its secret, shown once.
type NewToken struct {
	*storage.Token
	Secret string
}

// CreateGenericToken is POST /users/{id}/tokens: a secret of length hex
// characters that signs the user in once through POST
// /account/sessions/token before it expires. The server chooses the length
// (Appwrite's 4 to 128, default 6); redemption is rate-limited per user.
func (s *Service) CreateGenericToken(ctx context.Context, u *storage.User, length int, expire time.Duration, a Actor) (*NewToken, error) {
	raw := secret.Hex((length + 1) / 2)[:length]
	return s.createToken(ctx, u, storage.TokenGeneric, raw, expire, a)
}

func (s *Service) createToken(ctx context.Context, u *storage.User, typ storage.TokenType, raw string, expire time.Duration, a Actor) (*NewToken, error) {
	now := s.nowUTC()
	t := &storage.Token{ProjectID: u.ProjectID, ID: secret.ID(), UserID: u.ID, Type: typ, SecretHash: s.tokenHash(raw),
		Short: len(raw) < longSecret, Expire: now.Add(expire), CreatedAt: now}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return nil, err
	}
	s.audit(ctx, u, "token.create", a)
	return &NewToken{Token: t, Secret: raw}, nil
}

// sessionKinds says what session each sign-in token makes, as Appwrite
// does: provider, factors, and which address redeeming it proves.
var sessionKinds = map[storage.TokenType]struct {
	provider    string
	factor      string
	verifyEmail bool
	verifyPhone bool
}{
	storage.TokenMagicURL: {"magic-url", "email", true, false},
	storage.TokenEmail:    {"token", "email", true, false},
	storage.TokenPhone:    {"phone", "phone", false, true},
	storage.TokenOAuth2:   {"oauth2", "email", false, false},
	storage.TokenGeneric:  {"token", "token", false, false},
}

// RedeemToken is POST /account/sessions/token (and the older PUT
// /account/sessions/magic-url and /phone): a live sign-in token of the
// user, used once, becomes a session.
func (s *Service) RedeemToken(ctx context.Context, p *storage.Project, userID, raw string, a Actor) (*NewSession, error) {
	types := make([]storage.TokenType, 0, len(sessionKinds))
	for t := range sessionKinds {
		types = append(types, t)
	}
	tok, err := s.consume(ctx, p, userID, raw, types...)
	if err != nil {
		return nil, err
	}
	kind := sessionKinds[tok.Type]
	u, err := s.store.GetUser(ctx, p.ID, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserInvalidToken)
	}
	if err != nil {
		return nil, err
	}
	if !u.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	if (kind.verifyEmail && !u.EmailVerification) || (kind.verifyPhone && !u.PhoneVerification) {
		u, err = s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
			cur.EmailVerification = cur.EmailVerification || kind.verifyEmail
			cur.PhoneVerification = cur.PhoneVerification || kind.verifyPhone
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s.startSession(ctx, p, u, kind.provider, "", []string{kind.factor}, a)
}
