package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// admitTests pin down the rules no unique index states: the users limit
// and one email across users and identities, also under concurrency.
var admitTests = []test{
	{"UsersLimit", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		noErr(t, s.CreateUserWithin(ctx, newUser("p1", "u1", "a@example.com"), 2), "first")
		noErr(t, s.CreateUserWithin(ctx, newUser("p1", "u2", "b@example.com"), 2), "second")
		if err := s.CreateUserWithin(ctx, newUser("p1", "u3", "c@example.com"), 2); !errors.Is(err, storage.ErrLimit) {
			t.Fatalf("third of two: %v", err)
		}
		if _, err := s.GetUser(ctx, "p1", "u3"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("refused user stored: %v", err)
		}
		noErr(t, s.CreateUserWithin(ctx, newUser("p1", "u3", "c@example.com"), 0), "no limit")
		noErr(t, s.CreateUser(ctx, newUser("p1", "u4", "d@example.com")), "CreateUser")
	}},
	{"UsersLimitConcurrent", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		const tries, limit = 8, 3
		var wg sync.WaitGroup
		errs := make(chan error, tries)
		for i := range tries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.CreateUserWithin(ctx, newUser("p1", fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i)), limit)
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, storage.ErrLimit):
				t.Fatalf("concurrent create: %v", err)
			}
		}
		n, err := s.CountUsers(ctx, "p1")
		noErr(t, err, "CountUsers")
		if ok != limit || n != limit {
			t.Fatalf("%d created, %d stored, limit %d", ok, n, limit)
		}
	}},
	{"EmailAcrossIdentities", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "ann", "ann@example.com")
		noErr(t, s.CreateIdentity(ctx, identityOf("i1", "ann", "github", "gh-1", "ann.gh@example.com")), "own identity")
		// Nobody else may take an email an identity holds...
		if err := s.CreateUser(ctx, newUser("p1", "bob", "ann.gh@example.com")); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("user with an identity's email: %v", err)
		}
		// ...nor an identity another user's email or identity email.
		mustUser(t, s, "p1", "bob", "bob@example.com")
		for _, email := range []string{"ann@example.com", "ann.gh@example.com"} {
			if err := s.CreateIdentity(ctx, identityOf("i2", "bob", "google", "g-2", email)); !errors.Is(err, storage.ErrConflict) {
				t.Fatalf("identity of bob with %s: %v", email, err)
			}
		}
		// The owner may hold its email through several identities.
		noErr(t, s.CreateIdentity(ctx, identityOf("i3", "ann", "google", "g-1", "ann@example.com")), "owner's email again")
	}},
	{"EmailRace", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "ann", "ann@example.com")
		// A sign-up and an identity claim the same email at once: one wins.
		for round := range 5 {
			email := fmt.Sprintf("race%d@example.com", round)
			var wg sync.WaitGroup
			var userErr, identErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				userErr = s.CreateUser(ctx, newUser("p1", fmt.Sprintf("new%d", round), email))
			}()
			go func() {
				defer wg.Done()
				identErr = s.CreateIdentity(ctx, identityOf(fmt.Sprintf("i%d", round), "ann", "github", fmt.Sprintf("gh-%d", round), email))
			}()
			wg.Wait()
			if (userErr == nil) == (identErr == nil) {
				t.Fatalf("round %d: user %v, identity %v: exactly one must win", round, userErr, identErr)
			}
			for _, err := range []error{userErr, identErr} {
				if err != nil && !errors.Is(err, storage.ErrConflict) {
					t.Fatalf("round %d: %v", round, err)
				}
			}
		}
	}},
}

func identityOf(id, userID, provider, uid, email string) *storage.Identity {
	return &storage.Identity{ProjectID: "p1", ID: id, UserID: userID, Provider: provider, ProviderUID: uid,
		ProviderEmail: email, ProviderEmailVerified: true, CreatedAt: t0, UpdatedAt: t0.Add(time.Second)}
}
