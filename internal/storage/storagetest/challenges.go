package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func newChallenge(projectID, userID, id string) *storage.Challenge {
	return &storage.Challenge{
		ProjectID: projectID,
		ID:        id,
		UserID:    userID,
		Type:      "email",
		CodeHash:  "code:" + projectID + ":" + id,
		Attempts:  0,
		Expire:    at(15 * time.Minute),
		CreatedAt: t0,
	}
}

func mustChallenge(t *testing.T, s storage.Store, projectID, userID, id string) *storage.Challenge {
	t.Helper()
	c := newChallenge(projectID, userID, id)
	noErr(t, s.CreateChallenge(t.Context(), c), "CreateChallenge "+id)
	return c
}

// challengeAttempts returns the attempts counted against a challenge, or
// -1 when it is gone.
func challengeAttempts(t *testing.T, s storage.Store, projectID, userID, id string) int {
	t.Helper()
	c, err := s.GetChallenge(t.Context(), projectID, userID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return -1
	}
	noErr(t, err, "GetChallenge "+id)
	return c.Attempts
}

// twoProjectChallenges makes the same user id in p1 and p2, each with a
// challenge c1 of its own, and a second user u2 in p1.
func twoProjectChallenges(t *testing.T, s storage.Store) (p1, p2 *storage.Challenge) {
	t.Helper()
	mustProject(t, s, "p1", t0)
	mustProject(t, s, "p2", t0)
	mustUser(t, s, "p1", "u1", "u1@example.com")
	mustUser(t, s, "p1", "u2", "u2@example.com")
	mustUser(t, s, "p2", "u1", "u1@example.com")
	p1 = mustChallenge(t, s, "p1", "u1", "c1")
	p2 = newChallenge("p2", "u1", "c1")
	p2.Type, p2.Attempts, p2.Expire = "totp", 2, at(time.Hour)
	noErr(t, s.CreateChallenge(t.Context(), p2), "CreateChallenge in p2")
	return p1, p2
}

