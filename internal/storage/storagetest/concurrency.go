package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// workers is how many goroutines race in each concurrency test.
const workers = 20

// race runs fn in workers goroutines released together and returns their
// errors by worker.
func race(fn func(i int) error) []error {
	errs := make([]error, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

var concurrencyTests = []test{
	{"SessionLookupsTogether", func(t *testing.T, s storage.Store) {
		// Lookups racing each other (which PostgreSQL answers in shared
		// queries) each get their own answer: the same session twice, a
		// hash named with the wrong user or project, an unknown hash; and
		// a session deleted is not found by the lookup that follows.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		const users = 5
		sessions := make([]*storage.Session, users)
		for i := range users {
			uid := "u" + strconv.Itoa(i)
			mustUser(t, s, "p1", uid, uid+"@example.com")
			sessions[i] = mustSession(t, s, "p1", uid, "s"+uid, t0)
		}
		errs := race(func(w int) error {
			for n := range 40 {
				sess := sessions[(w+n)%users]
				lookup := s.SessionBySecretLite
				if n%2 == 1 {
					lookup = s.SessionBySecret
				}
				gotS, gotU, err := lookup(ctx, "p1", sess.UserID, sess.SecretHash)
				if err != nil || gotS.ID != sess.ID || gotU.ID != sess.UserID || gotU.Name != "User "+sess.UserID {
					return fmt.Errorf("lookup of %s: %v, %v, %v", sess.ID, gotS, gotU, err)
				}
				other := sessions[(w+n+1)%users]
				for _, c := range []struct{ project, user, hash string }{
					{"p1", other.UserID, sess.SecretHash}, {"p2", sess.UserID, sess.SecretHash}, {"p1", sess.UserID, "unknown-" + strconv.Itoa(w)},
				} {
					if _, _, err := lookup(ctx, c.project, c.user, c.hash); !errors.Is(err, storage.ErrNotFound) {
						return fmt.Errorf("lookup of %v: %v, want not found", c, err)
					}
				}
			}
			// Each worker then ends a session of its own and looks it up.
			own := newSession("p1", sessions[w%users].UserID, "own"+strconv.Itoa(w), t0)
			if _, err := s.CreateSession(ctx, own, 0, nil); err != nil {
				return err
			}
			if _, _, err := s.SessionBySecretLite(ctx, "p1", own.UserID, own.SecretHash); err != nil {
				return fmt.Errorf("new session: %w", err)
			}
			if err := s.DeleteSession(ctx, "p1", own.UserID, own.ID); err != nil {
				return err
			}
			if _, _, err := s.SessionBySecretLite(ctx, "p1", own.UserID, own.SecretHash); !errors.Is(err, storage.ErrNotFound) {
				return fmt.Errorf("deleted session: %v, want not found", err)
			}
			return nil
		})
		for w, err := range errs {
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
		}
	}},
	{"UpdateUserSerialises", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := newUser("p1", "u1", "ann@example.com")
		u.Name, u.Labels = "0", nil
		noErr(t, s.CreateUser(ctx, u), "CreateUser")
		errs := race(func(i int) error {
			_, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
				n, err := strconv.Atoi(u.Name)
				if err != nil {
					return err
				}
				u.Name = strconv.Itoa(n + 1)
				u.Labels = append(u.Labels, fmt.Sprintf("w%02d", i))
				return nil
			})
			return err
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("UpdateUser in worker %d", i))
		}
		got, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		if got.Name != strconv.Itoa(workers) {
			t.Errorf("counter = %s after %d concurrent increments: updates were lost", got.Name, workers)
		}
		labels := slices.Clone(got.Labels)
		slices.Sort(labels)
		if len(slices.Compact(labels)) != workers || len(got.Labels) != workers {
			t.Errorf("labels = %q, want one from each of %d workers", got.Labels, workers)
		}
	}},
	{"UpdateProjectSerialises", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		errs := race(func(int) error {
			_, err := s.UpdateProject(ctx, "p1", func(p *storage.Project) error {
				p.Settings.Auth.Limit++
				return nil
			})
			return err
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("UpdateProject in worker %d", i))
		}
		got, err := s.GetProject(ctx, "p1")
		noErr(t, err, "GetProject")
		if want := newProject("p1", t0).Settings.Auth.Limit + workers; got.Settings.Auth.Limit != want {
			t.Errorf("counter = %d, want %d: updates were lost", got.Settings.Auth.Limit, want)
		}
	}},
	{"CreateUserSameEmail", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		errs := race(func(i int) error {
			return s.CreateUser(ctx, newUser("p1", fmt.Sprintf("u%02d", i), "same@example.com"))
		})
		winner := checkOneWins(t, "CreateUser with the same email", errs)
		got, err := s.UserByEmail(ctx, "p1", "same@example.com")
		noErr(t, err, "UserByEmail")
		if winner >= 0 && got.ID != fmt.Sprintf("u%02d", winner) {
			t.Errorf("UserByEmail = %s, want the winner u%02d", got.ID, winner)
		}
		n, err := s.CountUsers(ctx, "p1")
		noErr(t, err, "CountUsers")
		if n != 1 {
			t.Errorf("CountUsers = %d, want 1", n)
		}
	}},
	{"CreateUserSameID", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		errs := race(func(i int) error {
			return s.CreateUser(ctx, newUser("p1", "same", fmt.Sprintf("u%02d@example.com", i)))
		})
		checkOneWins(t, "CreateUser with the same id", errs)
		n, err := s.CountUsers(ctx, "p1")
		noErr(t, err, "CountUsers")
		if n != 1 {
			t.Errorf("CountUsers = %d, want 1", n)
		}
	}},
	{"CreateSessionLimit", func(t *testing.T, s storage.Store) {
		// Concurrent sign-ins of one user still leave at most max sessions,
		// and every session removed was reported by exactly one call.
		ctx := t.Context()
		const maxSessions = 3
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		removed := make([][]string, workers)
		errs := race(func(i int) error {
			var err error
			removed[i], err = s.CreateSession(ctx, newSession("p1", "u1", fmt.Sprintf("s%02d", i), at(time.Duration(i)*time.Second)), maxSessions, nil)
			return err
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("CreateSession in worker %d", i))
		}
		list, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		all := ids(list, sessionID)
		for _, r := range removed {
			all = append(all, r...)
		}
		slices.Sort(all)
		if len(list) != maxSessions || len(slices.Compact(all)) != workers || len(all) != workers {
			t.Errorf("%d sessions left (want %d); left and removed together: %q, want each of %d once",
				len(list), maxSessions, all, workers)
		}
	}},
	{"ConsumeTokenOnce", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		tk := mustToken(t, s, "p1", "u1", "t1", storage.TokenMagicURL)
		errs := race(func(int) error {
			_, err := s.ConsumeToken(ctx, "p1", "u1", tk.SecretHash, []storage.TokenType{storage.TokenMagicURL}, t0)
			return err
		})
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, storage.ErrNotFound):
				t.Errorf("ConsumeToken in worker %d: %v, want ErrNotFound", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d workers consumed the token, want 1", won)
		}
	}},
	{"HitCounter", func(t *testing.T, s storage.Store) {
		const limit = 10
		counts := make([]int, workers)
		window := time.Date(2024, 5, 6, 7, 0, 0, 0, time.UTC)
		errs := race(func(i int) error {
			var err error
			counts[i], err = s.HitCounter(t.Context(), "ip:203.0.113.9", window, limit)
			return err
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("HitCounter in worker %d", i))
		}
		slices.Sort(counts)
		var want []int
		for i := range workers {
			want = append(want, min(i, limit))
		}
		if !slices.Equal(counts, want) {
			t.Errorf("concurrent HitCounter returned %v, want %v", counts, want)
		}
	}},
	{"InstanceValue", func(t *testing.T, s storage.Store) {
		values := make([]string, workers)
		errs := race(func(i int) error {
			var err error
			values[i], err = s.InstanceValue(t.Context(), "node-secret", fmt.Sprintf("v%02d", i))
			return err
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("InstanceValue in worker %d", i))
		}
		later, err := s.InstanceValue(t.Context(), "node-secret", "later")
		noErr(t, err, "InstanceValue")
		for i, v := range values {
			if v != later {
				t.Errorf("worker %d got %q, a later caller %q: want the first value stored for all", i, v, later)
			}
		}
	}},
}

// checkOneWins checks that exactly one call succeeded and the others
// failed with ErrConflict, and returns the winner (-1 when none).
func checkOneWins(t *testing.T, what string, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("%s: workers %d and %d both succeeded", what, winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, storage.ErrConflict):
			t.Errorf("%s: worker %d: %v, want ErrConflict", what, i, err)
		}
	}
	if winner < 0 {
		t.Errorf("%s: no worker succeeded", what)
	}
	return winner
}
