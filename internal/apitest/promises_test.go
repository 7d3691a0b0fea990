package apitest

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// The tests of this file pin limits and behaviours the docs promise
// (docs/differences.md, docs/configuration.md) that no other test would
// notice breaking.

// TestResponseHeaders: every answer names the server and carries a
// request id; a sane id the client sent is kept, anything else replaced.
func TestResponseHeaders(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		for _, r := range []*resp{c.do("GET", "/account", nil), s.client(t, "").do("GET", "/health/version", nil)} {
			if r.header.Get("Server") != "Gatehouse" || len(r.header.Get("X-Request-Id")) < 8 {
				t.Fatalf("headers %v", r.header)
			}
		}
		if got := c.with("X-Request-Id", "trace-42").do("GET", "/account", nil).header.Get("X-Request-Id"); got != "trace-42" {
			t.Fatalf("request id %q not kept", got)
		}
		if got := c.with("X-Request-Id", strings.Repeat("x", 65)).do("GET", "/account", nil).header.Get("X-Request-Id"); len(got) > 64 {
			t.Fatalf("an overlong request id was echoed: %q", got)
		}
	})
}

// TestVerificationLinksLastSevenDays: the verification token, and the
// expire its mailed link carries, are seven days out (Appwrite: one hour).
func TestVerificationLinksLastSevenDays(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		r := c.do("POST", "/account/verifications/email", map[string]any{"url": "https://app.example.test/v"})
		expect(t, r, 201, "")
		want := time.Now().Add(7 * 24 * time.Hour)
		expire, err := time.Parse(time.RFC3339, r.str(t, "expire"))
		if err != nil || expire.Before(want.Add(-time.Minute)) || expire.After(want.Add(time.Minute)) {
			t.Fatalf("expire %q, want about %v (%v)", r.str(t, "expire"), want, err)
		}
		if linked := linkIn(t, s.mailTo(t, mail).Text).Query().Get("expire"); linked != r.str(t, "expire") {
			t.Fatalf("the link's expire %q differs from the token's %q", linked, r.str(t, "expire"))
		}
	})
}

// TestMFAChallengeEndsAfterFiveWrongAnswers: a challenge is dead after
// five wrong answers, even for the right code after them.
func TestMFAChallengeEndsAfterFiveWrongAnswers(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		e := c.do("POST", "/account/mfa/authenticators/totp", nil)
		expect(t, e, 200, "")
		secret := e.str(t, "secret")
		expect(t, c.do("PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": totpCode(t, secret, time.Now())}), 200, "")
		// Five wrong answers, then the next step's code (never used):
		// refused. Then four wrong answers on a new challenge and the same
		// code: accepted, so it was good, and four leave a challenge alive.
		next := totpCode(t, secret, time.Now().Add(30*time.Second))
		for _, tries := range []int{5, 4} {
			ch := c.do("POST", "/account/mfa/challenges", map[string]any{"factor": "totp"})
			expect(t, ch, 200, "")
			id := ch.str(t, "$id")
			for i := 0; i < tries; i++ {
				expect(t, c.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": id, "otp": "000000"}), 401, "user_invalid_token")
			}
			r := c.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": id, "otp": next})
			if tries == 5 {
				expect(t, r, 401, "user_invalid_token")
			} else {
				expect(t, r, 200, "")
			}
		}
	})
}

// TestMetricsListener: with GATEHOUSE_METRICS_ADDR the metrics named in
// docs/configuration.md are served on their own listener, never on the
// API's.
func TestMetricsListener(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{metrics: true})
			expect(t, s.newProject(t).do("GET", "/account", nil), 401, "general_unauthorized_scope")
			res, err := http.Get("http://" + s.srv.MetricsAddr + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			for _, name := range []string{"gatehouse_http_requests_total", "gatehouse_http_request_duration_seconds",
				"gatehouse_password_hash_queue", "go_goroutines", "process_resident_memory_bytes"} {
				if !strings.Contains(string(body), "\n"+name) {
					t.Errorf("metric %s missing", name)
				}
			}
			if !strings.Contains(string(body), `status="401"`) {
				t.Errorf("the 401 was not counted:\n%s", body)
			}
			if r := s.client(t, "").do("GET", "/../metrics", nil); r.status == 200 && strings.Contains(string(r.body), "go_goroutines") {
				t.Fatal("metrics are served on the API listener")
			}
		})
	}
}

// TestFailedJobIsRetried: a mail the SMTP server refuses for good fails
// its job; the operator sees it failed, retries it once the server
// accepts again, and the mail goes out.
func TestFailedJobIsRetried(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{})
			c := s.newProject(t)
			a := s.admin(t)
			s.mail.Refuse(smtptest.RejectRecipient)
			mail := email()
			expect(t, c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail}), 201, "")
			var id string
			deadline := time.Now().Add(30 * time.Second)
			for id == "" {
				l := a.do("GET", "/gatehouse/jobs?state=failed", nil)
				expect(t, l, 200, "")
				for _, j := range l.obj(t)["jobs"].([]any) {
					id = j.(map[string]any)["$id"].(string)
				}
				if id == "" && time.Now().After(deadline) {
					t.Fatal("the refused mail's job never failed")
				}
				time.Sleep(50 * time.Millisecond)
			}
			s.mail.Recover()
			expect(t, c.do("POST", "/gatehouse/jobs/"+id+"/retry", nil), 401, "general_unauthorized_scope")
			expect(t, a.do("POST", "/gatehouse/jobs/"+id+"/retry", nil), 204, "")
			codeIn(t, s.mailTo(t, mail).Text)
			// Only a failed job can be retried.
			for {
				r := a.do("POST", "/gatehouse/jobs/"+id+"/retry", nil)
				if r.status == 404 {
					break
				}
				if time.Now().After(deadline.Add(30 * time.Second)) {
					t.Fatalf("a delivered job could still be retried: %d %s", r.status, r.body)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
