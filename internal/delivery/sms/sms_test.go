package sms_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/sms"
)

const (
	to   = "+15557654321"
	body = "123456 is your Gatehouse verification code."
)

// answer is what a stand-in replies.
type answer struct {
	status int
	body   string
}

// standIn is a provider's API on loopback: it checks each request with
// check (which returns what is wrong, or "") and replies with the next
// answer.
type standIn struct {
	*httptest.Server
	mu      sync.Mutex
	answers []answer
	calls   int
}

func newStandIn(t *testing.T, check func(r *http.Request, body []byte) string) *standIn {
	s := &standIn{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if problem := check(r, b); problem != "" {
			t.Errorf("%s %s: %s\nheaders: %v\nbody: %s", r.Method, r.URL, problem, r.Header, b)
		}
		s.mu.Lock()
		a := answer{500, "no answer queued"}
		if s.calls < len(s.answers) {
			a = s.answers[s.calls]
		}
		s.calls++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *standIn) reply(a ...answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers, s.calls = a, 0
}

// count is how many requests arrived since the last reply.
func (s *standIn) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// host is the stand-in's 127.0.0.1:port.
func (s *standIn) host() string { return strings.TrimPrefix(s.URL, "http://") }

func basic(r *http.Request, user, pass string) string {
	u, p, ok := r.BasicAuth()
	if !ok || u != user || p != pass {
		return "wrong basic auth"
	}
	return ""
}

func form(r *http.Request, b []byte, want url.Values) string {
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		return "Content-Type " + ct
	}
	got, err := url.ParseQuery(string(b))
	if err != nil {
		return err.Error()
	}
	if got.Encode() != want.Encode() {
		return "form " + got.Encode() + ", want " + want.Encode()
	}
	return ""
}

func firstOf(problems ...string) string {
	for _, p := range problems {
		if p != "" {
			return p
		}
	}
	return ""
}

func post(r *http.Request, path string) string {
	if r.Method != http.MethodPost {
		return "method " + r.Method
	}
	if r.URL.Path != path {
		return "path " + r.URL.Path + ", want " + path
	}
	if r.URL.RawQuery != "" {
		return "query " + r.URL.RawQuery
	}
	return ""
}

type providerCase struct {
	name    string
	url     func(host string) string // the GATEHOUSE_SMS_URL for a stand-in at host
	secret  string                   // must never show in an error
	check   func(r *http.Request, b []byte) string
	ok      answer
	refused answer // a permanent refusal
	wantMsg string // in the refusal's error
	busy    answer // a temporary failure
}

