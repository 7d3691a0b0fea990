package mail_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/mail"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
)

const wait = 5 * time.Second

func mailer(t *testing.T, s mail.Settings, opts ...mail.Option) *mail.Mailer {
	t.Helper()
	m, err := mail.New(s, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

func settingsFor(t *testing.T, srv *smtptest.Server) mail.Settings {
	t.Helper()
	s, err := mail.ParseURL(srv.URL() + "?senderEmail=noreply@gatehouse.test&senderName=Gatehouse")
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	return s
}

func TestSendMultipartWithAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Username: "mailer", Password: "s3cret:p@ss/word"})
	s := settingsFor(t, srv)
	s.ReplyTo = "help@gatehouse.test"
	m := mailer(t, s)

	msg := mail.Message{
		To:      "alice@example.com",
		ToName:  "Alice Ünicode",
		Subject: "Vérifiez votre adresse ✓",
		HTML:    `<p>Hello <b>Alice</b>, <a href="https://app.test/verify?userId=1&amp;secret=abc">verify</a></p>` + strings.Repeat("<p>long line é</p>", 20),
		Text:    "Hello Alice,\nverify: https://app.test/verify?userId=1&secret=abc\n" + strings.Repeat("long line é ", 20),
	}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(t, "alice@example.com", wait)
	if got.ParseError != "" {
		t.Fatalf("parse: %s\n%s", got.ParseError, got.Raw)
	}
	if got.AuthUser != "mailer" || got.TLS {
		t.Errorf("AuthUser=%q TLS=%v, want mailer, false", got.AuthUser, got.TLS)
	}
	if got.From != "noreply@gatehouse.test" {
		t.Errorf("envelope from = %q", got.From)
	}
	if got.Subject != msg.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, msg.Subject)
	}
	if got.Text != msg.Text {
		t.Errorf("Text = %q, want %q", got.Text, msg.Text)
	}
	if got.HTML != msg.HTML {
		t.Errorf("HTML = %q, want %q", got.HTML, msg.HTML)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("Content-Type = %q, want multipart/alternative", ct)
	}
	if a := got.HeaderAddress("From"); a == nil || a.Name != "Gatehouse" || a.Address != "noreply@gatehouse.test" {
		t.Errorf("From = %v", a)
	}
	if a := got.HeaderAddress("To"); a == nil || a.Name != "Alice Ünicode" {
		t.Errorf("To = %v", a)
	}
	if a := got.HeaderAddress("Reply-To"); a == nil || a.Address != "help@gatehouse.test" {
		t.Errorf("Reply-To = %v", a)
	}
	if id := got.Header.Get("Message-Id"); !strings.HasSuffix(id, "@gatehouse.test>") {
		t.Errorf("Message-ID = %q, want the sender's domain", id)
	}
}

