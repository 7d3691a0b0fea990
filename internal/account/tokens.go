package account

import (
	"context"
	"time"

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
	return s.createTokenFor(ctx, u, typ, raw, expire, "", "", a)
}

// createTokenFor is createToken for a secret sent to address (see
// storage.Token.Address), asked for by session sessionID ("" for none).
func (s *Service) createTokenFor(ctx context.Context, u *storage.User, typ storage.TokenType, raw string, expire time.Duration,
	address, sessionID string, a Actor) (*NewToken, error) {
	now := s.nowUTC()
	t := &storage.Token{ProjectID: u.ProjectID, ID: secret.ID(), UserID: u.ID, Type: typ, SecretHash: s.tokenHash(raw),
		Short: len(raw) < longSecret, Expire: now.Add(expire), CreatedAt: now, Address: address, SessionID: sessionID}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return nil, err
	}
	s.audit(ctx, u, "token.create", a)
	return &NewToken{Token: t, Secret: raw}, nil
}

// sessionKinds says what session each sign-in token makes, as Appwrite
// does: provider and factor. Which address redeeming it proves is the
// token's (see addressKind).
var sessionKinds = map[storage.TokenType]struct {
	provider string
	factor   string
}{
	storage.TokenMagicURL: {"magic-url", "email"},
	storage.TokenEmail:    {"token", "email"},
	storage.TokenPhone:    {"phone", "phone"},
	storage.TokenOAuth2:   {"oauth2", "email"},
	storage.TokenGeneric:  {"token", "token"},
}

// RedeemToken is POST /account/sessions/token (and the older PUT
// /account/sessions/magic-url and /phone): a live sign-in token of the
// user, used once, becomes a session.
func (s *Service) RedeemToken(ctx context.Context, p *storage.Project, userID, raw string, a Actor) (*NewSession, error) {
	types := make([]storage.TokenType, 0, len(sessionKinds))
	for t := range sessionKinds {
		types = append(types, t)
	}
	// The token's own address is verified (and claimed, when it was not
	// verified yet) in the transaction that spends it.
	res, err := s.prove(ctx, p, userID, raw, types, proof{signIn: true}, a)
	if err != nil {
		return nil, err
	}
	kind := sessionKinds[res.token.Type]
	return s.startSession(ctx, p, res.user, kind.provider, "", []string{kind.factor}, a)
}
