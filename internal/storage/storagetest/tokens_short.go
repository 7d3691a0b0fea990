package storagetest

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// shortToken is newToken with a secret of fewer than 128 bits.
func shortToken(t *testing.T, s storage.Store, projectID, userID, id string, typ storage.TokenType) *storage.Token {
	t.Helper()
	tk := newToken(projectID, userID, id, typ)
	tk.Short = true
	noErr(t, s.CreateToken(t.Context(), tk), "CreateToken "+id)
	return tk
}

var shortTokenTests = []test{
	{"SurvivesFewerGuesses", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		tk := shortToken(t, s, "p1", "u1", "t1", storage.TokenGeneric)
		for range 2 {
			noErr(t, s.FailTokens(ctx, "p1", "u1", 3), "FailTokens")
		}
		got, err := s.ConsumeToken(ctx, "p1", "u1", tk.SecretHash, []storage.TokenType{storage.TokenGeneric}, t0)
		noErr(t, err, "ConsumeToken after two wrong guesses of three")
		same(t, "ConsumeToken", got, tk)
	}},
	{"WithdrawnAtMax", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "")
		mustUser(t, s, "p1", "u2", "")
		mustUser(t, s, "p2", "u1", "")
		types := []storage.TokenType{storage.TokenGeneric, storage.TokenEmail, storage.TokenMagicURL}
		code := shortToken(t, s, "p1", "u1", "code", storage.TokenEmail)
		generic := shortToken(t, s, "p1", "u1", "generic", storage.TokenGeneric)
		long := mustToken(t, s, "p1", "u1", "long", storage.TokenGeneric)
		other := shortToken(t, s, "p1", "u2", "other", storage.TokenEmail)
		elsewhere := shortToken(t, s, "p2", "u1", "elsewhere", storage.TokenEmail)
		for range 3 {
			noErr(t, s.FailTokens(ctx, "p1", "u1", 3), "FailTokens")
		}
		for _, tk := range []*storage.Token{code, generic} {
			_, err := s.ConsumeToken(ctx, "p1", "u1", tk.SecretHash, types, t0)
			isErr(t, err, storage.ErrNotFound, "ConsumeToken of a withdrawn short token "+tk.ID)
		}
		for _, tk := range []*storage.Token{long, other, elsewhere} {
			got, err := s.ConsumeToken(ctx, tk.ProjectID, tk.UserID, tk.SecretHash, types, t0)
			noErr(t, err, "ConsumeToken of "+tk.ID)
			same(t, "ConsumeToken "+tk.ID, got, tk)
		}
	}},
}
