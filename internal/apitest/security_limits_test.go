package apitest

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

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
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
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

// redisLike starts a loopback listener that greets and answers like a
// Redis server refusing SMTP, naming an address of its network, and
// returns its port.
func redisLike(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write([]byte("-ERR unknown command 'EHLO', with args beginning with: 10.20.30.40\r\n"))
				buf := make([]byte, 512)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
					c.Write([]byte("-ERR wrong number of arguments, client 10.20.30.40:6379\r\n"))
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestSMTPTestIsNoPortScanner: the SMTP test of a project tells what
// failed in SMTP terms only. Before, it echoed what the far end said (a
// Redis banner, an internal address), so an admin key mapped the
// server's network; now a closed port and a port where something else
// listens read the same, with no text from the far end and no address.
// (Both also answer at one fixed moment: see outbox's
// TestFailedTestsAnswerAtOneTime.)
func TestSMTPTestIsNoPortScanner(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		a := s.admin(t)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		open := redisLike(t)
		test := func(port int) string {
			t.Helper()
			r := a.do("POST", "/projects/"+c.project+"/smtp/tests", map[string]any{"emails": []string{"ops@example.test"},
				"host": "127.0.0.1", "port": port, "senderEmail": "shop@example.test"})
			expect(t, r, 400, "general_argument_invalid")
			return r.str(t, "message")
		}
		mc, mo := test(closed), test(open)
		if mc != mo {
			t.Fatalf("a closed port and a Redis port read differently:\n%s\n%s", mc, mo)
		}
		for _, leak := range []string{"ERR", "EHLO", "10.20.30.40", "127.0.0.1", strconv.Itoa(open), strconv.Itoa(closed)} {
			if strings.Contains(mo, leak) {
				t.Fatalf("the answer holds %q: %s", leak, mo)
			}
		}
		if !strings.Contains(mo, "could not connect to an SMTP server") {
			t.Fatalf("answer %s", mo)
		}
	})
}

// TestSMTPSenderFieldsRefuseControls: a sender name (or any field that
// lands in a header or an SMTP command) with CR/LF or another control
// character is refused when set; before, it was stored and then every
// mail of the project failed.
func TestSMTPSenderFieldsRefuseControls(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		a := s.admin(t)
		base := "/projects/" + c.project
		good := map[string]any{"enabled": true, "host": "127.0.0.1", "port": 2525, "senderEmail": "shop@example.test", "senderName": "Shop"}
		expect(t, a.do("PATCH", base+"/smtp", good), 200, "")
		for _, bad := range []map[string]any{
			{"senderName": "Shop\r\nBcc: all@example.test"},
			{"senderName": "Shop\nTeam"},
			{"senderName": "Shop\x00"},
			{"senderEmail": "shop@example.test\r\nBcc: all@example.test"},
			{"replyTo": "help@example.test\r\n"},
			{"username": "shop\r\nRSET"},
		} {
			expect(t, a.do("PATCH", base+"/smtp", bad), 400, "general_argument_invalid")
			test := map[string]any{"emails": []string{"ops@example.test"}}
			for k, v := range bad {
				test[k] = v
			}
			expect(t, a.do("POST", base+"/smtp/tests", test), 400, "general_argument_invalid")
		}
		p := a.do("GET", base, nil)
		expect(t, p, 200, "")
		if p.str(t, "smtpSenderName") != "Shop" || p.str(t, "smtpSenderEmail") != "shop@example.test" {
			t.Fatalf("settings changed by refused requests: %s", p.body)
		}
		// A template's sender name lands in the same header.
		expect(t, a.do("PATCH", base+"/templates/email/otpSession/en", map[string]any{"subject": "Code", "message": "{{otp}}",
			"senderName": "Shop\r\nBcc: all@example.test"}), 400, "general_argument_invalid")
	})
}

// TestMailJobErrorsHideTheFarEnd: a project's mail that fails shows in
// the jobs API by its SMTP step only, not by what answered at the
// project's SMTP host (the same scanner, one step removed).
func TestMailJobErrorsHideTheFarEnd(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{})
			c := s.newProject(t)
			a := s.admin(t)
			expect(t, a.do("PATCH", "/projects/"+c.project+"/smtp", map[string]any{"enabled": true, "host": "127.0.0.1", "port": redisLike(t),
				"senderEmail": "shop@example.test"}), 200, "")
			expect(t, c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": email()}), 201, "")
			var last string
			for deadline := time.Now().Add(20 * time.Second); last == "" && time.Now().Before(deadline); {
				time.Sleep(200 * time.Millisecond)
				for _, j := range a.do("GET", "/gatehouse/jobs", nil).obj(t)["jobs"].([]any) {
					if j := j.(map[string]any); j["kind"] == "messages.send" && j["lastError"] != "" {
						last = j["lastError"].(string)
					}
				}
			}
			if last != "smtp: could not connect to an SMTP server at the configured host and port." {
				t.Fatalf("the job's last error: %q", last)
			}
		})
	}
}
