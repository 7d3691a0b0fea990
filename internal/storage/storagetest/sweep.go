package storagetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// sweepTests pin down Sweep: each kind's rows dated before the cutoff go,
// at most limit per call, and every other row stays.
var sweepTests = []test{
	{"ExpiredGoLiveStay", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		cutoff := at(10 * time.Hour)
		old, live := at(time.Hour), at(20*time.Hour)
		pid := linkPair(t, s) // the secondary holds session s-sec and log l-sec-old (at t0)

		// Sessions, tokens, challenges of the primary.
		for id, exp := range map[string]time.Time{"s-old": old, "s-live": live} {
			sess := newSession(pid, "prim", id, t0)
			sess.Expire = exp
			_, err := s.CreateSession(ctx, sess, 0, nil)
			noErr(t, err, "CreateSession "+id)
		}
		for id, exp := range map[string]time.Time{"t-old": old, "t-live": live} {
			tk := newToken(pid, "prim", id, storage.TokenMagicURL)
			tk.Expire = exp
			noErr(t, s.CreateToken(ctx, tk), "CreateToken "+id)
		}
		for id, exp := range map[string]time.Time{"c-old": old, "c-live": live} {
			c := newChallenge(pid, "prim", id)
			c.Expire = exp
			noErr(t, s.CreateChallenge(ctx, c), "CreateChallenge "+id)
		}
		// OAuth2 states: a sign-in in flight and a suggested-link token each.
		noErr(t, s.SaveOAuthState(ctx, "st-old", pid, &storage.OAuthState{Provider: "github"}, old), "SaveOAuthState old")
		noErr(t, s.SaveOAuthState(ctx, "st-live", pid, &storage.OAuthState{Provider: "github"}, live), "SaveOAuthState live")
		sug := &storage.OAuthState{Provider: "github", LinkUserID: "prim", Suggested: &storage.SuggestedIdentity{UID: "gh-9"}}
		noErr(t, s.SaveOAuthState(ctx, "sug-old", pid, sug, old), "SaveOAuthState suggested old")
		noErr(t, s.SaveOAuthState(ctx, "sug-live", pid, sug, live), "SaveOAuthState suggested live")
		// Rate-limit windows, dated by their start.
		for _, w := range []time.Time{old, live} {
			_, err := s.HitCounter(ctx, "k", w, 10)
			noErr(t, err, "HitCounter")
		}
		// Logs of the primary; the secondary's are set aside by a merge,
		// which also keeps two undo tokens.
		mustLog(t, s, pid, "prim", "l-prim-old", old)
		mustLog(t, s, pid, "prim", "l-prim-live", live)
		mustLog(t, s, pid, "sec", "l-sec-live", live)
		w := &storage.LinkWork{Now: old, Undo: []*storage.LinkUndo{undoToken("u-old", "c1", old), undoToken("u-live", "c1", live)}}
		noErr(t, s.MergeUser(ctx, pid, "prim", "sec", []byte(`{"userId":"sec"}`), []*storage.Identity{wayIn("i-way", "prim", "sec@example.com")}, w), "MergeUser")

		oauth2SweepRows(t, s, pid, old, live)

		removed := map[storage.SweepKind]int{}
		for _, kind := range storage.SweepKinds {
			if kind == storage.SweepDoneJobs {
				continue // dated by the wall clock: see DoneJobs
			}
			n, err := s.Sweep(ctx, kind, cutoff, 100)
			noErr(t, err, "Sweep "+string(kind))
			removed[kind] = n
			n, err = s.Sweep(ctx, kind, cutoff, 100)
			noErr(t, err, "Sweep again "+string(kind))
			if n != 0 {
				t.Errorf("second sweep of %s removed %d", kind, n)
			}
		}
		same(t, "removed", removed, map[storage.SweepKind]int{
			storage.SweepSessions: 1, storage.SweepTokens: 1, storage.SweepOAuthStates: 2, storage.SweepChallenges: 1,
			storage.SweepLinkUndos: 1, storage.SweepRateWindows: 1, storage.SweepLogs: 1, storage.SweepLinkedLogs: 1,
			storage.SweepOAuth2Grants: 1, storage.SweepOAuth2PARs: 1, storage.SweepOAuth2Codes: 1, storage.SweepOAuth2Devices: 1,
			storage.SweepOAuth2Families: 1, storage.SweepOAuth2Keys: 1,
		})

		list, err := s.ListSessions(ctx, pid, "prim")
		noErr(t, err, "ListSessions")
		sameIDs(t, "sessions", ids(list, sessionID), []string{"s-live"})
		// A token or a state still stored is taken when asked before its
		// expiry; a swept one is not found at all.
		for id, want := range map[string]error{"t-old": storage.ErrNotFound, "t-live": nil} {
			_, err := s.ConsumeToken(ctx, pid, "prim", tokenHash(pid, id), []storage.TokenType{storage.TokenMagicURL}, t0)
			isErr(t, err, want, "ConsumeToken "+id)
		}
		for id, want := range map[string]error{"st-old": storage.ErrNotFound, "st-live": nil, "sug-old": storage.ErrNotFound, "sug-live": nil} {
			_, _, err := s.TakeOAuthState(ctx, id, t0)
			isErr(t, err, want, "TakeOAuthState "+id)
		}
		for id, want := range map[string]error{"c-old": storage.ErrNotFound, "c-live": nil} {
			_, err := s.GetChallenge(ctx, pid, "prim", id)
			isErr(t, err, want, "GetChallenge "+id)
		}
		for h, want := range map[string]error{"u-old": storage.ErrNotFound, "u-live": nil} {
			_, err := s.GetLinkUndo(ctx, pid, h)
			isErr(t, err, want, "GetLinkUndo "+h)
		}
		// The live window kept its count; the old one starts again.
		for wnd, want := range map[time.Time]int{old: 0, live: 1} {
			n, err := s.HitCounter(ctx, "k", wnd, 10)
			noErr(t, err, "HitCounter")
			same(t, "count before the hit", n, want)
		}
		sameIDs(t, "primary log", logIDs(t, s, "prim"), []string{"l-prim-live"})
		// The merged account's log comes back with a split, less what went.
		back := newUser(pid, "sec-2", "sec@example.com")
		back.Targets = nil
		noErr(t, s.SplitIdentity(ctx, "prim", "sec", back, []string{"i-sec"}, []string{"i-way"}, nil), "SplitIdentity")
		sameIDs(t, "split user's log", logIDs(t, s, "sec-2"), []string{"l-sec-live"})
	}},
	{"Batches", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "u1@example.com")
		for _, id := range []string{"l1", "l2", "l3", "l4", "l5"} {
			mustLog(t, s, "p1", "u1", id, t0)
		}
		mustLog(t, s, "p1", "u1", "l-live", at(2*time.Hour))
		var got []int
		for {
			n, err := s.Sweep(ctx, storage.SweepLogs, at(time.Hour), 2)
			noErr(t, err, "Sweep")
			got = append(got, n)
			if n < 2 {
				break
			}
		}
		same(t, "batches", got, []int{2, 2, 1})
		sameIDs(t, "log", logIDs(t, s, "u1"), []string{"l-live"})
		n, err := s.Sweep(ctx, storage.SweepLogs, at(3*time.Hour), 0)
		noErr(t, err, "Sweep with no limit left")
		same(t, "removed with limit 0", n, 0)
		if _, err := s.Sweep(ctx, storage.SweepKind("users"), at(time.Hour), 10); err == nil {
			t.Fatal("Sweep of an unknown kind: no error")
		}
	}},
	{"DoneJobs", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		now := time.Now()
		enqueue := func(kind string) string {
			j := &storage.Job{Kind: kind, Payload: json.RawMessage(`{}`), RunAt: now.Add(-time.Minute)}
			noErr(t, s.EnqueueJob(ctx, j), "EnqueueJob")
			return j.ID
		}
		done, failed := enqueue("done"), enqueue("failed")
		queued := enqueue("queued")
		j, err := s.ClaimJob(ctx, "w", []string{"done"}, now, time.Minute)
		noErr(t, err, "ClaimJob")
		noErr(t, s.CompleteJob(ctx, j.ID, "w"), "CompleteJob")
		j, err = s.ClaimJob(ctx, "w", []string{"failed"}, now, time.Minute)
		noErr(t, err, "ClaimJob")
		noErr(t, s.FailJob(ctx, j.ID, "w", "boom", time.Time{}, true), "FailJob")

		n, err := s.Sweep(ctx, storage.SweepDoneJobs, now.Add(-time.Hour), 10)
		noErr(t, err, "Sweep of recent done jobs")
		same(t, "removed recent", n, 0)
		n, err = s.Sweep(ctx, storage.SweepDoneJobs, now.Add(time.Hour), 10)
		noErr(t, err, "Sweep")
		same(t, "removed", n, 1)
		list, _, err := s.ListJobs(ctx, "", storage.Page{Limit: 10})
		noErr(t, err, "ListJobs")
		left := map[string]bool{}
		for _, j := range list {
			left[j.ID] = true
		}
		same(t, "jobs left", left, map[string]bool{failed: true, queued: true})
		if left[done] {
			t.Fatal("the done job stayed")
		}
	}},
}
