package apitest

import (
	"strings"
	"testing"
	"time"
)

func TestSignUpAndGet(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		r := c.do("POST", "/account", map[string]any{"userId": "unique()", "email": strings.ToUpper(mail), "password": "correct horse", "name": "Ann"})
		expect(t, r, 201, "")
		u := r.obj(t)
		if u["email"] != mail || u["name"] != "Ann" || u["status"] != true || u["emailVerification"] != false {
			t.Fatalf("user %v", u)
		}
		if _, ok := u["password"]; ok {
			t.Fatal("account model carries the password hash")
		}
		if len(u["$id"].(string)) != 20 || u["passwordUpdate"] == "" || u["registration"] == "" {
			t.Fatalf("ids and dates: %v", u)
		}
		if p, ok := u["prefs"].(map[string]any); !ok || len(p) != 0 {
			t.Fatalf("prefs %v", u["prefs"])
		}
		targets := u["targets"].([]any)
		if len(targets) != 1 || targets[0].(map[string]any)["identifier"] != mail {
			t.Fatalf("targets %v", targets)
		}
		// Sign-up does not sign in.
		expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope")

		c.signIn(mail, "correct horse")
		r = c.do("GET", "/account", nil)
		expect(t, r, 200, "")
		if r.str(t, "email") != mail {
			t.Fatalf("get %s", r.body)
		}
	})
}

func TestSignUpErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.do("POST", "/account", map[string]any{"userId": "taken", "email": mail, "password": "correct horse"})
		for _, tc := range []struct {
			name   string
			body   any
			status int
			typ    string
		}{
			{"duplicate email", map[string]any{"userId": "unique()", "email": mail, "password": "correct horse"}, 409, "user_already_exists"},
			{"duplicate email other case", map[string]any{"userId": "unique()", "email": strings.ToUpper(mail), "password": "correct horse"}, 409, "user_already_exists"},
			{"duplicate id", map[string]any{"userId": "taken", "email": email(), "password": "correct horse"}, 409, "user_already_exists"},
			{"missing userId", map[string]any{"email": email(), "password": "correct horse"}, 400, "general_argument_invalid"},
			{"bad userId", map[string]any{"userId": "_bad", "email": email(), "password": "correct horse"}, 400, "general_argument_invalid"},
			{"long userId", map[string]any{"userId": strings.Repeat("a", 37), "email": email(), "password": "correct horse"}, 400, "general_argument_invalid"},
			{"bad email", map[string]any{"userId": "unique()", "email": "not-an-email", "password": "correct horse"}, 400, "general_argument_invalid"},
			{"short password", map[string]any{"userId": "unique()", "email": email(), "password": "short"}, 400, "general_argument_invalid"},
			{"long password", map[string]any{"userId": "unique()", "email": email(), "password": strings.Repeat("x", 257)}, 400, "general_argument_invalid"},
			{"empty name", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse", "name": ""}, 400, "general_argument_invalid"},
			{"long name", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse", "name": strings.Repeat("n", 129)}, 400, "general_argument_invalid"},
			{"wrong type", map[string]any{"userId": 5, "email": email(), "password": "correct horse"}, 400, "general_argument_invalid"},
			{"malformed json", `{"userId":`, 400, "general_argument_invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				expect(t, c.do("POST", "/account", tc.body), tc.status, tc.typ)
			})
		}
		if r := c.do("POST", "/account", map[string]any{"email": email(), "password": "correct horse"}); !strings.Contains(r.str(t, "message"), `Param "userId" is not optional.`) {
			t.Fatalf("missing param message: %s", r.body)
		}
		huge := `{"userId":"unique()","email":"a@b.c","password":"correct horse","name":"` + strings.Repeat("x", 2<<20) + `"}`
		expect(t, c.do("POST", "/account", huge), 400, "general_argument_invalid")
	})
}