func TestSendMessageOverridesSender(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := mailer(t, settingsFor(t, srv))
	err := m.Send(context.Background(), mail.Message{
		To: "bob@example.com", Subject: "Hi", Text: "only text",
		FromName: "Team", FromEmail: "team@custom.test", ReplyTo: "reply@custom.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "BOB@example.com", wait)
	if a := got.HeaderAddress("From"); a == nil || a.Name != "Team" || a.Address != "team@custom.test" {
		t.Errorf("From = %v", a)
	}
	if a := got.HeaderAddress("Reply-To"); a == nil || a.Address != "reply@custom.test" {
		t.Errorf("Reply-To = %v", a)
	}
	if got.Text != "only text" || got.HTML != "" {
		t.Errorf("Text=%q HTML=%q", got.Text, got.HTML)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestSubjectCannotInjectHeaders(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := mailer(t, settingsFor(t, srv))
	err := m.Send(context.Background(), mail.Message{
		To: "carol@example.com", ToName: "Carol\r\nBcc: evil@example.com",
		Subject: "Hello\r\nBcc: evil@example.com", Text: "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "carol@example.com", wait)
	if b := got.Header.Get("Bcc"); b != "" {
		t.Errorf("Bcc header injected: %q", b)
	}
	if len(got.To) != 1 {
		t.Errorf("envelope recipients = %v", got.To)
	}
	if strings.ContainsAny(got.Subject, "\r\n") {
		t.Errorf("Subject = %q", got.Subject)
	}
}

func TestSTARTTLS(t *testing.T) {
	serverTLS, roots := smtptest.SelfSigned(t)
	srv := smtptest.Start(t, smtptest.Options{Username: "u", Password: "pw", TLS: serverTLS, RequireTLS: true})

	for _, secure := range []string{mail.SecureAuto, mail.SecureSTARTTLS} {
		t.Run("secure="+secure, func(t *testing.T) {
			s := settingsFor(t, srv)
			s.Secure = secure
			m := mailer(t, s, mail.WithTLSConfig(&tls.Config{RootCAs: roots}))
			to := "tls" + secure + "@example.com"
			if err := m.Send(context.Background(), mail.Message{To: to, Subject: "s", Text: "t", HTML: "<p>h</p>"}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.WaitFor(t, to, wait)
			if !got.TLS || got.AuthUser != "u" {
				t.Errorf("TLS=%v AuthUser=%q, want true, u", got.TLS, got.AuthUser)
			}
		})
	}

	t.Run("untrusted certificate", func(t *testing.T) {
		m := mailer(t, settingsFor(t, srv)) // system roots only
		err := m.Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"})
		if err == nil {
			t.Fatal("Send succeeded with an untrusted certificate")
		}
		if !delivery.IsPermanent(err) {
			t.Errorf("certificate error should be permanent: %v", err)
		}
	})
}

func TestSTARTTLSRequiredButNotOffered(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s := settingsFor(t, srv)
	s.Secure = mail.SecureSTARTTLS
	err := mailer(t, s).Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a STARTTLS error", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered in clear", n)
	}
}

func TestImplicitTLS(t *testing.T) {
	serverTLS, roots := smtptest.SelfSigned(t)
	srv := smtptest.Start(t, smtptest.Options{Username: "u", Password: "pw", TLS: serverTLS, ImplicitTLS: true, RequireTLS: true})
	s := settingsFor(t, srv)
	if s.Secure != mail.SecureImplicitTLS {
		t.Fatalf("smtps URL gave Secure=%q", s.Secure)
	}
	m := mailer(t, s, mail.WithTLSConfig(&tls.Config{RootCAs: roots}))
	if err := m.Send(context.Background(), mail.Message{To: "ssl@example.com", Subject: "s", Text: "t"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.WaitFor(t, "ssl@example.com", wait); !got.TLS || got.AuthUser != "u" {
		t.Errorf("TLS=%v AuthUser=%q", got.TLS, got.AuthUser)
	}
}

func TestRefusalThenRecovery(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := mailer(t, settingsFor(t, srv))
	msg := mail.Message{To: "dave@example.com", Subject: "s", Text: "t"}

	srv.Refuse(smtptest.TempFail)
	err := m.Send(context.Background(), msg)
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("err = %v, want 451", err)
	}
	if delivery.IsPermanent(err) {
		t.Errorf("451 should be temporary: %v", err)
	}

	srv.Refuse(smtptest.RejectRecipient)
	err = m.Send(context.Background(), msg)
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("err = %v, want 550", err)
	}
	if !delivery.IsPermanent(err) {
		t.Errorf("550 should be permanent: %v", err)
	}
	if srv.Refused() != 2 {
		t.Errorf("Refused = %d, want 2", srv.Refused())
	}

	srv.Recover()
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("after Recover: %v", err)
	}
	srv.WaitFor(t, "dave@example.com", wait)
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestWrongPasswordIsNotLeaked(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Username: "u", Password: "right"})
	s := settingsFor(t, srv)
	s.Password = "Wr0ngPassw0rd!"
	err := mailer(t, s).Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"})
	if err == nil {
		t.Fatal("Send succeeded with a wrong password")
	}
	if strings.Contains(err.Error(), s.Password) {
		t.Errorf("error leaks the password: %v", err)
	}
	if !strings.Contains(err.Error(), srv.Addr()) || !strings.Contains(err.Error(), "535") {
		t.Errorf("error lacks server or reply code: %v", err)
	}
	if !delivery.IsPermanent(err) {
		t.Errorf("535 should be permanent: %v", err)
	}
	if srv.AuthFailures() != 1 {
		t.Errorf("AuthFailures = %d", srv.AuthFailures())
	}
}

func TestAuthNotOfferedByServer(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s := settingsFor(t, srv)
	s.Username, s.Password = "u", "p"
	if err := mailer(t, s).Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"}); err == nil {
		t.Fatal("Send succeeded though the server offers no AUTH")
	}
}

func TestTimeouts(t *testing.T) {
	// A server that accepts connections and never says a word.
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
			t.Cleanup(func() { c.Close() })
		}
	}()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	s, err := mail.ParseURL("smtp://" + host + ":" + port + "?senderEmail=a@b.test")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("send timeout", func(t *testing.T) {
		m := mailer(t, s, mail.WithTimeouts(time.Second, 300*time.Millisecond))
		start := time.Now()
		err := m.Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"})
		if err == nil {
			t.Fatal("Send to a silent server succeeded")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Send took %v", d)
		}
		var ne net.Error
		timedOut := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
		if !timedOut || delivery.IsPermanent(err) {
			t.Errorf("err = %v, want a temporary timeout", err)
		}
	})

	t.Run("caller cancels", func(t *testing.T) {
		m := mailer(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		err := m.Send(ctx, mail.Message{To: "x@example.com", Subject: "s", Text: "t"})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

func TestConnectionRefusedIsTemporary(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := mail.ParseURL("smtp://u:hunter22@" + addr + "?senderEmail=a@b.test")
	if err != nil {
		t.Fatal(err)
	}
	err = mailer(t, s).Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"})
	if err == nil || delivery.IsPermanent(err) {
		t.Fatalf("err = %v, want a temporary error", err)
	}
	if strings.Contains(err.Error(), "hunter22") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestComposeErrorsArePermanent(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	noSender := settingsFor(t, srv)
	noSender.SenderEmail = ""
	cases := []struct {
		name string
		s    mail.Settings
		msg  mail.Message
	}{
		{"no sender", noSender, mail.Message{To: "x@example.com", Text: "t"}},
		{"bad recipient", settingsFor(t, srv), mail.Message{To: "not an address", Text: "t"}},
		{"named recipient", settingsFor(t, srv), mail.Message{To: "X <x@example.com>", Text: "t"}},
		{"bad from", settingsFor(t, srv), mail.Message{To: "x@example.com", FromEmail: "nope", Text: "t"}},
		{"empty body", settingsFor(t, srv), mail.Message{To: "x@example.com", Subject: "s"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := mailer(t, c.s).Send(context.Background(), c.msg)
			if err == nil || !delivery.IsPermanent(err) {
				t.Errorf("err = %v, want a permanent error", err)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}
