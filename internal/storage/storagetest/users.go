package storagetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

var userTests = []test{
	{"CreateGet", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := newUser("p1", "u1", "ann@example.com")
		u.Phone = "+15550101"
		noErr(t, s.CreateUser(ctx, u), "CreateUser")
		got, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser", got, u)
		got, err = s.UserByEmail(ctx, "p1", "ann@example.com")
		noErr(t, err, "UserByEmail")
		sameUser(t, s, "UserByEmail", got, u)
	}},
	{"Minimal", func(t *testing.T, s storage.Store) {
		// No email, phone, password, hash options or prefs; unset times.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := &storage.User{ProjectID: "p1", ID: "anon", Hash: "argon2", Status: true, Registration: t0, CreatedAt: t0, UpdatedAt: t0}
		noErr(t, s.CreateUser(ctx, u), "CreateUser")
		got, err := s.GetUser(ctx, "p1", "anon")
		noErr(t, err, "GetUser")
		if string(got.Prefs) != "{}" && len(got.Prefs) != 0 {
			t.Errorf("empty prefs came back as %s, want {} or nothing", got.Prefs)
		}
		got.Prefs = nil
		sameUser(t, s, "GetUser", got, u)
	}},
	{"Booleans", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := newUser("p1", "u1", "")
		u.Status, u.EmailVerification, u.PhoneVerification, u.MFA, u.Reset = false, true, false, true, true
		noErr(t, s.CreateUser(ctx, u), "CreateUser")
		got, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser", got, u)
		flip := func(u *storage.User) error {
			u.Status, u.EmailVerification, u.PhoneVerification, u.MFA, u.Reset = !u.Status, !u.EmailVerification, !u.PhoneVerification, !u.MFA, !u.Reset
			return nil
		}
		_, err = s.UpdateUser(ctx, "p1", "u1", flip)
		noErr(t, err, "UpdateUser")
		noErr(t, flip(u), "flip")
		got, err = s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser after flipping every flag", got, u)
	}},
	{"EmailFacts", func(t *testing.T, s storage.Store) {
		// Stored with the user, NULL (nil) when unset, changed by updates.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := newUser("p1", "u1", "a.nn@gmail.com")
		u.EmailFacts = &storage.EmailFacts{Canonical: "ann@gmail.com", Free: true}
		noErr(t, s.CreateUser(ctx, u), "CreateUser")
		got, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser", got, u)
		for _, f := range []*storage.EmailFacts{nil, {Canonical: "ann@example.com", Corporate: true, IsCanonical: true}} {
			_, err = s.UpdateUser(ctx, "p1", "u1", func(cur *storage.User) error { cur.EmailFacts = f; return nil })
			noErr(t, err, "UpdateUser")
			u.EmailFacts = f
			got, err = s.GetUser(ctx, "p1", "u1")
			noErr(t, err, "GetUser")
			sameUser(t, s, "GetUser after UpdateUser", got, u)
		}
	}},
	{"Conflicts", testUserConflicts},
	{"Missing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		for _, c := range []struct{ project, id string }{{"p1", "nope"}, {"p2", "u1"}, {"nope", "u1"}} {
			_, err := s.GetUser(ctx, c.project, c.id)
			isErr(t, err, storage.ErrNotFound, "GetUser "+c.project+"/"+c.id)
			called := false
			_, err = s.UpdateUser(ctx, c.project, c.id, func(*storage.User) error { called = true; return nil })
			isErr(t, err, storage.ErrNotFound, "UpdateUser "+c.project+"/"+c.id)
			if called {
				t.Error("UpdateUser called fn for a missing user")
			}
			isErr(t, s.DeleteUser(ctx, c.project, c.id), storage.ErrNotFound, "DeleteUser "+c.project+"/"+c.id)
		}
		_, err := s.UserByEmail(ctx, "p1", "bob@example.com")
		isErr(t, err, storage.ErrNotFound, "UserByEmail of an unknown email")
		_, err = s.UserByEmail(ctx, "p2", "ann@example.com")
		isErr(t, err, storage.ErrNotFound, "UserByEmail in another project")
		_, err = s.UserByEmail(ctx, "p1", "")
		isErr(t, err, storage.ErrNotFound, "UserByEmail of the empty email")
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := mustUser(t, s, "p1", "u1", "ann@example.com")
		want := *u
		want.Name = "Ann B."
		want.Email = "ann.b@example.com"
		want.Phone = "+15550102"
		want.PasswordHash = "$scrypt$new"
		want.Hash = "scrypt"
		want.HashOptions = json.RawMessage(`{"costCpu":8,"costMemory":14}`)
		want.PasswordUpdate = at(time.Hour + 999*time.Nanosecond)
		want.PasswordHistory = []string{"old-hash-1", "old-hash-2", u.PasswordHash}
		want.Labels = nil
		want.Prefs = json.RawMessage(`{"theme":"light","list":["a",{"b":null}],"unicode":"ünï ✓"}`)
		want.AccessedAt = time.Time{}
		want.UpdatedAt = at(2 * time.Hour)
		got, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
			sameUser(t, nil, "UpdateUser loaded", u, newUser("p1", "u1", "ann@example.com"))
			id, project, created, reg := u.ID, u.ProjectID, u.CreatedAt, u.Registration
			*u = want
			u.ID, u.ProjectID, u.CreatedAt, u.Registration = id, project, created, reg
			return nil
		})
		noErr(t, err, "UpdateUser")
		sameUser(t, s, "UpdateUser result", normalised(got).(*storage.User), &want)
		got, err = s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser after update", got, &want)
		got, err = s.UserByEmail(ctx, "p1", "ann.b@example.com")
		noErr(t, err, "UserByEmail of the new email")
		sameUser(t, s, "UserByEmail after update", got, &want)
		_, err = s.UserByEmail(ctx, "p1", "ann@example.com")
		isErr(t, err, storage.ErrNotFound, "UserByEmail of the old email")

		// Clearing the email, phone and password frees them.
		_, err = s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
			u.Email, u.Phone, u.PasswordHash, u.HashOptions = "", "", "", nil
			return nil
		})
		noErr(t, err, "UpdateUser clearing fields")
		want.Email, want.Phone, want.PasswordHash, want.HashOptions = "", "", "", nil
		got, err = s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser after clearing", got, &want)
		u2 := newUser("p1", "u2", "ann.b@example.com")
		u2.Phone = "+15550102"
		noErr(t, s.CreateUser(ctx, u2), "CreateUser with the freed email and phone")
	}},
	{"UpdateAbort", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := mustUser(t, s, "p1", "u1", "ann@example.com")
		got, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
			u.Name, u.Status, u.Labels = "Mallory", false, append(u.Labels, "admin")
			return errAbort
		})
		if err != errAbort { //nolint:errorlint // the contract is "returned unchanged"
			t.Errorf("UpdateUser returned %v, want fn's error unchanged", err)
		}
		if got != nil {
			t.Errorf("UpdateUser returned a user with an error: %+v", got)
		}
		after, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser after an aborted update", after, u)
	}},
	{"UpdateToTakenEmail", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		bob := newUser("p1", "u2", "bob@example.com")
		bob.Phone = "+15550103"
		noErr(t, s.CreateUser(ctx, bob), "CreateUser")
		_, err := s.UpdateUser(ctx, "p1", "u2", func(u *storage.User) error {
			u.Name, u.Email = "Changed", "ann@example.com"
			return nil
		})
		isErr(t, err, storage.ErrTargetExists, "UpdateUser to a taken email")
		_, err = s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
			u.Phone = "+15550103"
			return nil
		})
		isErr(t, err, storage.ErrTargetExists, "UpdateUser to a taken phone")
		got, err := s.GetUser(ctx, "p1", "u2")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser after a conflicting update", got, bob)
	}},
	{"DeleteAndPurge", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		ann := newUser("p1", "u1", "ann@example.com")
		ann.Phone = "+15550101"
		noErr(t, s.CreateUser(ctx, ann), "CreateUser")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		for _, uid := range []string{"u1", "u2"} {
			mustSession(t, s, "p1", uid, "a-"+uid, t0)
			mustSession(t, s, "p1", uid, "b-"+uid, at(time.Second))
			mustLog(t, s, "p1", uid, "l-"+uid, t0)
			mustToken(t, s, "p1", uid, "t-"+uid, storage.TokenMagicURL)
			mustTarget(t, s, "p1", uid, "push-"+uid)
		}

		// DeleteUser hides the user and ends its sessions at once.
		noErr(t, s.DeleteUser(ctx, "p1", "u1"), "DeleteUser")
		_, err := s.GetUser(ctx, "p1", "u1")
		isErr(t, err, storage.ErrNotFound, "GetUser after delete")
		_, err = s.UserByEmail(ctx, "p1", "ann@example.com")
		isErr(t, err, storage.ErrNotFound, "UserByEmail after delete")
		_, _, err = s.SessionBySecret(ctx, "p1", "u1", secretHash("p1", "a-u1"))
		isErr(t, err, storage.ErrNotFound, "SessionBySecret of a deleted user's session")
		sessions, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		if len(sessions) != 0 {
			t.Errorf("deleted user kept %d sessions", len(sessions))
		}
		called := false
		_, err = s.UpdateUser(ctx, "p1", "u1", func(*storage.User) error { called = true; return nil })
		isErr(t, err, storage.ErrNotFound, "UpdateUser of a deleted user")
		if called {
			t.Error("UpdateUser called fn for a deleted user")
		}
		n, err := s.CountUsers(ctx, "p1")
		noErr(t, err, "CountUsers")
		if n != 1 {
			t.Errorf("CountUsers after delete = %d, want 1", n)
		}
		list, total, err := s.ListUsers(ctx, "p1", storage.UserQuery{Page: query.Page{Limit: 10}})
		noErr(t, err, "ListUsers")
		sameIDs(t, "ListUsers after delete", ids(list, userID), []string{"u2"})
		if total != 1 {
			t.Errorf("ListUsers total after delete = %d, want 1", total)
		}
		isErr(t, s.DeleteUser(ctx, "p1", "u1"), storage.ErrNotFound, "DeleteUser twice")

		// PurgeUser removes the rest and frees the id, email and phone;
		// running it twice is fine.
		noErr(t, s.PurgeUser(ctx, "p1", "u1"), "PurgeUser")
		noErr(t, s.PurgeUser(ctx, "p1", "u1"), "PurgeUser twice")
		logs, total, err := s.ListLogs(ctx, "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListLogs")
		targets, err := s.ListTargets(ctx, "p1", "u1")
		noErr(t, err, "ListTargets")
		if len(logs) != 0 || total != 0 || len(targets) != 0 {
			t.Errorf("purged user kept %d logs (total %d) and %d targets", len(logs), total, len(targets))
		}
		_, err = s.ConsumeToken(ctx, "p1", "u1", tokenHash("p1", "t-u1"), []storage.TokenType{storage.TokenMagicURL}, t0)
		isErr(t, err, storage.ErrNotFound, "ConsumeToken of a purged user")

		// The other user lost nothing.
		sessions, err = s.ListSessions(ctx, "p1", "u2")
		noErr(t, err, "ListSessions of the other user")
		logs, _, err = s.ListLogs(ctx, "p1", "u2", storage.Page{Limit: 10})
		noErr(t, err, "ListLogs of the other user")
		targets, err = s.ListTargets(ctx, "p1", "u2")
		noErr(t, err, "ListTargets of the other user")
		if len(sessions) != 2 || len(logs) != 1 || len(targets) != 2 {
			t.Errorf("the other user has %d sessions, %d logs and %d targets, want 2, 1 and 2", len(sessions), len(logs), len(targets))
		}
		_, err = s.ConsumeToken(ctx, "p1", "u2", tokenHash("p1", "t-u2"), []storage.TokenType{storage.TokenMagicURL}, t0)
		noErr(t, err, "ConsumeToken of the other user")

		again := newUser("p1", "u1", "ann@example.com")
		again.Phone = "+15550101"
		noErr(t, s.CreateUser(ctx, again), "CreateUser with the purged user's id, email and phone")
		got, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "the new user", got, again)
	}},
	{"Count", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		n, err := s.CountUsers(ctx, "p1")
		noErr(t, err, "CountUsers")
		if n != 0 {
			t.Errorf("CountUsers of an empty project = %d", n)
		}
		mustUser(t, s, "p1", "u1", "a@example.com")
		mustUser(t, s, "p1", "u2", "")
		mustUser(t, s, "p1", "u3", "")
		mustUser(t, s, "p2", "u1", "a@example.com")
		for pid, want := range map[string]int{"p1": 3, "p2": 1, "nope": 0} {
			n, err := s.CountUsers(ctx, pid)
			noErr(t, err, "CountUsers")
			if n != want {
				t.Errorf("CountUsers(%s) = %d, want %d", pid, n, want)
			}
		}
	}},
	{"Touch", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := mustUser(t, s, "p1", "u1", "ann@example.com")
		other := mustUser(t, s, "p1", "u2", "bob@example.com")
		when := at(5*time.Hour + 1234*time.Nanosecond)
		noErr(t, s.TouchUser(ctx, "p1", "u1", when), "TouchUser")
		want := *u
		want.AccessedAt = when // and nothing else, not even updatedAt
		got, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		sameUser(t, s, "GetUser after TouchUser", got, &want)
		got, err = s.GetUser(ctx, "p1", "u2")
		noErr(t, err, "GetUser")
		sameUser(t, s, "the other user after TouchUser", got, other)
		if err := s.TouchUser(ctx, "p1", "nope", when); err != nil {
			// TouchUser's contract says nothing about missing users; it may
			// report them, but only as ErrNotFound.
			isErr(t, err, storage.ErrNotFound, "TouchUser of a missing user")
		}
	}},
}

