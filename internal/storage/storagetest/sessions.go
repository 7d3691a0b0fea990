package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

var sessionTests = []test{
	{"CreateGet", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		sess := mustSession(t, s, "p1", "u1", "s1", t0)
		got, err := s.GetSession(ctx, "p1", "u1", "s1")
		noErr(t, err, "GetSession")
		same(t, "GetSession", got, sess)
	}},
	{"ZeroTimesEmptyLists", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		sess := &storage.Session{ProjectID: "p1", ID: "s1", UserID: "u1", SecretHash: "h1", Provider: "anonymous",
			Expire: at(time.Hour), CreatedAt: t0, UpdatedAt: t0}
		_, err := s.CreateSession(ctx, sess, 10, nil)
		noErr(t, err, "CreateSession")
		got, err := s.GetSession(ctx, "p1", "u1", "s1")
		noErr(t, err, "GetSession")
		same(t, "GetSession", got, sess)
	}},
	{"BySecret", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		u := newUser("p1", "u1", "ann@example.com")
		u.Status, u.MFA = false, true
		noErr(t, s.CreateUser(ctx, u), "CreateUser")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		sess := mustSession(t, s, "p1", "u1", "s1", t0)
		mustSession(t, s, "p1", "u2", "s2", t0)
		gotS, gotU, err := s.SessionBySecret(ctx, "p1", "u1", sess.SecretHash)
		noErr(t, err, "SessionBySecret")
		// The hot lookup leaves the device fields out (see Store).
		hot := *sess
		hot.Client = storage.Client{}
		same(t, "SessionBySecret session", gotS, &hot)
		sameUser(t, s, "SessionBySecret user", gotU, u)

		_, _, err = s.SessionBySecret(ctx, "p1", "u1", "unknown")
		isErr(t, err, storage.ErrNotFound, "SessionBySecret of an unknown hash")
		_, _, err = s.SessionBySecret(ctx, "p1", "u2", sess.SecretHash)
		isErr(t, err, storage.ErrNotFound, "SessionBySecret naming another user")
		_, _, err = s.SessionBySecret(ctx, "p1", "u1", "unknown")
		isErr(t, err, storage.ErrNotFound, "SessionBySecret of an unknown hash")
		_, _, err = s.SessionBySecret(ctx, "p2", "u1", sess.SecretHash)
		isErr(t, err, storage.ErrNotFound, "SessionBySecret in the wrong project")
		_, _, err = s.SessionBySecret(ctx, "p1", "u1", "")
		isErr(t, err, storage.ErrNotFound, "SessionBySecret of the empty hash")

		// Expiry is the caller's business.
		old := newSession("p1", "u1", "old", t0.Add(-800*24*time.Hour))
		_, err = s.CreateSession(ctx, old, 0, nil)
		noErr(t, err, "CreateSession")
		gotS, _, err = s.SessionBySecret(ctx, "p1", "u1", old.SecretHash)
		noErr(t, err, "SessionBySecret of an expired session")
		hotOld := *old
		hotOld.Client = storage.Client{}
		same(t, "SessionBySecret of an expired session", gotS, &hotOld)
	}},
	{"BySecretLite", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		u := newUser("p1", "u1", "ann@example.com")
		u.Status, u.MFA, u.TOTP, u.Reset = false, true, true, true
		u.RecoveryCodes = "sealed-codes"
		noErr(t, s.CreateUser(ctx, u), "CreateUser")
		mustUser(t, s, "p1", "u2", "")
		sess := mustSession(t, s, "p1", "u1", "s1", t0)
		mustSession(t, s, "p1", "u2", "s2", t0)
		gotS, gotU, err := s.SessionBySecretLite(ctx, "p1", "u1", sess.SecretHash)
		noErr(t, err, "SessionBySecretLite")
		same(t, "SessionBySecretLite session", gotS, &storage.Session{ProjectID: sess.ProjectID, ID: sess.ID, UserID: sess.UserID,
			Factors: sess.Factors, MFAUpdatedAt: sess.MFAUpdatedAt, Expire: sess.Expire})
		// The lite user is the whole user but for its secrets.
		lite := *u
		lite.PasswordHash, lite.Hash, lite.HashOptions, lite.PasswordHistory, lite.RecoveryCodes = "", "", nil, nil, ""
		sameUser(t, s, "SessionBySecretLite user", gotU, &lite)
		// A user without email or phone.
		s2, err := s.GetSession(ctx, "p1", "u2", "s2")
		noErr(t, err, "GetSession")
		_, gotU2, err := s.SessionBySecretLite(ctx, "p1", "u2", s2.SecretHash)
		noErr(t, err, "SessionBySecretLite without email")
		if gotU2.Email != "" || gotU2.Phone != "" || gotU2.ID != "u2" {
			t.Errorf("user without email: %+v", gotU2)
		}
		for _, c := range []struct{ project, user, hash, what string }{
			{"p1", "u1", "unknown", "an unknown hash"}, {"p1", "u2", sess.SecretHash, "another user"},
			{"p2", "u1", sess.SecretHash, "the wrong project"}, {"p1", "u1", "", "the empty hash"},
		} {
			_, _, err := s.SessionBySecretLite(ctx, c.project, c.user, c.hash)
			isErr(t, err, storage.ErrNotFound, "SessionBySecretLite of "+c.what)
		}
	}},
	{"Missing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		mustSession(t, s, "p1", "u1", "s1", t0)
		for _, c := range []struct{ project, user, id string }{{"p1", "u1", "nope"}, {"p1", "u2", "s1"}, {"p2", "u1", "s1"}} {
			what := c.project + "/" + c.user + "/" + c.id
			_, err := s.GetSession(ctx, c.project, c.user, c.id)
			isErr(t, err, storage.ErrNotFound, "GetSession "+what)
			called := false
			_, err = s.UpdateSession(ctx, c.project, c.user, c.id, func(*storage.Session) error { called = true; return nil })
			isErr(t, err, storage.ErrNotFound, "UpdateSession "+what)
			if called {
				t.Error("UpdateSession called fn for a missing session")
			}
			isErr(t, s.DeleteSession(ctx, c.project, c.user, c.id), storage.ErrNotFound, "DeleteSession "+what)
		}
		_, err := s.GetSession(ctx, "p1", "u1", "s1")
		noErr(t, err, "GetSession after failed deletes")
	}},
	{"DuplicateID", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		first := mustSession(t, s, "p1", "u1", "s1", t0)
		dup := newSession("p1", "u1", "s1", at(time.Hour))
		dup.SecretHash = "another hash"
		_, err := s.CreateSession(ctx, dup, 1, nil)
		isErr(t, err, storage.ErrConflict, "CreateSession with a taken id")
		got, err := s.GetSession(ctx, "p1", "u1", "s1")
		noErr(t, err, "GetSession")
		same(t, "GetSession after a failed create", got, first)
	}},
	{"List", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		list, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		sameIDs(t, "ListSessions with none", ids(list, sessionID), nil)
		mustSession(t, s, "p1", "u1", "b", at(2*time.Second))
		mustSession(t, s, "p1", "u1", "c", at(time.Second))
		mustSession(t, s, "p1", "u2", "d", t0)
		a := mustSession(t, s, "p1", "u1", "a", at(3*time.Second))
		list, err = s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		sameIDs(t, "ListSessions", ids(list, sessionID), []string{"c", "b", "a"})
		if len(list) == 3 {
			same(t, "ListSessions[2]", list[2], a)
		}
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		sess := mustSession(t, s, "p1", "u1", "s1", t0)
		want := *sess
		want.ProviderAccessToken = "new access"
		want.ProviderAccessTokenExpiry = time.Time{}
		want.ProviderRefreshToken = ""
		want.Client = newClient("2001:db8::1")
		want.Factors = []string{"password", "totp"}
		want.MFAUpdatedAt = at(time.Hour + 1500*time.Nanosecond)
		want.Expire = at(48 * time.Hour)
		want.UpdatedAt = at(time.Hour)
		got, err := s.UpdateSession(ctx, "p1", "u1", "s1", func(s *storage.Session) error {
			s.ProviderAccessToken, s.ProviderAccessTokenExpiry, s.ProviderRefreshToken = want.ProviderAccessToken, want.ProviderAccessTokenExpiry, want.ProviderRefreshToken
			s.Client, s.Factors, s.MFAUpdatedAt, s.Expire, s.UpdatedAt = want.Client, want.Factors, want.MFAUpdatedAt, want.Expire, want.UpdatedAt
			return nil
		})
		noErr(t, err, "UpdateSession")
		sameResult(t, "UpdateSession result", got, &want)
		got, _, err = s.SessionBySecret(ctx, "p1", "u1", sess.SecretHash)
		noErr(t, err, "SessionBySecret")
		hot := want
		hot.Client = storage.Client{}
		same(t, "SessionBySecret after update", got, &hot)
	}},
	{"UpdateAbort", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		sess := mustSession(t, s, "p1", "u1", "s1", t0)
		_, err := s.UpdateSession(ctx, "p1", "u1", "s1", func(s *storage.Session) error {
			s.Factors = append(s.Factors, "totp")
			s.Expire = at(1000 * time.Hour)
			return errAbort
		})
		if err != errAbort { //nolint:errorlint // the contract is "returned unchanged"
			t.Errorf("UpdateSession returned %v, want fn's error unchanged", err)
		}
		got, err := s.GetSession(ctx, "p1", "u1", "s1")
		noErr(t, err, "GetSession")
		same(t, "GetSession after an aborted update", got, sess)
	}},
	{"Delete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		sess := mustSession(t, s, "p1", "u1", "s1", t0)
		mustSession(t, s, "p1", "u1", "s2", t0)
		noErr(t, s.DeleteSession(ctx, "p1", "u1", "s1"), "DeleteSession")
		_, err := s.GetSession(ctx, "p1", "u1", "s1")
		isErr(t, err, storage.ErrNotFound, "GetSession after delete")
		_, _, err = s.SessionBySecret(ctx, "p1", "u1", sess.SecretHash)
		isErr(t, err, storage.ErrNotFound, "SessionBySecret after delete")
		isErr(t, s.DeleteSession(ctx, "p1", "u1", "s1"), storage.ErrNotFound, "DeleteSession twice")
		_, err = s.GetSession(ctx, "p1", "u1", "s2")
		noErr(t, err, "GetSession of the other session")
	}},
	{"DeleteSessions", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		mustUser(t, s, "p2", "u1", "ann@example.com")
		for i := range 4 {
			mustSession(t, s, "p1", "u1", fmt.Sprintf("s%d", i), at(time.Duration(i)*time.Second))
		}
		mustSession(t, s, "p1", "u2", "other-user", t0)
		mustSession(t, s, "p2", "u1", "other-project", t0)

		n, err := s.DeleteSessions(ctx, "p1", "u1", "s2", at(time.Hour))
		noErr(t, err, "DeleteSessions keeping s2")
		if n != 3 {
			t.Errorf("DeleteSessions keeping s2 removed %d, want 3", n)
		}
		list, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		sameIDs(t, "sessions left", ids(list, sessionID), []string{"s2"})

		n, err = s.DeleteSessions(ctx, "p1", "u1", "nope", at(time.Hour))
		noErr(t, err, "DeleteSessions keeping a missing session")
		if n != 1 {
			t.Errorf("DeleteSessions keeping a missing session removed %d, want 1", n)
		}
		mustSession(t, s, "p1", "u1", "s5", t0)
		mustSession(t, s, "p1", "u1", "s6", t0)
		n, err = s.DeleteSessions(ctx, "p1", "u1", "", at(time.Hour))
		noErr(t, err, "DeleteSessions keeping none")
		if n != 2 {
			t.Errorf("DeleteSessions keeping none removed %d, want 2", n)
		}
		n, err = s.DeleteSessions(ctx, "p1", "u1", "", at(time.Hour))
		noErr(t, err, "DeleteSessions with none left")
		if n != 0 {
			t.Errorf("DeleteSessions with none left removed %d, want 0", n)
		}
		for _, c := range []struct{ project, user, id string }{{"p1", "u2", "other-user"}, {"p2", "u1", "other-project"}} {
			_, err := s.GetSession(ctx, c.project, c.user, c.id)
			noErr(t, err, "DeleteSessions removed "+c.id)
		}
	}},
	{"PurgeUserSparesALiveUser", func(t *testing.T, s storage.Store) {
		// A clean-up job that runs late (retried after a failure) may find
		// the id taken by a live user: the project was deleted and made
		// again, with a new user of that id. It must leave that user's
		// rows alone.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustSession(t, s, "p1", "u1", "s1", t0)
		noErr(t, s.PurgeUser(ctx, "p1", "u1"), "PurgeUser of a live user")
		_, err := s.GetSession(ctx, "p1", "u1", "s1")
		noErr(t, err, "GetSession after PurgeUser of a live user")
		targets, err := s.ListTargets(ctx, "p1", "u1")
		noErr(t, err, "ListTargets")
		if len(targets) != 1 {
			t.Fatalf("the live user kept %d targets", len(targets))
		}
		noErr(t, s.PurgeUser(ctx, "p1", "nobody"), "PurgeUser of no user")
	}},
	{"DeleteSessionsRevokesJWTs", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		mustUser(t, s, "p2", "u1", "ann@example.com")
		revoked := func(project, user string) time.Time {
			t.Helper()
			u, at, err := s.GetUserForJWT(ctx, project, user)
			noErr(t, err, "GetUserForJWT")
			if u.ID != user || u.ProjectID != project || u.Email == "" {
				t.Fatalf("GetUserForJWT(%s, %s) read %s/%s %q", project, user, u.ProjectID, u.ID, u.Email)
			}
			return at
		}
		if got := revoked("p1", "u1"); !got.IsZero() {
			t.Fatalf("a new user's JWTs are revoked at %v", got)
		}
		mustSession(t, s, "p1", "u1", "s1", t0)
		// Microseconds survive, with or without a session to end.
		first := at(time.Hour + 123456*time.Microsecond).Truncate(time.Microsecond)
		_, err := s.DeleteSessions(ctx, "p1", "u1", "", first)
		noErr(t, err, "DeleteSessions")
		if got := revoked("p1", "u1"); !got.Equal(first) {
			t.Fatalf("revoked at %v, want %v", got, first)
		}
		_, err = s.DeleteSessions(ctx, "p1", "u1", "s1", at(time.Minute))
		noErr(t, err, "DeleteSessions at an earlier instant")
		if got := revoked("p1", "u1"); !got.Equal(first) {
			t.Fatalf("an earlier instant moved the revocation back to %v", got)
		}
		later := at(2 * time.Hour).Truncate(time.Microsecond)
		_, err = s.DeleteSessions(ctx, "p1", "u1", "keep", later)
		noErr(t, err, "DeleteSessions keeping one")
		if got := revoked("p1", "u1"); !got.Equal(later) {
			t.Fatalf("revoked at %v, want %v", got, later)
		}
		// Nobody else's JWTs: not another user, not the same id elsewhere.
		for _, c := range [][2]string{{"p1", "u2"}, {"p2", "u1"}} {
			if got := revoked(c[0], c[1]); !got.IsZero() {
				t.Fatalf("%s/%s revoked at %v", c[0], c[1], got)
			}
		}
		noErr(t, s.DeleteUser(ctx, "p1", "u1"), "DeleteUser")
		if _, _, err := s.GetUserForJWT(ctx, "p1", "u1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetUserForJWT of a deleted user: %v", err)
		}
		if _, _, err := s.GetUserForJWT(ctx, "p2", "nobody"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetUserForJWT of no user: %v", err)
		}
	}},
}