func TestProjectAuthRules(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		t.Run("users limit", func(t *testing.T) {
			c := s.newProject(t)
			c.setAuth("limit", map[string]any{"limit": 1})
			c.signUp(email(), "correct horse")
			expect(t, c.do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse"}), 501, "user_count_exceeded")
			expect(t, c.do("POST", "/account/sessions/anonymous", nil), 501, "user_count_exceeded")
		})
		t.Run("method off", func(t *testing.T) {
			c := s.newProject(t)
			mail := email()
			c.signUp(mail, "correct horse")
			c.setAuth("email-password", map[string]any{"status": false})
			c.setAuth("anonymous", map[string]any{"status": false})
			expect(t, c.do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse"}), 501, "user_auth_method_unsupported")
			expect(t, c.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 501, "user_auth_method_unsupported")
			r := c.do("POST", "/account/sessions/anonymous", nil)
			expect(t, r, 501, "user_auth_method_unsupported")
			// Appwrite's message names the method.
			if m := r.str(t, "message"); m != "Anonymous authentication is disabled for this project" {
				t.Errorf("anonymous off: message %q", m)
			}
			r = c.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
			if m := r.str(t, "message"); m != "Email / Password authentication is disabled for this project" {
				t.Errorf("email-password off: message %q", m)
			}
			for path, want := range map[string]string{
				"phone":     "Phone authentication is disabled for this project",
				"magic-url": "Magic URL authentication is disabled for this project",
				"email-otp": "Email OTP authentication is disabled for this project",
			} {
				c.setAuth(path, map[string]any{"status": false})
				var r *resp
				switch path {
				case "phone":
					r = c.do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": "+15550100"})
				case "magic-url":
					r = c.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": email(), "url": "http://app.example.test/done"})
				default:
					r = c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": email()})
				}
				expect(t, r, 501, "user_auth_method_unsupported")
				if m := r.str(t, "message"); m != want {
					t.Errorf("%s off: message %q", path, m)
				}
			}
			// An API key bypasses the method switch.
			k := c.with("X-Appwrite-Key", c.key("sessions.write"))
			expect(t, k.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 201, "")
		})
		t.Run("password dictionary", func(t *testing.T) {
			c := s.newProject(t)
			c.setAuth("password-dictionary", map[string]any{"enabled": true})
			expect(t, c.do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "password123"}), 400, "general_argument_invalid")
			c.signUp(email(), "an unusual phrase")
		})
		t.Run("personal data", func(t *testing.T) {
			c := s.newProject(t)
			c.setAuth("personal-data", map[string]any{"enabled": true})
			expect(t, c.do("POST", "/account", map[string]any{"userId": "unique()", "email": "maria.lopez@example.test", "password": "xxmaria.lopezxx"}), 400, "password_personal_data")
			expect(t, c.do("POST", "/account", map[string]any{"userId": "myuserid", "email": email(), "password": "abcMyUserId123"}), 400, "password_personal_data")
		})
		t.Run("password history", func(t *testing.T) {
			c := s.newProject(t)
			c.setAuth("password-history", map[string]any{"limit": 2})
			mail := email()
			c.signUp(mail, "first password")
			c.signIn(mail, "first password")
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "first password", "oldPassword": "first password"}), 400, "password_recently_used")
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "second password", "oldPassword": "first password"}), 200, "")
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "first password", "oldPassword": "second password"}), 400, "password_recently_used")
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "third password", "oldPassword": "second password"}), 200, "")
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "fourth password", "oldPassword": "third password"}), 200, "")
			// Only the last two are remembered.
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "first password", "oldPassword": "fourth password"}), 200, "")
		})
	})
}

