package templates_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/templates"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func full() templates.Vars {
	return templates.Vars{
		User: "Alice", Project: "Acme", Redirect: "https://app.example.com/verify?userId=u1&secret=s3",
		OTP: "123456", Phrase: "Brave rabbit", Team: "Editors", AgentDevice: "Desktop", AgentClient: "Firefox 128",
		AgentOS: "Linux", IPAddress: "203.0.113.7", Country: "Germany", Time: "14:05:09", Date: "March 4", Year: "2026",
		Account: "bob@example.com",
		Disown:  "https://id.example.com/v1/account/verification/disown/p1?userId=u1&secret=s3", Removed: "the password; every session",
	}
}

func mustRender(t *testing.T, kind, locale string, c *templates.Custom, v templates.Vars) (string, string, string) {
	t.Helper()
	s, h, x, err := templates.Render(kind, locale, c, v)
	if err != nil {
		t.Fatalf("Render(%s, %s): %v", kind, locale, err)
	}
	return s, h, x
}

// Every default renders, uses its values and leaves no known placeholder.
func TestEveryKindAndLocale(t *testing.T) {
	for _, locale := range templates.Locales() {
		for _, kind := range templates.EmailKinds() {
			s, h, x := mustRender(t, kind, locale, nil, full())
			for _, part := range []string{s, h, x} {
				if strings.Contains(part, "{{") {
					t.Errorf("%s/%s: placeholder left: %q", locale, kind, part)
				}
			}
			if s == "" || !strings.Contains(h, "<!DOCTYPE html>") || x == "" {
				t.Errorf("%s/%s: empty part", locale, kind)
			}
			if !strings.Contains(x, "Acme") || !strings.Contains(h, "Acme") {
				t.Errorf("%s/%s: project name missing", locale, kind)
			}
		}
		for _, kind := range templates.SMSKinds() {
			out, err := templates.RenderSMS(kind, locale, nil, full())
			if err != nil || out == "" || strings.Contains(out, "{{") {
				t.Errorf("SMS %s/%s = %q, %v", locale, kind, out, err)
			}
		}
	}
}

func TestWhatEachKindCarries(t *testing.T) {
	cases := []struct {
		kind string
		want []string // in the text part
	}{
		{templates.Verification, []string{"https://app.example.com/verify?userId=u1&secret=s3"}},
		{templates.MagicSession, []string{"https://app.example.com/verify?userId=u1&secret=s3", "Brave rabbit"}},
		{templates.Recovery, []string{"https://app.example.com/verify?userId=u1&secret=s3"}},
		{templates.Invitation, []string{"Editors", "https://app.example.com/verify"}},
		{templates.MFAChallenge, []string{"123456"}},
		{templates.SessionAlert, []string{"Desktop", "Firefox 128", "Linux", "203.0.113.7", "Germany"}},
		{templates.OTPSession, []string{"123456", "Brave rabbit"}},
		{templates.AccountLinked, []string{"https://app.example.com/verify?userId=u1&secret=s3", "bob@example.com"}},
		{templates.AccountUnlinked, []string{"https://app.example.com/verify?userId=u1&secret=s3", "bob@example.com"}},
	}
	for _, c := range cases {
		_, h, x := mustRender(t, c.kind, "en", nil, full())
		for _, w := range c.want {
			if !strings.Contains(x, w) {
				t.Errorf("%s: text lacks %q", c.kind, w)
			}
		}
		if !strings.Contains(x, "Hello Alice,") {
			t.Errorf("%s: no greeting", c.kind)
		}
		if strings.Contains(c.want[0], "https://") && !strings.Contains(h, `href="https://app.example.com/verify?userId=u1&amp;secret=s3"`) {
			t.Errorf("%s: HTML link not escaped as an attribute", c.kind)
		}
	}
}

func TestEmptyValuesLeaveOutTheirLines(t *testing.T) {
	v := full()
	v.User, v.Phrase, v.Country = "", "", ""
	_, h, x := mustRender(t, templates.MagicSession, "en", nil, v)
	if strings.Contains(x, "security phrase") || strings.Contains(h, "security phrase") {
		t.Error("phrase paragraph without a phrase")
	}
	if !strings.Contains(x, "\n\nHello,\n") {
		t.Errorf("greeting without a name: %q", x[:120])
	}
	_, _, x = mustRender(t, templates.SessionAlert, "en", nil, v)
	if strings.Contains(x, "Country") || !strings.Contains(x, "IP address: 203.0.113.7") {
		t.Errorf("session alert lines:\n%s", x)
	}
}

func TestValuesAreEscapedInHTMLOnly(t *testing.T) {
	v := full()
	v.User = `<script>alert("x")</script> & 'Bob'`
	v.Team = `<img src=x onerror=alert(1)>`
	s, h, x := mustRender(t, templates.Invitation, "en", nil, v)
	if strings.Contains(strings.ToLower(h), "<script") || strings.Contains(h, "<img") {
		t.Errorf("HTML holds an unescaped value:\n%s", h)
	}
	if !strings.Contains(h, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;Bob&#39;") {
		t.Errorf("HTML lacks the escaped name:\n%s", h)
	}
	if !strings.Contains(x, v.User) || !strings.Contains(x, v.Team) {
		t.Errorf("text part must hold the raw values:\n%s", x)
	}
	if !strings.Contains(s, v.Team) {
		t.Errorf("subject must hold the raw team name: %q", s)
	}
}

