package apitest

import "testing"

// TestLogsTotalFalse checks 1.8's `total` parameter on the log lists:
// total=false answers the logs with total 0, a value that is no boolean
// is general_argument_invalid.
func TestLogsTotalFalse(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		srv := s.client(t, c.project).with("X-Appwrite-Key", c.key("users.read"))

		for _, tc := range []struct {
			who  *client
			path string
		}{{c, "/account/logs"}, {srv, "/users/" + uid + "/logs"}} {
			for _, off := range []string{"false", "0"} {
				r := tc.who.do("GET", tc.path+"?total="+off, nil)
				expect(t, r, 200, "")
				l := r.obj(t)
				if l["total"] != float64(0) || len(l["logs"].([]any)) != 2 {
					t.Fatalf("%s?total=%s: %s", tc.path, off, r.body)
				}
			}
			r := tc.who.do("GET", tc.path+"?total=true", nil)
			expect(t, r, 200, "")
			if l := r.obj(t); l["total"] != float64(2) {
				t.Fatalf("%s?total=true: %s", tc.path, r.body)
			}
			expect(t, tc.who.do("GET", tc.path+"?total=maybe", nil), 400, "general_argument_invalid")
		}
	})
}
