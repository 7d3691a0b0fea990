package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Values of Settings.Secure, as Appwrite stores them in a project's SMTP
// settings.
const (
	// SecureAuto (the empty string) upgrades the connection with STARTTLS
	// when the server offers it, and then the certificate must verify; a
	// server that does not offer it gets the mail in clear. Credentials
	// are never sent in clear to a host other than loopback: PLAIN and
	// LOGIN refuse, and the send fails.
	SecureAuto = ""
	// SecureSTARTTLS requires STARTTLS; a server that does not offer it is
	// an error. Appwrite calls this "tls".
	SecureSTARTTLS = "tls"
	// SecureImplicitTLS speaks TLS from the first byte (SMTPS, usually port
	// 465). Appwrite calls this "ssl".
	SecureImplicitTLS = "ssl"
)

// Default ports when Settings.Port is zero.
const (
	DefaultPort    = 587 // submission, for SecureAuto and SecureSTARTTLS
	DefaultTLSPort = 465 // for SecureImplicitTLS
)

// Settings say how to reach an SMTP server and whom mail comes from. They
// come from the server's URL (ParseURL) or from a project's SMTP settings,
// whose JSON names the fields carry.
//
// Settings print (with %v, %+v, %s or %#v) with the password masked.
type Settings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"` // 0: DefaultPort or DefaultTLSPort
	Username string `json:"username"`
	Password string `json:"password"`
	Secure   string `json:"secure"` // SecureAuto, SecureSTARTTLS or SecureImplicitTLS

	// Defaults for messages that do not set their own.
	SenderName  string `json:"senderName"`
	SenderEmail string `json:"senderEmail"`
	ReplyTo     string `json:"replyTo"`
	ReplyToName string `json:"replyToName,omitempty"` // the name shown with ReplyTo
}

// ParseURL reads settings from a URL:
//
//	smtp://user:pass@host:port?secure=tls&senderEmail=a@b.c&senderName=Name&replyTo=r@b.c
//	smtps://user:pass@host:port
//
// smtp:// uses STARTTLS when the server offers it (secure=tls requires
// it); smtps:// is implicit TLS, the same as smtp:// with secure=ssl. The
// user name and password are percent-decoded, so a password holding "@",
// ":" or "/" must be percent-encoded. Unknown query keys are an error, to
// catch typos. The result is checked with Validate. Errors never hold the
// password.
func ParseURL(raw string) (Settings, error) {
	var s Settings
	u, err := url.Parse(raw)
	if err != nil {
		// A *url.Error repeats the whole URL, password included; keep only
		// the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return s, fmt.Errorf("smtp url: %s", hideQuoted(err.Error()))
	}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		s.Secure = SecureImplicitTLS
	default:
		return s, fmt.Errorf("smtp url: scheme %q is not smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return s, errors.New("smtp url: want scheme://user:pass@host:port?options, nothing else")
	}
	s.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return s, fmt.Errorf("smtp url: port %s is not a number", show(p))
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	for key, values := range u.Query() {
		v := values[len(values)-1]
		switch key {
		case "secure":
			if u.Scheme == "smtps" && v != SecureImplicitTLS {
				return s, fmt.Errorf("smtp url: smtps:// with secure=%s", show(v))
			}
			s.Secure = v
		case "senderEmail":
			s.SenderEmail = v
		case "senderName":
			s.SenderName = v
		case "replyTo":
			s.ReplyTo = v
		default:
			return s, fmt.Errorf("smtp url: unknown option %s", show(key))
		}
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	return s, nil
}

// Validate reports every problem with the settings at once. Errors never
// hold the password. An empty SenderEmail is allowed here, but then every
// message must carry its own FromEmail.
func (s Settings) Validate() error {
	var errs []error
	switch {
	case s.Host == "":
		errs = append(errs, errors.New("smtp host is empty"))
	case !validHost(s.Host):
		errs = append(errs, fmt.Errorf("smtp host %q is not a host name or IP address", s.Host))
	}
	if s.Port < 0 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp port %d is out of range", s.Port))
	}
	switch s.Secure {
	case SecureAuto, SecureSTARTTLS, SecureImplicitTLS:
	default:
		errs = append(errs, fmt.Errorf("smtp secure %s is not one of \"\", %q, %q", show(s.Secure), SecureSTARTTLS, SecureImplicitTLS))
	}
	if s.Password != "" && s.Username == "" {
		errs = append(errs, errors.New("smtp password is set without a username"))
	}
	if hasControl(s.Username) || hasControl(s.Password) {
		errs = append(errs, errors.New("smtp username or password holds control characters"))
	}
	if s.SenderEmail != "" {
		if err := checkAddress(s.SenderEmail); err != nil {
			errs = append(errs, fmt.Errorf("smtp sender email %q: %w", s.SenderEmail, err))
		}
	}
	if hasControl(s.SenderName) {
		errs = append(errs, errors.New("smtp sender name holds control characters"))
	}
	if s.ReplyTo != "" {
		if err := checkAddress(s.ReplyTo); err != nil {
			errs = append(errs, fmt.Errorf("smtp reply-to %q: %w", s.ReplyTo, err))
		}
	}
	return errors.Join(errs...)
}