func TestSubstitutionIsOnePass(t *testing.T) {
	v := full()
	v.User = "{{otp}} {{redirect}}"
	_, h, x := mustRender(t, templates.MFAChallenge, "en", nil, v)
	if !strings.Contains(x, "Hello {{otp}} {{redirect}},") || !strings.Contains(h, "Hello {{otp}} {{redirect}},") {
		t.Errorf("a value was expanded again:\n%s", x)
	}
}

func TestScriptLinksAreDefused(t *testing.T) {
	for _, link := range []string{"javascript:alert(1)", " JaVa\tScRiPt:alert(1)", "data:text/html,<b>x</b>", "vbscript:x"} {
		v := full()
		v.Redirect = link
		_, h, x := mustRender(t, templates.Recovery, "en", nil, v)
		if strings.Contains(strings.ToLower(h), "script:") || strings.Contains(h, "data:") {
			t.Errorf("%q reached the HTML:\n%s", link, h)
		}
		if !strings.Contains(x, link) {
			t.Errorf("text part should show the link as given")
		}
	}
	v := full()
	v.Redirect = "appwrite-callback-123://auth?secret=x"
	if _, h, _ := mustRender(t, templates.Recovery, "en", nil, v); !strings.Contains(h, `href="appwrite-callback-123://auth?secret=x"`) {
		t.Error("a custom app scheme was changed")
	}
}

func TestLocales(t *testing.T) {
	cases := []struct{ in, want string }{
		{"de-DE", "de"}, {"de_AT", "de"}, {"DE", "de"}, {"fr-CA,fr;q=0.9", "fr"}, {"", "en"},
		{"x", "en"}, {"../../etc", "en"}, {"pt-BR", "pt"}, {"zh-Hant-TW", "zh"}, {"e1", "en"},
	}
	for _, c := range cases {
		if got := templates.NormalizeLocale(c.in); got != c.want {
			t.Errorf("NormalizeLocale(%q) = %q, want %q", c.in, got, c.want)
		}
	}

	s, _, x := mustRender(t, templates.Verification, "de-DE", nil, full())
	if s != "Bestätigen Sie Ihre E-Mail-Adresse für Acme" || !strings.HasPrefix(x, "Hallo Alice,") {
		t.Errorf("German verification: %q\n%s", s, x)
	}
	// German has no recovery text: the whole message is English.
	s, _, x = mustRender(t, templates.Recovery, "de", nil, full())
	if s != "Password Reset for Acme" || !strings.HasPrefix(x, "Reset your Acme password using the link.\n\nHello Alice,") || strings.Contains(x, "Grüße") {
		t.Errorf("fallback mixes languages: %q\n%s", s, x)
	}
	s, _, _ = mustRender(t, templates.OTPSession, "pt-BR", nil, full())
	if s != "OTP for Acme Login" {
		t.Errorf("unknown locale: %q", s)
	}
	// Appwrite's texts are the code alone, in every language.
	if got, _ := templates.RenderSMS(templates.Login, "es-MX", nil, full()); got != "123456" {
		t.Errorf("Spanish SMS: %q", got)
	}
	if got, _ := templates.RenderSMS(templates.Invitation, "fr", nil, full()); !strings.HasPrefix(got, "You have been invited") {
		t.Errorf("SMS fallback: %q", got)
	}
}

func TestDirection(t *testing.T) {
	v := full()
	_, h, _ := mustRender(t, templates.Verification, "en", nil, v)
	if !strings.Contains(h, `dir="ltr"`) {
		t.Error("default direction")
	}
	v.Direction = "rtl"
	if _, h, _ = mustRender(t, templates.Verification, "en", nil, v); !strings.Contains(h, `dir="rtl"`) {
		t.Error("rtl")
	}
	v.Direction = `"><script>`
	if _, h, _ = mustRender(t, templates.Verification, "en", nil, v); !strings.Contains(h, `dir="ltr"`) || strings.Contains(h, "<script") {
		t.Error("bad direction")
	}
}

