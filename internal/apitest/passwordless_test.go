package apitest

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
)

var (
	sixDigits = regexp.MustCompile(`\b(\d{6})\b`)
	aLink     = regexp.MustCompile(`https?://[^\s"<>]+`)
)

// mailTo waits for the next mail to addr.
func (s *server) mailTo(t *testing.T, addr string) smtptest.Message {
	t.Helper()
	return s.mail.WaitFor(t, addr, 20*time.Second)
}

func codeIn(t *testing.T, text string) string {
	t.Helper()
	m := sixDigits.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no code in %q", text)
	}
	return m[1]
}

func linkIn(t *testing.T, text string) *url.URL {
	t.Helper()
	m := aLink.FindString(text)
	if m == "" {
		t.Fatalf("no link in %q", text)
	}
	u, err := url.Parse(m)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestEmailCodeSignIn(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		r := c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail, "phrase": true})
		expect(t, r, 201, "")
		tok := r.obj(t)
		uid := tok["userId"].(string)
		if tok["secret"] != "" || tok["phrase"] == "" || tok["expire"] == "" {
			t.Fatalf("token %s", r.body)
		}
		m := s.mailTo(t, mail)
		if !strings.Contains(m.Text, tok["phrase"].(string)) || m.HTML == "" || m.Subject == "" {
			t.Fatalf("mail lacks the phrase or a part: %+v", m)
		}
		code := codeIn(t, m.Text)
		expect(t, c.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": "000000x"}), 401, "user_invalid_token")
		expect(t, c.do("POST", "/account/sessions/token", map[string]any{"userId": "someone", "secret": code}), 401, "user_invalid_token")
		ss := c.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": code})
		expect(t, ss, 201, "")
		if ss.str(t, "provider") != "token" || ss.obj(t)["factors"].([]any)[0] != "email" {
			t.Fatalf("session %s", ss.body)
		}
		u := c.do("GET", "/account", nil)
		if u.str(t, "email") != mail || u.obj(t)["emailVerification"] != true {
			t.Fatalf("code sign-in did not verify the email: %s", u.body)
		}
		// The code works once.
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": code}), 401, "user_invalid_token")
		// A known email keeps its user whatever id is sent.
		r2 := s.client(t, c.project).do("POST", "/account/tokens/email", map[string]any{"userId": "other", "email": mail})
		expect(t, r2, 201, "")
		if r2.str(t, "userId") != uid {
			t.Fatalf("known email got user %s", r2.str(t, "userId"))
		}
		s.mailTo(t, mail)
		// A server with a key sees the code.
		k := c.with("X-Appwrite-Key", c.key("sessions.write"))
		r3 := k.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail})
		if len(r3.str(t, "secret")) != 6 {
			t.Fatalf("key caller token %s", r3.body)
		}
		s.mailTo(t, mail)
		expect(t, c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": "nope"}), 400, "general_argument_invalid")
	})
}

func TestCodeGuessingIsCapped(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		r := c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail})
		expect(t, r, 201, "")
		uid := r.str(t, "userId")
		code := codeIn(t, s.mailTo(t, mail).Text)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 0; i < 10; i++ {
			expect(t, s.client(t, c.project).do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": wrong}), 401, "user_invalid_token")
		}
		// Ten wrong guesses withdrew the code: the right one no longer works.
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": code}), 401, "user_invalid_token")
	})
}

func TestMagicURL(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		expect(t, c.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": mail, "url": "https://evil.example.net/cb"}), 400, "general_argument_invalid")
		expect(t, c.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": mail, "url": "javascript:alert(1)"}), 400, "general_argument_invalid")
		expect(t, c.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": mail}), 400, "general_argument_invalid")
		r := c.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": mail, "url": "https://app.example.test/magic?from=mail"})
		expect(t, r, 201, "")
		link := linkIn(t, s.mailTo(t, mail).Text)
		q := link.Query()
		if link.Host != "app.example.test" || q.Get("from") != "mail" || q.Get("userId") != r.str(t, "userId") || len(q.Get("secret")) < 32 || q.Get("project") != c.project {
			t.Fatalf("link %s", link)
		}
		ss := c.do("PUT", "/account/sessions/magic-url", map[string]any{"userId": q.Get("userId"), "secret": q.Get("secret")})
		expect(t, ss, 201, "")
		if ss.str(t, "provider") != "magic-url" {
			t.Fatalf("session %s", ss.body)
		}
		if c.do("GET", "/account", nil).obj(t)["emailVerification"] != true {
			t.Fatal("magic link did not verify the email")
		}
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/token", map[string]any{"userId": q.Get("userId"), "secret": q.Get("secret")}), 401, "user_invalid_token")
		// The older path creates too.
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/magic-url", map[string]any{"userId": "unique()", "email": email(), "url": "https://app.example.test/m"}), 201, "")
	})
}

func TestPhoneCodes(t *testing.T) {
	eachEngineOneWorker(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		phone := "+1415" + strings.Repeat("5", 3) + time.Now().Format("0405")
		r := c.do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": phone})
		expect(t, r, 201, "")
		code := codeIn(t, s.texts.waitFor(t, phone))
		ss := c.do("PUT", "/account/sessions/phone", map[string]any{"userId": r.str(t, "userId"), "secret": code})
		expect(t, ss, 201, "")
		if ss.str(t, "provider") != "phone" || c.do("GET", "/account", nil).obj(t)["phoneVerification"] != true {
			t.Fatalf("phone session %s", ss.body)
		}
		// Mock numbers answer with their code and send nothing.
		c.setAuth("mock-numbers", map[string]any{"numbers": []map[string]string{{"phone": "+15555550199", "otp": "424242"}}})
		m := s.client(t, c.project)
		mr := m.do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": "+15555550199"})
		expect(t, mr, 201, "")
		expect(t, m.do("POST", "/account/sessions/token", map[string]any{"userId": mr.str(t, "userId"), "secret": "424242"}), 201, "")
		// A text queued after it arrives (one job worker: in order), so a
		// text to the mock number would have been sent by now.
		expect(t, c.do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": phone}), 201, "")
		s.texts.waitFor(t, phone)
		if s.texts.count("+15555550199") != 0 {
			t.Fatal("a mock number was texted")
		}
		expect(t, c.do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": "555"}), 400, "general_argument_invalid")
	})
}

func TestRecovery(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "forgotten pass")
		other := s.client(t, c.project)
		other.signIn(mail, "forgotten pass")
		expect(t, c.do("POST", "/account/recovery", map[string]any{"email": email(), "url": "https://app.example.test/reset"}), 404, "user_not_found")
		expect(t, c.do("POST", "/account/recovery", map[string]any{"email": mail, "url": "https://elsewhere.test/reset"}), 400, "general_argument_invalid")
		expect(t, c.do("POST", "/account/recovery", map[string]any{"email": mail, "url": "https://app.example.test/reset"}), 201, "")
		q := linkIn(t, s.mailTo(t, mail).Text).Query()
		uid, sec := q.Get("userId"), q.Get("secret")
		expect(t, c.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": "wrong", "password": "brand new one"}), 401, "user_invalid_token")
		expect(t, c.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": sec, "password": "short"}), 400, "general_argument_invalid")
		r := c.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": sec, "password": "brand new one"})
		expect(t, r, 200, "")
		if r.str(t, "secret") != "" {
			t.Fatal("recovery answer shows the secret")
		}
		expect(t, c.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": sec, "password": "again and again"}), 401, "user_invalid_token")
		// Old password dead, new one works and the email is verified; the
		// other device was signed out.
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "forgotten pass"}), 401, "user_invalid_credentials")
		n := s.client(t, c.project)
		n.signIn(mail, "brand new one")
		if n.do("GET", "/account", nil).obj(t)["emailVerification"] != true {
			t.Fatal("recovery did not verify the email")
		}
		expect(t, other.do("GET", "/account", nil), 401, "general_unauthorized_scope")
	})
}

