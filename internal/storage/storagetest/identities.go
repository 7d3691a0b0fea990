package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func identityID(i *storage.Identity) string { return i.ID }

// identityFixtures makes p1 with users u1 and u2 and four identities, and
// p2 with one: created a minute apart in the order i1 (oldest) to i4.
func identityFixtures(t *testing.T, s storage.Store) {
	t.Helper()
	ctx := t.Context()
	mustProject(t, s, "p1", t0)
	mustProject(t, s, "p2", t0)
	mustUser(t, s, "p1", "u1", "u1@example.com")
	mustUser(t, s, "p1", "u2", "u2@example.com")
	mustUser(t, s, "p2", "u9", "u9@example.com")
	for n, f := range []struct{ id, user, provider, uid, email string }{
		{"i1", "u1", "github", "gh-1", "Ann@Work.example"},
		{"i2", "u2", "google", "go-2", "bob@mail.example"},
		{"i3", "u1", "google", "go-3", ""},
		{"i4", "u2", "oidc", "sub-4", "bob@work.example"},
	} {
		i := &storage.Identity{ProjectID: "p1", ID: f.id, UserID: f.user, Provider: f.provider, ProviderUID: f.uid,
			ProviderEmail: f.email, CreatedAt: at(time.Duration(n) * time.Minute), UpdatedAt: at(time.Duration(4-n) * time.Minute)}
		if f.id != "i3" {
			i.ProviderAccessTokenExpiry = at(time.Duration(n) * time.Hour)
		}
		noErr(t, s.CreateIdentity(ctx, i), "CreateIdentity "+f.id)
	}
	noErr(t, s.CreateIdentity(ctx, &storage.Identity{ProjectID: "p2", ID: "i9", UserID: "u9", Provider: "github", ProviderUID: "gh-9",
		CreatedAt: t0, UpdatedAt: t0}), "CreateIdentity i9")
}

