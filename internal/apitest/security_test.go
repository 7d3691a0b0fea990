package apitest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

func TestGuestsAndRoutes(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		r := c.do("GET", "/account", nil)
		expect(t, r, 401, "general_unauthorized_scope")
		if r.str(t, "message") != "User (role: guests) missing scope (account)" {
			t.Fatalf("message %q", r.str(t, "message"))
		}
		expect(t, c.do("GET", "/nothing/here", nil), 404, "general_route_not_found")
		expect(t, c.do("PUT", "/account", nil), 404, "general_route_not_found")
		v := s.client(t, "").do("GET", "/health/version", nil)
		expect(t, v, 200, "")
		if v.str(t, "version") == "" {
			t.Fatal("no version")
		}
		expect(t, s.client(t, "").do("GET", "/health", nil), 200, "")
		p := c.do("GET", "/ping", nil)
		if p.status != 200 || string(p.body) != "Pong!" {
			t.Fatalf("ping %d %s", p.status, p.body)
		}
		if r.header.Get("X-Request-Id") == "" || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("headers %v", r.header)
		}
		if w := c.with("X-Appwrite-Response-Format", "2.0.0").do("GET", "/account", nil).header.Get("X-Appwrite-Warning"); w == "" {
			t.Fatal("no warning for a newer response format")
		}
	})
}

func TestCORSAndOrigin(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		app := c.with("Origin", "https://app.example.test")
		r := app.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
		expect(t, r, 201, "")
		if r.header.Get("Access-Control-Allow-Origin") != "https://app.example.test" || r.header.Get("Access-Control-Allow-Credentials") != "true" ||
			!strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-Fallback-Cookies") {
			t.Fatalf("cors headers %v", r.header)
		}
		// A cross-site app gets the fallback header.
		if r.header.Get("X-Fallback-Cookies") == "" {
			t.Fatal("no fallback for a cross-site origin")
		}
		evil := c.with("Origin", "https://evil.example.net")
		expect(t, evil.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 403, "general_unknown_origin")
		g := evil.do("GET", "/account", nil)
		if g.header.Get("Access-Control-Allow-Origin") != "https://localhost" {
			t.Fatalf("stranger origin answered with %q", g.header.Get("Access-Control-Allow-Origin"))
		}
		// Wildcard platforms match sub-domains only.
		expect(t, s.admin(t).do("POST", "/projects/"+c.project+"/platforms", map[string]any{"type": "web", "name": "w", "hostname": "*.corp.test"}), 201, "")
		expect(t, c.with("Origin", "https://a.corp.test").do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse"}), 201, "")
		expect(t, c.with("Origin", "https://corp.test").do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse"}), 403, "general_unknown_origin")

		req, _ := http.NewRequest("OPTIONS", s.base+"/v1/account", nil)
		req.Header.Set("Origin", "https://app.example.test")
		req.Header.Set("Access-Control-Request-Method", "POST")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 204 || !strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "X-Fallback-Cookies") {
			t.Fatalf("preflight %d %v", res.StatusCode, res.Header)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		key := c.key("sessions.write")
		k := c.with("X-Appwrite-Key", key)
		// Server-side sign-in: the session string comes back in `secret`,
		// no cookies are set.
		r := k.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
		expect(t, r, 201, "")
		if r.str(t, "secret") == "" || len(r.cookies) != 0 {
			t.Fatalf("ssr session %s %v", r.body, r.cookies)
		}
		ssr := s.client(t, c.project).with("X-Appwrite-Session", r.str(t, "secret"))
		expect(t, ssr.do("GET", "/account", nil), 200, "")
		// Keys never hold the account scope, and cannot travel with a session.
		expect(t, k.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, ssr.with("X-Appwrite-Key", key).do("GET", "/account", nil), 403, "user_key_and_session_set")
		expect(t, c.with("X-Appwrite-Key", "standard_"+strings.Repeat("0", 64)).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 401, "user_unauthorized")
		noScope := c.with("X-Appwrite-Key", c.key("users.read"))
		expect(t, noScope.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 401, "general_unauthorized_scope")
		// A key of another project is unknown here.
		expect(t, s.newProject(t).with("X-Appwrite-Key", key).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 401, "user_unauthorized")

		a := s.admin(t)
		ek := a.do("POST", "/projects/"+c.project+"/keys", map[string]any{"name": "old", "scopes": []string{"sessions.write"}, "expire": "2001-01-01T00:00:00.000+00:00"})
		expect(t, ek, 201, "")
		expect(t, c.with("X-Appwrite-Key", ek.str(t, "secret")).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 401, "project_key_expired")

		// Listing never shows a secret; deleting revokes at once.
		l := a.do("GET", "/projects/"+c.project+"/keys", nil)
		expect(t, l, 200, "")
		for _, x := range l.obj(t)["keys"].([]any) {
			if x.(map[string]any)["secret"] != "" {
				t.Fatalf("secret listed: %s", l.body)
			}
		}
		var kid string
		for _, x := range l.obj(t)["keys"].([]any) {
			if x.(map[string]any)["name"] == "server" && kid == "" {
				kid = x.(map[string]any)["$id"].(string)
			}
		}
		expect(t, a.do("DELETE", "/projects/"+c.project+"/keys/"+kid, map[string]any{}), 204, "")
		expect(t, k.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 401, "user_unauthorized")
	})
}

func TestProjectsAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a := s.admin(t)
		expect(t, s.client(t, "console").do("GET", "/projects", nil), 401, "general_unauthorized_scope")
		expect(t, s.client(t, "console").with("X-Appwrite-Key", "wrong").do("GET", "/projects", nil), 401, "user_unauthorized")
		r := a.do("POST", "/projects", map[string]any{"projectId": "unique()", "name": "Shop", "teamId": "team1", "description": "d"})
		expect(t, r, 201, "")
		p := r.obj(t)
		id := p["$id"].(string)
		if p["teamId"] != "team1" || p["description"] != "d" || p["authSessionsLimit"] != float64(10) || p["authDuration"] != float64(31536000) ||
			p["authEmailPassword"] != true || p["serviceStatusForAccount"] != true {
			t.Fatalf("project %s", r.body)
		}
		expect(t, a.do("POST", "/projects", map[string]any{"projectId": id, "name": "Again"}), 409, "project_already_exists")
		expect(t, a.do("POST", "/projects", map[string]any{"projectId": "console", "name": "x"}), 409, "project_already_exists")
		expect(t, a.do("POST", "/projects", map[string]any{"projectId": "-bad", "name": "x"}), 400, "general_argument_invalid")
		expect(t, a.do("POST", "/projects", map[string]any{"projectId": "unique()"}), 400, "general_argument_invalid")
		expect(t, a.do("GET", "/projects/"+id, nil), 200, "")
		expect(t, a.do("GET", "/projects/missing", nil), 404, "project_not_found")
		u := a.do("PATCH", "/projects/"+id, map[string]any{"name": "Shop 2", "url": "https://shop.test"})
		expect(t, u, 200, "")
		if u.str(t, "name") != "Shop 2" || u.str(t, "url") != "https://shop.test" {
			t.Fatalf("update %s", u.body)
		}
		l := a.do("GET", "/projects?search=Shop", nil)
		expect(t, l, 200, "")
		if l.obj(t)["total"].(float64) < 1 {
			t.Fatalf("list %s", l.body)
		}

		pl := a.do("POST", "/projects/"+id+"/platforms", map[string]any{"type": "web", "name": "Site", "hostname": "Shop.Test"})
		expect(t, pl, 201, "")
		pid := pl.str(t, "$id")
		if pl.str(t, "hostname") != "shop.test" {
			t.Fatalf("platform %s", pl.body)
		}
		expect(t, a.do("POST", "/projects/"+id+"/platforms", map[string]any{"type": "nope", "name": "x"}), 400, "general_argument_invalid")
		expect(t, a.do("PUT", "/projects/"+id+"/platforms/"+pid, map[string]any{"name": "Site 2", "hostname": "www.shop.test"}), 200, "")
		if got := a.do("GET", "/projects/"+id+"/platforms/"+pid, nil).str(t, "hostname"); got != "www.shop.test" {
			t.Fatalf("platform hostname %q", got)
		}
		if n := a.do("GET", "/projects/"+id+"/platforms", nil).obj(t)["total"]; n != float64(1) {
			t.Fatalf("platforms %v", n)
		}
		expect(t, a.do("DELETE", "/projects/"+id+"/platforms/"+pid, nil), 204, "")
		expect(t, a.do("GET", "/projects/"+id+"/platforms/"+pid, nil), 404, "platform_not_found")

		expect(t, a.do("POST", "/projects/"+id+"/keys", map[string]any{"name": "k", "scopes": []string{"no.such"}}), 400, "general_argument_invalid")
		k := a.do("POST", "/projects/"+id+"/keys", map[string]any{"name": "k", "scopes": []string{"users.read"}})
		expect(t, k, 201, "")
		if !strings.HasPrefix(k.str(t, "secret"), "standard_") {
			t.Fatalf("key %s", k.body)
		}
		kid := k.str(t, "$id")
		if g := a.do("GET", "/projects/"+id+"/keys/"+kid, nil); g.str(t, "secret") != "" {
			t.Fatal("key secret shown twice")
		}
		expect(t, a.do("PUT", "/projects/"+id+"/keys/"+kid, map[string]any{"name": "k2", "scopes": []string{"users.write"}, "expire": nil}), 200, "")

		for _, tc := range []struct {
			path string
			body map[string]any
			key  string
			want any
		}{
			{"limit", map[string]any{"limit": 5}, "authLimit", float64(5)},
			{"duration", map[string]any{"duration": 3600}, "authDuration", float64(3600)},
			{"max-sessions", map[string]any{"limit": 3}, "authSessionsLimit", float64(3)},
			{"password-history", map[string]any{"limit": 4}, "authPasswordHistory", float64(4)},
			{"password-dictionary", map[string]any{"enabled": true}, "authPasswordDictionary", true},
			{"personal-data", map[string]any{"enabled": true}, "authPersonalDataCheck", true},
			{"session-alerts", map[string]any{"alerts": true}, "authSessionAlerts", true},
			{"session-invalidation", map[string]any{"enabled": false}, "authInvalidateSessions", false},
			{"email-otp", map[string]any{"status": false}, "authEmailOtp", false},
			{"phone", map[string]any{"status": false}, "authPhone", false},
		} {
			r := a.do("PATCH", "/projects/"+id+"/auth/"+tc.path, tc.body)
			expect(t, r, 200, "")
			if got := r.obj(t)[tc.key]; got != tc.want {
				t.Fatalf("%s: %s = %v, want %v", tc.path, tc.key, got, tc.want)
			}
		}
		mn := a.do("PATCH", "/projects/"+id+"/auth/mock-numbers", map[string]any{"numbers": []map[string]string{{"phone": "+15555550100", "otp": "123456"}}})
		expect(t, mn, 200, "")
		if n := mn.obj(t)["authMockNumbers"].([]any); len(n) != 1 {
			t.Fatalf("mock numbers %s", mn.body)
		}
		expect(t, a.do("PATCH", "/projects/"+id+"/auth/mock-numbers", map[string]any{"numbers": []map[string]string{{"phone": "555", "otp": "1"}}}), 400, "general_argument_invalid")
		expect(t, a.do("PATCH", "/projects/"+id+"/auth/limit", map[string]any{"limit": -1}), 400, "general_argument_invalid")
		expect(t, a.do("PATCH", "/projects/"+id+"/auth/limit", map[string]any{}), 400, "general_argument_invalid")
		expect(t, a.do("PATCH", "/projects/"+id+"/auth/teleport", map[string]any{"status": true}), 400, "general_argument_invalid")
		expect(t, a.do("PATCH", "/projects/"+id+"/auth/anonymous", map[string]any{"status": "yes"}), 400, "general_argument_invalid")
		sv := a.do("PATCH", "/projects/"+id+"/service", map[string]any{"service": "account", "status": false})
		expect(t, sv, 200, "")
		if sv.obj(t)["serviceStatusForAccount"] != false {
			t.Fatalf("service %s", sv.body)
		}
		expect(t, s.client(t, id).do("GET", "/account", nil), 403, "general_service_disabled")

		expect(t, a.do("DELETE", "/projects/"+id, nil), 204, "")
		expect(t, a.do("GET", "/projects/"+id, nil), 404, "project_not_found")
		expect(t, a.do("DELETE", "/projects/"+id, nil), 404, "project_not_found")
	})
}