func sessionID(s *storage.Session) string { return s.ID }

var sessionLimitTests = []test{
	{"RemovesOldest", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		mustSession(t, s, "p1", "u2", "bob's", t0.Add(-time.Hour))
		steps := []struct {
			id      string
			removed []string
			left    []string
		}{
			{"s0", nil, []string{"s0"}},
			{"s1", nil, []string{"s0", "s1"}},
			{"s2", nil, []string{"s0", "s1", "s2"}},
			{"s3", []string{"s0"}, []string{"s1", "s2", "s3"}},
			{"s4", []string{"s1"}, []string{"s2", "s3", "s4"}},
		}
		for i, st := range steps {
			removed, err := s.CreateSession(ctx, newSession("p1", "u1", st.id, at(time.Duration(i)*time.Minute)), 3, nil)
			noErr(t, err, "CreateSession "+st.id)
			sameIDs(t, "CreateSession "+st.id+" removed", removed, st.removed)
			list, err := s.ListSessions(ctx, "p1", "u1")
			noErr(t, err, "ListSessions")
			sameIDs(t, "sessions after "+st.id, ids(list, sessionID), st.left)
		}
		// A lower limit removes several at once, in any order.
		removed, err := s.CreateSession(ctx, newSession("p1", "u1", "s5", at(time.Hour)), 1, nil)
		noErr(t, err, "CreateSession s5")
		slices.Sort(removed)
		sameIDs(t, "CreateSession with max 1 removed", removed, []string{"s2", "s3", "s4"})
		list, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		sameIDs(t, "sessions after s5", ids(list, sessionID), []string{"s5"})
		for _, id := range []string{"s0", "s4"} {
			_, _, err := s.SessionBySecret(ctx, "p1", "u1", secretHash("p1", id))
			isErr(t, err, storage.ErrNotFound, "SessionBySecret of removed "+id)
		}
		list, err = s.ListSessions(ctx, "p1", "u2")
		noErr(t, err, "ListSessions")
		sameIDs(t, "the other user's sessions", ids(list, sessionID), []string{"bob's"})
	}},
	{"KeepsNew", func(t *testing.T, s storage.Store) {
		// The new session stays even when its createdAt is the oldest.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustSession(t, s, "p1", "u1", "a", at(time.Minute))
		mustSession(t, s, "p1", "u1", "b", at(2*time.Minute))
		removed, err := s.CreateSession(ctx, newSession("p1", "u1", "new", t0), 2, nil)
		noErr(t, err, "CreateSession")
		sameIDs(t, "CreateSession removed", removed, []string{"a"})
		list, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		sameIDs(t, "sessions left", ids(list, sessionID), []string{"new", "b"})
	}},
	{"WithLogEntry", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		l := newLog("p1", "u1", "l1", t0)
		_, err := s.CreateSession(ctx, newSession("p1", "u1", "s1", t0), 10, l)
		noErr(t, err, "CreateSession with a log entry")
		list, total, err := s.ListLogs(ctx, "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListLogs")
		if total != 1 || len(list) != 1 {
			t.Fatalf("ListLogs = %d entries, total %d; want 1", len(list), total)
		}
		same(t, "the session's log entry", list[0], l)
	}},
	{"LogEntryFailsWithTheSession", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		// The user is gone: neither the session nor its entry is stored.
		_, err := s.CreateSession(ctx, newSession("p1", "gone", "s1", t0), 10, newLog("p1", "gone", "l1", t0))
		isErr(t, err, storage.ErrNotFound, "CreateSession for a missing user")
		_, total, err := s.ListLogs(ctx, "p1", "gone", storage.Page{Limit: 10})
		noErr(t, err, "ListLogs")
		if total != 0 {
			t.Errorf("a failed session left %d log entries", total)
		}
		// The entry cannot be written (its id is taken): the session is
		// rolled back with it.
		mustLog(t, s, "p1", "u1", "taken", t0)
		_, err = s.CreateSession(ctx, newSession("p1", "u1", "s2", t0), 10, newLog("p1", "u1", "taken", t0))
		isErr(t, err, storage.ErrConflict, "CreateSession whose log entry id is taken")
		list, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		sameIDs(t, "sessions after a failed log entry", ids(list, sessionID), nil)
	}},
	{"EndedContext", func(t *testing.T, s storage.Store) {
		// A request that has ended writes nothing more.
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := s.CreateSession(ctx, newSession("p1", "u1", "s1", t0), 10, newLog("p1", "u1", "l1", t0))
		isErr(t, err, context.Canceled, "CreateSession with an ended context")
		isErr(t, s.AddLog(ctx, newLog("p1", "u1", "l2", t0)), context.Canceled, "AddLog with an ended context")
		list, err := s.ListSessions(t.Context(), "p1", "u1")
		noErr(t, err, "ListSessions")
		sameIDs(t, "sessions after an ended request", ids(list, sessionID), nil)
		_, total, err := s.ListLogs(t.Context(), "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListLogs")
		if total != 0 {
			t.Errorf("an ended request left %d log entries", total)
		}
	}},
	{"ZeroMeansNoLimit", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		for i := range 15 {
			removed, err := s.CreateSession(ctx, newSession("p1", "u1", fmt.Sprintf("s%02d", i), at(time.Duration(i)*time.Second)), 0, nil)
			noErr(t, err, "CreateSession")
			sameIDs(t, "CreateSession with max 0 removed", removed, nil)
		}
		list, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		if len(list) != 15 {
			t.Errorf("ListSessions = %d sessions, want 15", len(list))
		}
	}},
}

