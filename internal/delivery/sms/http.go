package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a failed send.
type Error struct {
	Provider string // "twilio", ...
	Status   int    // HTTP status; 0 when no answer came or the request was never sent
	Code     string // the provider's own error code, when it gave one
	Message  string // short excerpt of the answer or reason, without secrets
	Err      error  // the transport error, when no answer came

	permanent bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sms ")
	b.WriteString(e.Provider)
	b.WriteString(":")
	if e.Status != 0 {
		fmt.Fprintf(&b, " HTTP %d:", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " code %s:", e.Code)
	}
	b.WriteString(" ")
	b.WriteString(e.Message)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Permanent reports whether sending the same text again cannot help: the
// provider refused the request (4xx other than 408 and 429, or an error
// answer its API documents as final), or the number is invalid.
func (e *Error) Permanent() bool { return e.permanent }

// permanentStatus is the default reading of an HTTP status.
func permanentStatus(status int) bool {
	return status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{4,14}$`)

// digits checks an E.164 number and returns it without "+".
func digits(provider, to string) (string, error) {
	if !e164.MatchString(to) {
		// The number itself stays out of the error, and so out of logs.
		return "", &Error{Provider: provider, Message: "the number is not in E.164 form (+ and 5 to 15 digits)", permanent: true}
	}
	return to[1:], nil
}

func checkBody(provider, body string) error {
	if strings.TrimSpace(body) == "" {
		return &Error{Provider: provider, Message: "empty message", permanent: true}
	}
	return nil
}

// request is one call to a provider's API.
type request struct {
	provider string
	client   *http.Client
	url      string
	form     url.Values // sent as application/x-www-form-urlencoded, or
	json     any        // sent as application/json
	header   http.Header
	user     string // basic auth, when set
	pass     string
	secrets  []string // kept out of error messages
}

// maxAnswer is how much of an answer is read.
const maxAnswer = 64 << 10

// do sends the request and returns the status and the start of the
// answer. A transport failure is an *Error with Status 0.
func (r request) do(ctx context.Context) (int, []byte, error) {
	var body io.Reader
	var contentType string
	switch {
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			return 0, nil, &Error{Provider: r.provider, Message: "encode request: " + err.Error(), Err: err, permanent: true}
		}
		body, contentType = bytes.NewReader(b), "application/json"
	default:
		body, contentType = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, body)
	if err != nil {
		return 0, nil, &Error{Provider: r.provider, Message: "build request: " + r.clean(err.Error()), Err: err, permanent: true}
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Gatehouse")
	if r.user != "" || r.pass != "" {
		req.SetBasicAuth(r.user, r.pass)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, &Error{Provider: r.provider, Message: r.clean(err.Error()), Err: err}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, &Error{Provider: r.provider, Status: resp.StatusCode, Message: "read answer: " + r.clean(err.Error()), Err: err}
	}
	return resp.StatusCode, answer, nil
}

// fail builds the error for an answer that is not a success. message and
// code are what the provider's JSON said, if the caller could read it;
// otherwise the raw answer is excerpted.
func (r request) fail(status int, answer []byte, code, message string, permanent bool) *Error {
	if message == "" {
		message = string(answer)
		if message == "" {
			message = http.StatusText(status)
		}
	}
	return &Error{Provider: r.provider, Status: status, Code: r.clean(code), Message: r.clean(message), permanent: permanent}
}

// codeLike finds one-time codes in a message text, so that an answer
// echoing part of the text does not put the code in a log.
var codeLike = regexp.MustCompile(`[0-9]{4,}`)

// clean makes s fit for a log line: secrets masked, control characters
// dropped, white space collapsed, at most 200 characters.
func (r request) clean(s string) string {
	for _, secret := range r.secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "xxxxx")
		}
		for _, code := range codeLike.FindAllString(secret, -1) {
			s = strings.ReplaceAll(s, code, "xxxxx")
		}
	}
	s = strings.Join(strings.FieldsFunc(s, func(c rune) bool { return unicode.IsSpace(c) || unicode.IsControl(c) }), " ")
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	return s
}

var otpLike = regexp.MustCompile(`(?:^|[^0-9])([0-9]{4,10})(?:[^0-9]|$)`)

// firstCode returns the first run of 4 to 10 digits in s that stands on its
// own: the code of a one-time-code text.
func firstCode(s string) string {
	if m := otpLike.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}
