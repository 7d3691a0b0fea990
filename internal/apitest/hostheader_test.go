package apitest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// withHost sends one JSON request with a Host header of the sender's
// choosing, which Go's client only takes from Request.Host.
func withHost(t *testing.T, s *server, project, host, method, path, body string) *resp {
	t.Helper()
	req, err := http.NewRequest(method, s.base+"/v1"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Appwrite-Project", project)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &resp{status: res.StatusCode, header: res.Header, body: b}
}

// TestRedirectIgnoresHost: a redirect URL on the host a request claims to
// be for is not thereby allowed; a magic link (with its secret) must not
// lead to a host of the sender's choosing.
func TestRedirectIgnoresHost(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		body := `{"userId":"unique()","email":"` + email() + `","url":"https://evil.example.net/cb"}`
		expect(t, withHost(t, s, c.project, "evil.example.net", "POST", "/account/tokens/magic-url", body), 400, "general_argument_invalid")
	})
}

// TestRateLimitIgnoresHost: varying the Host header gives no fresh counter.
func TestRateLimitIgnoresHost(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{rateLimits: true})
			c := s.newProject(t)
			mail := email()
			c.signUp(mail, "correct horse")
			body := `{"email":"` + mail + `","password":"wrong horse"}`
			for i := 0; i < 10; i++ {
				expect(t, withHost(t, s, c.project, "h"+strings.Repeat("x", i)+".example", "POST", "/account/sessions/email", body), 401, "user_invalid_credentials")
			}
			expect(t, withHost(t, s, c.project, "another.example", "POST", "/account/sessions/email", body), 429, "general_rate_limit_exceeded")
		})
	}
}

// TestForwardedForNeedsATrustedProxy: X-Forwarded-For names the client
// only when the peer that sent it is a trusted proxy.
func TestForwardedForNeedsATrustedProxy(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			for _, tc := range []struct {
				noProxies bool
				want      string
			}{{false, "198.51.100.7"}, {true, "127.0.0.1"}} {
				s := startServer(t, e, options{noProxies: tc.noProxies})
				c := s.newProject(t).with("X-Forwarded-For", "198.51.100.7")
				expect(t, c.do("POST", "/account/sessions/anonymous", nil), 201, "")
				if ip := c.do("GET", "/account/sessions/current", nil).str(t, "ip"); ip != tc.want {
					t.Fatalf("no proxies %v: session ip %s, want %s", tc.noProxies, ip, tc.want)
				}
			}
		})
	}
}
