package apitest

import (
	"net/url"
	"strings"
	"testing"
)

// TestUsersSearchFollowsChanges: the users search finds a user by what it
// holds now, through every change the API makes (name, email and phone
// from the Users API, the name from the Account API, deletion), by terms
// the search index serves and by terms too short for it, in any case.
func TestUsersSearchFollowsChanges(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		find := func(search, want string) {
			t.Helper()
			r := k.do("GET", "/users?search="+url.QueryEscape(search), nil)
			expect(t, r, 200, "")
			var got []string
			for _, u := range r.obj(t)["users"].([]any) {
				got = append(got, u.(map[string]any)["$id"].(string))
			}
			if strings.Join(got, ",") != want {
				t.Errorf("search %q: got %v, want %q", search, got, want)
			}
		}
		expect(t, k.do("POST", "/users", map[string]any{"userId": "ann", "email": "ann@first.test", "password": "correct horse",
			"name": "Ann Original"}), 201, "")
		expect(t, k.do("POST", "/users", map[string]any{"userId": "bob", "email": "bob@first.test", "name": "Bob Other"}), 201, "")
		find("original", "ann")
		find("FIRST.test", "ann,bob")
		find("an", "ann")

		expect(t, k.do("PATCH", "/users/ann/name", map[string]any{"name": "Ann Renamed"}), 200, "")
		expect(t, k.do("PATCH", "/users/ann/email", map[string]any{"email": "ann@second.test"}), 200, "")
		expect(t, k.do("PATCH", "/users/ann/phone", map[string]any{"number": "+15550199"}), 200, "")
		find("original", "")
		find("renamed", "ann")
		find("ann@first", "")
		find("second.test", "ann")
		find("5550199", "ann")
		find("+1", "ann")

		// The Account API renames too.
		c.signIn("ann@second.test", "correct horse")
		expect(t, c.do("PATCH", "/account/name", map[string]any{"name": "Ann Self"}), 200, "")
		find("renamed", "")
		find("ann self", "ann")
		find(`"ann self"`, "ann")

		expect(t, k.do("DELETE", "/users/ann", nil), 204, "")
		find("self", "")
		find("first.test", "bob")
	})
}
