// Package smtptest runs a real SMTP server on loopback that records what it
// receives. It is for tests only (of this module's packages and of the
// whole server) and must not be imported by production code.
//
// The server is github.com/emersion/go-smtp, so what a test sees is what a
// real client put on the wire: commands, STARTTLS, AUTH PLAIN and the
// message as sent. Messages are parsed on arrival into subject, text and
// HTML parts, with quoted-printable and base64 undone.
//
//	srv := smtptest.Start(t, smtptest.Options{Username: "u", Password: "p"})
//	// configure the sender with srv.URL() ...
//	msg := srv.WaitFor(t, "alice@example.com", 5*time.Second)
//	if !strings.Contains(msg.Text, "123456") { ... }
package smtptest

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a Server. The zero value is a plain server that
// accepts any sender and recipient without authentication.
type Options struct {
	// Username and Password, when Username is set, make the server offer
	// AUTH PLAIN and refuse MAIL FROM (530-style) until a client has
	// authenticated with exactly these credentials.
	Username string
	Password string
	// TLS, when set, makes the server offer STARTTLS with this
	// configuration (see SelfSigned).
	TLS *tls.Config
	// ImplicitTLS makes the server speak TLS from the first byte, like
	// SMTPS on port 465. It needs TLS.
	ImplicitTLS bool
	// RequireTLS refuses AUTH over a connection that is not TLS. Without
	// it the server allows AUTH PLAIN in clear, which is acceptable only
	// because it listens on loopback.
	RequireTLS bool
}

// Refusal is how the server answers while it refuses mail (see Refuse).
type Refusal int

const (
	// Accept is normal operation.
	Accept Refusal = iota
	// TempFail answers MAIL FROM with 451 4.3.0, a temporary failure a
	// sender should retry later.
	TempFail
	// RejectRecipient answers RCPT TO with 550 5.1.1, a permanent
	// failure.
	RejectRecipient
)

// Server is a running test SMTP server. Its methods are safe for
// concurrent use.
type Server struct {
	opts Options
	srv  *smtp.Server
	ln   net.Listener

	mu       sync.Mutex
	msgs     []Message
	taken    map[taken]bool // (message, recipient) pairs WaitFor returned
	refusal  Refusal
	refused  int
	authFail int
}

// Start listens on 127.0.0.1 on a free port and serves until the test
// ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.ImplicitTLS && opts.TLS == nil {
		t.Fatal("smtptest: ImplicitTLS needs Options.TLS")
	}
	s := &Server{opts: opts, taken: map[taken]bool{}}
	s.srv = smtp.NewServer(&backend{s: s})
	s.srv.Domain = "smtptest.localhost"
	s.srv.AllowInsecureAuth = !opts.RequireTLS
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 50
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.EnableSMTPUTF8 = true
	if opts.TLS != nil && !opts.ImplicitTLS {
		s.srv.TLSConfig = opts.TLS
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	if opts.ImplicitTLS {
		ln = tls.NewListener(ln, opts.TLS)
	}
	s.ln = ln
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		// Close the listener too: Server.Close misses one that Serve has
		// not registered yet, and Serve would then accept forever.
		_ = s.srv.Close()
		_ = ln.Close()
		<-done
	})
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Host is the server's IP address, "127.0.0.1".
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr())
	return h
}

// Port is the server's TCP port.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// URL is an smtp:// (or smtps:// for ImplicitTLS) URL for the server with
// its credentials, as mail.ParseURL reads it.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr()}
	if s.opts.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if s.opts.Username != "" {
		u.User = url.UserPassword(s.opts.Username, s.opts.Password)
	}
	return u.String()
}

// Refuse makes the server refuse every message the way r says, until
// Refuse(Accept) or Recover.
func (s *Server) Refuse(r Refusal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusal = r
}

// Recover makes the server accept mail again.
func (s *Server) Recover() { s.Refuse(Accept) }

// Refused is how many MAIL FROM or RCPT TO commands the server has refused
// because of Refuse.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// AuthFailures is how many AUTH attempts failed.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFail
}

// Messages returns every message received so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = m.clone()
	}
	return out
}

// Clear forgets every message received so far.
func (s *Server) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = nil
	s.taken = map[taken]bool{}
}

type taken struct {
	index int
	rcpt  string // lower case
}

// WaitFor returns the oldest message addressed to `to` (case-insensitive,
// envelope recipients) that no earlier WaitFor for that address returned,
// waiting up to timeout for one to arrive; it fails the test when none
// does. Calling it twice for the same address therefore returns two
// different messages.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if m, ok := s.take(to); ok {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: no message to %s within %v (%d received in all)", to, timeout, len(s.Messages()))
			return Message{}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *Server) take(to string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := taken{rcpt: strings.ToLower(to)}
	for i, m := range s.msgs {
		key.index = i
		if s.taken[key] {
			continue
		}
		for _, rcpt := range m.To {
			if strings.EqualFold(rcpt, to) {
				s.taken[key] = true
				return m.clone(), true
			}
		}
	}
	return Message{}, false
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
}

// refuse returns the error for the current refusal at the given step.
func (s *Server) refuse(step Refusal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refusal != step {
		return nil
	}
	s.refused++
	switch step {
	case TempFail:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
	default:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable"}
	}
}

type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{s: b.s, tls: isTLS}, nil
}

// session is one SMTP conversation; go-smtp calls it from one goroutine.
type session struct {
	s      *Server
	tls    bool
	authed string
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if ss.s.opts.Username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if (identity != "" && identity != username) || username != ss.s.opts.Username || password != ss.s.opts.Password {
			ss.s.mu.Lock()
			ss.s.authFail++
			ss.s.mu.Unlock()
			return smtp.ErrAuthFailed
		}
		ss.authed = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && ss.authed == "" {
		return smtp.ErrAuthRequired
	}
	if err := ss.s.refuse(TempFail); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.s.refuse(RejectRecipient); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{
		From:       ss.from,
		To:         append([]string(nil), ss.to...),
		Raw:        raw,
		AuthUser:   ss.authed,
		TLS:        ss.tls,
		ReceivedAt: time.Now(),
	}
	if err := m.parse(); err != nil {
		m.ParseError = err.Error()
	}
	ss.s.record(m)
	return nil
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }

var errNoBoundary = errors.New("multipart message without boundary")
