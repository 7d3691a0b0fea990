package mail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/textproto"

	gomail "github.com/wneessen/go-mail"
)

// sendError is what Send returns: the step, the server, and the cause's
// text with the password taken out. The cause stays reachable through
// errors.As/Is.
type sendError struct {
	op        string // compose, configure, connect, send
	addr      string // host:port
	msg       string // redacted
	cause     error
	ctxErr    error
	permanent bool
	failure   Failure // the step, in SMTP terms only (see FailureOf)
}

func (e *sendError) Error() string { return "smtp " + e.op + " via " + e.addr + ": " + e.msg }

func (e *sendError) Unwrap() []error {
	if e.ctxErr != nil {
		return []error{e.cause, e.ctxErr}
	}
	return []error{e.cause}
}

// Permanent reports whether sending the same message again cannot help
// until something changes: the server answered 5xx, an address is
// invalid, or its certificate does not verify.
func (e *sendError) Permanent() bool { return e.permanent }

func isPermanent(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		switch code := se.ErrorCode(); {
		case code >= 500:
			return true
		case code >= 400:
			return false
		}
		switch se.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			return true
		}
		return false
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code >= 500
	}
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}
