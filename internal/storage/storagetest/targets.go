package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func newTarget(projectID, userID, id string) *storage.Target {
	return &storage.Target{
		ProjectID:    projectID,
		ID:           id,
		UserID:       userID,
		Name:         "Target " + id,
		ProviderID:   "fcm-" + id,
		ProviderType: "push",
		Identifier:   "device:" + projectID + ":" + id,
		Expired:      false,
		CreatedAt:    at(time.Minute),
		UpdatedAt:    at(2 * time.Minute),
	}
}

func mustTarget(t *testing.T, s storage.Store, projectID, userID, id string) *storage.Target {
	t.Helper()
	tg := newTarget(projectID, userID, id)
	noErr(t, s.CreateTarget(t.Context(), tg), "CreateTarget "+id)
	return tg
}

// tokenHash gives every token a hash unique across projects.
func tokenHash(projectID, id string) string { return "token:" + projectID + ":" + id }

func newToken(projectID, userID, id string, typ storage.TokenType) *storage.Token {
	return &storage.Token{
		ProjectID:  projectID,
		ID:         id,
		UserID:     userID,
		Type:       typ,
		SecretHash: tokenHash(projectID, id),
		Expire:     at(time.Hour),
		CreatedAt:  t0,
		Address:    "to-" + id + "@example.com",
		SessionID:  "s-" + id,
	}
}

func mustToken(t *testing.T, s storage.Store, projectID, userID, id string, typ storage.TokenType) *storage.Token {
	t.Helper()
	tk := newToken(projectID, userID, id, typ)
	noErr(t, s.CreateToken(t.Context(), tk), "CreateToken "+id)
	return tk
}

func targetID(tg *storage.Target) string { return tg.ID }

// userTargets checks the user's targets (see checkTargets) and returns them.
func userTargets(t *testing.T, s storage.Store, what, projectID, userID string) []storage.Target {
	t.Helper()
	u, err := s.GetUser(t.Context(), projectID, userID)
	noErr(t, err, "GetUser")
	checkTargets(t, s, what, u)
	return u.Targets
}

func targetOf(ts []storage.Target, kind string) (storage.Target, bool) {
	for _, tg := range ts {
		if tg.ProviderType == kind {
			return tg, true
		}
	}
	return storage.Target{}, false
}