var logTests = []test{
	{"RoundTrip", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		l := newLog("p1", "u1", "l1", t0)
		l.Mode, l.Actor = "admin", "Key k1"
		noErr(t, s.AddLog(ctx, l), "AddLog")
		list, total, err := s.ListLogs(ctx, "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListLogs")
		if len(list) != 1 || total != 1 {
			t.Fatalf("ListLogs = %d logs, total %d; want 1", len(list), total)
		}
		same(t, "ListLogs[0]", list[0], l)
	}},
	{"DuplicateID", func(t *testing.T, s storage.Store) {
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustLog(t, s, "p1", "u1", "l1", t0)
		isErr(t, s.AddLog(t.Context(), newLog("p1", "u1", "l1", t0)), storage.ErrConflict, "AddLog with a taken id")
	}},
	{"OrderAndPaging", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		mustUser(t, s, "p2", "u1", "ann@example.com")
		list, total, err := s.ListLogs(ctx, "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListLogs")
		if len(list) != 0 || total != 0 {
			t.Errorf("ListLogs with none = %d logs, total %d", len(list), total)
		}
		// Added out of order; times a microsecond apart still sort.
		for _, i := range []int{4, 1, 6, 0, 3, 5, 2} {
			mustLog(t, s, "p1", "u1", fmt.Sprintf("l%d", i), at(time.Duration(i)*time.Microsecond))
		}
		mustLog(t, s, "p1", "u2", "other-user", at(time.Hour))
		mustLog(t, s, "p2", "u1", "other-project", at(time.Hour))
		want := []string{"l6", "l5", "l4", "l3", "l2", "l1", "l0"}
		list, total, err = s.ListLogs(ctx, "p1", "u1", storage.Page{Limit: 100})
		noErr(t, err, "ListLogs")
		sameIDs(t, "ListLogs", ids(list, logID), want)
		if total != 7 {
			t.Errorf("ListLogs total = %d, want 7", total)
		}
		for _, c := range []struct {
			page storage.Page
			want []string
		}{
			{storage.Page{Limit: 3}, want[:3]},
			{storage.Page{Limit: 3, Offset: 3}, want[3:6]},
			{storage.Page{Limit: 3, Offset: 6}, want[6:]},
			{storage.Page{Limit: 3, Offset: 7}, nil},
			{storage.Page{Limit: 3, Offset: 50}, nil},
			{storage.Page{Limit: 1, Offset: 2}, []string{"l4"}},
		} {
			list, total, err := s.ListLogs(ctx, "p1", "u1", c.page)
			noErr(t, err, "ListLogs")
			sameIDs(t, fmt.Sprintf("ListLogs(%+v)", c.page), ids(list, logID), c.want)
			if total != 7 {
				t.Errorf("ListLogs(%+v) total = %d, want 7", c.page, total)
			}
		}
	}},
}