// sameUser compares two users without their targets, then checks got's
// targets with checkTargets.
func sameUser(t *testing.T, s storage.Store, what string, got, want *storage.User) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: no user", what)
		return
	}
	g, w := *got, *want
	g.Targets, w.Targets = nil, nil
	same(t, what, &g, &w)
	checkTargets(t, s, what, got)
}

// checkTargets checks the targets a user carries: its email and phone each
// have one target of their kind, and the copy on the user is what
// ListTargets returns (skipped when s is nil).
func checkTargets(t *testing.T, s storage.Store, what string, u *storage.User) {
	t.Helper()
	for _, c := range []struct{ kind, identifier string }{{"email", u.Email}, {"sms", u.Phone}} {
		var found []string
		for _, tg := range u.Targets {
			if tg.ProviderType == c.kind {
				found = append(found, tg.Identifier)
			}
		}
		want := []string{c.identifier}
		if c.identifier == "" {
			want = nil
		}
		sameIDs(t, what+": "+c.kind+" targets", found, want)
	}
	for _, tg := range u.Targets {
		if tg.ProjectID != u.ProjectID || tg.UserID != u.ID || tg.ID == "" {
			t.Errorf("%s: target %+v does not belong to user %s/%s", what, tg, u.ProjectID, u.ID)
		}
	}
	if s == nil {
		return
	}
	list, err := s.ListTargets(t.Context(), u.ProjectID, u.ID)
	noErr(t, err, "ListTargets")
	// In any order.
	stored := make([]storage.Target, len(list))
	for i, tg := range list {
		stored[i] = *tg
	}
	copied := slices.Clone(u.Targets)
	byID := func(a, b storage.Target) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(stored, byID)
	slices.SortFunc(copied, byID)
	same(t, what+": targets copied on the user", copied, stored)
}