var targetTests = []test{
	{"FollowEmailAndPhone", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := newUser("p1", "u1", "ann@example.com")
		u.Phone = "+15550101"
		noErr(t, s.CreateUser(ctx, u), "CreateUser")
		ts := userTargets(t, s, "after CreateUser", "p1", "u1")
		email, _ := targetOf(ts, "email")

		update := func(what string, fn func(u *storage.User)) []storage.Target {
			t.Helper()
			_, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
				fn(u)
				u.UpdatedAt = u.UpdatedAt.Add(time.Minute)
				return nil
			})
			noErr(t, err, "UpdateUser "+what)
			return userTargets(t, s, "after "+what, "p1", "u1")
		}
		ts = update("a new email", func(u *storage.User) { u.Email = "ann.b@example.com" })
		if moved, _ := targetOf(ts, "email"); moved.ID != email.ID {
			t.Errorf("the email target was replaced (%s, was %s), want it moved", moved.ID, email.ID)
		}
		update("no phone", func(u *storage.User) { u.Phone = "" })
		update("a new phone", func(u *storage.User) { u.Phone = "+15550109" })
		update("no email", func(u *storage.User) { u.Email = "" })
		before := update("an email again", func(u *storage.User) { u.Email = "ann@example.com" })
		after := update("only a new name", func(u *storage.User) { u.Name = "Ann" })
		same(t, "targets after a change that is not the email or phone", after, before)
	}},
	{"CreateGetList", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "")
		tg := mustTarget(t, s, "p1", "u1", "push1")
		got, err := s.GetTarget(ctx, "p1", "u1", "push1")
		noErr(t, err, "GetTarget")
		same(t, "GetTarget", got, tg)
		bare := &storage.Target{ProjectID: "p1", ID: "bare", UserID: "u1", ProviderType: "push", Identifier: "bare", CreatedAt: at(time.Hour), UpdatedAt: at(time.Hour)}
		noErr(t, s.CreateTarget(ctx, bare), "CreateTarget without name or provider")
		got, err = s.GetTarget(ctx, "p1", "u1", "bare")
		noErr(t, err, "GetTarget")
		same(t, "GetTarget without name or provider", got, bare)
		mustTarget(t, s, "p1", "u2", "other-user")

		list, err := s.ListTargets(ctx, "p1", "u1")
		noErr(t, err, "ListTargets")
		if len(list) != 3 || list[0].ProviderType != "email" || list[1].ID != "push1" || list[2].ID != "bare" {
			t.Errorf("ListTargets = %q, want the email target, push1 and bare in creation order", ids(list, targetID))
		}
		ts := userTargets(t, s, "after CreateTarget", "p1", "u1")
		if len(ts) != 3 {
			t.Errorf("user carries %d targets, want 3", len(ts))
		}
	}},
	{"Conflicts", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "")
		mustUser(t, s, "p2", "u1", "")
		mustTarget(t, s, "p1", "u1", "push1")
		dup := newTarget("p1", "u1", "push1")
		dup.Identifier = "another"
		isErr(t, s.CreateTarget(ctx, dup), storage.ErrConflict, "CreateTarget with a taken id")
		same := newTarget("p1", "u2", "push2")
		same.Identifier = newTarget("p1", "u1", "push1").Identifier
		isErr(t, s.CreateTarget(ctx, same), storage.ErrConflict, "CreateTarget with a taken identifier")
		email := newTarget("p1", "u2", "mail")
		email.ProviderType, email.Identifier = "email", "ann@example.com"
		isErr(t, s.CreateTarget(ctx, email), storage.ErrConflict, "CreateTarget with another user's email")
		other := newTarget("p2", "u1", "push1")
		other.Identifier = newTarget("p1", "u1", "push1").Identifier
		noErr(t, s.CreateTarget(ctx, other), "CreateTarget with the same id and identifier in another project")
		isErr(t, s.CreateTarget(ctx, newTarget("p1", "nope", "push3")), storage.ErrNotFound, "CreateTarget for a missing user")
		userTargets(t, s, "after failed creates", "p1", "u1")
		userTargets(t, s, "after failed creates", "p1", "u2")
	}},
	{"Limit", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com") // its email target counts
		mustUser(t, s, "p1", "u2", "")
		for i := 1; i < storage.MaxTargets; i++ {
			mustTarget(t, s, "p1", "u1", fmt.Sprintf("push%d", i))
		}
		isErr(t, s.CreateTarget(ctx, newTarget("p1", "u1", "one-more")), storage.ErrLimit, "CreateTarget past MaxTargets")
		if ts := userTargets(t, s, "at the limit", "p1", "u1"); len(ts) != storage.MaxTargets {
			t.Errorf("user carries %d targets, want %d", len(ts), storage.MaxTargets)
		}
		mustTarget(t, s, "p1", "u2", "other-user") // the limit is per user
		noErr(t, s.DeleteTarget(ctx, "p1", "u1", "push1"), "DeleteTarget")
		mustTarget(t, s, "p1", "u1", "one-more")
	}},
	{"Missing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		mustUser(t, s, "p1", "u2", "")
		mustTarget(t, s, "p1", "u1", "push1")
		for _, c := range []struct{ user, id string }{{"u1", "nope"}, {"u2", "push1"}, {"nope", "push1"}} {
			what := c.user + "/" + c.id
			_, err := s.GetTarget(ctx, "p1", c.user, c.id)
			isErr(t, err, storage.ErrNotFound, "GetTarget "+what)
			called := false
			_, err = s.UpdateTarget(ctx, "p1", c.user, c.id, func(*storage.Target) error { called = true; return nil })
			isErr(t, err, storage.ErrNotFound, "UpdateTarget "+what)
			if called {
				t.Error("UpdateTarget called fn for a missing target")
			}
			isErr(t, s.DeleteTarget(ctx, "p1", c.user, c.id), storage.ErrNotFound, "DeleteTarget "+what)
		}
		_, err := s.GetTarget(ctx, "p1", "u1", "push1")
		noErr(t, err, "GetTarget after failed deletes")
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		tg := mustTarget(t, s, "p1", "u1", "push1")
		want := *tg
		want.Name, want.ProviderID, want.Identifier, want.Expired = "Renamed", "", "device:new", true
		want.UpdatedAt = at(time.Hour + 3*time.Nanosecond)
		got, err := s.UpdateTarget(ctx, "p1", "u1", "push1", func(tg *storage.Target) error {
			tg.Name, tg.ProviderID, tg.Identifier, tg.Expired, tg.UpdatedAt = want.Name, want.ProviderID, want.Identifier, want.Expired, want.UpdatedAt
			return nil
		})
		noErr(t, err, "UpdateTarget")
		sameResult(t, "UpdateTarget result", got, &want)
		got, err = s.GetTarget(ctx, "p1", "u1", "push1")
		noErr(t, err, "GetTarget")
		same(t, "GetTarget after update", got, &want)
		userTargets(t, s, "after UpdateTarget", "p1", "u1")

		_, err = s.UpdateTarget(ctx, "p1", "u1", "push1", func(tg *storage.Target) error {
			tg.Identifier = "device:evil"
			return errAbort
		})
		if err != errAbort { //nolint:errorlint // the contract is "returned unchanged"
			t.Errorf("UpdateTarget returned %v, want fn's error unchanged", err)
		}
		got, err = s.GetTarget(ctx, "p1", "u1", "push1")
		noErr(t, err, "GetTarget")
		same(t, "GetTarget after an aborted update", got, &want)
	}},
	{"Delete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustTarget(t, s, "p1", "u1", "push1")
		mustTarget(t, s, "p1", "u1", "push2")
		noErr(t, s.DeleteTarget(ctx, "p1", "u1", "push1"), "DeleteTarget")
		_, err := s.GetTarget(ctx, "p1", "u1", "push1")
		isErr(t, err, storage.ErrNotFound, "GetTarget after delete")
		isErr(t, s.DeleteTarget(ctx, "p1", "u1", "push1"), storage.ErrNotFound, "DeleteTarget twice")
		ts := userTargets(t, s, "after DeleteTarget", "p1", "u1")
		if len(ts) != 2 {
			t.Errorf("user carries %d targets after delete, want the email and push2", len(ts))
		}
		// The identifier is free again.
		mustTarget(t, s, "p1", "u1", "push1")
	}},
}