func TestRateLimits(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{rateLimits: true})
			c := s.newProject(t)
			mail := email()
			c.signUp(mail, "correct horse")
			var last *resp
			for i := 0; i < 10; i++ {
				last = s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "wrong horse"})
				expect(t, last, 401, "user_invalid_credentials")
			}
			if last.header.Get("X-RateLimit-Limit") != "10" || last.header.Get("X-RateLimit-Remaining") != "0" {
				t.Fatalf("headers %v", last.header)
			}
			reset, _ := strconv.ParseInt(last.header.Get("X-RateLimit-Reset"), 10, 64)
			if reset <= time.Now().Unix() || reset%3600 != 0 {
				t.Fatalf("reset %d", reset)
			}
			expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 429, "general_rate_limit_exceeded")
			// The key is the email: another address is not limited.
			other := email()
			c.signUp(other, "correct horse")
			s.client(t, c.project).signIn(other, "correct horse")
			// API keys are exempt.
			k := c.with("X-Appwrite-Key", c.key("sessions.write"))
			expect(t, k.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 201, "")
		})
	}
}

// TestRateLimitsOff: with GATEHOUSE_RATE_LIMITS=off the server is
// Appwrite with _APP_OPTIONS_ABUSE=disabled: nothing is refused and
// nothing counted, yet the X-RateLimit-* headers still go out as a first
// request in the window would get them. API keys still get none.
func TestRateLimitsOff(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		for i := 0; i < 12; i++ { // the route allows 10 an hour per email
			r := s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "wrong horse"})
			expect(t, r, 401, "user_invalid_credentials")
			if r.header.Get("X-RateLimit-Limit") != "10" || r.header.Get("X-RateLimit-Remaining") != "9" {
				t.Fatalf("attempt %d: headers %v", i+1, r.header)
			}
			reset, _ := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
			if reset <= time.Now().Unix() || reset%3600 != 0 {
				t.Fatalf("reset %d", reset)
			}
		}
		signedIn := s.client(t, c.project)
		signedIn.signIn(mail, "correct horse")
		jwt := signedIn.do("POST", "/account/jwts", nil)
		expect(t, jwt, 201, "")
		// Appwrite 1.9: 120 a minute.
		if jwt.header.Get("X-RateLimit-Limit") != "120" || jwt.header.Get("X-RateLimit-Remaining") != "119" {
			t.Fatalf("JWT headers %v", jwt.header)
		}
		k := c.with("X-Appwrite-Key", c.key("sessions.write"))
		r := k.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
		expect(t, r, 201, "")
		if v := r.header.Get("X-RateLimit-Limit"); v != "" {
			t.Fatalf("API key got X-RateLimit-Limit %q", v)
		}
	})
}