var providerCases = []providerCase{
	{
		name:   "twilio",
		url:    func(h string) string { return "twilio://AC0123:tw-auth-token@" + h + "?from=%2B15551234567&insecure=1" },
		secret: "tw-auth-token",
		check: func(r *http.Request, b []byte) string {
			return firstOf(post(r, "/2010-04-01/Accounts/AC0123/Messages.json"), basic(r, "AC0123", "tw-auth-token"),
				form(r, b, url.Values{"To": {to}, "From": {"+15551234567"}, "Body": {body}}))
		},
		ok:      answer{201, `{"sid":"SM1","status":"queued"}`},
		refused: answer{400, `{"code":21211,"message":"The 'To' number is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`},
		wantMsg: "code 21211: The 'To' number is not a valid phone number.",
		busy:    answer{429, `{"code":20429,"message":"Too Many Requests","status":429}`},
	},
	{
		name:   "vonage",
		url:    func(h string) string { return "vonage://vkey:vonage-secret@" + h + "?from=Gatehouse&insecure=1" },
		secret: "vonage-secret",
		check: func(r *http.Request, b []byte) string {
			return firstOf(post(r, "/sms/json"),
				form(r, b, url.Values{"api_key": {"vkey"}, "api_secret": {"vonage-secret"}, "from": {"Gatehouse"}, "to": {"15557654321"}, "text": {body}}))
		},
		ok:      answer{200, `{"message-count":"1","messages":[{"to":"15557654321","message-id":"0A1","status":"0","remaining-balance":"3.1","message-price":"0.03","network":"12345"}]}`},
		refused: answer{200, `{"message-count":"1","messages":[{"status":"4","error-text":"Bad Credentials"}]}`},
		wantMsg: "code 4: Bad Credentials",
		busy:    answer{200, `{"message-count":"1","messages":[{"status":"1","error-text":"Throughput Rate Exceeded - please wait [ 30 ] and retry"}]}`},
	},
	{
		name: "msg91",
		url: func(h string) string {
			return "msg91://msg91-auth-key@" + h + "?sender=GATEHS&template=tmpl-1&insecure=1"
		},
		secret: "msg91-auth-key",
		check: func(r *http.Request, b []byte) string {
			if p := firstOf(post(r, "/api/v5/flow/")); p != "" {
				return p
			}
			if r.Header.Get("authkey") != "msg91-auth-key" {
				return "authkey header"
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				return "Content-Type " + ct
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				return err.Error()
			}
			want := map[string]any{"template_id": "tmpl-1", "sender": "GATEHS", "short_url": "0",
				"recipients": []any{map[string]any{"mobiles": "15557654321", "message": body, "otp": "123456"}}}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				return "json " + string(g) + ", want " + string(w)
			}
			return ""
		},
		ok:      answer{200, `{"message":"3763646c3058373530393030","type":"success"}`},
		refused: answer{200, `{"message":"Template ID Missing or Invalid Template","type":"error"}`},
		wantMsg: "Template ID Missing or Invalid Template",
		busy:    answer{503, `<html>Service Unavailable</html>`},
	},
	{
		name:   "textmagic",
		url:    func(h string) string { return "textmagic://tmuser:textmagic-key@" + h + "?from=Gatehouse&insecure=1" },
		secret: "textmagic-key",
		check: func(r *http.Request, b []byte) string {
			if r.Header.Get("X-TM-Username") != "tmuser" || r.Header.Get("X-TM-Key") != "textmagic-key" {
				return "X-TM headers"
			}
			if _, _, ok := r.BasicAuth(); ok {
				return "unexpected basic auth"
			}
			return firstOf(post(r, "/api/v2/messages"),
				form(r, b, url.Values{"text": {body}, "phones": {"15557654321"}, "from": {"Gatehouse"}}))
		},
		ok:      answer{201, `{"id":49576009,"href":"/api/v2/messages/49576009","type":"message","sessionId":34436600,"bulkId":null,"messageId":49576009,"scheduleId":null}`},
		refused: answer{401, `{"code":401,"message":"Username and API key are required","errors":null}`},
		wantMsg: "code 401: Username and API key are required",
		busy:    answer{500, `{"code":500,"message":"Internal error"}`},
	},
	{
		name:   "telesign",
		url:    func(h string) string { return "telesign://CUST-1:telesign-api-key@" + h + "?insecure=1" },
		secret: "telesign-api-key",
		check: func(r *http.Request, b []byte) string {
			return firstOf(post(r, "/v1/messaging"), basic(r, "CUST-1", "telesign-api-key"),
				form(r, b, url.Values{"phone_number": {"15557654321"}, "message": {body}, "message_type": {"OTP"}}))
		},
		ok:      answer{200, `{"reference_id":"0123456789ABCDEF0123456789ABCDEF","status":{"code":290,"updated_on":"2024-01-01T00:00:00Z","description":"Message in progress"}}`},
		refused: answer{401, `{"status":{"code":10033,"description":"Invalid Customer ID"},"errors":[{"code":-30000,"description":"Invalid Customer ID."}]}`},
		wantMsg: "code -30000: Invalid Customer ID.",
		busy:    answer{503, `{"status":{"code":10034,"description":"Service unavailable"}}`},
	},
}

func TestProviders(t *testing.T) {
	for _, c := range providerCases {
		t.Run(c.name, func(t *testing.T) {
			srv := newStandIn(t, c.check)
			p, err := sms.New(c.url(srv.host()))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			ctx := context.Background()

			srv.reply(c.ok)
			if err := p.Send(ctx, to, body); err != nil {
				t.Fatalf("Send: %v", err)
			}

			srv.reply(c.refused)
			err = p.Send(ctx, to, body)
			var e *sms.Error
			if !errors.As(err, &e) {
				t.Fatalf("refusal: err = %v, want *sms.Error", err)
			}
			if !strings.Contains(err.Error(), c.wantMsg) || e.Provider != c.name || e.Status != c.refused.status {
				t.Errorf("refusal: err = %q (status %d), want %q and status %d", err, e.Status, c.wantMsg, c.refused.status)
			}
			if !delivery.IsPermanent(err) {
				t.Errorf("refusal should be permanent: %v", err)
			}
			if strings.Contains(err.Error(), c.secret) || strings.Contains(err.Error(), "123456") {
				t.Errorf("refusal leaks a secret: %v", err)
			}

			srv.reply(c.busy)
			err = p.Send(ctx, to, body)
			if err == nil || delivery.IsPermanent(err) {
				t.Errorf("busy: err = %v, want a temporary error", err)
			}

			if err := p.Send(ctx, "15557654321", body); err == nil || !delivery.IsPermanent(err) {
				t.Errorf("number without +: err = %v, want a permanent error", err)
			}
			if srv.count() != 1 {
				t.Errorf("a bad number reached the provider")
			}
		})
	}
}