var identityListTests = []test{
	{"FindIdentities", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		identityFixtures(t, s)
		f := func(method, attr string, v ...any) query.Query {
			return query.Query{Method: method, Attribute: attr, Values: v}
		}
		find := func(userID string, q storage.ListQuery, want []string, wantTotal int) {
			t.Helper()
			if q.Page.Limit == 0 {
				q.Page.Limit = 25
			}
			what := fmt.Sprintf("FindIdentities(%q, %+v)", userID, q)
			got, total, err := s.FindIdentities(ctx, "p1", userID, q)
			noErr(t, err, what)
			sameIDs(t, what, ids(got, identityID), want)
			if total != wantTotal {
				t.Errorf("%s total = %d, want %d", what, total, wantTotal)
			}
		}
		filter := func(qs ...query.Query) storage.ListQuery { return storage.ListQuery{Filters: qs} }
		all := []string{"i1", "i2", "i3", "i4"}
		find("", storage.ListQuery{}, all, 4)
		find("", storage.ListQuery{Page: query.Page{Limit: 2, Offset: 1}}, all[1:3], 4)
		find("", filter(f("equal", "userId", "u2")), []string{"i2", "i4"}, 2)
		find("", filter(f("notEqual", "userId", "u2")), []string{"i1", "i3"}, 2)
		find("", filter(f("equal", "provider", "google", "oidc")), []string{"i2", "i3", "i4"}, 3)
		find("", filter(f("equal", "providerUid", "gh-1")), []string{"i1"}, 1)
		find("", filter(f("equal", "providerEmail", "bob@mail.example")), []string{"i2"}, 1)
		find("", filter(f("endsWith", "providerEmail", "@work.example")), []string{"i1", "i4"}, 2)
		find("", filter(f("startsWith", "providerUid", "go-")), []string{"i2", "i3"}, 2)
		find("", filter(f("equal", "$id", "i4")), []string{"i4"}, 1)
		find("", filter(f("greaterThan", "providerAccessTokenExpiry", at(90*time.Minute))), []string{"i4"}, 1)
		find("", filter(f("isNull", "providerAccessTokenExpiry")), []string{"i3"}, 1)
		// Times compare to the millisecond: i2, made at at(time.Minute)
		// (…:09.123456), counts as …:09.123, which is less than
		// at(time.Minute) itself but not less than its millisecond.
		find("", filter(f("lessThan", "$createdAt", at(time.Minute).Truncate(time.Millisecond))), []string{"i1"}, 1)
		find("", filter(f("lessThan", "$createdAt", at(time.Minute))), []string{"i1", "i2"}, 2)
		find("", filter(query.Query{Method: "or", Nested: []query.Query{f("equal", "provider", "github"), f("equal", "userId", "u2")}}),
			[]string{"i1", "i2", "i4"}, 3)
		find("", storage.ListQuery{Search: "work"}, []string{"i1", "i4"}, 2)
		find("", storage.ListQuery{Search: "BOB oidc"}, []string{"i4"}, 1)
		find("", storage.ListQuery{Search: "u1"}, []string{"i1", "i3"}, 2)
		find("", storage.ListQuery{Orders: []query.Query{{Method: "orderDesc", Attribute: "providerUid"}}}, []string{"i4", "i3", "i2", "i1"}, 4)
		find("", storage.ListQuery{Orders: []query.Query{{Method: "orderAsc", Attribute: "$updatedAt"}}}, []string{"i4", "i3", "i2", "i1"}, 4)
		find("", storage.ListQuery{Page: query.Page{CursorAfter: "i2"}}, all[2:], 4)
		find("", storage.ListQuery{Page: query.Page{CursorBefore: "i3", Limit: 1}}, []string{"i2"}, 4)
		find("", storage.ListQuery{Orders: []query.Query{{Method: "orderDesc", Attribute: "provider"}},
			Page: query.Page{CursorAfter: "i4"}}, []string{"i3", "i2", "i1"}, 4)

		// A user's list holds only that user's identities, whatever the
		// queries ask for, and its cursor must be one of them.
		find("u1", storage.ListQuery{}, []string{"i1", "i3"}, 2)
		find("u1", filter(f("equal", "userId", "u2")), nil, 0)
		find("u1", filter(query.Query{Method: "or", Nested: []query.Query{f("equal", "userId", "u2"), f("equal", "userId", "u1")}}),
			[]string{"i1", "i3"}, 2)
		find("u1", storage.ListQuery{Page: query.Page{CursorAfter: "i1"}}, []string{"i3"}, 2)
		for _, c := range []struct{ user, cursor string }{{"u1", "i2"}, {"", "i9"}, {"", "nobody"}} {
			_, _, err := s.FindIdentities(ctx, "p1", c.user, storage.ListQuery{Page: query.Page{Limit: 25, CursorAfter: c.cursor}})
			isErr(t, err, storage.ErrNotFound, fmt.Sprintf("FindIdentities(%q) after %s", c.user, c.cursor))
		}

		// ListIdentities pages the same list oldest first.
		got, total, err := s.ListIdentities(ctx, "p1", "u2", storage.Page{Limit: 10})
		noErr(t, err, "ListIdentities")
		sameIDs(t, "ListIdentities", ids(got, identityID), []string{"i2", "i4"})
		same(t, "ListIdentities total", total, 2)
	}},
	{"DeleteIdentityIf", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		identityFixtures(t, s)
		// keep sees the user, the identity and the user's other ones.
		refuse := errors.New("refused")
		var seen []string
		err := s.DeleteIdentityIf(ctx, "p1", "i1", func(u *storage.User, i *storage.Identity, rest []*storage.Identity) error {
			seen = append([]string{u.ID, i.ID, u.Email}, ids(rest, identityID)...)
			return refuse
		})
		isErr(t, err, refuse, "DeleteIdentityIf refused")
		sameIDs(t, "keep's arguments", seen, []string{"u1", "i1", "u1@example.com", "i3"})
		_, err = s.GetIdentity(ctx, "p1", "i1")
		noErr(t, err, "GetIdentity after a refusal")

		keep := func(*storage.User, *storage.Identity, []*storage.Identity) error { return nil }
		noErr(t, s.DeleteIdentityIf(ctx, "p1", "i1", keep), "DeleteIdentityIf")
		_, err = s.GetIdentity(ctx, "p1", "i1")
		isErr(t, err, storage.ErrNotFound, "GetIdentity after delete")
		isErr(t, s.DeleteIdentityIf(ctx, "p1", "i1", keep), storage.ErrNotFound, "DeleteIdentityIf twice")
		isErr(t, s.DeleteIdentityIf(ctx, "p1", "i9", keep), storage.ErrNotFound, "DeleteIdentityIf of another project's")
		// A user being deleted has no identities to keep.
		noErr(t, s.DeleteUser(ctx, "p1", "u2"), "DeleteUser")
		isErr(t, s.DeleteIdentityIf(ctx, "p1", "i2", keep), storage.ErrNotFound, "DeleteIdentityIf of a deleted user's")
	}},
	{"DeleteIdentityIfTogether", func(t *testing.T, s storage.Store) {
		// Two deletes of a user's last two identities, each keeping the
		// other, race: one wins and the other sees it. Each keep waits for
		// the other delete to reach its own keep, which it does only when
		// nothing holds it back, up to a deadline.
		ctx := t.Context()
		identityFixtures(t, s)
		last := errors.New("last identity")
		var inKeep atomic.Int32
		keep := func(_ *storage.User, _ *storage.Identity, rest []*storage.Identity) error {
			inKeep.Add(1)
			for end := time.Now().Add(300 * time.Millisecond); inKeep.Load() < 2 && time.Now().Before(end); {
				time.Sleep(time.Millisecond)
			}
			if len(rest) == 0 {
				return last
			}
			return nil
		}
		var errs [2]error
		var wg sync.WaitGroup
		for w, id := range []string{"i1", "i3"} {
			wg.Go(func() { errs[w] = s.DeleteIdentityIf(ctx, "p1", id, keep) })
		}
		wg.Wait()
		wins := 0
		for w, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, last):
				t.Errorf("delete %d: %v", w, err)
			}
		}
		got, _, err := s.ListIdentities(ctx, "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListIdentities")
		if wins != 1 || len(got) != 1 {
			t.Errorf("%d deletes won, %d identities left: want 1 and 1", wins, len(got))
		}
	}},
}
