package smtptest_test

import (
	"crypto/tls"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
)

// A hand-written MIME message: mixed > alternative > (qp text, base64
// html), plus an attachment that must be ignored.
const raw = "From: Sender <s@example.com>\r\n" +
	"To: r@example.com\r\n" +
	"Subject: =?UTF-8?q?Gr=C3=BC=C3=9Fe?= and more\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=outer\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/alternative; boundary=inner\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Gr=C3=BC=C3=9Fe, a long line that was wrapped by the sender =\r\n" +
	"here.\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"PHA+R3LDvMOfZTwv\r\n" +
	"cD4=\r\n" +
	"--inner--\r\n" +
	"--outer\r\n" +
	"Content-Type: text/plain; name=a.txt\r\n" +
	"Content-Disposition: attachment\r\n" +
	"\r\n" +
	"attachment\r\n" +
	"--outer--\r\n"

func TestParsesWhatArrives(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	if err := smtp.SendMail(srv.Addr(), nil, "s@example.com", []string{"r@example.com", "other@example.com"}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, "R@example.com", 5*time.Second)
	if m.ParseError != "" {
		t.Fatal(m.ParseError)
	}
	if m.From != "s@example.com" || len(m.To) != 2 {
		t.Errorf("envelope = %q %q", m.From, m.To)
	}
	if m.Subject != "Grüße and more" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.Text != "Grüße, a long line that was wrapped by the sender here." {
		t.Errorf("Text = %q", m.Text)
	}
	if m.HTML != "<p>Grüße</p>" {
		t.Errorf("HTML = %q", m.HTML)
	}
	if a := m.HeaderAddress("From"); a == nil || a.Name != "Sender" {
		t.Errorf("From = %v", a)
	}
	if !strings.HasPrefix(string(m.Raw), "From: Sender") {
		t.Errorf("Raw = %q", m.Raw)
	}
	// The same message, for the other recipient, is still there once.
	if o := srv.WaitFor(t, "other@example.com", time.Second); o.Subject != m.Subject {
		t.Errorf("other recipient got %q", o.Subject)
	}
}

func TestWaitForReturnsEachMessageOnce(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	send := func(subject string) error {
		msg := "Subject: " + subject + "\r\n\r\nbody\r\n"
		return smtp.SendMail(srv.Addr(), nil, "s@example.com", []string{"r@example.com"}, []byte(msg))
	}
	for _, subject := range []string{"one", "two"} {
		if err := send(subject); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.WaitFor(t, "r@example.com", time.Second).Subject; got != "one" {
		t.Errorf("first WaitFor = %q", got)
	}
	// The late sender reports back before the test ends: its QUIT may
	// still be under way when the third message has arrived.
	late := make(chan error, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		late <- send("three")
	}()
	if got := srv.WaitFor(t, "r@example.com", time.Second).Subject; got != "two" {
		t.Errorf("second WaitFor = %q", got)
	}
	third := srv.WaitFor(t, "r@example.com", 5*time.Second)
	if third.Subject != "three" || third.Text != "body" {
		t.Errorf("third WaitFor = %q, %q", third.Subject, third.Text)
	}
	if err := <-late; err != nil {
		t.Fatalf("sending the third: %v", err)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("Messages = %d, want 3", n)
	}
	srv.Clear()
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("after Clear: %d", n)
	}
}

func TestAuthIsRequiredAndChecked(t *testing.T) {
	serverTLS, roots := smtptest.SelfSigned(t)
	srv := smtptest.Start(t, smtptest.Options{Username: "u", Password: "pw", TLS: serverTLS})
	msg := []byte("Subject: s\r\n\r\nb\r\n")

	dial := func() *smtp.Client {
		t.Helper()
		c, err := smtp.Dial(srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if err := c.StartTLS(&tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}); err != nil {
			t.Fatalf("STARTTLS: %v", err)
		}
		return c
	}
	// net/smtp hangs up after a failed AUTH, hence two connections.
	c := dial()
	if err := c.Mail("s@example.com"); err == nil || !strings.Contains(err.Error(), "authenticate") {
		t.Errorf("MAIL before AUTH: %v", err)
	}
	if err := c.Auth(smtp.PlainAuth("", "u", "wrong", "127.0.0.1")); err == nil {
		t.Error("wrong password accepted")
	}
	c = dial()
	if err := c.Auth(smtp.PlainAuth("", "u", "pw", "127.0.0.1")); err != nil {
		t.Fatalf("AUTH: %v", err)
	}
	if err := c.Mail("s@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("r@example.com"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(msg)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, "r@example.com", time.Second)
	if m.AuthUser != "u" || !m.TLS {
		t.Errorf("AuthUser=%q TLS=%v", m.AuthUser, m.TLS)
	}
	if srv.AuthFailures() != 1 {
		t.Errorf("AuthFailures = %d", srv.AuthFailures())
	}
}

func TestRefuseAndRecover(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	msg := []byte("Subject: s\r\n\r\nb\r\n")
	srv.Refuse(smtptest.TempFail)
	if err := smtp.SendMail(srv.Addr(), nil, "s@example.com", []string{"r@example.com"}, msg); err == nil || !strings.HasPrefix(err.Error(), "451") {
		t.Errorf("TempFail: %v", err)
	}
	srv.Refuse(smtptest.RejectRecipient)
	if err := smtp.SendMail(srv.Addr(), nil, "s@example.com", []string{"r@example.com"}, msg); err == nil || !strings.HasPrefix(err.Error(), "550") {
		t.Errorf("RejectRecipient: %v", err)
	}
	srv.Recover()
	if err := smtp.SendMail(srv.Addr(), nil, "s@example.com", []string{"r@example.com"}, msg); err != nil {
		t.Errorf("after Recover: %v", err)
	}
	if srv.Refused() != 2 || len(srv.Messages()) != 1 {
		t.Errorf("Refused=%d Messages=%d", srv.Refused(), len(srv.Messages()))
	}
}

func TestURL(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Username: "u", Password: "p@ss"})
	want := "smtp://u:p%40ss@" + srv.Addr()
	if srv.URL() != want {
		t.Errorf("URL = %q, want %q", srv.URL(), want)
	}
	if srv.Host() != "127.0.0.1" || srv.Port() == 0 {
		t.Errorf("Host=%q Port=%d", srv.Host(), srv.Port())
	}
}
