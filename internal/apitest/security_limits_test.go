package apitest

import (
	"fmt"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestTargetCap: a user holds at most storage.MaxTargets targets, its
// email target included, whether a session or a server adds them; past
// that both routes answer user_target_limit_exceeded. Before, 600 push
// targets made every read of the user carry 300 kB.
func TestTargetCap(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "targets.read", "targets.write"))
		mail := email()
		id := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		for i := 1; i < storage.MaxTargets; i++ {
			r := c.do("POST", "/account/targets/push", map[string]any{"targetId": fmt.Sprintf("push%d", i), "identifier": fmt.Sprintf("token-%d", i)})
			expect(t, r, 201, "")
		}
		// The email target and the pushes fill the cap.
		if n := len(k.do("GET", "/users/"+id, nil).obj(t)["targets"].([]any)); n != storage.MaxTargets {
			t.Fatalf("%d targets, want %d", n, storage.MaxTargets)
		}
		expect(t, c.do("POST", "/account/targets/push", map[string]any{"targetId": "more", "identifier": "token-more"}), 400, "user_target_limit_exceeded")
		expect(t, k.do("POST", "/users/"+id+"/targets", map[string]any{"targetId": "more", "providerType": "push", "identifier": "token-more"}),
			400, "user_target_limit_exceeded")
		expect(t, k.do("POST", "/users/"+id+"/targets", map[string]any{"targetId": "more", "providerType": "email", "identifier": email()}),
			400, "user_target_limit_exceeded")
		if n := len(k.do("GET", "/users/"+id+"/targets", nil).obj(t)["targets"].([]any)); n != 25 { // a page
			t.Fatalf("%d targets listed", n)
		}
		// Removing one makes room again.
		expect(t, c.do("DELETE", "/account/targets/push1/push", nil), 204, "")
		expect(t, k.do("POST", "/users/"+id+"/targets", map[string]any{"targetId": "more", "providerType": "push", "identifier": "token-more"}), 201, "")
		expect(t, c.do("POST", "/account/targets/push", map[string]any{"targetId": "most", "identifier": "token-most"}), 400, "user_target_limit_exceeded")
	})
}

// TestPushTargetRateLimit: a session adds at most ten push targets an
// hour; the limit counts per user.
func TestPushTargetRateLimit(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{rateLimits: true})
			c := s.newProject(t)
			mail := email()
			c.signUp(mail, "correct horse")
			c.signIn(mail, "correct horse")
			var last *resp
			for i := 0; i < 10; i++ {
				last = c.do("POST", "/account/targets/push", map[string]any{"targetId": fmt.Sprintf("push%d", i), "identifier": fmt.Sprintf("token-%d", i)})
				expect(t, last, 201, "")
			}
			if last.header.Get("X-RateLimit-Limit") != "10" || last.header.Get("X-RateLimit-Remaining") != "0" {
				t.Fatalf("headers %v", last.header)
			}
			expect(t, c.do("POST", "/account/targets/push", map[string]any{"targetId": "more", "identifier": "token-more"}), 429, "general_rate_limit_exceeded")
			// Another user of the same address is not limited.
			other := s.client(t, c.project)
			om := email()
			other.signUp(om, "correct horse")
			other.signIn(om, "correct horse")
			expect(t, other.do("POST", "/account/targets/push", map[string]any{"targetId": "unique()", "identifier": "token-other"}), 201, "")
		})
	}
}
