package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func newAuthenticator(projectID, userID, secret string) *storage.Authenticator {
	return &storage.Authenticator{
		ProjectID: projectID,
		UserID:    userID,
		Type:      "totp",
		Secret:    secret,
		Verified:  false,
		LastStep:  0,
		CreatedAt: t0,
		UpdatedAt: at(time.Second),
	}
}

// userTOTP returns the user's TOTP flag, which follows its verified TOTP
// authenticator.
func userTOTP(t *testing.T, s storage.Store, projectID, userID string) bool {
	t.Helper()
	u, err := s.GetUser(t.Context(), projectID, userID)
	noErr(t, err, "GetUser "+projectID+"/"+userID)
	return u.TOTP
}

// twoProjectAuthenticators makes the same user id in p1 and p2, each with
// an unverified TOTP authenticator of its own.
func twoProjectAuthenticators(t *testing.T, s storage.Store) (a1, a2 *storage.Authenticator) {
	t.Helper()
	ctx := t.Context()
	mustProject(t, s, "p1", t0)
	mustProject(t, s, "p2", t0)
	mustUser(t, s, "p1", "u1", "u1@example.com")
	mustUser(t, s, "p1", "u2", "u2@example.com")
	mustUser(t, s, "p2", "u1", "u1@example.com")
	a1 = newAuthenticator("p1", "u1", "sealed-p1")
	a2 = newAuthenticator("p2", "u1", "sealed-p2")
	a2.LastStep = 7
	noErr(t, s.PutAuthenticator(ctx, a1), "PutAuthenticator p1")
	noErr(t, s.PutAuthenticator(ctx, a2), "PutAuthenticator p2")
	return a1, a2
}

// verify marks a user's TOTP authenticator verified at step.
func verify(step int64) func(*storage.Authenticator) error {
	return func(a *storage.Authenticator) error {
		a.Verified, a.LastStep, a.UpdatedAt = true, step, at(time.Hour)
		return nil
	}
}