// port is the port to dial.
func (s Settings) port() int {
	switch {
	case s.Port != 0:
		return s.Port
	case s.Secure == SecureImplicitTLS:
		return DefaultTLSPort
	default:
		return DefaultPort
	}
}

// addr is host:port, for dialing and for errors.
func (s Settings) addr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.port()))
}

// String is the settings as a URL with the password masked, for logs.
func (s Settings) String() string {
	u := url.URL{Scheme: "smtp", Host: s.addr()}
	if s.Secure == SecureImplicitTLS {
		u.Scheme = "smtps"
	}
	switch {
	case s.Password != "":
		u.User = url.UserPassword(s.Username, "xxxxx")
	case s.Username != "":
		u.User = url.User(s.Username)
	}
	q := url.Values{}
	if s.Secure == SecureSTARTTLS {
		q.Set("secure", s.Secure)
	}
	if s.SenderEmail != "" {
		q.Set("senderEmail", s.SenderEmail)
	}
	if s.SenderName != "" {
		q.Set("senderName", s.SenderName)
	}
	if s.ReplyTo != "" {
		q.Set("replyTo", s.ReplyTo)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// GoString keeps %#v from printing the password.
func (s Settings) GoString() string { return "mail.Settings(" + s.String() + ")" }

// checkAddress accepts a bare address ("a@b.c"), not "Name <a@b.c>". The
// error does not repeat the address: recipients' addresses stay out of
// logs.
func checkAddress(addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return errors.New("not an email address")
	}
	if a.Address != addr || a.Name != "" {
		return errors.New("not a bare email address (no name, no angle brackets)")
	}
	return nil
}

// show quotes a piece of a URL for an error if it looks like a plain word.
// Anything else may be a misplaced credential (a password holding an
// unescaped "?" lands in the query) and is not repeated.
func show(s string) string {
	if len(s) > 32 || strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.')
	}) {
		return "(hidden)"
	}
	return strconv.Quote(s)
}

func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// quoted matches the parts of a net/url error that quote the URL.
var quoted = regexp.MustCompile(`"[^"]*"`)

// hideQuoted drops what a net/url error quotes from the URL, which may be
// the password when the URL is malformed ("invalid port \":secret\"").
func hideQuoted(msg string) string { return quoted.ReplaceAllString(msg, "(hidden)") }

// redact replaces every occurrence of secret in s. Errors are built not
// to hold secrets in the first place; this is the second line of defence,
// for text that comes from elsewhere (a library, a server's reply). Secrets
// shorter than four bytes are left alone: masking every "p" would ruin the
// message and protect little.
func redact(s, secret string) string {
	if len(secret) < 4 {
		return s
	}
	s = strings.ReplaceAll(s, secret, "xxxxx")
	if esc := url.QueryEscape(secret); esc != secret {
		s = strings.ReplaceAll(s, esc, "xxxxx")
	}
	if esc := url.PathEscape(secret); esc != secret {
		s = strings.ReplaceAll(s, esc, "xxxxx")
	}
	return s
}
