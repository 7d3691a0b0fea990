package storagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// linkPair makes a project with a primary and a secondary user; the
// secondary has an OAuth identity, a session and a log entry.
func linkPair(t *testing.T, s storage.Store) (pid string) {
	t.Helper()
	mustProject(t, s, "p1", t0)
	mustUser(t, s, "p1", "prim", "prim@example.com")
	mustUser(t, s, "p1", "sec", "sec@example.com")
	noErr(t, s.CreateIdentity(t.Context(), &storage.Identity{ProjectID: "p1", ID: "i-sec", UserID: "sec", Provider: "github",
		ProviderUID: "gh-1", CreatedAt: t0, UpdatedAt: t0}), "CreateIdentity")
	mustSession(t, s, "p1", "sec", "s-sec", t0)
	mustLog(t, s, "p1", "sec", "l-sec-old", t0)
	return "p1"
}

func wayIn(id, owner, email string) *storage.Identity {
	return &storage.Identity{ProjectID: "p1", ID: id, UserID: owner, Provider: "email", ProviderUID: email, ProviderEmail: email,
		ProviderEmailVerified: true, ProfileData: json.RawMessage(`{"userId":"sec"}`), CreatedAt: t0, UpdatedAt: t0}
}

func linkLog(userID, id, event string) *storage.Log {
	l := newLog("p1", userID, id, at(time.Hour))
	l.Event = event
	return l
}

func undoToken(hash, change string, expire time.Time) *storage.LinkUndo {
	return &storage.LinkUndo{SecretHash: hash, ProjectID: "p1", ChangeID: change, Kind: storage.UndoLink, PrimaryID: "prim",
		SecondaryID: "sec", Provider: "email", ProviderUID: "sec@example.com", Recipient: "prim@example.com", Time: at(time.Hour),
		Expire: expire}
}

func logIDs(t *testing.T, s storage.Store, userID string) []string {
	t.Helper()
	logs, _, err := s.ListLogs(t.Context(), "p1", userID, storage.Page{Limit: 100})
	noErr(t, err, "ListLogs "+userID)
	return ids(logs, logID)
}

