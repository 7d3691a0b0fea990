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