var tokenTests = []test{
	{"ConsumeOnce", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		tk := mustToken(t, s, "p1", "u1", "t1", storage.TokenMagicURL)
		types := []storage.TokenType{storage.TokenEmail, storage.TokenMagicURL}
		got, err := s.ConsumeToken(ctx, "p1", "u1", tk.SecretHash, types, at(time.Hour-time.Microsecond))
		noErr(t, err, "ConsumeToken")
		same(t, "ConsumeToken", got, tk)
		_, err = s.ConsumeToken(ctx, "p1", "u1", tk.SecretHash, types, t0)
		isErr(t, err, storage.ErrNotFound, "ConsumeToken twice")
	}},
	{"Rules", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		tk := mustToken(t, s, "p1", "u1", "t1", storage.TokenRecovery)
		recovery := []storage.TokenType{storage.TokenRecovery}
		for _, c := range []struct {
			what          string
			project, user string
			hash          string
			types         []storage.TokenType
			now           time.Time
		}{
			{"at its expiry", "p1", "u1", tk.SecretHash, recovery, tk.Expire},
			{"after its expiry", "p1", "u1", tk.SecretHash, recovery, tk.Expire.Add(time.Hour)},
			{"of another type", "p1", "u1", tk.SecretHash, []storage.TokenType{storage.TokenMagicURL, storage.TokenVerification}, t0},
			{"of no type", "p1", "u1", tk.SecretHash, nil, t0},
			{"for another user", "p1", "u2", tk.SecretHash, recovery, t0},
			{"in another project", "p2", "u1", tk.SecretHash, recovery, t0},
			{"with another hash", "p1", "u1", "wrong", recovery, t0},
		} {
			_, err := s.ConsumeToken(ctx, c.project, c.user, c.hash, c.types, c.now)
			isErr(t, err, storage.ErrNotFound, "ConsumeToken "+c.what)
		}
		_, err := s.ConsumeToken(ctx, "p1", "u1", tk.SecretHash, recovery, t0)
		noErr(t, err, "ConsumeToken after the refusals")
	}},
	{"DuplicateID", func(t *testing.T, s storage.Store) {
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		mustToken(t, s, "p1", "u1", "t1", storage.TokenEmail)
		isErr(t, s.CreateToken(t.Context(), newToken("p1", "u1", "t1", storage.TokenEmail)), storage.ErrConflict, "CreateToken with a taken id")
	}},
	{"DeleteTokens", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "")
		mustUser(t, s, "p1", "u2", "")
		types := []storage.TokenType{storage.TokenEmail, storage.TokenRecovery, storage.TokenPhone}
		for i, typ := range types {
			mustToken(t, s, "p1", "u1", fmt.Sprintf("u1-%d", i), typ)
			mustToken(t, s, "p1", "u2", fmt.Sprintf("u2-%d", i), typ)
		}
		mustToken(t, s, "p1", "u1", "u1-extra", storage.TokenRecovery)
		consume := func(user, id string) error {
			_, err := s.ConsumeToken(ctx, "p1", user, tokenHash("p1", id), types, t0)
			return err
		}
		noErr(t, s.DeleteTokens(ctx, "p1", "u1", storage.TokenRecovery), "DeleteTokens of one type")
		isErr(t, consume("u1", "u1-1"), storage.ErrNotFound, "ConsumeToken of a deleted type")
		isErr(t, consume("u1", "u1-extra"), storage.ErrNotFound, "ConsumeToken of a deleted type")
		noErr(t, consume("u1", "u1-0"), "ConsumeToken of another type")
		noErr(t, s.DeleteTokens(ctx, "p1", "u1", 0), "DeleteTokens of every type")
		isErr(t, consume("u1", "u1-2"), storage.ErrNotFound, "ConsumeToken after DeleteTokens(0)")
		for i := range types {
			noErr(t, consume("u2", fmt.Sprintf("u2-%d", i)), "ConsumeToken of the other user")
		}
	}},
}

