// Package sms sends one text message through an SMS provider's HTTP API.
//
// A provider is chosen by a URL, the value of GATEHOUSE_SMS_URL:
//
//	twilio://ACCOUNT_SID:AUTH_TOKEN@default?from=+15551234567
//	twilio://API_KEY_SID:API_KEY_SECRET@default?account=ACCOUNT_SID&from=MG...
//	vonage://API_KEY:API_SECRET@default?from=Gatehouse
//	msg91://AUTH_KEY@default?template=TEMPLATE_ID&sender=SENDER
//	textmagic://USERNAME:API_KEY@default?from=Gatehouse
//	telesign://CUSTOMER_ID:API_KEY@default?message_type=OTP
//
// Credentials are percent-decoded. The host "default" means the provider's
// real API. Any other host:port replaces it (a regional endpoint, a proxy,
// a stand-in in tests) and is spoken to over HTTPS; insecure=1 switches to
// plain HTTP and is accepted only for a loopback host. WithBaseURL does the
// same from Go code. Unknown query keys are an error, to catch typos.
//
// Senders never use http.DefaultClient: the default client has a timeout
// and does not follow redirects, so credentials sent in headers cannot be
// forwarded to another host. Any answer other than the provider's success
// is an *Error carrying the status and a short excerpt of the answer with
// the credentials and the message text taken out.
package sms

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// SMS sends a text. to is an E.164 number ("+" and digits); providers
// that want it without "+" get it that way. Implementations are safe for
// concurrent use.
type SMS interface {
	Send(ctx context.Context, to, body string) error
}

// Func adapts a function to SMS, for tests and for wiring.
type Func func(ctx context.Context, to, body string) error

// Send calls f.
func (f Func) Send(ctx context.Context, to, body string) error { return f(ctx, to, body) }

// DefaultTimeout bounds one request to a provider when the caller does not
// pass its own client.
const DefaultTimeout = 15 * time.Second

// Option changes how New builds a provider.
type Option func(*options)

type options struct {
	client  *http.Client
	baseURL string
}

// WithHTTPClient makes the provider use c. A copy of c is used with
// redirects turned off; a zero Timeout becomes DefaultTimeout.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.client = c }
}

// WithBaseURL replaces the provider's API origin (scheme://host[:port],
// no path), whatever the URL's host says. It is meant for tests, where it
// points at an httptest.Server.
func WithBaseURL(base string) Option {
	return func(o *options) { o.baseURL = strings.TrimSuffix(base, "/") }
}

// config is what a provider constructor gets.
type config struct {
	scheme string
	user   string
	pass   string
	query  url.Values
	base   string // origin to use, or "" for the provider's default
	client *http.Client
}

// providers maps URL schemes to constructors. Each constructor checks its
// query keys and credentials.
var providers = map[string]func(config) (SMS, error){
	"twilio":    newTwilio,
	"vonage":    newVonage,
	"msg91":     newMSG91,
	"textmagic": newTextmagic,
	"telesign":  newTelesign,
}

// New returns the provider the URL names. Errors never hold the
// credentials.
func New(rawURL string, opts ...Option) (SMS, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // a *url.Error repeats the URL, credentials included
		}
		return nil, fmt.Errorf("sms url: %s", hideQuoted(err.Error()))
	}
	newProvider, ok := providers[u.Scheme]
	if !ok {
		return nil, fmt.Errorf("sms url: unknown provider %q (want twilio, vonage, msg91, textmagic or telesign)", u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return nil, fmt.Errorf("sms url: want %s://credentials@host?options, nothing else", u.Scheme)
	}
	c := config{scheme: u.Scheme, query: u.Query(), client: httpClient(o.client)}
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
	}
	insecure := c.query.Get("insecure")
	c.query.Del("insecure")
	switch {
	case o.baseURL != "":
		c.base = o.baseURL
	case u.Host == "default":
		if insecure != "" {
			return nil, fmt.Errorf("sms url: insecure is only for a loopback host, not %q", u.Host)
		}
	case u.Host == "":
		return nil, fmt.Errorf("sms url: no host; use %s://...@default for the provider's API", u.Scheme)
	default:
		scheme := "https"
		switch insecure {
		case "":
		case "1", "true":
			if !isLoopback(u.Hostname()) {
				return nil, fmt.Errorf("sms url: insecure is only for a loopback host, not %s", show(u.Hostname()))
			}
			scheme = "http"
		default:
			return nil, fmt.Errorf("sms url: insecure=%s, want 1", show(insecure))
		}
		c.base = scheme + "://" + u.Host
	}
	return newProvider(c)
}

// checkQuery fails on a query key the provider does not know.
func (c config) checkQuery(known ...string) error {
	for key := range c.query {
		found := false
		for _, k := range known {
			if key == k {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("sms url: unknown %s option %s", c.scheme, show(key))
		}
	}
	return nil
}

// origin is the base URL or the provider's default.
func (c config) origin(def string) string {
	if c.base != "" {
		return c.base
	}
	return def
}

func httpClient(c *http.Client) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	}
	if out.Timeout == 0 {
		out.Timeout = DefaultTimeout
	}
	out.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &out
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// show quotes a piece of a URL for an error if it looks like a plain word.
// Anything else may be a misplaced credential (a secret holding an
// unescaped "?" lands in the query) and is not repeated.
func show(s string) string {
	if len(s) > 32 || strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.')
	}) {
		return "(hidden)"
	}
	return strconv.Quote(s)
}

// quoted matches the parts of a net/url error that quote the URL.
var quoted = regexp.MustCompile(`"[^"]*"`)

// hideQuoted drops what a net/url error quotes from the URL, which may be
// a credential when the URL is malformed ("invalid port \":secret\"").
func hideQuoted(msg string) string { return quoted.ReplaceAllString(msg, "(hidden)") }