func logID(l *storage.Log) string { return l.ID }

var counterTests = []test{
	{"Counts", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		w1 := time.Date(2024, 5, 6, 7, 0, 0, 0, time.UTC)
		w2 := w1.Add(time.Hour)
		hit := func(key string, w time.Time, limit, want int) {
			t.Helper()
			got, err := s.HitCounter(ctx, key, w, limit)
			noErr(t, err, "HitCounter")
			if got != want {
				t.Errorf("HitCounter(%q, %v, %d) = %d, want %d", key, w.Format("15:04"), limit, got, want)
			}
		}
		for i := range 3 {
			hit("ip:1", w1, 3, i) // the count before this hit
		}
		for range 3 {
			hit("ip:1", w1, 3, 3) // stops at the limit
		}
		hit("ip:2", w1, 3, 0)    // per key
		hit("ip:1", w2, 3, 0)    // per window
		hit("ip:1", w1, 10, 3)   // a higher limit counts on from where it stopped
		hit("ip:1", w2, 3, 1)    // windows are independent
		hit("ip:2", w1, 3, 1)    // keys are independent
		hit("email:x", w1, 1, 0) // limit 1: the first hit passes
		hit("email:x", w1, 1, 1) // and the second does not
		hit("ip:1", w1, 10, 4)   // still counting
		hit("ip:1", w1, 2, 2)    // a lower limit than the count returns the limit
		hit("ip:1", w1, 1000, 5) // and did not add
		hit("ip:3", w1.Add(time.Hour), 5, 0)
	}},
}
