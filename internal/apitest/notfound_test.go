package apitest

import "testing"

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
