package apitest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestUsersListMillisecondsAndPhrases: a date read from a user (the wire
// shows milliseconds, rows keep microseconds) finds that user with an
// `equal` query, as in Appwrite, whose rows hold milliseconds; and a
// quoted search is one phrase.
func TestUsersListMillisecondsAndPhrases(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		ids := []string{"ann", "bob", "cyd"}
		for _, id := range ids {
			expect(t, k.do("POST", "/users", map[string]any{"userId": id, "email": id + "@phrase.test", "password": "password", "name": "Name " + id}), 201, "")
			time.Sleep(2 * time.Millisecond) // each user its own millisecond
		}
		list := func(query string) []string {
			t.Helper()
			r := k.do("GET", "/users?"+query, nil)
			expect(t, r, 200, "")
			var got []string
			for _, u := range r.obj(t)["users"].([]any) {
				got = append(got, u.(map[string]any)["$id"].(string))
			}
			return got
		}
		for _, id := range ids {
			r := k.do("GET", "/users/"+id, nil)
			expect(t, r, 200, "")
			u := r.obj(t)
			for _, attr := range []string{"registration", "passwordUpdate", "$createdAt", "$updatedAt"} {
				v, _ := u[attr].(string)
				got := list(q(fmt.Sprintf(`{"method":"equal","attribute":%q,"values":[%q]}`, attr, v)))
				if strings.Join(got, ",") != id {
					t.Errorf("equal %s %s: got %v, want [%s]", attr, v, got, id)
				}
				got = list(q(fmt.Sprintf(`{"method":"lessThanEqual","attribute":%q,"values":[%q]}`, attr, v)))
				if len(got) == 0 || got[len(got)-1] != id {
					t.Errorf("lessThanEqual %s %s: got %v, want it to end with %s", attr, v, got, id)
				}
			}
		}
		for _, tc := range []struct{ search, want string }{
			{`"bob@phrase.test"`, "bob"},
			{`"name cyd"`, "cyd"},
			{`"name ann" phrase.test`, "ann"},
			{`"cyd name"`, ""},
		} {
			if got := strings.Join(list("search="+url.QueryEscape(tc.search)), ","); got != tc.want {
				t.Errorf("search %s: got %q, want %q", tc.search, got, tc.want)
			}
		}
	})
}

// TestUsersListsTotalFalse: every Users list route takes Appwrite 1.8's
// `total` parameter; false answers total 0 with the items still listed,
// a value that is not a boolean is refused.
func TestUsersListsTotalFalse(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write", "sessions.write", "targets.read"))
		expect(t, k.do("POST", "/users", map[string]any{"userId": "ann", "email": "ann@total.test", "password": "password"}), 201, "")
		expect(t, k.do("POST", "/users/ann/sessions", nil), 201, "")
		for _, tc := range []struct{ path, items string }{
			{"/users", "users"},
			{"/users/ann/sessions", "sessions"},
			{"/users/ann/logs", "logs"},
			{"/users/ann/targets", "targets"},
		} {
			r := k.do("GET", tc.path, nil)
			expect(t, r, 200, "")
			all := r.obj(t)
			n := len(all[tc.items].([]any))
			if n == 0 || all["total"] != float64(n) {
				t.Errorf("%s: total %v with %d %s, want a count of at least 1", tc.path, all["total"], n, tc.items)
			}
			for _, off := range []string{"false", "0"} {
				r = k.do("GET", tc.path+"?total="+off, nil)
				expect(t, r, 200, "")
				if o := r.obj(t); o["total"] != float64(0) || len(o[tc.items].([]any)) != n {
					t.Errorf("%s?total=%s: %s", tc.path, off, r.body)
				}
			}
			r = k.do("GET", tc.path+"?total=true", nil)
			expect(t, r, 200, "")
			if r.obj(t)["total"] != float64(n) {
				t.Errorf("%s?total=true: %s", tc.path, r.body)
			}
			expect(t, k.do("GET", tc.path+"?total=maybe", nil), 400, "general_argument_invalid")
		}
	})
}