var linkTests = []test{
	{"MergeRefusals", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		pid := linkPair(t, s)
		merge := func() error {
			return s.MergeUser(ctx, pid, "prim", "sec", []byte(`{"userId":"sec"}`), []*storage.Identity{wayIn("i-way", "prim", "sec@example.com")},
				&storage.LinkWork{Now: at(time.Hour), Logs: []*storage.Log{linkLog("prim", "l1", "user.link")}})
		}
		isErr(t, s.MergeUser(ctx, pid, "prim", "prim", nil, nil, nil), storage.ErrConflict, "MergeUser into itself")
		isErr(t, s.MergeUser(ctx, pid, "prim", "nobody", nil, nil, nil), storage.ErrNotFound, "MergeUser of a missing user")

		_, err := s.UpdateUser(ctx, pid, "sec", func(u *storage.User) error { u.Status = false; return nil })
		noErr(t, err, "block")
		isErr(t, merge(), storage.ErrBlocked, "MergeUser of a blocked secondary")
		_, err = s.UpdateUser(ctx, pid, "sec", func(u *storage.User) error { u.Status = true; return nil })
		noErr(t, err, "unblock")

		noErr(t, s.DeleteUser(ctx, pid, "sec"), "DeleteUser")
		isErr(t, merge(), storage.ErrDeletionPending, "MergeUser of a secondary being deleted")
		isErr(t, s.MergeUser(ctx, pid, "sec", "prim", nil, nil, nil), storage.ErrDeletionPending, "MergeUser into a primary being deleted")
		// Nothing moved and nothing was logged.
		i, err := s.GetIdentity(ctx, pid, "i-sec")
		noErr(t, err, "GetIdentity")
		same(t, "identity owner", i.UserID, "sec")
		sameIDs(t, "primary log", logIDs(t, s, "prim"), nil)
		isErr(t, s.SplitIdentity(ctx, "sec", "", newUser(pid, "x", ""), nil, nil, nil), storage.ErrDeletionPending, "SplitIdentity from a user being deleted")
	}},
	{"MergeSetsLogsAsideAndSplitGivesThemBack", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		pid := linkPair(t, s)
		mustLog(t, s, pid, "prim", "l-prim-old", t0)
		w := &storage.LinkWork{Now: at(time.Hour), Logs: []*storage.Log{linkLog("prim", "l-prim-link", "user.link"), linkLog("sec", "l-sec-link", "user.link")}}
		noErr(t, s.MergeUser(ctx, pid, "prim", "sec", []byte(`{"userId":"sec"}`), []*storage.Identity{wayIn("i-way", "prim", "sec@example.com")}, w), "MergeUser")
		sameIDs(t, "primary log", logIDs(t, s, "prim"), []string{"l-prim-link", "l-prim-old"})
		sameIDs(t, "merged account's log", logIDs(t, s, "sec"), nil)
		_, err := s.GetSession(ctx, pid, "sec", "s-sec")
		isErr(t, err, storage.ErrNotFound, "the secondary's session")

		// A new user given the merged account's id does not see its log.
		mustUser(t, s, pid, "sec", "other@example.com")
		sameIDs(t, "log of a new user with the old id", logIDs(t, s, "sec"), nil)

		// Splitting the account out under a fresh id gives the log back.
		back := newUser(pid, "sec-2", "sec@example.com")
		back.Targets = nil
		w = &storage.LinkWork{Now: at(2 * time.Hour), Logs: []*storage.Log{linkLog("prim", "l-prim-unlink", "user.unlink"), linkLog("sec-2", "l-sec-unlink", "user.unlink")}}
		noErr(t, s.SplitIdentity(ctx, "prim", "sec", back, []string{"i-sec"}, []string{"i-way"}, w), "SplitIdentity")
		sameIDs(t, "split user's log", logIDs(t, s, "sec-2"), []string{"l-sec-unlink", "l-sec-link", "l-sec-old"})
		sameIDs(t, "primary log", logIDs(t, s, "prim"), []string{"l-prim-unlink", "l-prim-link", "l-prim-old"})
		i, err := s.GetIdentity(ctx, pid, "i-sec")
		noErr(t, err, "GetIdentity")
		same(t, "identity owner", i.UserID, "sec-2")
		_, err = s.GetIdentity(ctx, pid, "i-way")
		isErr(t, err, storage.ErrNotFound, "the dropped way in")

		// A split naming an identity the user no longer holds changes nothing.
		err = s.SplitIdentity(ctx, "prim", "sec", newUser(pid, "sec-3", ""), []string{"i-sec"}, nil, nil)
		isErr(t, err, storage.ErrNotFound, "SplitIdentity of an identity moved away")
		_, err = s.GetUser(ctx, pid, "sec-3")
		isErr(t, err, storage.ErrNotFound, "the user of a refused split")
	}},
	{"UndoTokens", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		pid := linkPair(t, s)
		linkAt := at(time.Hour)
		mustSession(t, s, pid, "prim", "s-before", linkAt.Add(-time.Second))
		w := &storage.LinkWork{Now: linkAt,
			Undo: []*storage.LinkUndo{undoToken("h1", "c1", linkAt.Add(time.Hour)), undoToken("h2", "c1", linkAt.Add(time.Hour))},
			Jobs: []*storage.Job{{Kind: "messages.send", Payload: json.RawMessage(`{"sealed":"x"}`)}}}
		noErr(t, s.MergeUser(ctx, pid, "prim", "sec", []byte(`{"userId":"sec"}`), []*storage.Identity{wayIn("i-way", "prim", "sec@example.com")}, w), "MergeUser")
		got, err := s.GetLinkUndo(ctx, pid, "h1")
		noErr(t, err, "GetLinkUndo")
		same(t, "undo token", got, undoToken("h1", "c1", linkAt.Add(time.Hour)))
		_, err = s.GetLinkUndo(ctx, "other", "h1")
		isErr(t, err, storage.ErrNotFound, "GetLinkUndo in another project")
		jobs, _, err := s.ListJobs(ctx, storage.JobQueued, storage.Page{Limit: 10})
		noErr(t, err, "ListJobs")
		same(t, "jobs queued with the link", len(jobs), 1)

		mustSession(t, s, pid, "prim", "s-after", linkAt.Add(time.Minute))
		// An expired token redeems nothing.
		late := &storage.LinkWork{Redeem: "h1", Now: linkAt.Add(2 * time.Hour)}
		isErr(t, s.SplitIdentity(ctx, "prim", "sec", newUser(pid, "sec", "sec@example.com"), []string{"i-sec"}, []string{"i-way"}, late),
			storage.ErrNotFound, "redeem an expired token")
		_, err = s.GetUser(ctx, pid, "sec")
		isErr(t, err, storage.ErrNotFound, "the user of a refused undo")

		undo := &storage.LinkWork{Redeem: "h1", Now: linkAt.Add(30 * time.Minute), EndSessionsSince: linkAt}
		back := newUser(pid, "sec", "sec@example.com")
		noErr(t, s.SplitIdentity(ctx, "prim", "sec", back, []string{"i-sec"}, []string{"i-way"}, undo), "undo")
		_, err = s.GetSession(ctx, pid, "prim", "s-after")
		isErr(t, err, storage.ErrNotFound, "session opened after the link")
		_, err = s.GetSession(ctx, pid, "prim", "s-before")
		noErr(t, err, "session opened before the link")
		for _, h := range []string{"h1", "h2"} {
			u, err := s.GetLinkUndo(ctx, pid, h)
			noErr(t, err, "GetLinkUndo "+h)
			same(t, "spent "+h, u.UsedAt, linkAt.Add(30*time.Minute).UTC().Truncate(time.Microsecond))
		}
		// The other token of the change is spent too: a second undo fails
		// and changes nothing.
		again := &storage.LinkWork{Redeem: "h2", Now: linkAt.Add(31 * time.Minute)}
		isErr(t, s.MergeUser(ctx, pid, "prim", "sec", []byte(`{}`), []*storage.Identity{wayIn("i-way2", "prim", "sec@example.com")}, again),
			storage.ErrNotFound, "redeem a spent change")
		_, err = s.GetUser(ctx, pid, "sec")
		noErr(t, err, "the split user after a refused redemption")

		// The tokens go with the account they were made for.
		noErr(t, s.DeleteUser(ctx, pid, "prim"), "DeleteUser")
		noErr(t, s.PurgeUser(ctx, pid, "prim"), "PurgeUser")
		_, err = s.GetLinkUndo(ctx, pid, "h1")
		isErr(t, err, storage.ErrNotFound, "GetLinkUndo after the primary is purged")
	}},
	undoRace,
}

