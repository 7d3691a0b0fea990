package mail_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/delivery"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/mail"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
)

// banner starts a loopback listener that answers every connection with
// line, as a non-SMTP service (Redis says "-ERR ...") would, and returns
// its host:port.
func banner(t *testing.T, line string) string {
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
				c.Write([]byte(line))
				buf := make([]byte, 512)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
					c.Write([]byte(line))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// closedPort is a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestFailureOf: each way a send fails is named by its SMTP step alone;
// what the far end said never decides between a closed port and a port
// where something else listens.
func TestFailureOf(t *testing.T) {
	serverTLS, _ := smtptest.SelfSigned(t)
	plain := smtptest.Start(t, smtptest.Options{})
	withTLS := smtptest.Start(t, smtptest.Options{TLS: serverTLS})
	withAuth := smtptest.Start(t, smtptest.Options{Username: "u", Password: "right"})
	refusing := smtptest.Start(t, smtptest.Options{})
	refusing.Refuse(smtptest.RejectRecipient)
	tempFail := smtptest.Start(t, smtptest.Options{})
	tempFail.Refuse(smtptest.TempFail)
	at := func(addr string) mail.Settings {
		s, err := mail.ParseURL("smtp://" + addr + "?senderEmail=a@b.test")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	redis := banner(t, "-ERR unknown command 'EHLO', with args beginning with: 10.1.2.3\r\n")
	cases := []struct {
		name string
		set  func() mail.Settings
		want mail.Failure
	}{
		{"closed port", func() mail.Settings { return at(closedPort(t)) }, mail.FailConnect},
		{"a Redis banner", func() mail.Settings { return at(redis) }, mail.FailConnect},
		{"a Redis banner over implicit TLS", func() mail.Settings { s := at(redis); s.Secure = mail.SecureImplicitTLS; return s }, mail.FailConnect},
		{"STARTTLS required, not offered", func() mail.Settings { s := settingsFor(t, plain); s.Secure = mail.SecureSTARTTLS; return s }, mail.FailTLS},
		{"untrusted certificate", func() mail.Settings { return settingsFor(t, withTLS) }, mail.FailTLS},
		{"wrong password", func() mail.Settings { s := settingsFor(t, withAuth); s.Username, s.Password = "u", "wrong"; return s }, mail.FailAuth},
		{"no AUTH offered", func() mail.Settings { s := settingsFor(t, plain); s.Username, s.Password = "u", "p"; return s }, mail.FailAuth},
		{"recipient refused", func() mail.Settings { return settingsFor(t, refusing) }, mail.FailRecipient},
		{"sender refused", func() mail.Settings { return settingsFor(t, tempFail) }, mail.FailSender},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mailer(t, tc.set(), mail.WithTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}))
			err := m.Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"})
			if got := mail.FailureOf(err); got != tc.want {
				t.Fatalf("FailureOf(%v) = %v, want %v", err, got, tc.want)
			}
		})
	}
	if mail.FailureOf(nil) != 0 {
		t.Error("FailureOf(nil) is a failure")
	}
}

// TestPublic: the public form of a send error names the step only, and
// still says whether a retry can help.
func TestPublic(t *testing.T) {
	redis := banner(t, "-ERR unknown command, from 10.1.2.3\r\n")
	s, err := mail.ParseURL("smtp://" + redis + "?senderEmail=a@b.test")
	if err != nil {
		t.Fatal(err)
	}
	sendErr := mailer(t, s).Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"})
	p := mail.Public(sendErr)
	if p.Error() != "smtp: "+mail.FailConnect.String() || !errors.Is(p, sendErr) || delivery.IsPermanent(p) != delivery.IsPermanent(sendErr) {
		t.Fatalf("Public(%v) = %v", sendErr, p)
	}
	if mail.Public(nil) != nil {
		t.Error("Public(nil) is an error")
	}
}

// TestParseURLRefusesHeaderBreaks: the instance's SMTP URL cannot set a
// sender field that would break a mail header either.
func TestParseURLRefusesHeaderBreaks(t *testing.T) {
	for _, q := range []string{"senderName=Shop%0D%0ABcc:%20all@example.test", "senderName=Shop%0A", "senderName=Shop%00",
		"senderEmail=a@b.test%0D%0ABcc:%20all@example.test", "replyTo=r@b.test%0D%0A"} {
		if _, err := mail.ParseURL("smtp://h.example.com?senderEmail=a@b.test&" + q); err == nil {
			t.Errorf("%s accepted", q)
		}
	}
}
