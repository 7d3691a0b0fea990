package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// oauthStateTests pin down the single-use store that holds OAuth2 sign-ins
// in flight and link tokens. These times are relative to now.
var oauthStateTests = []test{
	{"TakeOnce", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		st := &storage.OAuthState{Provider: "oidc", Success: "https://a.test/ok", Failure: "https://a.test/fail", Token: true,
			Verifier: "sealed-verifier", LinkUserID: "u1", LinkSession: "s1", Scopes: []string{"openid", "email"}}
		noErr(t, s.SaveOAuthState(ctx, "hash-1", "p1", st, soon(time.Hour)), "SaveOAuthState")
		pid, got, err := s.TakeOAuthState(ctx, "hash-1", soon(time.Minute))
		noErr(t, err, "TakeOAuthState")
		if pid != "p1" {
			t.Fatalf("project %q", pid)
		}
		same(t, "TakeOAuthState", got, st)
		if _, _, err := s.TakeOAuthState(ctx, "hash-1", soon(time.Minute)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("second take: %v", err)
		}
		if _, _, err := s.TakeOAuthState(ctx, "no-such-hash", soon(time.Minute)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("unknown state: %v", err)
		}
	}},
	{"Expired", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		noErr(t, s.SaveOAuthState(ctx, "hash-1", "p1", &storage.OAuthState{Provider: "oidc"}, soon(time.Minute)), "SaveOAuthState")
		if _, _, err := s.TakeOAuthState(ctx, "hash-1", soon(time.Hour)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("expired state: %v", err)
		}
	}},
	{"LinkToken", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		st := &storage.OAuthState{Provider: "github", LinkUserID: "u1", Suggested: &storage.SuggestedIdentity{
			UID: "gh-42", Email: "ann@example.com", EmailVerified: true, Name: "Ann", AccessToken: "sealed-a",
			RefreshToken: "sealed-r", Expiry: soon(2 * time.Hour)}}
		noErr(t, s.SaveOAuthState(ctx, "hash-2", "p1", st, soon(15*time.Minute)), "SaveOAuthState")
		_, got, err := s.TakeOAuthState(ctx, "hash-2", soon(time.Minute))
		noErr(t, err, "TakeOAuthState")
		same(t, "link token", got, st)
	}},
	{"SessionOfMissingUser", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		for _, max := range []int{0, 10} {
			_, err := s.CreateSession(ctx, newSession("p1", "gone", "s1", t0), max, nil)
			if !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("session of a missing user (max %d): %v", max, err)
			}
		}
	}},
}

// soon returns the wall clock plus d, at the stores' precision.
func soon(d time.Duration) time.Time { return time.Now().UTC().Truncate(time.Microsecond).Add(d) }
