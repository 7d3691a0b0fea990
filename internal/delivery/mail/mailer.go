// Package mail sends one email at a time through an SMTP server, with a
// plain-text and an HTML part.
//
// A Mailer is built from Settings, which come from a URL (ParseURL) or a
// project's SMTP settings. Each Send dials, upgrades with STARTTLS or
// speaks implicit TLS as Settings.Secure says, authenticates when a user
// name is set, sends, and quits: nothing is pooled, so a Mailer is cheap
// to build per project and safe for concurrent use.
//
// Errors name the server and the step that failed, never the password,
// and say through Permanent() whether a retry can help (see
// delivery.IsPermanent).
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Default timeouts; see WithTimeouts.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultSendTimeout = 30 * time.Second
)

// Message is one email to one recipient. HTML and Text are sent as a
// multipart/alternative message; either may be empty, not both. The From
// and Reply-To fields fall back, each on its own, to the Settings' sender.
type Message struct {
	To        string // bare address
	ToName    string
	Subject   string
	HTML      string
	Text      string
	FromName  string
	FromEmail string
	ReplyTo   string
	// ReplyToName goes with ReplyTo; without ReplyTo, the Settings'
	// reply-to address and name are used together.
	ReplyToName string
}

// Mailer sends messages through one SMTP server.
type Mailer struct {
	s           Settings
	tlsConfig   *tls.Config
	dialTimeout time.Duration
	sendTimeout time.Duration
}

// Option changes how a Mailer connects.
type Option func(*Mailer)

// WithTLSConfig replaces the TLS settings used for STARTTLS and implicit
// TLS. It is meant for tests, to trust a test CA (RootCAs); production code
// leaves it alone and gets the system roots, TLS 1.2 or later and a
// certificate checked against Settings.Host. ServerName defaults to
// Settings.Host. Setting InsecureSkipVerify here disables the certificate
// check, which is only ever acceptable in a test.
func WithTLSConfig(c *tls.Config) Option {
	return func(m *Mailer) {
		if c != nil {
			m.tlsConfig = c.Clone()
		}
	}
}

// WithTimeouts sets how long connecting (TCP and, for implicit TLS, the
// handshake) may take, and how long a whole Send may take from dial to
// QUIT. Zero keeps the default.
func WithTimeouts(dial, send time.Duration) Option {
	return func(m *Mailer) {
		if dial > 0 {
			m.dialTimeout = dial
		}
		if send > 0 {
			m.sendTimeout = send
		}
	}
}

// New checks the settings (Settings.Validate) and returns a Mailer.
func New(s Settings, opts ...Option) (*Mailer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	m := &Mailer{s: s, dialTimeout: DefaultDialTimeout, sendTimeout: DefaultSendTimeout}
	for _, o := range opts {
		o(m)
	}
	if m.tlsConfig == nil {
		m.tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if m.tlsConfig.ServerName == "" {
		m.tlsConfig.ServerName = s.Host
	}
	return m, nil
}

// Settings returns the settings the Mailer was built with.
func (m *Mailer) Settings() Settings { return m.s }

// Send delivers msg, or returns why not. It returns when the server has
// accepted the message (250 after DATA); an error from the QUIT that
// follows is ignored, since the message is on its way. The whole exchange
// is bounded by the send timeout and by ctx.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	gm, err := m.compose(msg)
	if err != nil {
		return &sendError{op: "compose", addr: m.s.addr(), msg: err.Error(), cause: err, permanent: true, failure: FailSettings}
	}

	ctx, cancel := context.WithTimeout(ctx, m.sendTimeout)
	defer cancel()
	client, sc, err := m.connect(ctx)
	if err != nil {
		return err
	}
	if err := client.SendWithSMTPClient(sc, gm); err != nil {
		_ = client.CloseWithSMTPClient(sc)
		return m.fail(ctx, "send", err, sendFailure(err))
	}
	_ = client.CloseWithSMTPClient(sc)
	return nil
}

