package apitest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
)

// projectAPI is a client of c's project holding an API key with scopes.
func projectAPI(t *testing.T, c *client, scopes ...string) *client {
	return c.with("X-Appwrite-Key", c.key(scopes...))
}

func TestProjectSettingsAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectAPI(t, c, "project.policies.read", "mocks.read")
		expect(t, k.do("GET", "/project/policies", nil), 200, "")
		// The deprecated alias scope is enough too.
		expect(t, projectAPI(t, c, "policies.read").do("GET", "/project/policies", nil), 200, "")
		// Wrong scope, guest and user session: general_unauthorized_scope.
		expect(t, k.do("PATCH", "/project/policies/password-dictionary", map[string]any{"enabled": true}), 401, "general_unauthorized_scope")
		expect(t, k.do("GET", "/project/oauth2", nil), 401, "general_unauthorized_scope")
		expect(t, s.client(t, c.project).do("GET", "/project/policies", nil), 401, "general_unauthorized_scope")
		u := s.client(t, c.project).with("Origin", "http://app.example.test")
		u.signUp(email(), "password123")
		expect(t, u.do("GET", "/project/mock-phones", nil), 401, "general_unauthorized_scope")
		// The console project, an unknown project, another project's key.
		console := s.client(t, "console").with("X-Appwrite-Key", s.adminKey)
		expect(t, console.do("GET", "/project/policies", nil), 401, "general_access_forbidden")
		expect(t, s.client(t, "nosuchproject").do("GET", "/project/policies", nil), 404, "project_not_found")
		other := s.newProject(t)
		foreign := k.headers["X-Appwrite-Key"]
		expect(t, other.with("X-Appwrite-Key", foreign).do("GET", "/project/policies", nil), 401, "user_unauthorized")
	})
}

