package apitest

import (
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
)

func TestProjectMailSettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		a := s.admin(t)
		base := "/projects/" + c.project

		// Templates: the default, a project's own, and back.
		g := a.do("GET", base+"/templates/email/otpSession/en", nil)
		expect(t, g, 200, "")
		if g.str(t, "subject") == "" || !strings.Contains(g.str(t, "message"), "{{otp}}") {
			t.Fatalf("default template %s", g.body)
		}
		expect(t, a.do("GET", base+"/templates/email/teleport/en", nil), 400, "general_argument_invalid")
		u := a.do("PATCH", base+"/templates/email/otpSession/de", map[string]any{"subject": "Dein Code für {{project}}",
			"message": "Hallo {{user}}, dein Code ist {{otp}}.", "senderName": "Shop Team"})
		expect(t, u, 200, "")
		expect(t, a.do("PATCH", base+"/templates/email/otpSession/de", map[string]any{"message": "x"}), 400, "general_argument_invalid")
		mail := email()
		expect(t, c.with("X-Appwrite-Locale", "de-DE").do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail}), 201, "")
		m := s.mailTo(t, mail)
		if !strings.HasPrefix(m.Subject, "Dein Code für Test ") || !strings.Contains(m.Text, "dein Code ist") {
			t.Fatalf("custom template not used: %q %q", m.Subject, m.Text)
		}
		if from := m.HeaderAddress("From"); from == nil || from.Name != "Shop Team" {
			t.Fatalf("sender %v", m.Header.Get("From"))
		}
		d := a.do("DELETE", base+"/templates/email/otpSession/de", nil)
		expect(t, d, 200, "")
		sms := a.do("PATCH", base+"/templates/sms/login/en", map[string]any{"message": "{{secret}} is your {{project}} code"})
		expect(t, sms, 200, "")

		// The project's own SMTP server replaces the instance's.
		own := smtptest.Start(t, smtptest.Options{Username: "shop", Password: "mail-pass"})
		expect(t, a.do("PATCH", base+"/smtp", map[string]any{"enabled": true, "host": "nohost"}), 400, "general_argument_invalid")
		r := a.do("PATCH", base+"/smtp", map[string]any{"enabled": true, "senderName": "Shop", "senderEmail": "shop@example.test",
			"host": own.Host(), "port": own.Port(), "username": "shop", "password": "mail-pass"})
		expect(t, r, 200, "")
		if r.str(t, "smtpPassword") != "" || r.obj(t)["smtpEnabled"] != true {
			t.Fatalf("smtp settings %s", r.body)
		}
		expect(t, a.do("POST", base+"/smtp/tests", map[string]any{"emails": []string{"ops@example.test"}}), 204, "")
		own.WaitFor(t, "ops@example.test", 10*time.Second)
		expect(t, a.do("POST", base+"/smtp/tests", map[string]any{"emails": []string{"ops@example.test"}, "password": "wrong"}), 400, "general_argument_invalid")
		m2 := email()
		expect(t, c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": m2}), 201, "")
		got := own.WaitFor(t, m2, 20*time.Second)
		if got.AuthUser != "shop" {
			t.Fatalf("project mail not authenticated as the project: %+v", got)
		}
	})
}
