package mail

import (
	"errors"
	"strings"
	"sync"

	gomail "github.com/wneessen/go-mail"
	gmlog "github.com/wneessen/go-mail/log"
)

// Failure says, in SMTP terms only, which step of a Send failed. It is a
// small fixed set so that what is shown to someone testing SMTP settings
// never carries text from the far end (a Redis banner, an address of the
// server's own network) nor tells a closed port from one where something
// else than SMTP listens: a port scanner learns nothing from it.
type Failure int

// The steps a Send can fail at.
const (
	// FailSettings: the settings or the message are unusable; nothing was
	// sent.
	FailSettings Failure = iota + 1
	// FailConnect: no SMTP server answered at the host and port (nothing
	// listens, something else than SMTP does, it is filtered, or an
	// implicit-TLS handshake failed, since that too comes before any
	// sign of SMTP).
	FailConnect
	// FailTLS: an SMTP server answered, but STARTTLS was not offered when
	// required, or its handshake failed (often the certificate).
	FailTLS
	// FailAuth: the server refused the username and password, or offers
	// no mechanism that may carry them.
	FailAuth
	// FailSender: the server refused the sender address.
	FailSender
	// FailRecipient: the server refused a recipient address.
	FailRecipient
	// FailMessage: the server refused the message itself.
	FailMessage
	// FailConversation: the server broke off the conversation in another
	// way, or it took too long.
	FailConversation
)

var failureText = map[Failure]string{
	FailSettings:     "the SMTP settings or the message cannot be used.",
	FailConnect:      "could not connect to an SMTP server at the configured host and port.",
	FailTLS:          "the SMTP server does not offer STARTTLS, or the TLS handshake with it failed (check its certificate and the secure setting).",
	FailAuth:         "the SMTP server refused the username and password, or offers no way to send them safely.",
	FailSender:       "the SMTP server refused the sender address.",
	FailRecipient:    "the SMTP server refused a recipient address.",
	FailMessage:      "the SMTP server refused the message.",
	FailConversation: "the SMTP server ended the conversation early, or did not answer in time.",
}

// String is the failure's fixed description, the same whatever the far
// end said.
func (f Failure) String() string {
	if s, ok := failureText[f]; ok {
		return s
	}
	return failureText[FailConversation]
}

// FailureOf says which step an error of Send failed at; 0 for nil, and
// FailConversation for an error Send did not make.
func FailureOf(err error) Failure {
	if err == nil {
		return 0
	}
	var se *sendError
	if errors.As(err, &se) && se.failure != 0 {
		return se.failure
	}
	return FailConversation
}

// progress follows an SMTP conversation through go-mail's debug log: the
// last command sent and how far the server let it get. It reads only
// command names and reply codes, never the texts.
type progress struct {
	mu         sync.Mutex
	last       string // the last command sent, upper case
	greeted    bool   // EHLO or HELO was answered with 250
	tlsStarted bool   // STARTTLS was sent
	tlsDone    bool   // and EHLO was answered again over TLS
}

func (p *progress) Debugf(l gmlog.Log) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.Direction == gmlog.DirClientToServer {
		verb, _, _ := strings.Cut(l.Format, " ")
		if strings.HasPrefix(verb, "%") {
			return // a redacted AUTH exchange: still AUTH
		}
		p.last = strings.ToUpper(verb)
		if p.last == "STARTTLS" {
			p.tlsStarted = true
		}
		return
	}
	if len(l.Messages) == 0 {
		return
	}
	if code, ok := l.Messages[0].(int); ok && code == 250 && (p.last == "EHLO" || p.last == "HELO") {
		p.greeted = true
		if p.tlsStarted {
			p.tlsDone = true
		}
	}
}

func (p *progress) Infof(gmlog.Log)  {}
func (p *progress) Warnf(gmlog.Log)  {}
func (p *progress) Errorf(gmlog.Log) {}

// dialFailure classifies an error of connecting, greeting, STARTTLS and
// authenticating, from how far the conversation got.
func (p *progress) dialFailure(s Settings) Failure {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.greeted:
		return FailConnect
	case p.tlsStarted && !p.tlsDone:
		return FailTLS
	case s.Secure == SecureSTARTTLS && !p.tlsStarted:
		return FailTLS
	case p.last == "AUTH" || s.Username != "":
		// Authentication is the only step left after TLS.
		return FailAuth
	}
	return FailConversation
}

// sendFailure classifies an error of the MAIL, RCPT and DATA steps.
func sendFailure(err error) Failure {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return FailConversation
	}
	switch se.Reason {
	case gomail.ErrSMTPMailFrom:
		return FailSender
	case gomail.ErrSMTPRcptTo:
		return FailRecipient
	case gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrWriteContent, gomail.ErrNoUnencoded:
		return FailMessage
	case gomail.ErrGetSender, gomail.ErrGetRcpts:
		return FailSettings
	}
	return FailConversation
}

// Public hides the far end's words in err: its text is only the failed
// step (see Failure), for reports that someone else than the operator
// reads (a job's last error in the jobs API). It unwraps to err, so
// whether a retry can help is still known, and err itself belongs in the
// operator's log.
func Public(err error) error {
	if err == nil {
		return nil
	}
	return &publicError{f: FailureOf(err), err: err}
}

type publicError struct {
	f   Failure
	err error
}

func (e *publicError) Error() string { return "smtp: " + e.f.String() }
func (e *publicError) Unwrap() error { return e.err }
