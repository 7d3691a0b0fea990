package templates_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/templates"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// FuzzRender feeds hostile values and custom templates to Render. It must
// not panic, and values must never add markup: rendering with every
// non-empty value replaced by "x" gives HTML with exactly as many "<" as
// with the real values, and no "<script" unless the template had one.
func FuzzRender(f *testing.F) {
	f.Add("<script>alert(1)</script>", "Acme", "javascript:alert(1)", "Brave rabbit", `"><img src=x onerror=alert(1)>`, "", "", uint8(0), "en")
	f.Add("{{otp}}", "{{user}}", "https://a.test/?a=1&b=<2>", "", "Team", "Hi {{user}}", "<p>{{user}} {{redirect}}</p>", uint8(2), "de-DE")
	f.Add("\x00\xff\xfe", "}}{{", "data:text/html,<script>", "<", "&amp;", "{{", "<a href=\"{{redirect}}\">{{team}}</a>", uint8(5), "fr_CA")
	f.Add("", "", "", "", "", "\r\nBcc: x@y.z", "plain {{ user }} text\n\nline", uint8(6), "xx")
	kinds := templates.EmailKinds()
	f.Fuzz(func(t *testing.T, user, project, redirect, phrase, team, subject, message string, kind uint8, locale string) {
		k := kinds[int(kind)%len(kinds)]
		v := templates.Vars{User: user, Project: project, Redirect: redirect, OTP: "123456", Phrase: phrase, Team: team,
			AgentDevice: user, AgentClient: team, AgentOS: phrase, IPAddress: project, Country: redirect}
		var custom *templates.Custom
		if subject != "" || message != "" {
			custom = &templates.Custom{Subject: subject, Message: message}
		}
		s, h, x, err := templates.Render(k, locale, custom, v)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(s, "\r\n") {
			t.Errorf("subject has a line break: %q", s)
		}
		if !utf8.ValidString(h) && utf8.ValidString(message) {
			t.Errorf("HTML is not UTF-8")
		}

		// Render drops control characters and invalid UTF-8 from typed
		// values, and only NUL from the redirect: a value left empty
		// leaves its line out.
		x1 := func(s string) string {
			if validate.Strip(s) == "" {
				return ""
			}
			return "x"
		}
		xr := func(s string) string {
			if strings.ReplaceAll(s, "\x00", "") == "" {
				return ""
			}
			return "x"
		}
		plain := templates.Vars{User: x1(user), Project: x1(project), Redirect: xr(redirect), OTP: "123456", Phrase: x1(phrase), Team: x1(team),
			AgentDevice: x1(user), AgentClient: x1(team), AgentOS: x1(phrase), IPAddress: x1(project), Country: x1(redirect)}
		_, hp, _, _ := templates.Render(k, locale, custom, plain)
		if n, want := strings.Count(h, "<"), strings.Count(hp, "<"); n != want {
			t.Errorf("values added markup: %d '<' in the HTML, %d without the values", n, want)
		}
		if strings.Contains(strings.ToLower(h), "<script") && !strings.Contains(strings.ToLower(message), "<script") {
			t.Errorf("HTML holds <script:\n%s", h)
		}
		// In the text part a printable name arrives exactly as typed.
		if custom == nil && user != "" && validate.Plain(user) && !strings.Contains(x, user) &&
			k != templates.SessionAlert {
			t.Errorf("text lacks the raw name %q:\n%s", user, x)
		}

		if _, err := templates.RenderSMS(templates.Verification, locale, custom, v); err != nil {
			t.Fatal(err)
		}
	})
}