func TestProfileUpdates(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")

		r := c.do("PATCH", "/account/name", map[string]any{"name": "Ann Lee"})
		expect(t, r, 200, "")
		if r.str(t, "name") != "Ann Lee" {
			t.Fatalf("name %s", r.body)
		}
		expect(t, c.do("PATCH", "/account/name", map[string]any{"name": ""}), 400, "general_argument_invalid")
		expect(t, c.do("PATCH", "/account/name", map[string]any{}), 400, "general_argument_invalid")

		t.Run("prefs", func(t *testing.T) {
			r := c.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"theme": "dark", "n": 3, "nested": map[string]any{}}})
			expect(t, r, 200, "")
			r = c.do("GET", "/account/prefs", nil)
			expect(t, r, 200, "")
			if p := r.obj(t); p["theme"] != "dark" || p["n"] != float64(3) {
				t.Fatalf("prefs %s", r.body)
			}
			expect(t, c.do("PATCH", "/account/prefs", map[string]any{"prefs": []any{1, 2}}), 400, "general_argument_invalid")
			expect(t, c.do("PATCH", "/account/prefs", map[string]any{"prefs": "x"}), 400, "general_argument_invalid")
			expect(t, c.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"big": strings.Repeat("x", 65536)}}), 400, "general_argument_invalid")
			// The failed writes changed nothing.
			if p := c.do("GET", "/account/prefs", nil).obj(t); p["theme"] != "dark" {
				t.Fatalf("prefs lost: %v", p)
			}
		})

		t.Run("email", func(t *testing.T) {
			other := email()
			c.signUp(other, "correct horse") // taken by another user
			expect(t, c.do("PATCH", "/account/email", map[string]any{"email": other, "password": "correct horse"}), 409, "user_target_already_exists")
			expect(t, c.do("PATCH", "/account/email", map[string]any{"email": mail, "password": "correct horse"}), 409, "user_target_already_exists")
			expect(t, c.do("PATCH", "/account/email", map[string]any{"email": email(), "password": "wrong password"}), 401, "user_invalid_credentials")
			expect(t, c.do("PATCH", "/account/email", map[string]any{"email": "bad", "password": "correct horse"}), 400, "general_argument_invalid")
			next := email()
			r := c.do("PATCH", "/account/email", map[string]any{"email": next, "password": "correct horse"})
			expect(t, r, 200, "")
			if r.str(t, "email") != next || r.obj(t)["emailVerification"] != false {
				t.Fatalf("email %s", r.body)
			}
			mail = next
		})

		t.Run("phone", func(t *testing.T) {
			expect(t, c.do("PATCH", "/account/phone", map[string]any{"phone": "12345", "password": "correct horse"}), 400, "general_argument_invalid")
			expect(t, c.do("PATCH", "/account/phone", map[string]any{"phone": "+14155550100", "password": "nope nope"}), 401, "user_invalid_credentials")
			r := c.do("PATCH", "/account/phone", map[string]any{"phone": "+14155550100", "password": "correct horse"})
			expect(t, r, 200, "")
			if r.str(t, "phone") != "+14155550100" {
				t.Fatalf("phone %s", r.body)
			}
			o := s.client(t, c.project)
			om := email()
			o.signUp(om, "correct horse")
			o.signIn(om, "correct horse")
			expect(t, o.do("PATCH", "/account/phone", map[string]any{"phone": "+14155550100", "password": "correct horse"}), 409, "user_target_already_exists")
		})

		t.Run("password", func(t *testing.T) {
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "new password"}), 401, "user_invalid_credentials")
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "new password", "oldPassword": "wrong password"}), 401, "user_invalid_credentials")
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "short", "oldPassword": "correct horse"}), 400, "general_argument_invalid")
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "new password", "oldPassword": "correct horse"}), 200, "")
			fresh := s.client(t, c.project)
			expect(t, fresh.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 401, "user_invalid_credentials")
			fresh.signIn(mail, "new password")
		})
	})
}

func TestAnonymousConversion(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		r := c.do("POST", "/account/sessions/anonymous", nil)
		expect(t, r, 201, "")
		if r.str(t, "provider") != "anonymous" || r.obj(t)["factors"].([]any)[0] != "anonymous" {
			t.Fatalf("anonymous session %s", r.body)
		}
		u := c.do("GET", "/account", nil)
		expect(t, u, 200, "")
		if u.str(t, "email") != "" || u.str(t, "passwordUpdate") != "" {
			t.Fatalf("anonymous user %s", u.body)
		}
		expect(t, c.do("POST", "/account/sessions/anonymous", nil), 401, "user_session_already_exists")
		mail := email()
		// No password yet: the one given with the email becomes it.
		expect(t, c.do("PATCH", "/account/email", map[string]any{"email": mail, "password": "chosen password"}), 200, "")
		expect(t, c.do("DELETE", "/account/sessions/current", nil), 204, "")
		c2 := s.client(t, c.project)
		c2.signIn(mail, "chosen password")
		if got := c2.do("GET", "/account", nil).str(t, "$id"); got != u.str(t, "$id") {
			t.Fatalf("converted user %s, want %s", got, u.str(t, "$id"))
		}
	})
}

func TestBlockAndDelete(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		_, cred := c.signIn(mail, "correct horse")
		r := c.do("PATCH", "/account/status", nil)
		expect(t, r, 200, "")
		if r.obj(t)["status"] != false || r.header.Get("X-Fallback-Cookies") != "[]" {
			t.Fatalf("block: %s %v", r.body, r.header)
		}
		if len(r.cookies) != 2 || r.cookies[1].Name != "a_session_"+c.project || r.cookies[1].Value != "deleted" || r.cookies[1].Expires.After(time.Now()) {
			t.Fatalf("block: cookies %v", r.header["Set-Cookie"])
		}
		// The old credential now answers user_blocked; sign-in too.
		expect(t, s.client(t, c.project).with("X-Appwrite-Session", cred).do("GET", "/account", nil), 403, "user_blocked")
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 403, "user_blocked")

		d := s.newProject(t)
		m2 := email()
		d.signUp(m2, "correct horse")
		d.signIn(m2, "correct horse")
		expect(t, d.do("DELETE", "/account", nil), 204, "")
		expect(t, d.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		// The email is free again once the background clean-up has run.
		deadline := time.Now().Add(20 * time.Second)
		for {
			r := d.do("POST", "/account", map[string]any{"userId": "unique()", "email": m2, "password": "correct horse"})
			if r.status == 201 {
				break
			}
			expect(t, r, 409, "user_already_exists")
			if time.Now().After(deadline) {
				t.Fatal("the deleted user's email was never freed")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
