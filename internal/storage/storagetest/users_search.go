package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// searchUserTests pin down the users search where an index may serve it:
// terms of one and two characters (too short for trigrams), case, phone
// digits, several terms, LIKE's wildcards taken literally, and users
// changed or removed after they were indexed.
var searchUserTests = []test{
	{"Terms", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		for i, p := range []struct{ id, name, email, phone string }{
			{"u1", "Ann Smith", "ann.smith@example.com", "+15550101"},
			{"u2", "Bob Smithers", "bob@mail.example.org", "+445550102"},
			{"u3", "Zoë Ab", "zoe@example.net", ""},
			{"u4", "Under_score 100%", "", "+15559999"},
			{"u5", "Carol", "carol@example.com", ""},
			{"abc", "Dee", "dee@x.io", ""},
		} {
			u := newUser("p1", p.id, p.email)
			u.Name, u.Phone = p.name, p.phone
			u.CreatedAt = at(time.Duration(i) * time.Minute) // oldest first
			noErr(t, s.CreateUser(ctx, u), "CreateUser")
		}
		other := newUser("p2", "u9", "ann.smith@example.com")
		other.Name = "Ann Smith"
		noErr(t, s.CreateUser(ctx, other), "CreateUser")

		for _, c := range []struct {
			search string
			want   []string
		}{
			// One and two characters: no trigram, the same answer.
			{"a", []string{"u1", "u2", "u3", "u5", "abc"}},
			{"Ab", []string{"u3", "abc"}},
			{"zo", []string{"u3"}},
			{"+4", []string{"u2"}},
			{"5", []string{"u1", "u2", "u4", "u5"}},
			{"%", []string{"u4"}},
			{"_", []string{"u4"}},
			// Three and more, any case.
			{"smith", []string{"u1", "u2"}},
			{"SMITH", []string{"u1", "u2"}},
			{"sMiThErS", []string{"u2"}},
			{"abc", []string{"abc"}},
			{"zoë", []string{"u3"}},
			{"ZOË ab", []string{"u3"}},
			// Phone digits, with and without the plus.
			{"5550101", []string{"u1"}},
			{"+1555", []string{"u1", "u4"}},
			{"555", []string{"u1", "u2", "u4"}},
			// Email parts.
			{"example.com", []string{"u1", "u5"}},
			{"@mail.", []string{"u2"}},
			// Every term must match, in any column; short and long mixed.
			{"smith ann", []string{"u1"}},
			{"smith +44", []string{"u2"}},
			{"sm 0101", []string{"u1"}},
			{"carol example.com", []string{"u5"}},
			{"carol example.org", nil},
			// Quoted phrases are taken whole.
			{`"ann smith"`, []string{"u1"}},
			{`"smith ann"`, nil},
			{`"bob smith"`, []string{"u2"}},
			// A term never spans two columns.
			{"u5carol", nil},
			{"comcarol", nil},
			{"example.com+1555", nil},
			{"0101ann", nil},
			// LIKE's wildcards are plain characters.
			{"r_s", []string{"u4"}},
			{"n_s", nil},
			{"100%", []string{"u4"}},
			{"1%0", nil},
			{"nobody", nil},
		} {
			got, total, err := s.ListUsers(ctx, "p1", storage.UserQuery{Search: c.search, Page: query.Page{Limit: 25}})
			noErr(t, err, "ListUsers search "+c.search)
			sameIDs(t, "ListUsers search "+c.search, ids(got, userID), c.want)
			if total != len(c.want) {
				t.Errorf("ListUsers search %s: total %d, want %d", c.search, total, len(c.want))
			}
		}
		// Filters, orders, paging and cursors go with a search.
		q := storage.UserQuery{Search: "example", Orders: []query.Query{{Method: "orderDesc", Attribute: "name"}}, Page: query.Page{Limit: 2}}
		got, total, err := s.ListUsers(ctx, "p1", q)
		noErr(t, err, "ListUsers search, ordered")
		sameIDs(t, "ListUsers search, ordered", ids(got, userID), []string{"u3", "u5"})
		if total != 4 {
			t.Errorf("ListUsers search, ordered: total %d, want 4", total)
		}
		q.Page = query.Page{Limit: 25, CursorAfter: "u5"}
		got, _, err = s.ListUsers(ctx, "p1", q)
		noErr(t, err, "ListUsers search after a cursor")
		sameIDs(t, "ListUsers search after a cursor", ids(got, userID), []string{"u2", "u1"})
		q = storage.UserQuery{Search: "smith", Filters: []query.Query{{Method: "equal", Attribute: "phone", Values: []any{"+445550102"}}},
			Page: query.Page{Limit: 25}}
		got, _, err = s.ListUsers(ctx, "p1", q)
		noErr(t, err, "ListUsers search and filter")
		sameIDs(t, "ListUsers search and filter", ids(got, userID), []string{"u2"})
	}},
	{"FollowsChanges", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		find := func(search string, want ...string) {
			t.Helper()
			got, total, err := s.ListUsers(ctx, "p1", storage.UserQuery{Search: search, Page: query.Page{Limit: 25}})
			noErr(t, err, "ListUsers search "+search)
			sameIDs(t, "ListUsers search "+search, ids(got, userID), want)
			if total != len(want) {
				t.Errorf("ListUsers search %s: total %d, want %d", search, total, len(want))
			}
		}
		for i, id := range []string{"u1", "u2", "u3"} {
			u := newUser("p1", id, id+"@before.example")
			u.Name = "Before " + id
			u.CreatedAt = at(time.Duration(i) * time.Minute)
			noErr(t, s.CreateUser(ctx, u), "CreateUser")
		}
		find("before", "u1", "u2", "u3")

		_, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
			u.Name, u.Email, u.Phone = "Renamed Person", "fresh@after.example", "+15557777"
			return nil
		})
		noErr(t, err, "UpdateUser")
		find("before", "u2", "u3")
		find("renamed", "u1")
		find("after.example", "u1")
		find("5557777", "u1")
		find("u1@before")

		// A change to other columns keeps the user findable.
		_, err = s.UpdateUser(ctx, "p1", "u2", func(u *storage.User) error {
			u.Status, u.Labels = false, []string{"x"}
			return nil
		})
		noErr(t, err, "UpdateUser")
		find("before u2", "u2")
		_, err = s.UpdateUser(ctx, "p1", "u2", func(u *storage.User) error {
			u.Email, u.Phone = "", ""
			return nil
		})
		noErr(t, err, "UpdateUser")
		find("u2@before")
		find("before u2", "u2")

		// Deleted users are hidden at once, and gone once purged; the id
		// may then be taken again.
		noErr(t, s.DeleteUser(ctx, "p1", "u3"), "DeleteUser")
		find("before", "u2")
		noErr(t, s.PurgeUser(ctx, "p1", "u3"), "PurgeUser")
		find("u3@before")
		again := newUser("p1", "u3", "u3@again.example")
		again.Name = "Again"
		again.CreatedAt = at(time.Hour)
		noErr(t, s.CreateUser(ctx, again), "CreateUser again")
		find("u3", "u3")
		find("again", "u3")
		find("before", "u2")

		// A new user after them all is found.
		for i := range 3 {
			u := newUser("p1", fmt.Sprintf("n%d", i), fmt.Sprintf("n%d@later.example", i))
			u.CreatedAt = at(2*time.Hour + time.Duration(i)*time.Minute)
			noErr(t, s.CreateUser(ctx, u), "CreateUser")
		}
		find("later", "n0", "n1", "n2")

		// A project deleted with its users leaves nothing to find when
		// one of the same id is made.
		noErr(t, s.DeleteProject(ctx, "p1"), "DeleteProject")
		mustProject(t, s, "p1", t0)
		find("later")
		find("before")
		mustUser(t, s, "p1", "n1", "n1@fresh.example")
		find("later")
		find("fresh", "n1")
	}},
}