var authenticatorTests = []test{
	{"PutGet", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		a1, a2 := twoProjectAuthenticators(t, s)
		got, err := s.GetAuthenticator(ctx, "p1", "u1", "totp")
		noErr(t, err, "GetAuthenticator")
		same(t, "GetAuthenticator p1", got, a1)
		got, err = s.GetAuthenticator(ctx, "p2", "u1", "totp")
		noErr(t, err, "GetAuthenticator p2")
		same(t, "GetAuthenticator p2", got, a2)
		for _, c := range []struct{ project, user, typ string }{
			{"p1", "u2", "totp"}, {"p1", "u1", "email"}, {"p3", "u1", "totp"}, {"p1", "nobody", "totp"},
		} {
			_, err := s.GetAuthenticator(ctx, c.project, c.user, c.typ)
			isErr(t, err, storage.ErrNotFound, "GetAuthenticator "+c.project+"/"+c.user+"/"+c.typ)
		}
		// An authenticator belongs to a user who exists.
		for _, c := range []struct{ project, user string }{{"p1", "nobody"}, {"p3", "u1"}} {
			err := s.PutAuthenticator(ctx, newAuthenticator(c.project, c.user, "x"))
			isErr(t, err, storage.ErrNotFound, "PutAuthenticator for a missing user "+c.project+"/"+c.user)
		}
		noErr(t, s.DeleteUser(ctx, "p1", "u2"), "DeleteUser")
		isErr(t, s.PutAuthenticator(ctx, newAuthenticator("p1", "u2", "x")), storage.ErrNotFound,
			"PutAuthenticator for a deleted user")
	}},
	{"PutReplacesUnverified", func(t *testing.T, s storage.Store) {
		// An unverified authenticator is replaced by the next; a verified
		// one is kept and the new one refused.
		ctx := t.Context()
		twoProjectAuthenticators(t, s)
		next := newAuthenticator("p1", "u1", "sealed-next")
		next.CreatedAt, next.UpdatedAt = at(time.Minute), at(time.Minute)
		noErr(t, s.PutAuthenticator(ctx, next), "PutAuthenticator over an unverified one")
		got, err := s.GetAuthenticator(ctx, "p1", "u1", "totp")
		noErr(t, err, "GetAuthenticator")
		same(t, "GetAuthenticator after a replacement", got, next)

		_, err = s.UpdateAuthenticator(ctx, "p1", "u1", "totp", verify(42))
		noErr(t, err, "UpdateAuthenticator")
		want, err := s.GetAuthenticator(ctx, "p1", "u1", "totp")
		noErr(t, err, "GetAuthenticator")
		isErr(t, s.PutAuthenticator(ctx, newAuthenticator("p1", "u1", "sealed-thief")), storage.ErrConflict,
			"PutAuthenticator over a verified one")
		got, err = s.GetAuthenticator(ctx, "p1", "u1", "totp")
		noErr(t, err, "GetAuthenticator after the refusal")
		same(t, "GetAuthenticator after the refusal", got, want)
		if !userTOTP(t, s, "p1", "u1") {
			t.Error("the refused PutAuthenticator cleared the user's TOTP flag")
		}
		// p2's user of the same id still has its own unverified one.
		noErr(t, s.PutAuthenticator(ctx, newAuthenticator("p2", "u1", "sealed-p2b")), "PutAuthenticator in p2")
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		// Verifying sets the user's TOTP flag, unverifying clears it, and
		// the same user id in another project is not touched.
		ctx := t.Context()
		a1, a2 := twoProjectAuthenticators(t, s)
		want := *a1
		want.Verified, want.LastStep, want.UpdatedAt = true, 1234567, at(time.Hour)
		got, err := s.UpdateAuthenticator(ctx, "p1", "u1", "totp", verify(1234567))
		noErr(t, err, "UpdateAuthenticator")
		sameResult(t, "UpdateAuthenticator result", got, &want)
		got, err = s.GetAuthenticator(ctx, "p1", "u1", "totp")
		noErr(t, err, "GetAuthenticator")
		same(t, "GetAuthenticator after update", got, &want)
		if !userTOTP(t, s, "p1", "u1") {
			t.Error("verifying the authenticator left the user's TOTP flag false")
		}
		for _, c := range []struct{ project, user string }{{"p2", "u1"}, {"p1", "u2"}} {
			if userTOTP(t, s, c.project, c.user) {
				t.Errorf("verifying p1/u1's authenticator set %s/%s's TOTP flag", c.project, c.user)
			}
		}
		got, err = s.GetAuthenticator(ctx, "p2", "u1", "totp")
		noErr(t, err, "GetAuthenticator p2")
		same(t, "p2's authenticator after p1's update", got, a2)

		_, err = s.UpdateAuthenticator(ctx, "p1", "u1", "totp", func(a *storage.Authenticator) error {
			a.Verified = false
			return nil
		})
		noErr(t, err, "UpdateAuthenticator unverifying")
		if userTOTP(t, s, "p1", "u1") {
			t.Error("unverifying the authenticator left the user's TOTP flag true")
		}
	}},
	{"UpdateAbort", func(t *testing.T, s storage.Store) {
		// An error from fn is returned unchanged and nothing is written:
		// neither the authenticator nor the user's flag.
		ctx := t.Context()
		a1, _ := twoProjectAuthenticators(t, s)
		_, err := s.UpdateAuthenticator(ctx, "p1", "u1", "totp", func(a *storage.Authenticator) error {
			a.Verified, a.LastStep = true, 99
			return errAbort
		})
		if err != errAbort {
			t.Errorf("UpdateAuthenticator returned %v, want fn's error unchanged", err)
		}
		got, err := s.GetAuthenticator(ctx, "p1", "u1", "totp")
		noErr(t, err, "GetAuthenticator")
		same(t, "GetAuthenticator after an aborted update", got, a1)
		if userTOTP(t, s, "p1", "u1") {
			t.Error("an aborted update set the user's TOTP flag")
		}
	}},
	{"UpdateMissing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		twoProjectAuthenticators(t, s)
		for _, c := range []struct{ project, user, typ string }{
			{"p1", "u2", "totp"}, {"p1", "u1", "email"}, {"p3", "u1", "totp"},
		} {
			called := false
			_, err := s.UpdateAuthenticator(ctx, c.project, c.user, c.typ, func(*storage.Authenticator) error {
				called = true
				return nil
			})
			isErr(t, err, storage.ErrNotFound, "UpdateAuthenticator "+c.project+"/"+c.user+"/"+c.typ)
			if called {
				t.Errorf("UpdateAuthenticator %s/%s/%s called fn without an authenticator", c.project, c.user, c.typ)
			}
		}
		if userTOTP(t, s, "p1", "u2") {
			t.Error("UpdateAuthenticator of a missing authenticator set the user's TOTP flag")
		}
	}},
	{"UpdateTogether", func(t *testing.T, s storage.Store) {
		// A TOTP code works once: updates racing to accept the same time
		// step see each other, so exactly one of them accepts it.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		noErr(t, s.PutAuthenticator(ctx, newAuthenticator("p1", "u1", "sealed")), "PutAuthenticator")
		used := errors.New("step already used")
		const step = 1000
		warmUp(t, s)
		accepted := 0
		for _, err := range race(func(int) error {
			_, err := s.UpdateAuthenticator(ctx, "p1", "u1", "totp", func(a *storage.Authenticator) error {
				if a.LastStep >= step {
					return used
				}
				// A caller checks the code here; the pause lets the
				// others read the authenticator meanwhile, if they can.
				time.Sleep(20 * time.Millisecond)
				a.LastStep = step
				return nil
			})
			return err
		}) {
			switch {
			case err == nil:
				accepted++
			case !errors.Is(err, used):
				t.Errorf("UpdateAuthenticator: %v", err)
			}
		}
		if accepted != 1 {
			t.Errorf("one code was accepted %d times by racing updates, want once", accepted)
		}
	}},
	{"Delete", func(t *testing.T, s storage.Store) {
		// Deleting clears the user's TOTP flag; the same user id in
		// another project keeps its authenticator.
		ctx := t.Context()
		_, a2 := twoProjectAuthenticators(t, s)
		_, err := s.UpdateAuthenticator(ctx, "p1", "u1", "totp", verify(5))
		noErr(t, err, "UpdateAuthenticator p1")
		_, err = s.UpdateAuthenticator(ctx, "p2", "u1", "totp", verify(6))
		noErr(t, err, "UpdateAuthenticator p2")
		want2, err := s.GetAuthenticator(ctx, "p2", "u1", "totp")
		noErr(t, err, "GetAuthenticator p2")
		if want2.Secret != a2.Secret {
			t.Fatalf("p2's authenticator has secret %q, want %q", want2.Secret, a2.Secret)
		}

		isErr(t, s.DeleteAuthenticator(ctx, "p1", "u1", "email"), storage.ErrNotFound, "DeleteAuthenticator of another type")
		isErr(t, s.DeleteAuthenticator(ctx, "p1", "u2", "totp"), storage.ErrNotFound, "DeleteAuthenticator of another user")
		isErr(t, s.DeleteAuthenticator(ctx, "p3", "u1", "totp"), storage.ErrNotFound, "DeleteAuthenticator in an unknown project")
		if !userTOTP(t, s, "p1", "u1") {
			t.Error("a refused DeleteAuthenticator cleared the user's TOTP flag")
		}
		noErr(t, s.DeleteAuthenticator(ctx, "p1", "u1", "totp"), "DeleteAuthenticator")
		_, err = s.GetAuthenticator(ctx, "p1", "u1", "totp")
		isErr(t, err, storage.ErrNotFound, "GetAuthenticator after DeleteAuthenticator")
		if userTOTP(t, s, "p1", "u1") {
			t.Error("DeleteAuthenticator left the user's TOTP flag true")
		}
		isErr(t, s.DeleteAuthenticator(ctx, "p1", "u1", "totp"), storage.ErrNotFound, "DeleteAuthenticator twice")

		got, err := s.GetAuthenticator(ctx, "p2", "u1", "totp")
		noErr(t, err, "GetAuthenticator p2 after p1's went")
		same(t, "p2's authenticator", got, want2)
		if !userTOTP(t, s, "p2", "u1") {
			t.Error("deleting p1/u1's authenticator cleared p2/u1's TOTP flag")
		}
		// With it gone, a new one may be put.
		noErr(t, s.PutAuthenticator(ctx, newAuthenticator("p1", "u1", "sealed-new")), "PutAuthenticator after delete")
	}},
	{"PurgedWithUser", func(t *testing.T, s storage.Store) {
		// A purged user's authenticator goes with it: a user made later
		// with the same id starts without one.
		ctx := t.Context()
		twoProjectAuthenticators(t, s)
		_, err := s.UpdateAuthenticator(ctx, "p1", "u1", "totp", verify(5))
		noErr(t, err, "UpdateAuthenticator")
		noErr(t, s.DeleteUser(ctx, "p1", "u1"), "DeleteUser")
		noErr(t, s.PurgeUser(ctx, "p1", "u1"), "PurgeUser")
		mustUser(t, s, "p1", "u1", "u1@example.com")
		_, err = s.GetAuthenticator(ctx, "p1", "u1", "totp")
		isErr(t, err, storage.ErrNotFound, "GetAuthenticator of a purged user's authenticator")
		_, err = s.GetAuthenticator(ctx, "p2", "u1", "totp")
		noErr(t, err, "GetAuthenticator of the same user id in another project")
	}},
}

// warmUp opens the store's connections before a race: pings released
// together make a pool dial all it may, so the racers that follow start
// together instead of one at a time behind each new connection.
func warmUp(t *testing.T, s storage.Store) {
	t.Helper()
	for _, err := range race(func(int) error { return s.Ping(t.Context()) }) {
		noErr(t, err, "Ping")
	}
}