var challengeTests = []test{
	{"CreateGet", func(t *testing.T, s storage.Store) {
		// Every field comes back, and the same id in another project is
		// another challenge.
		ctx := t.Context()
		c1, c2 := twoProjectChallenges(t, s)
		got, err := s.GetChallenge(ctx, "p1", "u1", "c1")
		noErr(t, err, "GetChallenge")
		same(t, "GetChallenge p1", got, c1)
		got, err = s.GetChallenge(ctx, "p2", "u1", "c1")
		noErr(t, err, "GetChallenge p2")
		same(t, "GetChallenge p2", got, c2)
	}},
	{"Expired", func(t *testing.T, s storage.Store) {
		// The store keeps no clock for challenges: an expired one comes
		// back with its Expire, and the caller refuses it.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		c := newChallenge("p1", "u1", "old")
		c.Expire = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
		noErr(t, s.CreateChallenge(ctx, c), "CreateChallenge")
		got, err := s.GetChallenge(ctx, "p1", "u1", "old")
		noErr(t, err, "GetChallenge of an expired challenge")
		same(t, "GetChallenge", got, c)
	}},
	{"Missing", func(t *testing.T, s storage.Store) {
		// A challenge is found only by its own project, user and id.
		ctx := t.Context()
		twoProjectChallenges(t, s)
		for _, c := range []struct{ project, user, id string }{
			{"p1", "u1", "nope"}, {"p1", "u2", "c1"}, {"p3", "u1", "c1"}, {"p1", "", "c1"},
		} {
			_, err := s.GetChallenge(ctx, c.project, c.user, c.id)
			isErr(t, err, storage.ErrNotFound, "GetChallenge "+c.project+"/"+c.user+"/"+c.id)
		}
	}},
	{"DuplicateID", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		c1, _ := twoProjectChallenges(t, s)
		dup := newChallenge("p1", "u2", "c1")
		if err := s.CreateChallenge(ctx, dup); err == nil {
			t.Error("CreateChallenge of a taken id succeeded")
		}
		got, err := s.GetChallenge(ctx, "p1", "u1", "c1")
		noErr(t, err, "GetChallenge after the refused duplicate")
		same(t, "GetChallenge", got, c1)
	}},
	{"FailCounts", func(t *testing.T, s storage.Store) {
		// Each wrong answer counts, the challenge goes at max, and the
		// same id in another project is not touched.
		ctx := t.Context()
		twoProjectChallenges(t, s)
		mustChallenge(t, s, "p1", "u1", "c2")
		for n := 1; n < 5; n++ {
			noErr(t, s.FailChallenge(ctx, "p1", "c1", 5), "FailChallenge")
			if got := challengeAttempts(t, s, "p1", "u1", "c1"); got != n {
				t.Fatalf("after %d wrong answers of 5 attempts = %d", n, got)
			}
		}
		noErr(t, s.FailChallenge(ctx, "p1", "c1", 5), "FailChallenge at max")
		if got := challengeAttempts(t, s, "p1", "u1", "c1"); got != -1 {
			t.Errorf("after 5 wrong answers of 5 the challenge is still there with %d attempts", got)
		}
		if got := challengeAttempts(t, s, "p2", "u1", "c1"); got != 2 {
			t.Errorf("p2's c1 has %d attempts after p1's c1 failed, want its own 2", got)
		}
		if got := challengeAttempts(t, s, "p1", "u1", "c2"); got != 0 {
			t.Errorf("c2 has %d attempts after c1 failed, want 0", got)
		}
		// A challenge already holding max attempts goes at the next.
		noErr(t, s.FailChallenge(ctx, "p2", "c1", 3), "FailChallenge in p2")
		if got := challengeAttempts(t, s, "p2", "u1", "c1"); got != -1 {
			t.Errorf("p2's c1 survived its third wrong answer of 3 with %d attempts", got)
		}
	}},
	{"FailTogether", func(t *testing.T, s storage.Store) {
		// Wrong answers racing each other are all counted: none is lost,
		// so the challenge ends after max of them however they arrive.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		mustChallenge(t, s, "p1", "u1", "many")
		mustChallenge(t, s, "p1", "u1", "ends")
		warmUp(t, s)
		for _, err := range race(func(int) error { return s.FailChallenge(ctx, "p1", "many", 1000) }) {
			noErr(t, err, "FailChallenge")
		}
		if got := challengeAttempts(t, s, "p1", "u1", "many"); got != workers {
			t.Errorf("%d wrong answers raced, %d counted", workers, got)
		}
		for _, err := range race(func(int) error { return s.FailChallenge(ctx, "p1", "ends", workers) }) {
			noErr(t, err, "FailChallenge")
		}
		if got := challengeAttempts(t, s, "p1", "u1", "ends"); got != -1 {
			t.Errorf("%d wrong answers of %d raced and the challenge survived with %d attempts", workers, workers, got)
		}
	}},
	{"Delete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		_, c2 := twoProjectChallenges(t, s)
		isErr(t, s.DeleteChallenge(ctx, "p3", "c1"), storage.ErrNotFound, "DeleteChallenge in an unknown project")
		noErr(t, s.DeleteChallenge(ctx, "p1", "c1"), "DeleteChallenge")
		_, err := s.GetChallenge(ctx, "p1", "u1", "c1")
		isErr(t, err, storage.ErrNotFound, "GetChallenge after DeleteChallenge")
		isErr(t, s.DeleteChallenge(ctx, "p1", "c1"), storage.ErrNotFound, "DeleteChallenge twice")
		got, err := s.GetChallenge(ctx, "p2", "u1", "c1")
		noErr(t, err, "GetChallenge of p2's c1 after p1's went")
		same(t, "GetChallenge p2", got, c2)
	}},
	{"DeleteTogether", func(t *testing.T, s storage.Store) {
		// A challenge is answered once: of deletes racing, exactly one
		// succeeds and the others find nothing.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		mustChallenge(t, s, "p1", "u1", "c1")
		won := 0
		for _, err := range race(func(int) error { return s.DeleteChallenge(ctx, "p1", "c1") }) {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, storage.ErrNotFound):
				t.Errorf("DeleteChallenge: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d racing deletes of one challenge succeeded, want 1", won)
		}
	}},
	{"PurgedWithUser", func(t *testing.T, s storage.Store) {
		// A deleted user's challenges go with it: a user made later with
		// the same id does not inherit them.
		ctx := t.Context()
		twoProjectChallenges(t, s)
		noErr(t, s.DeleteUser(ctx, "p1", "u1"), "DeleteUser")
		noErr(t, s.PurgeUser(ctx, "p1", "u1"), "PurgeUser")
		mustUser(t, s, "p1", "u1", "u1@example.com")
		_, err := s.GetChallenge(ctx, "p1", "u1", "c1")
		isErr(t, err, storage.ErrNotFound, "GetChallenge of a purged user's challenge")
		_, err = s.GetChallenge(ctx, "p2", "u1", "c1")
		noErr(t, err, "GetChallenge of the same id in another project")
	}},
}
