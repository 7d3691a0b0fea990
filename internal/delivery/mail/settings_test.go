package mail_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/mail"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		name string
		url  string
		want mail.Settings
	}{
		{"starttls if offered", "smtp://user:pass@mail.example.com:2525",
			mail.Settings{Host: "mail.example.com", Port: 2525, Username: "user", Password: "pass"}},
		{"no credentials, default port", "smtp://relay.internal",
			mail.Settings{Host: "relay.internal"}},
		{"implicit tls", "smtps://u:p@smtp.example.com",
			mail.Settings{Host: "smtp.example.com", Username: "u", Password: "p", Secure: mail.SecureImplicitTLS}},
		{"required starttls and sender", "smtp://u:p@smtp.example.com:587?secure=tls&senderEmail=no-reply@example.com&senderName=My+App&replyTo=help@example.com",
			mail.Settings{Host: "smtp.example.com", Port: 587, Username: "u", Password: "p", Secure: mail.SecureSTARTTLS,
				SenderEmail: "no-reply@example.com", SenderName: "My App", ReplyTo: "help@example.com"}},
		{"escaped password", "smtp://apikey:p%40ss%3Aw%2Frd@smtp.example.com",
			mail.Settings{Host: "smtp.example.com", Username: "apikey", Password: "p@ss:w/rd"}},
		{"ipv6", "smtp://[::1]:25", mail.Settings{Host: "::1", Port: 25}},
		{"ssl via query", "smtp://h.example.com?secure=ssl", mail.Settings{Host: "h.example.com", Secure: mail.SecureImplicitTLS}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := mail.ParseURL(c.url)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got  %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	const pw = "TopSecret99"
	cases := []struct{ name, url, want string }{
		{"scheme", "http://u:" + pw + "@h.example.com", "scheme"},
		{"bad port", "smtp://u:" + pw + "@h.example.com:99999", "port"},
		{"port not a number", "smtp://u:" + pw + "@h.example.com:abc", "port"},
		{"unknown option", "smtp://u:" + pw + "@h.example.com?sender=x", "unknown option"},
		{"bad secure", "smtp://u:" + pw + "@h.example.com?secure=starttls", "secure"},
		{"smtps with tls", "smtps://u:" + pw + "@h.example.com?secure=tls", "smtps"},
		{"no host", "smtp://u:" + pw + "@", "host"},
		{"path", "smtp://u:" + pw + "@h.example.com/x", "nothing else"},
		{"bad sender", "smtp://u:" + pw + "@h.example.com?senderEmail=nope", "sender email"},
		{"two ports", "smtp://u:" + pw + "@h.example.com:1:2", "host"},
		{"unescaped at in password", "smtp://u:" + pw + "@x@h.example.com:bad", "smtp url"},
		{"control character", "smtp://u:" + pw + "\x7f@h.example.com", "smtp url"},
		{"unescaped slash in password", "smtp://u:" + pw + "/x@h.example.com", "smtp url"},
		{"unescaped question mark in user", "smtp://u?:" + pw + "@h.example.com", "unknown option (hidden)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := mail.ParseURL(c.url)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %q, want it to mention %q", err, c.want)
			}
			if strings.Contains(err.Error(), pw) {
				t.Errorf("err leaks the password: %q", err)
			}
		})
	}
}

func TestValidateReportsEverything(t *testing.T) {
	s := mail.Settings{Host: "bad host!", Port: 70000, Secure: "starttls", Password: "p", SenderEmail: "Name <a@b.c>", ReplyTo: "x", SenderName: "a\nb"}
	err := s.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"host", "port", "secure", "without a username", "sender email", "reply-to", "sender name"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q: %v", want, err)
		}
	}
	if _, err := mail.New(s); err == nil {
		t.Error("New accepted invalid settings")
	}
	ok := mail.Settings{Host: "smtp.example.com", Port: 465, Username: "u", Password: "p", Secure: "ssl", SenderEmail: "a@example.com"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid settings: %v", err)
	}
}

func TestSettingsPrintWithoutPassword(t *testing.T) {
	s := mail.Settings{Host: "smtp.example.com", Username: "u", Password: "VerySecret", Secure: "tls", SenderEmail: "a@example.com"}
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		out := fmt.Sprintf(format, s)
		if strings.Contains(out, "VerySecret") {
			t.Errorf("%s prints the password: %s", format, out)
		}
		if !strings.Contains(out, "smtp.example.com:587") {
			t.Errorf("%s lacks the address: %s", format, out)
		}
	}
	// The redacted URL parses back to the same settings, bar the password.
	back, err := mail.ParseURL(s.String())
	if err != nil {
		t.Fatal(err)
	}
	s.Password, back.Password, back.Port = "", "", 0
	if back != s {
		t.Errorf("round trip: got %#v, want %#v", back, s)
	}
}