func TestCustomTemplates(t *testing.T) {
	c := &templates.Custom{
		Subject: "Welcome to {{project}}, {{user}}",
		Message: `<style>p{color:red}</style><h1>Hi {{ user }}</h1><p>Click <a href="{{redirect}}">here</a> or
		visit&nbsp;<a href="{{redirect}}">{{redirect}}</a>.</p><p>Unknown: {{nope}} &amp; {{otp}</p>`,
		SenderName: "Custom Sender", SenderEmail: "custom@example.com",
	}
	v := full()
	v.User = "Zoë <Z>"
	s, h, x := mustRender(t, templates.Verification, "en", c, v)
	if s != "Welcome to Acme, Zoë <Z>" {
		t.Errorf("subject = %q", s)
	}
	if !strings.Contains(h, "<h1>Hi Zoë &lt;Z&gt;</h1>") || !strings.Contains(h, `<a href="https://app.example.com/verify?userId=u1&amp;secret=s3">here</a>`) {
		t.Errorf("HTML:\n%s", h)
	}
	if !strings.Contains(h, "<!DOCTYPE html>") {
		t.Error("custom body not wrapped in the layout")
	}
	wantText := "Hi Zoë <Z>\n\nClick here (https://app.example.com/verify?userId=u1&secret=s3) or visit\u00a0https://app.example.com/verify?userId=u1&secret=s3.\n\nUnknown: {{nope}} & {{otp}\n"
	if x != wantText {
		t.Errorf("text:\n%q\nwant\n%q", x, wantText)
	}

	name, email, reply := c.Sender("Default", "default@example.com", "reply@example.com")
	if name != "Custom Sender" || email != "custom@example.com" || reply != "reply@example.com" {
		t.Errorf("Sender = %q %q %q", name, email, reply)
	}
	var none *templates.Custom
	if name, _, _ := none.Sender("Default", "", ""); name != "Default" {
		t.Error("nil Custom changed the sender")
	}

	// Only a subject: the default body stays.
	s, _, x = mustRender(t, templates.Verification, "en", &templates.Custom{Subject: "Just {{project}}"}, full())
	if s != "Just Acme" || !strings.Contains(x, "verify your email") {
		t.Errorf("subject-only custom: %q\n%s", s, x)
	}

	// A message without tags is plain text.
	_, h, x = mustRender(t, templates.OTPSession, "en", &templates.Custom{Message: "Code: {{otp}}\nfor {{user}}\n\nBye & thanks"}, v)
	if x != "Code: 123456\nfor Zoë <Z>\n\nBye & thanks\n" {
		t.Errorf("plain custom text: %q", x)
	}
	if !strings.Contains(h, "<p>Code: 123456<br>\nfor Zoë &lt;Z&gt;</p>\n<p>Bye &amp; thanks</p>") {
		t.Errorf("plain custom HTML:\n%s", h)
	}

	sms, err := templates.RenderSMS(templates.Verification, "en", &templates.Custom{Message: " {{project}}: {{secret}} <b> "}, v)
	if err != nil || sms != "Acme: 123456 <b>" {
		t.Errorf("custom SMS = %q, %v", sms, err)
	}
}

func TestUnknownKinds(t *testing.T) {
	if _, _, _, err := templates.Render("login", "en", nil, full()); !errors.Is(err, templates.ErrUnknownKind) {
		t.Errorf("Render(login) err = %v", err)
	}
	if _, err := templates.RenderSMS(templates.Recovery, "en", nil, full()); !errors.Is(err, templates.ErrUnknownKind) {
		t.Errorf("RenderSMS(recovery) err = %v", err)
	}
}

// The English defaults, as a reviewer would read them. Refresh with
// go test ./internal/delivery/templates -update.
func TestGolden(t *testing.T) {
	var b strings.Builder
	for _, kind := range templates.EmailKinds() {
		s, h, x := mustRender(t, kind, "en", nil, full())
		b.WriteString("=== " + kind + "\nSubject: " + s + "\n--- text\n" + x + "--- html\n" + h + "\n")
	}
	for _, kind := range templates.SMSKinds() {
		out, _ := templates.RenderSMS(kind, "en", nil, full())
		b.WriteString("=== sms " + kind + "\n" + out + "\n")
	}
	path := filepath.Join("testdata", "en.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("output differs from %s; run with -update and review the diff", path)
	}
}

// TestTypedValuesStayOnOneLine: a name that reached storage with line
// breaks and control characters (an import) cannot add paragraphs to a
// mail or a text sent from the project's address.
func TestTypedValuesStayOnOneLine(t *testing.T) {
	v := full()
	v.User = "Ann\n\nYour account is suspended.\r\nVisit https://evil.example\x00\x1b[2J"
	v.Project = "Shop\u0085Support"
	_, h, x := mustRender(t, templates.Recovery, "en", nil, v)
	for _, part := range []string{h, x} {
		if strings.Contains(part, "Ann\n") || strings.Contains(part, "\x00") || strings.Contains(part, "\x1b") || strings.Contains(part, "\u0085") {
			t.Fatalf("a control character of a typed value reached the mail:\n%q", part)
		}
	}
	if !strings.Contains(x, "Ann  Your account is suspended.  Visit https://evil.example[2J") {
		t.Fatalf("the name should stay, on one line:\n%s", x)
	}
	sms, err := templates.RenderSMS(templates.Login, "en", &templates.Custom{Message: "{{user}}: {{otp}}"}, v)
	if err != nil || strings.ContainsAny(sms, "\n\r\x00") {
		t.Fatalf("sms %q, %v", sms, err)
	}
}