// connect dials the server, says hello, starts TLS and authenticates.
// Canceling ctx closes the connection.
func (m *Mailer) connect(ctx context.Context) (*gomail.Client, *smtp.Client, error) {
	// Canceling ctx closes every connection dialed here: that
	// bounds the whole exchange (go-mail sets deadlines per command only),
	// interrupts a blocked read when the caller gives up, and cleans up
	// when Send returns.
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		dctx, cancel := context.WithTimeout(dctx, m.dialTimeout)
		defer cancel()
		var d net.Dialer
		conn, err := d.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		if m.s.Secure == SecureImplicitTLS {
			tc := tls.Client(conn, m.tlsConfig)
			if err := tc.HandshakeContext(dctx); err != nil {
				_ = conn.Close()
				return nil, err
			}
			conn = tc
		}
		context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}

	// The debug log tells which step a failure came at (see Failure);
	// progress reads only command names and reply codes from it.
	prog := &progress{}
	opts := []gomail.Option{
		gomail.WithLogger(prog),
		gomail.WithDebugLog(),
		gomail.WithPort(m.s.port()),
		gomail.WithTimeout(m.sendTimeout),
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(m.tlsConfig),
		gomail.WithoutNoop(),
	}
	switch m.s.Secure {
	case SecureImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case SecureSTARTTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if m.s.Username != "" {
		// PLAIN and LOGIN refuse to run over a connection that is neither
		// TLS nor to loopback, so credentials never travel in clear.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5),
			gomail.WithUsername(m.s.Username),
			gomail.WithPassword(m.s.Password))
	}
	client, err := gomail.NewClient(m.s.Host, opts...)
	if err != nil {
		return nil, nil, m.fail(ctx, "configure", err, FailSettings)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, nil, m.fail(ctx, "connect", err, prog.dialFailure(m.s))
	}
	return client, sc, nil
}

// Check connects to the server, starts TLS and authenticates as Send
// would, then quits without sending anything. Bounded like Send.
func (m *Mailer) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, m.sendTimeout)
	defer cancel()
	client, sc, err := m.connect(ctx)
	if err != nil {
		return err
	}
	_ = client.CloseWithSMTPClient(sc)
	return nil
}

// compose turns msg into a go-mail message.
func (m *Mailer) compose(msg Message) (*gomail.Msg, error) {
	from := firstOf(msg.FromEmail, m.s.SenderEmail)
	if from == "" {
		return nil, errors.New("no sender: set Settings.SenderEmail or Message.FromEmail")
	}
	if err := checkAddress(from); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := checkAddress(msg.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	replyTo, replyName := msg.ReplyTo, msg.ReplyToName
	if replyTo == "" {
		replyTo, replyName = m.s.ReplyTo, m.s.ReplyToName
	}
	if replyTo != "" {
		if err := checkAddress(replyTo); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	if msg.HTML == "" && msg.Text == "" {
		return nil, errors.New("message has neither text nor HTML")
	}

	gm := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	var err error
	if name := oneLine(firstOf(msg.FromName, m.s.SenderName)); name != "" {
		err = gm.FromFormat(name, from)
	} else {
		err = gm.From(from)
	}
	if err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if name := oneLine(msg.ToName); name != "" {
		err = gm.AddToFormat(name, msg.To)
	} else {
		err = gm.To(msg.To)
	}
	if err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if name := oneLine(replyName); replyTo != "" && name != "" {
		if err := gm.ReplyToFormat(name, replyTo); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	} else if replyTo != "" {
		if err := gm.ReplyTo(replyTo); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	gm.Subject(oneLine(msg.Subject))
	gm.SetDate()
	gm.SetMessageIDWithValue(messageID(from))
	gm.SetUserAgent("Gatehouse")
	switch {
	case msg.Text != "" && msg.HTML != "":
		gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
		gm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	case msg.HTML != "":
		gm.SetBodyString(gomail.TypeTextHTML, msg.HTML)
	default:
		gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	}
	return gm, nil
}

// fail wraps err with the step and server, without the password.
func (m *Mailer) fail(ctx context.Context, op string, err error, f Failure) error {
	e := &sendError{op: op, addr: m.s.addr(), cause: err, permanent: isPermanent(err), failure: f}
	e.msg = redact(err.Error(), m.s.Password)
	if ctxErr := ctx.Err(); ctxErr != nil {
		// The connection was closed under the client; say why.
		e.ctxErr = ctxErr
		e.permanent = false
		e.msg += " (" + ctxErr.Error() + ")"
	}
	return e
}

// messageID is random@domain-of-sender, so the server's host name does not
// leak into mail.
func messageID(from string) string {
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return rand.Text() + "@" + domain
}

// oneLine drops line breaks and other control characters from a header
// value.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
