package apitest

import (
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestUnknownRouteAnswersCORS: a browser app calling a route this server
// lacks sees Appwrite's 404, not a CORS failure.
func TestUnknownRouteAnswersCORS(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		r := c.with("Origin", "https://app.example.test").do("GET", "/no/such/route", nil)
		expect(t, r, 404, "general_route_not_found")
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "https://app.example.test" {
			t.Fatalf("Access-Control-Allow-Origin %q", got)
		}
		// A stranger's origin still learns nothing it may read.
		r = c.with("Origin", "https://evil.example").do("GET", "/no/such/route", nil)
		if got := r.header.Get("Access-Control-Allow-Origin"); got == "https://evil.example" {
			t.Fatalf("a stranger may read: %q", got)
		}
	})
}

// TestMissingProjectAnswersCORS: a browser app that forgot its project
// reads project_not_found instead of a CORS failure.
func TestMissingProjectAnswersCORS(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, project := range []string{"", "no-such-project"} {
			c := s.client(t, project).with("Origin", "https://app.example.test")
			r := c.do("GET", "/account", nil)
			expect(t, r, 404, "project_not_found")
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "https://app.example.test" {
				t.Fatalf("project %q: Access-Control-Allow-Origin %q", project, got)
			}
		}
	})
}

// TestMistypedProjectAnswersTheSame: an unknown project id is cached as
// unknown; every answer from that cache is the same 404, never a 500.
func TestMistypedProjectAnswersTheSame(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{projectCache: time.Minute})
			c := s.client(t, "mistyped-"+secret.Hex(6))
			for i := 0; i < 5; i++ {
				expect(t, c.do("GET", "/account", nil), 404, "project_not_found")
				expect(t, c.do("POST", "/account/sessions/email", map[string]any{"email": "a@b.test", "password": "correct horse"}), 404, "project_not_found")
			}
		})
	}
}