// TestNodesShareState runs two servers over one database: what one node
// changes, the other sees, with no stale session cache.
func TestNodesShareState(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			db := e.New(t)
			key := "shared_admin_key_" + strings.Repeat("k", 20)
			// Both nodes cache projects as in production, for a second.
			a := startServer(t, e, options{database: db, adminKey: key, projectCache: project.CacheTTL})
			b := startServer(t, e, options{database: db, adminKey: key, projectCache: project.CacheTTL})
			ca := a.newProject(t)
			cb := b.client(t, ca.project)
			mail := email()
			ca.signUp(mail, "correct horse")
			_, cred := cb.signIn(mail, "correct horse") // signed up on A, signed in on B
			onA := a.client(t, ca.project).with("X-Appwrite-Session", cred)
			expect(t, onA.do("GET", "/account", nil), 200, "")
			expect(t, cb.do("DELETE", "/account/sessions/current", nil), 204, "")
			// Ended on B: refused on A at once.
			expect(t, onA.do("GET", "/account", nil), 401, "general_unauthorized_scope")

			// A settings change on A reaches B, whose cached view expires.
			expect(t, b.client(t, ca.project).do("POST", "/account/sessions/anonymous", nil), 201, "") // B caches the project
			ca.setAuth("anonymous", map[string]any{"status": false})
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				r := b.client(t, ca.project).do("POST", "/account/sessions/anonymous", nil)
				if r.status == 501 {
					expect(t, r, 501, "user_auth_method_unsupported")
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("B never saw A's change: %d %s", r.status, r.body)
				}
			}

			// Concurrent sign-ups of one email on both nodes: one wins.
			m2 := email()
			var wg sync.WaitGroup
			codes := make([]int, 8)
			for i := range codes {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					n := a
					if i%2 == 1 {
						n = b
					}
					codes[i] = n.client(t, ca.project).do("POST", "/account", map[string]any{"userId": "unique()", "email": m2, "password": "correct horse"}).status
				}(i)
			}
			wg.Wait()
			won := 0
			for _, code := range codes {
				switch code {
				case 201:
					won++
				case 409:
				default:
					t.Fatalf("status %d in %v", code, codes)
				}
			}
			if won != 1 {
				t.Fatalf("%d sign-ups won: %v", won, codes)
			}
		})
	}
}

func TestAdminKeyGenerated(t *testing.T) {
	e := testdb.Engines()[0]
	db := e.New(t)
	// No key configured: the first start makes one, later starts do not.
	first := startServerNoKey(t, e, db)
	if first.srv.AdminKey == "" {
		t.Fatal("no admin key generated")
	}
	second := startServerNoKey(t, e, db)
	if second.srv.AdminKey != "" {
		t.Fatal("admin key generated twice")
	}
	a := second.client(t, "console").with("X-Appwrite-Key", first.srv.AdminKey)
	expect(t, a.do("GET", "/projects", nil), 200, "")
	var body map[string]any
	json.Unmarshal(a.do("GET", "/projects", nil).body, &body)
	if body["total"] != float64(0) {
		t.Fatalf("projects %v", body)
	}
}

func startServerNoKey(t *testing.T, e testdb.Engine, db string) *server {
	s := startServer(t, e, options{database: db, adminKey: "-"})
	return s
}