func TestVerification(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		expect(t, s.client(t, c.project).do("POST", "/account/verifications/email", map[string]any{"url": "https://app.example.test/v"}), 401, "general_unauthorized_scope")
		expect(t, c.do("POST", "/account/verification", map[string]any{"url": "https://app.example.test/v"}), 201, "")
		q := linkIn(t, s.mailTo(t, mail).Text).Query()
		// The confirm route needs no session (a guest's wrong secret is
		// user_invalid_token), but only the session that asked for the
		// link keeps the account as it is (security_prehijack_test.go).
		guest := s.client(t, c.project)
		expect(t, guest.do("PUT", "/account/verifications/email", map[string]any{"userId": q.Get("userId"), "secret": q.Get("secret") + "0"}), 401, "user_invalid_token")
		expect(t, c.do("PUT", "/account/verifications/email", map[string]any{"userId": q.Get("userId"), "secret": q.Get("secret")}), 200, "")
		if c.do("GET", "/account", nil).obj(t)["emailVerification"] != true {
			t.Fatal("not verified")
		}
		expect(t, c.do("POST", "/account/verifications/email", map[string]any{"url": "https://app.example.test/v"}), 409, "user_email_already_verified")

		expect(t, c.do("POST", "/account/verifications/phone", nil), 400, "user_phone_not_found")
		phone := "+1650" + time.Now().Format("150405")
		expect(t, c.do("PATCH", "/account/phone", map[string]any{"phone": phone, "password": "correct horse"}), 200, "")
		expect(t, c.do("POST", "/account/verification/phone", nil), 201, "")
		code := codeIn(t, s.texts.waitFor(t, phone))
		uid := c.do("GET", "/account", nil).str(t, "$id")
		// A phone verification code is not a sign-in code.
		expect(t, guest.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": code}), 401, "user_invalid_token")
		expect(t, c.do("PUT", "/account/verifications/phone", map[string]any{"userId": uid, "secret": code}), 200, "")
		if c.do("GET", "/account", nil).obj(t)["phoneVerification"] != true {
			t.Fatal("phone not verified")
		}
	})
}

func TestSessionAlerts(t *testing.T) {
	eachEngineOneWorker(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		c.setAuth("session-alerts", map[string]any{"alerts": true})
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse") // the first session: no alert
		s.client(t, c.project).with("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36").signIn(mail, "correct horse")
		m := s.mailTo(t, mail)
		if !strings.Contains(m.Text, "Chrome") {
			t.Fatalf("alert mail %q", m.Text)
		}
		// With one job worker mails go out in the order they were queued:
		// an alert of the first session would have come before m.
		n := 0
		for _, x := range s.mail.Messages() {
			if x.Subject == m.Subject && strings.Contains(strings.Join(x.To, ","), mail) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d alerts, want 1: the first session was alerted too", n)
		}
	})
}

func TestMailOutageIsRetried(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{})
			c := s.newProject(t)
			s.mail.Refuse(smtptest.TempFail)
			mail := email()
			expect(t, c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail}), 201, "")
			deadline := time.Now().Add(10 * time.Second)
			for s.mail.Refused() == 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if s.mail.Refused() == 0 {
				t.Fatal("the server never tried to send")
			}
			s.mail.Recover()
			// The job retries with backoff and the mail arrives.
			codeIn(t, s.mailTo(t, mail).Text)
		})
	}
}