var listUserTests = []test{
	{"OrderPagingSearch", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		people := []struct{ id, name, email, phone string }{
			{"u3", "Carol Jones", "carol@example.com", ""},
			{"u1", "Ann Smith", "ann@example.com", "+15550101"},
			{"u4", "Dave Smith", "", "+15550104"},
			{"u2", "Bob Stone", "bob@example.org", ""},
		}
		for i, p := range people {
			u := newUser("p1", p.id, p.email)
			u.Name, u.Phone = p.name, p.phone
			u.CreatedAt = at(time.Duration(len(people)-i) * time.Minute) // u2 oldest, u3 newest
			noErr(t, s.CreateUser(ctx, u), "CreateUser")
		}
		mustUser(t, s, "p2", "u9", "ann@example.com")

		list := func(q storage.UserQuery, want []string, wantTotal int) {
			t.Helper()
			if q.Page.Limit == 0 {
				q.Page.Limit = 25
			}
			got, total, err := s.ListUsers(ctx, "p1", q)
			noErr(t, err, fmt.Sprintf("ListUsers(%+v)", q))
			sameIDs(t, fmt.Sprintf("ListUsers(%+v)", q), ids(got, userID), want)
			if total != wantTotal {
				t.Errorf("ListUsers(%+v) total = %d, want %d", q, total, wantTotal)
			}
		}
		all := []string{"u2", "u4", "u1", "u3"}
		list(storage.UserQuery{}, all, 4)
		list(storage.UserQuery{Page: query.Page{Limit: 2}}, all[:2], 4)
		list(storage.UserQuery{Page: query.Page{Limit: 2, Offset: 2}}, all[2:], 4)
		list(storage.UserQuery{Page: query.Page{Limit: 2, Offset: 4}}, nil, 4)
		list(storage.UserQuery{Page: query.Page{CursorAfter: "u4"}}, all[2:], 4)
		list(storage.UserQuery{Page: query.Page{CursorBefore: "u1"}}, all[:2], 4)
		list(storage.UserQuery{Search: "smith"}, []string{"u4", "u1"}, 2)
		list(storage.UserQuery{Search: "SMITH ann"}, []string{"u1"}, 1)
		list(storage.UserQuery{Search: "example.org"}, []string{"u2"}, 1)
		list(storage.UserQuery{Search: "5550104"}, []string{"u4"}, 1)
		list(storage.UserQuery{Search: "u3"}, []string{"u3"}, 1)
		list(storage.UserQuery{Search: "nobody"}, nil, 0)
		list(storage.UserQuery{Filters: []query.Query{{Method: "equal", Attribute: "email", Values: []any{"ann@example.com"}}}}, []string{"u1"}, 1)
		list(storage.UserQuery{Orders: []query.Query{{Method: "orderDesc", Attribute: "name"}}}, []string{"u4", "u3", "u2", "u1"}, 4)
		list(storage.UserQuery{Orders: []query.Query{{Method: "orderAsc", Attribute: "name"}}, Page: query.Page{Limit: 1, CursorAfter: "u2"}}, []string{"u3"}, 4)

		got, _, err := s.ListUsers(ctx, "p1", storage.UserQuery{Page: query.Page{Limit: 1}})
		noErr(t, err, "ListUsers")
		if len(got) == 1 {
			want := newUser("p1", "u2", "bob@example.org")
			want.Name, want.CreatedAt = "Bob Stone", at(time.Minute)
			sameUser(t, s, "ListUsers[0]", got[0], want)
		}
	}},
	{"TimesToTheMillisecond", func(t *testing.T, s storage.Store) {
		// Rows keep microseconds, the wire shows milliseconds: a time
		// compares as its millisecond, so a value read from a response
		// finds its row.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		base := time.Date(2024, 5, 6, 7, 8, 9, 123000000, time.UTC) // a whole millisecond
		for i, d := range []time.Duration{0, 456 * time.Microsecond, 999 * time.Microsecond, time.Millisecond, 2*time.Millisecond + 1*time.Microsecond} {
			u := newUser("p1", fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i))
			u.Registration = base.Add(d)
			u.CreatedAt = at(time.Duration(i) * time.Minute)
			noErr(t, s.CreateUser(ctx, u), "CreateUser")
		}
		ms := func(d time.Duration) time.Time { return base.Add(d) }
		list := func(method string, values []any, want []string) {
			t.Helper()
			q := storage.UserQuery{Filters: []query.Query{{Method: method, Attribute: "registration", Values: values}}, Page: query.Page{Limit: 25}}
			got, total, err := s.ListUsers(ctx, "p1", q)
			noErr(t, err, fmt.Sprintf("ListUsers(%s %v)", method, values))
			sameIDs(t, fmt.Sprintf("ListUsers(%s %v)", method, values), ids(got, userID), want)
			if total != len(want) {
				t.Errorf("ListUsers(%s %v) total = %d, want %d", method, values, total, len(want))
			}
		}
		list("equal", []any{ms(0)}, []string{"u0", "u1", "u2"})
		list("equal", []any{ms(time.Millisecond), ms(2 * time.Millisecond)}, []string{"u3", "u4"})
		list("equal", []any{ms(500 * time.Microsecond)}, nil) // between two milliseconds
		list("notEqual", []any{ms(0)}, []string{"u3", "u4"})
		list("lessThan", []any{ms(time.Millisecond)}, []string{"u0", "u1", "u2"})
		list("lessThan", []any{ms(500 * time.Microsecond)}, []string{"u0", "u1", "u2"})
		list("lessThanEqual", []any{ms(0)}, []string{"u0", "u1", "u2"})
		list("greaterThan", []any{ms(0)}, []string{"u3", "u4"})
		list("greaterThan", []any{ms(500 * time.Microsecond)}, []string{"u3", "u4"})
		list("greaterThanEqual", []any{ms(500 * time.Microsecond)}, []string{"u3", "u4"})
		list("greaterThanEqual", []any{ms(time.Millisecond)}, []string{"u3", "u4"})
		list("between", []any{ms(time.Millisecond), ms(2 * time.Millisecond)}, []string{"u3", "u4"})
		list("notBetween", []any{ms(0), ms(time.Millisecond)}, []string{"u4"})
	}},
	{"QuotedSearch", func(t *testing.T, s storage.Store) {
		// A quoted phrase is one term, taken whole.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		for i, p := range []struct{ id, name, email string }{
			{"u1", "Ann Smith", "users.service@updated.com"},
			{"u2", "Smith Ann", "other@updated.com"},
		} {
			u := newUser("p1", p.id, p.email)
			u.Name = p.name
			u.CreatedAt = at(time.Duration(i) * time.Minute)
			noErr(t, s.CreateUser(ctx, u), "CreateUser")
		}
		for _, c := range []struct {
			search string
			want   []string
		}{
			{`"users.service@updated.com"`, []string{"u1"}},
			{`"ann smith"`, []string{"u1"}},
			{`ann smith`, []string{"u1", "u2"}},
			{`"smith ann" updated`, []string{"u2"}},
			{`"ann smith`, []string{"u1"}}, // an unclosed quote runs to the end
			{`"nobody here"`, nil},
		} {
			got, _, err := s.ListUsers(ctx, "p1", storage.UserQuery{Search: c.search, Page: query.Page{Limit: 25}})
			noErr(t, err, "ListUsers search "+c.search)
			sameIDs(t, "ListUsers search "+c.search, ids(got, userID), c.want)
		}
	}},
}
