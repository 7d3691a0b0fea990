package apitest

import (
	"sync"
	"testing"
)

// TestLinkRacesSignIn links a secondary while it signs in over and over:
// every sign-in either lands in one of the two accounts or is refused
// cleanly, and nothing of the secondary survives the merge.
func TestLinkRacesSignIn(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write", "sessions.write"))
		primary, secondary := email(), email()
		aid := s.client(t, c.project).signUp(primary, "correct horse")
		bid := s.client(t, c.project).signUp(secondary, "battery staple")

		const signIns = 12
		type result struct {
			status int
			userID string
			body   string
		}
		results := make(chan result, signIns)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < signIns; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": secondary, "password": "battery staple"})
				res := result{status: r.status, body: string(r.body)}
				if r.status == 201 {
					res.userID = r.str(t, "userId")
				}
				results <- res
			}()
		}
		close(start)
		link := k.do("POST", "/users/"+aid+"/identities", map[string]any{"userId": bid})
		wg.Wait()
		close(results)
		expect(t, link, 200, "")
		for r := range results {
			switch {
			case r.status == 201 && (r.userID == aid || r.userID == bid):
			case r.status == 401 || r.status == 404 || r.status == 409:
				// Refused cleanly while the account moved.
			default:
				t.Fatalf("sign-in during the link: %d %s", r.status, r.body)
			}
		}
		expect(t, k.do("GET", "/users/"+bid, nil), 404, "user_not_found")
		expect(t, k.do("GET", "/users/"+bid+"/sessions", nil), 404, "user_not_found")
		// After the merge the secondary's password signs in the primary.
		r := s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": secondary, "password": "battery staple"})
		expect(t, r, 201, "")
		if r.str(t, "userId") != aid {
			t.Fatalf("the secondary's password signed in %s", r.str(t, "userId"))
		}
	})
}
