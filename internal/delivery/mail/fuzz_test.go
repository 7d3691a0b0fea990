package mail_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/mail"
)

// FuzzParseURL: no panic, and no error that repeats the password.
func FuzzParseURL(f *testing.F) {
	f.Add("smtp", "user", "Passw0rd!", "smtp.example.com:587", "secure=tls")
	f.Add("smtps", "u", "p@ss:w/rd", "[::1]:465", "senderEmail=a@b.c")
	f.Add("smtp", "", "secretsecret", "h:x", "")
	f.Fuzz(func(t *testing.T, scheme, user, pass, host, query string) {
		raw := scheme + "://" + user + ":" + pass + "@" + host + "?" + query
		s, err := mail.ParseURL(raw)
		if err == nil {
			if strings.Contains(fmt.Sprintf("%v %+v %#v %s", s, s, s, s), s.Password) && len(s.Password) >= 4 &&
				!strings.Contains(s.Host+s.Username+s.SenderEmail+s.SenderName+s.ReplyTo+"smtpxxxxx", s.Password) {
				t.Errorf("settings print the password %q", s.Password)
			}
			return
		}
		if len(pass) >= 8 && strings.Contains(err.Error(), pass) && !strings.Contains(scheme+user+host+query+"smtp url", pass) {
			t.Errorf("error %q holds the password %q", err, pass)
		}
	})
}