func TestProjectSettingsPolicies(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectAPI(t, c, "project.policies.read", "project.policies.write")
		l := k.do("GET", "/project/policies", nil)
		expect(t, l, 200, "")
		var list struct {
			Total    int              `json:"total"`
			Policies []map[string]any `json:"policies"`
		}
		if err := json.Unmarshal(l.body, &list); err != nil || list.Total != 14 || len(list.Policies) != 14 {
			t.Fatalf("policies %s", l.body)
		}
		if p := list.Policies[7]; p["$id"] != "session-limit" || p["total"] != float64(10) {
			t.Fatalf("session-limit %v", p)
		}
		if p := list.Policies[6]; p["$id"] != "session-invalidation" || p["enabled"] != true {
			t.Fatalf("session-invalidation %v", p)
		}
		page := k.do("GET", "/project/policies?queries[]="+`{"method":"limit","values":[2]}`+"&queries[]="+`{"method":"offset","values":[1]}`+"&total=false", nil)
		expect(t, page, 200, "")
		if err := json.Unmarshal(page.body, &list); err != nil || list.Total != 0 || len(list.Policies) != 2 || list.Policies[0]["$id"] != "password-history" {
			t.Fatalf("page %s", page.body)
		}
		expect(t, k.do("GET", "/project/policies?queries[]="+`{"method":"equal","attribute":"x","values":["y"]}`, nil), 400, "general_argument_invalid")
		expect(t, k.do("GET", "/project/policies/nope", nil), 400, "general_argument_invalid")

		// Boolean policies, including the email policies.
		for id, field := range map[string]string{"password-dictionary": "authPasswordDictionary", "password-personal-data": "authPersonalDataCheck",
			"session-alert": "authSessionAlerts", "deny-free-email": ""} {
			// Format 1.9.4's flat Project model shows the policies.
			r := k.with("X-Appwrite-Response-Format", "1.9.4").do("PATCH", "/project/policies/"+id, map[string]any{"enabled": true})
			expect(t, r, 200, "")
			if r.str(t, "$id") != c.project || field != "" && r.obj(t)[field] != true {
				t.Fatalf("%s: %s", id, r.body)
			}
			if g := k.do("GET", "/project/policies/"+id, nil); g.obj(t)["enabled"] != true {
				t.Fatalf("%s read back %s", id, g.body)
			}
		}
		expect(t, k.do("PATCH", "/project/policies/deny-free-email", map[string]any{}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/policies/deny-free-email", map[string]any{"enabled": "yes"}), 400, "general_argument_invalid")

		// Number policies and their ranges.
		expect(t, k.do("PATCH", "/project/policies/session-limit", map[string]any{"total": 0}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/policies/session-limit", map[string]any{"total": 101}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/policies/session-limit", map[string]any{"total": 5}), 200, "")
		expect(t, k.do("PATCH", "/project/policies/password-history", map[string]any{"total": 21}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/policies/password-history", map[string]any{"total": 3}), 200, "")
		r := k.do("PATCH", "/project/policies/password-history", map[string]any{"total": nil})
		expect(t, r, 200, "")
		if g := k.do("GET", "/project/policies/password-history", nil); g.obj(t)["total"] != float64(0) {
			t.Fatalf("null history %s", r.body)
		}
		expect(t, k.do("PATCH", "/project/policies/user-limit", map[string]any{"total": 10001}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/policies/user-limit", map[string]any{"total": 1}), 200, "")
		expect(t, k.do("PATCH", "/project/policies/session-duration", map[string]any{"duration": 59}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/policies/session-duration", map[string]any{"duration": 3600}), 200, "")
		if g := k.do("GET", "/project/policies/session-duration", nil); g.obj(t)["duration"] != float64(3600) {
			t.Fatalf("duration %s", g.body)
		}
		// The user limit holds: one user, then user_count_exceeded.
		c.with("Origin", "http://app.example.test").signUp(email(), "a long Pass word 1!")
		expect(t, c.with("Origin", "http://app.example.test").do("POST", "/account", map[string]any{"userId": "unique()",
			"email": email(), "password": "a long Pass word 1!"}), 501, "user_count_exceeded")
		// Old formats sent limit for total.
		old := k.with("X-Appwrite-Response-Format", "1.8.0")
		expect(t, old.do("PATCH", "/project/policies/session-limit", map[string]any{"limit": 7}), 200, "")
		if g := k.do("GET", "/project/policies/session-limit", nil); g.obj(t)["total"] != float64(7) {
			t.Fatalf("old limit %s", g.body)
		}

		// Password strength: a partial update returning its own model.
		ps := k.do("PATCH", "/project/policies/password-strength", map[string]any{"min": 12, "symbols": true})
		expect(t, ps, 200, "")
		if m := ps.obj(t); m["$id"] != "password-strength" || m["min"] != float64(12) || m["symbols"] != true || m["uppercase"] != false {
			t.Fatalf("strength %s", ps.body)
		}
		ps = k.do("PATCH", "/project/policies/password-strength", map[string]any{"uppercase": true})
		if m := ps.obj(t); m["min"] != float64(12) || m["uppercase"] != true || m["symbols"] != true {
			t.Fatalf("strength partial %s", ps.body)
		}
		expect(t, k.do("PATCH", "/project/policies/password-strength", map[string]any{"min": 7}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/policies/password-strength", map[string]any{"min": 257}), 400, "general_argument_invalid")

		// Membership privacy, and the console alias sharing it.
		mp := k.do("PATCH", "/project/policies/membership-privacy", map[string]any{"userId": true, "userMFA": true})
		expect(t, mp, 200, "")
		g := k.do("GET", "/project/policies/membership-privacy", nil).obj(t)
		if g["userId"] != true || g["userMFA"] != true || g["userEmail"] != false || g["userAccessedAt"] != false {
			t.Fatalf("membership privacy %v", g)
		}
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/auth/max-sessions", map[string]any{"limit": 4}), 200, "")
		if g := k.do("GET", "/project/policies/session-limit", nil); g.obj(t)["total"] != float64(4) {
			t.Fatalf("console alias %s", g.body)
		}
	})
}

func TestProjectSettingsMockPhones(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectAPI(t, c, "mocks.read", "mocks.write")
		r := k.do("POST", "/project/mock-phones", map[string]any{"number": "+15555550111", "otp": "123456"})
		expect(t, r, 201, "")
		if m := r.obj(t); m["number"] != "+15555550111" || m["otp"] != "123456" || m["$createdAt"] == "" {
			t.Fatalf("mock %s", r.body)
		}
		expect(t, k.do("POST", "/project/mock-phones", map[string]any{"number": "+15555550111", "otp": "654321"}), 409, "mock_number_already_exists")
		for _, bad := range []map[string]any{{"number": "555", "otp": "123456"}, {"number": "+15555550112", "otp": "12345"},
			{"number": "+15555550112", "otp": "12345a"}, {"number": "+15555550112"}} {
			expect(t, k.do("POST", "/project/mock-phones", bad), 400, "general_argument_invalid")
		}
		expect(t, k.do("GET", "/project/mock-phones/+15555550199", nil), 404, "mock_number_not_found")
		expect(t, k.do("GET", "/project/mock-phones/abc", nil), 400, "general_argument_invalid")
		u := k.do("PUT", "/project/mock-phones/%2B15555550111", map[string]any{"otp": "777777"})
		expect(t, u, 200, "")
		if u.obj(t)["otp"] != "777777" {
			t.Fatalf("update %s", u.body)
		}
		// Older formats get {phone, otp}.
		old := k.with("X-Appwrite-Response-Format", "1.8.0").do("GET", "/project/mock-phones/15555550111", nil)
		if m := old.obj(t); m["phone"] != "+15555550111" || m["number"] != nil || m["$createdAt"] != nil {
			t.Fatalf("old shape %s", old.body)
		}
		l := k.do("GET", "/project/mock-phones", nil)
		if m := l.obj(t); m["total"] != float64(1) || len(m["mockNumbers"].([]any)) != 1 {
			t.Fatalf("list %s", l.body)
		}
		// Signing in with the mock number sends nothing and takes its code.
		g := s.client(t, c.project)
		tok := g.do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": "+15555550111"})
		expect(t, tok, 201, "")
		expect(t, g.do("POST", "/account/sessions/token", map[string]any{"userId": tok.str(t, "userId"), "secret": "777777"}), 201, "")
		expect(t, k.do("DELETE", "/project/mock-phones/+15555550111", nil), 204, "")
		expect(t, k.do("DELETE", "/project/mock-phones/+15555550111", nil), 404, "mock_number_not_found")
		// The limit.
		for i := range maxMocksForTest {
			expect(t, k.do("POST", "/project/mock-phones", map[string]any{"number": fmt.Sprintf("+1555%07d", i), "otp": "123456"}), 201, "")
		}
		expect(t, k.do("POST", "/project/mock-phones", map[string]any{"number": "+15559999999", "otp": "123456"}), 400, "mock_number_limit_exceeded")
		// The console's whole-list update keeps working and obeys the rules.
		a := s.admin(t)
		expect(t, a.do("PATCH", "/projects/"+c.project+"/auth/mock-numbers", map[string]any{"numbers": []map[string]string{
			{"phone": "+15555550100", "otp": "123456"}, {"phone": "+15555550100", "otp": "123456"}}}), 409, "mock_number_already_exists")
		expect(t, a.do("PATCH", "/projects/"+c.project+"/auth/mock-numbers", map[string]any{"numbers": []map[string]string{
			{"phone": "+15555550100", "otp": "123456"}}}), 200, "")
		if l := k.do("GET", "/project/mock-phones", nil); l.obj(t)["total"] != float64(1) {
			t.Fatalf("after console %s", l.body)
		}
	})
}

const maxMocksForTest = 100

func TestProjectSettingsOAuth2(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectAPI(t, c, "project.oauth2.read", "project.oauth2.write")
		l := k.do("GET", "/project/oauth2", nil)
		expect(t, l, 200, "")
		if m := l.obj(t); m["total"].(float64) < 30 {
			t.Fatalf("providers %s", l.body)
		}
		// Credentials alone enable the provider; the secret never returns.
		r := k.do("PATCH", "/project/oauth2/github", map[string]any{"clientId": "gh-id", "clientSecret": "gh-secret"})
		expect(t, r, 200, "")
		if m := r.obj(t); m["$id"] != "github" || m["enabled"] != true || m["clientId"] != "gh-id" || m["clientSecret"] != "" {
			t.Fatalf("github %s", r.body)
		}
		if g := k.do("GET", "/project/oauth2/github", nil); g.obj(t)["clientSecret"] != "" || g.obj(t)["enabled"] != true {
			t.Fatalf("github read %s", g.body)
		}
		if strings.Contains(string(l.body), "gh-secret") {
			t.Fatal("secret leaked")
		}
		// The console sees the same registration.
		pr := s.admin(t).do("GET", "/projects/"+c.project, nil)
		if !strings.Contains(string(pr.body), `"appId":"gh-id"`) {
			t.Fatalf("console view %s", pr.body)
		}
		expect(t, k.do("PATCH", "/project/oauth2/github", map[string]any{"enabled": false}), 200, "")
		// enabled true without a secret fails; absent, it stays off.
		expect(t, k.do("PATCH", "/project/oauth2/discord", map[string]any{"clientId": "d", "enabled": true}), 400, "general_argument_invalid")
		if r := k.do("PATCH", "/project/oauth2/discord", map[string]any{"clientId": "d"}); r.obj(t)["enabled"] != false {
			t.Fatalf("discord %s", r.body)
		}
		// Multi-field providers keep their extra fields in the sealed secret.
		o := k.do("PATCH", "/project/oauth2/oidc", map[string]any{"clientId": "o", "clientSecret": "s",
			"wellKnownURL": "https://idp.example.test/.well-known/openid-configuration", "prompt": []string{"login", "consent"}, "maxAge": 60})
		expect(t, o, 200, "")
		if m := o.obj(t); m["enabled"] != true || m["wellKnownURL"] != "https://idp.example.test/.well-known/openid-configuration" ||
			fmt.Sprint(m["prompt"]) != "[login consent]" || m["maxAge"] != float64(60) || m["clientSecret"] != "" {
			t.Fatalf("oidc %s", o.body)
		}
		old := k.with("X-Appwrite-Response-Format", "1.9.3").do("GET", "/project/oauth2/oidc", nil)
		if m := old.obj(t); m["tokenUrl"] == nil || m["tokenURL"] != nil {
			t.Fatalf("oidc 1.9.3 %s", old.body)
		}
		expect(t, k.do("PATCH", "/project/oauth2/oidc", map[string]any{"prompt": []string{"none", "login"}}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/oauth2/oidc", map[string]any{"wellKnownURL": "not a url", "enabled": true}), 400, "general_argument_invalid")
		m := k.do("PATCH", "/project/oauth2/microsoft", map[string]any{"applicationId": "ms", "applicationSecret": "x", "tenant": "contoso"})
		if mm := m.obj(t); mm["tenant"] != "contoso" || mm["applicationSecret"] != "" || mm["enabled"] != true {
			t.Fatalf("microsoft %s", m.body)
		}
		a := k.do("PATCH", "/project/oauth2/apple", map[string]any{"serviceId": "com.example", "keyId": "K", "teamId": "T", "p8File": "junk", "enabled": true})
		expect(t, a, 400, "general_argument_invalid")
		gg := k.do("PATCH", "/project/oauth2/google", map[string]any{"prompt": []string{"select_account"}})
		if gm := gg.obj(t); fmt.Sprint(gm["prompt"]) != "[select_account]" || gm["enabled"] != false {
			t.Fatalf("google %s", gg.body)
		}
		// Google's prompt reaches its authorize URL.
		gg = k.do("PATCH", "/project/oauth2/google", map[string]any{"clientId": "g-id", "clientSecret": "g-secret", "prompt": []string{"consent"}})
		if gg.obj(t)["enabled"] != true {
			t.Fatalf("google enabled %s", gg.body)
		}
		res := s.client(t, c.project).get(s.base + "/v1/account/sessions/oauth2/google?project=" + c.project + "&success=" + url.QueryEscape("https://app.example.test/ok"))
		loc, _ := url.Parse(res.Header.Get("Location"))
		if loc == nil || loc.Host != "accounts.google.com" || loc.Query().Get("prompt") != "consent" {
			t.Fatalf("google authorize %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		expect(t, k.do("PATCH", "/project/oauth2/myspace", map[string]any{"clientId": "x"}), 400, "general_argument_invalid")
		expect(t, k.do("GET", "/project/oauth2/myspace", nil), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/oauth2/github", map[string]any{"clientId": "a\r\nb"}), 400, "general_argument_invalid")
	})
}

func TestProjectSettingsSMTP(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectAPI(t, c, "project.write")
		own := smtptest.Start(t, smtptest.Options{Username: "shop", Password: "smtp-s3cret-pw"})
		// Working settings, enabled absent: switched on; the password
		// never comes back.
		r := k.do("PATCH", "/project/smtp", map[string]any{"host": own.Host(), "port": own.Port(), "username": "shop",
			"password": "smtp-s3cret-pw", "senderEmail": "shop@example.test", "senderName": "Shop", "replyToEmail": "help@example.test",
			"replyToName": "Help"})
		expect(t, r, 200, "")
		if m := r.obj(t); m["smtpEnabled"] != true || m["smtpPassword"] != "" || strings.Contains(string(r.body), "smtp-s3cret-pw") {
			t.Fatalf("smtp %s", r.body)
		}
		expect(t, k.do("POST", "/project/smtp/tests", map[string]any{"emails": []string{"ops@example.test"}}), 204, "")
		tm := own.WaitFor(t, "ops@example.test", 10*time.Second)
		if rt := tm.HeaderAddress("Reply-To"); rt == nil || rt.Name != "Help" || rt.Address != "help@example.test" {
			t.Fatalf("reply-to %q", tm.Header.Get("Reply-To"))
		}
		eleven := make([]string, 11)
		for i := range eleven {
			eleven[i] = fmt.Sprintf("o%d@example.test", i)
		}
		expect(t, k.do("POST", "/project/smtp/tests", map[string]any{"emails": eleven}), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/project/smtp/tests", map[string]any{"emails": []string{"nope"}}), 400, "general_argument_invalid")
		// A wrong password with enabled true: project_smtp_config_invalid,
		// nothing stored; without enabled it is stored and SMTP stays on.
		expect(t, k.do("PATCH", "/project/smtp", map[string]any{"password": "wrong", "enabled": true}), 400, "project_smtp_config_invalid")
		expect(t, k.do("POST", "/project/smtp/tests", map[string]any{"emails": []string{"ops2@example.test"}}), 204, "")
		r = k.do("PATCH", "/project/smtp", map[string]any{"password": "wrong"})
		expect(t, r, 200, "")
		if r.obj(t)["smtpEnabled"] != true {
			t.Fatalf("smtp kept %s", r.body)
		}
		expect(t, k.do("POST", "/project/smtp/tests", map[string]any{"emails": []string{"ops3@example.test"}}), 400, "general_argument_invalid")
		// "" clears the password; enabled false switches off without a check.
		r = k.do("PATCH", "/project/smtp", map[string]any{"password": "", "enabled": false})
		if r.obj(t)["smtpEnabled"] != false {
			t.Fatalf("smtp off %s", r.body)
		}
		expect(t, k.do("PATCH", "/project/smtp", map[string]any{"secure": "starttls"}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/smtp", map[string]any{"senderEmail": "a\r\nBcc: x@example.test"}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/smtp", map[string]any{"host": "", "enabled": true}), 400, "project_smtp_config_invalid")
		expect(t, projectAPI(t, c, "project.read").do("PATCH", "/project/smtp", map[string]any{"enabled": false}), 401, "general_unauthorized_scope")
		// The update's check is no port scanner: Gatehouse's own HTTP port
		// reads as "could not connect", after the fixed test time.
		hostPort := strings.TrimPrefix(s.base, "http://")
		i := strings.LastIndex(hostPort, ":")
		start := time.Now()
		r = k.do("PATCH", "/project/smtp", map[string]any{"host": hostPort[:i], "port": hostPort[i+1:], "senderEmail": "shop@example.test", "enabled": true})
		expect(t, r, 400, "project_smtp_config_invalid")
		if time.Since(start) < 400*time.Millisecond || strings.Contains(string(r.body), "HTTP") || strings.Contains(string(r.body), hostPort) {
			t.Fatalf("check told the far end (%v): %s", time.Since(start), r.body)
		}
	})
}

func TestProjectSettingsTemplates(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectAPI(t, c, "templates.read", "templates.write")
		g := k.do("GET", "/project/templates/email/otpSession", nil)
		expect(t, g, 200, "")
		if m := g.obj(t); m["templateId"] != "otpSession" || m["locale"] != "en" || !strings.Contains(m["message"].(string), "{{otp}}") {
			t.Fatalf("default %s", g.body)
		}
		expect(t, k.do("GET", "/project/templates/email/teleport", nil), 400, "general_argument_invalid")
		expect(t, k.do("GET", "/project/templates/email/otpSession?locale=12", nil), 400, "general_argument_invalid")
		if l := k.do("GET", "/project/templates/email", nil); l.obj(t)["total"] != float64(0) {
			t.Fatalf("empty list %s", l.body)
		}
		u := k.do("PATCH", "/project/templates/email", map[string]any{"templateId": "otpSession", "locale": "de",
			"subject": "Dein Code", "replyToEmail": "help@example.test", "replyToName": "Hilfe"})
		expect(t, u, 200, "")
		if m := u.obj(t); m["subject"] != "Dein Code" || m["replyToEmail"] != "help@example.test" || m["replyToName"] != "Hilfe" ||
			!strings.Contains(m["message"].(string), "{{otp}}") {
			t.Fatalf("update %s", u.body)
		}
		expect(t, k.do("PATCH", "/project/templates/email", map[string]any{"templateId": "otpSession", "subject": ""}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/templates/email", map[string]any{"templateId": "otpSession", "senderEmail": "x"}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/templates/email", map[string]any{"subject": "x"}), 400, "general_argument_invalid")
		l := k.do("GET", "/project/templates/email", nil)
		if m := l.obj(t); m["total"] != float64(1) {
			t.Fatalf("list %s", l.body)
		}
		// Old formats: {type, replyTo}; the console route sees the change.
		old := k.with("X-Appwrite-Response-Format", "1.8.0").do("GET", "/project/templates/email/otpSession?locale=de", nil)
		if m := old.obj(t); m["type"] != "otpSession" || m["replyTo"] != "help@example.test" || m["templateId"] != nil {
			t.Fatalf("old %s", old.body)
		}
		if con := s.admin(t).do("GET", "/projects/"+c.project+"/templates/email/otpSession/de", nil); con.obj(t)["subject"] != "Dein Code" {
			t.Fatalf("console %s", con.body)
		}
		// The template is used.
		mail := email()
		expect(t, c.with("X-Appwrite-Locale", "de").do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail}), 201, "")
		m := s.mailTo(t, mail)
		if rt := m.HeaderAddress("Reply-To"); m.Subject != "Dein Code" || rt == nil || rt.Name != "Hilfe" || rt.Address != "help@example.test" {
			t.Fatalf("mail subject %q reply-to %q", m.Subject, m.Header.Get("Reply-To"))
		}
	})
}

func TestProjectSettingsVariables(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectAPI(t, c, "project.read", "project.write")
		r := k.do("POST", "/project/variables", map[string]any{"variableId": "v1", "key": "API_URL", "value": "https://api.example.test", "secret": false})
		expect(t, r, 201, "")
		if m := r.obj(t); m["value"] != "https://api.example.test" || m["secret"] != false || m["resourceType"] != "project" {
			t.Fatalf("variable %s", r.body)
		}
		sec := k.do("POST", "/project/variables", map[string]any{"variableId": "unique()", "key": "TOKEN", "value": "hush"})
		expect(t, sec, 201, "")
		if m := sec.obj(t); m["value"] != "" || m["secret"] != true {
			t.Fatalf("secret %s", sec.body)
		}
		sid := sec.str(t, "$id")
		expect(t, k.do("POST", "/project/variables", map[string]any{"variableId": "v1", "key": "OTHER", "value": "x"}), 409, "variable_already_exists")
		expect(t, k.do("POST", "/project/variables", map[string]any{"variableId": "v2", "key": "API_URL", "value": "x"}), 409, "variable_already_exists")
		expect(t, k.do("POST", "/project/variables", map[string]any{"variableId": "v2", "key": "", "value": "x"}), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/project/variables", map[string]any{"variableId": "v2", "key": "K", "value": strings.Repeat("x", 8193)}), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/project/variables", map[string]any{"variableId": "bad id!", "key": "K", "value": "x"}), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/project/variables", map[string]any{"key": "K", "value": "x"}), 400, "general_argument_invalid")
		if r := k.with("X-Appwrite-Response-Format", "1.8.0").do("POST", "/project/variables", map[string]any{"key": "OLD", "value": "x"}); r.status != 201 || len(r.str(t, "$id")) < 10 {
			t.Fatalf("old format create %s", r.body)
		}
		l := k.do("GET", "/project/variables", nil)
		if m := l.obj(t); m["total"] != float64(3) || strings.Contains(string(l.body), "hush") {
			t.Fatalf("list %s", l.body)
		}
		if g := k.do("GET", "/project/variables/"+sid, nil); g.obj(t)["value"] != "" {
			t.Fatalf("secret read %s", g.body)
		}
		expect(t, k.do("PUT", "/project/variables/"+sid, map[string]any{"secret": false}), 400, "variable_cannot_unset_secret")
		u := k.do("PUT", "/project/variables/v1", map[string]any{"value": "https://v2.example.test"})
		if u.obj(t)["value"] != "https://v2.example.test" || u.obj(t)["key"] != "API_URL" {
			t.Fatalf("update %s", u.body)
		}
		u = k.do("PUT", "/project/variables/v1", map[string]any{"secret": true})
		if u.obj(t)["value"] != "" || u.obj(t)["secret"] != true {
			t.Fatalf("made secret %s", u.body)
		}
		expect(t, k.do("PUT", "/project/variables/v1", map[string]any{"key": "TOKEN"}), 409, "variable_already_exists")
		expect(t, k.do("GET", "/project/variables/nope", nil), 404, "variable_not_found")
		expect(t, k.do("DELETE", "/project/variables/v1", nil), 204, "")
		expect(t, k.do("DELETE", "/project/variables/v1", nil), 404, "variable_not_found")
		// Another project sees none of them.
		o := s.newProject(t)
		if l := projectAPI(t, o, "project.read").do("GET", "/project/variables", nil); l.obj(t)["total"] != float64(0) {
			t.Fatalf("other project %s", l.body)
		}
		expect(t, projectAPI(t, c, "project.read").do("POST", "/project/variables", map[string]any{"variableId": "v3", "key": "K", "value": "x"}), 401, "general_unauthorized_scope")
		// Deleting the project removes its variables.
		expect(t, s.admin(t).do("DELETE", "/projects/"+c.project, nil), 204, "")
	})
}