func testUserConflicts(t *testing.T, s storage.Store) {
	ctx := t.Context()
	mustProject(t, s, "p1", t0)
	mustProject(t, s, "p2", t0)
	ann := newUser("p1", "u1", "ann@example.com")
	ann.Phone = "+15550101"
	noErr(t, s.CreateUser(ctx, ann), "CreateUser")

	dupID := newUser("p1", "u1", "other@example.com")
	isErr(t, s.CreateUser(ctx, dupID), storage.ErrConflict, "CreateUser with a taken id")
	dupEmail := newUser("p1", "u2", "ann@example.com")
	isErr(t, s.CreateUser(ctx, dupEmail), storage.ErrConflict, "CreateUser with a taken email")
	dupPhone := newUser("p1", "u3", "")
	dupPhone.Phone = "+15550101"
	isErr(t, s.CreateUser(ctx, dupPhone), storage.ErrConflict, "CreateUser with a taken phone")
	n, err := s.CountUsers(ctx, "p1")
	noErr(t, err, "CountUsers")
	if n != 1 {
		t.Errorf("failed creates left %d users, want 1", n)
	}

	// Another project has its own ids, emails and phones.
	other := newUser("p2", "u1", "ann@example.com")
	other.Phone = "+15550101"
	other.Name = "Ann in p2"
	noErr(t, s.CreateUser(ctx, other), "CreateUser with the same id, email and phone in another project")
	got, err := s.UserByEmail(ctx, "p1", "ann@example.com")
	noErr(t, err, "UserByEmail p1")
	sameUser(t, s, "UserByEmail p1", got, ann)
	got, err = s.UserByEmail(ctx, "p2", "ann@example.com")
	noErr(t, err, "UserByEmail p2")
	sameUser(t, s, "UserByEmail p2", got, other)

	// Users without an email or phone never collide.
	for _, id := range []string{"n1", "n2", "n3"} {
		noErr(t, s.CreateUser(ctx, newUser("p1", id, "")), "CreateUser without email or phone "+id)
	}
	n, err = s.CountUsers(ctx, "p1")
	noErr(t, err, "CountUsers")
	if n != 4 {
		t.Errorf("CountUsers = %d, want 4", n)
	}
}

func userID(u *storage.User) string { return u.ID }