// The real API is the default, and WithBaseURL overrides it.
func TestBaseURL(t *testing.T) {
	var hits int
	srv := newStandIn(t, func(r *http.Request, b []byte) string { hits++; return "" })
	srv.reply(answer{201, `{}`})
	p, err := sms.New("twilio://AC1:tok@default?from=%2B15551234567", sms.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Send(context.Background(), to, body); err != nil || hits != 1 {
		t.Fatalf("err = %v, hits = %d", err, hits)
	}
}

func TestNewErrors(t *testing.T) {
	const secret = "SuperSecret42"
	cases := []struct{ name, url, want string }{
		{"unknown provider", "plivo://a:" + secret + "@default", "unknown provider"},
		{"no host", "twilio://a:" + secret + "@?from=x", "no host"},
		{"twilio without from", "twilio://a:" + secret + "@default", "from"},
		{"twilio without token", "twilio://a@default?from=x", "AUTH_TOKEN"},
		{"unknown option", "vonage://a:" + secret + "@default?from=x&sender=y", "unknown vonage option \"sender\""},
		{"msg91 without template", "msg91://" + secret + "@default", "template"},
		{"msg91 with password", "msg91://a:" + secret + "@default?template=t", "AUTH_KEY"},
		{"textmagic without key", "textmagic://user@default", "API_KEY"},
		{"telesign bad type", "telesign://a:" + secret + "@default?message_type=SPAM", "message_type"},
		{"insecure remote host", "twilio://a:" + secret + "@api.example.com?from=x&insecure=1", "loopback"},
		{"insecure default", "twilio://a:" + secret + "@default?from=x&insecure=1", "loopback"},
		{"path", "twilio://a:" + secret + "@default/x?from=x", "nothing else"},
		{"unparsable", "twilio://a:" + secret + "@host:port?from=x", "sms url"},
		{"unescaped", "twilio://a:" + secret + "/x@host:12ab", "sms url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sms.New(c.url)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %q, want it to mention %q", err, c.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("err leaks the secret: %q", err)
			}
		})
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	var leaked bool
	other := newStandIn(t, func(r *http.Request, b []byte) string {
		leaked = r.Header.Get("X-TM-Key") != ""
		return ""
	})
	srv := newStandIn(t, func(r *http.Request, b []byte) string { return "" })
	srv.Config.Handler = http.RedirectHandler(other.URL+"/api/v2/messages", http.StatusTemporaryRedirect)
	p, err := sms.New("textmagic://u:key@default", sms.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	err = p.Send(context.Background(), to, body)
	var e *sms.Error
	if !errors.As(err, &e) || e.Status != http.StatusTemporaryRedirect {
		t.Errorf("err = %v, want the 307 as an error", err)
	}
	if leaked || other.count() != 0 {
		t.Error("redirect was followed")
	}
}

func TestTimeoutIsTemporary(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first
	p, err := sms.New("telesign://c:k@default", sms.WithBaseURL(srv.URL),
		sms.WithHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	err = p.Send(context.Background(), to, body)
	var e *sms.Error
	if !errors.As(err, &e) || e.Status != 0 || e.Err == nil || delivery.IsPermanent(err) {
		t.Errorf("err = %v, want a temporary transport error", err)
	}
}

func TestLongAndUnicodeAnswers(t *testing.T) {
	srv := newStandIn(t, func(r *http.Request, b []byte) string {
		v, _ := url.ParseQuery(string(b))
		if v.Get("type") != "unicode" {
			return "non-ASCII text without type=unicode"
		}
		return ""
	})
	srv.reply(answer{502, strings.Repeat("bad gateway\n\t", 100) + body})
	p, err := sms.New("vonage://k:s@default?from=G", sms.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	err = p.Send(context.Background(), to, "Ihr Code: 654321 – gültig für 15 Minuten")
	if err == nil {
		t.Fatal("no error")
	}
	if len(err.Error()) > 300 || strings.ContainsAny(err.Error(), "\n\t") {
		t.Errorf("excerpt too long or not one line: %q", err)
	}
}

func TestFunc(t *testing.T) {
	var got string
	var s sms.SMS = sms.Func(func(ctx context.Context, to, body string) error { got = to + ":" + body; return nil })
	if err := s.Send(context.Background(), "+1555", "hi"); err != nil || got != "+1555:hi" {
		t.Errorf("got %q, %v", got, err)
	}
}