// undoRace clicks every link of a change at once: one undo happens.
var undoRace = test{"UndoRaceOneWins", func(t *testing.T, s storage.Store) {
	ctx := t.Context()
	pid := linkPair(t, s)
	linkAt := at(time.Hour)
	w := &storage.LinkWork{Now: linkAt, Undo: []*storage.LinkUndo{undoToken("h1", "c1", linkAt.Add(time.Hour)),
		undoToken("h2", "c1", linkAt.Add(time.Hour)), undoToken("h3", "c1", linkAt.Add(time.Hour))}}
	noErr(t, s.MergeUser(ctx, pid, "prim", "sec", []byte(`{"userId":"sec"}`), []*storage.Identity{wayIn("i-way", "prim", "sec@example.com")}, w), "MergeUser")
	errs := race(func(i int) error {
		hash := []string{"h1", "h2", "h3"}[i%3]
		u := newUser(pid, fmt.Sprintf("back-%d", i), "")
		u.Targets = nil
		return s.SplitIdentity(ctx, "prim", "sec", u, []string{"i-sec"}, []string{"i-way"},
			&storage.LinkWork{Redeem: hash, Now: linkAt.Add(time.Minute)})
	})
	for i, err := range errs {
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			errs[i] = fmt.Errorf("%w (want ErrNotFound)", err)
		} else if err != nil {
			errs[i] = storage.ErrConflict // what checkOneWins expects of losers
		}
	}
	winner := checkOneWins(t, "racing undos", errs)
	if winner >= 0 {
		i, err := s.GetIdentity(ctx, pid, "i-sec")
		noErr(t, err, "GetIdentity")
		same(t, "identity owner", i.UserID, fmt.Sprintf("back-%d", winner))
	}
}}
