package storagetest

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// tokenLive reports whether tk can still be consumed; consuming it spends
// it, so call it once per token, at the end.
func tokenLive(t *testing.T, s storage.Store, tk *storage.Token) bool {
	t.Helper()
	_, err := s.ConsumeToken(t.Context(), tk.ProjectID, tk.UserID, tk.SecretHash, []storage.TokenType{tk.Type}, t0)
	if err == nil {
		return true
	}
	isErr(t, err, storage.ErrNotFound, "ConsumeToken "+tk.ID)
	return false
}

var failTokenTests = []test{
	{"GuessesTogether", func(t *testing.T, s storage.Store) {
		// Wrong guesses racing each other are all counted: a short token
		// allowed exactly as many guesses as race is withdrawn, one
		// allowed one more survives.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		mustUser(t, s, "p1", "u2", "")
		ends := shortToken(t, s, "p1", "u1", "ends", storage.TokenEmail)
		survives := shortToken(t, s, "p1", "u2", "survives", storage.TokenEmail)
		warmUp(t, s)
		for _, err := range race(func(int) error { return s.FailTokens(ctx, "p1", "u1", workers) }) {
			noErr(t, err, "FailTokens")
		}
		for _, err := range race(func(int) error { return s.FailTokens(ctx, "p1", "u2", workers+1) }) {
			noErr(t, err, "FailTokens")
		}
		if tokenLive(t, s, ends) {
			t.Errorf("%d wrong guesses of %d raced and the token is still live: some were lost", workers, workers)
		}
		if !tokenLive(t, s, survives) {
			t.Errorf("%d wrong guesses of %d withdrew the token", workers, workers+1)
		}
	}},
	{"CountsAddUp", func(t *testing.T, s storage.Store) {
		// Guesses count against the tokens a user holds when they come:
		// a token made after some guesses starts from none, and the count
		// is the token's, not the user's.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		early := shortToken(t, s, "p1", "u1", "early", storage.TokenEmail)
		for range 2 {
			noErr(t, s.FailTokens(ctx, "p1", "u1", 3), "FailTokens")
		}
		late := shortToken(t, s, "p1", "u1", "late", storage.TokenPhone)
		noErr(t, s.FailTokens(ctx, "p1", "u1", 3), "FailTokens")
		if tokenLive(t, s, early) {
			t.Error("the token made before three wrong guesses of three is still live")
		}
		if !tokenLive(t, s, late) {
			t.Error("the token made after two of the guesses was withdrawn by one")
		}
	}},
	{"NoTokens", func(t *testing.T, s storage.Store) {
		// Guessing against a user with no tokens, or no such user, is no
		// error: a wrong guess says nothing about who exists.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		noErr(t, s.FailTokens(ctx, "p1", "u1", 3), "FailTokens of a user without tokens")
		noErr(t, s.FailTokens(ctx, "p1", "nobody", 3), "FailTokens of a missing user")
		noErr(t, s.FailTokens(ctx, "p3", "u1", 3), "FailTokens in an unknown project")
	}},
}
