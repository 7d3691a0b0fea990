package apitest

import (
	"testing"
	"time"
)

// TestProjectStats: GET /v1/projects/{id}/stats counts today's sign-ups
// (users that made themselves, not those a key made), sign-ins (not the
// sessions a key made) and failed password sign-ins (wrong password and
// unknown email alike), per project, for the instance key and an
// administrator's session; it reads nothing of the console or of a
// project that does not exist.
func TestProjectStats(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		p := s.newProject(t)
		other := s.newProject(t)
		key := p.with("X-Appwrite-Key", p.key("users.read", "users.write", "sessions.write"))
		a, b := email(), email()
		p.signUp(a, "stats password 1")
		s.client(t, p.project).signUp(b, "stats password 1")
		r := key.do("POST", "/users", map[string]any{"userId": "unique()", "email": email()})
		expect(t, r, 201, "")
		expect(t, key.do("POST", "/users/"+r.str(t, "$id")+"/sessions", nil), 201, "")
		s.client(t, p.project).signIn(a, "stats password 1")
		s.client(t, p.project).signIn(b, "stats password 1")
		for _, cred := range []map[string]any{{"email": a, "password": "wrong password 1"}, {"email": b, "password": "wrong password 2"},
			{"email": email(), "password": "no such user 1"}} {
			expect(t, s.client(t, p.project).do("POST", "/account/sessions/email", cred), 401, "user_invalid_credentials")
		}
		s.client(t, other.project).signUp(email(), "stats password 1")

		admin := newConsoleAdmin(t, s)
		for _, c := range []*client{s.admin(t), admin.c} {
			st := c.do("GET", "/projects/"+p.project+"/stats?days=7", nil)
			expect(t, st, 200, "")
			o := st.obj(t)
			days := o["days"].([]any)
			today := days[len(days)-1].(map[string]any)
			if len(days) != 7 || o["users"].(float64) != 3 || today["date"] != time.Now().UTC().Format("2006-01-02") ||
				today["signUps"].(float64) != 2 || today["signIns"].(float64) != 2 || today["failedSignIns"].(float64) != 3 {
				t.Fatalf("stats %s", st.body)
			}
			if first := days[0].(map[string]any); first["signIns"].(float64) != 0 {
				t.Fatalf("a day without events: %v", first)
			}
		}
		def := s.admin(t).do("GET", "/projects/"+other.project+"/stats", nil)
		expect(t, def, 200, "")
		if days := def.obj(t)["days"].([]any); len(days) != 30 || days[29].(map[string]any)["signUps"].(float64) != 1 {
			t.Fatalf("other project %s", def.body)
		}
		expect(t, s.admin(t).do("GET", "/projects/"+p.project+"/stats?days=0", nil), 400, "general_argument_invalid")
		expect(t, s.admin(t).do("GET", "/projects/"+p.project+"/stats?days=91", nil), 400, "general_argument_invalid")
		expect(t, s.admin(t).do("GET", "/projects/nope"+p.project+"/stats", nil), 404, "project_not_found")
		expect(t, s.admin(t).do("GET", "/projects/console/stats", nil), 404, "project_not_found")
		expect(t, s.client(t, "console").with("X-Appwrite-Key", key.headers["X-Appwrite-Key"]).do("GET", "/projects/"+p.project+"/stats", nil), 401, "user_unauthorized")
	})
}
