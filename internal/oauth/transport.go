package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"golang.org/x/oauth2"
)

const (
	// maxBody caps every response read from a provider.
	maxBody = 1 << 20
	// defaultTimeout applies when the caller's client has none.
	defaultTimeout = 15 * time.Second
)

var errTooLarge = errors.New("response larger than 1 MiB")

// wrapClient returns a copy of hc whose responses are size-limited and
// which has a timeout. golang.org/x/oauth2 and go-oidc receive it through
// the context (oauth2.HTTPClient), so no request falls back to
// http.DefaultClient.
func wrapClient(hc *http.Client) *http.Client {
	c := &http.Client{}
	if hc != nil {
		*c = *hc
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = limitTransport{base: base}
	return c
}

type limitTransport struct{ base http.RoundTripper }

func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: maxBody}
	return resp, nil
}

// limitedBody fails, rather than truncates, once more than maxBody bytes
// arrive, so a cut-off JSON document is never mistaken for a whole one.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, errTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// withClient puts the provider's client where oauth2 and go-oidc look.
func (p *provider) withClient(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, p.hc)
}

// do sends req and returns the body of a 2xx response; anything else is
// an *Error.
func (p *provider) do(req *http.Request, op string) ([]byte, error) {
	resp, err := p.hc.Do(req)
	if err != nil {
		return nil, p.fail(op, 0, stripURL(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, p.fail(op, resp.StatusCode, stripURL(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := p.fail(op, resp.StatusCode, nil)
		e.Code, e.Description = oauthError(body)
		return nil, e
	}
	return body, nil
}

// getJSON requests u with the access token and decodes a JSON object.
// auth is the Authorization scheme ("Bearer", "OAuth"); "" sends no
// Authorization header (the token is then in the URL).
func (p *provider) getJSON(ctx context.Context, method, u, auth, token string, hdr map[string]string) (map[string]any, error) {
	v, err := p.get(ctx, method, u, auth, token, hdr)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, p.fail("profile", 0, errors.New("response is not a JSON object"))
	}
	return m, nil
}

// get is getJSON for any JSON value (GitHub's email list is an array).
func (p *provider) get(ctx context.Context, method, u, auth, token string, hdr map[string]string) (any, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, p.fail("profile", 0, stripURL(err))
	}
	req.Header.Set("Accept", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth+" "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	body, err := p.do(req, "profile")
	if err != nil {
		return nil, err
	}
	var v any
	if err := decodeJSON(body, &v); err != nil {
		return nil, p.fail("profile", 0, errors.New("response is not JSON"))
	}
	return v, nil
}

// decodeJSON decodes exactly one JSON value, keeping numbers exact
// (large numeric ids).
func decodeJSON(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

func (p *provider) fail(op string, status int, cause error) *Error {
	kind := ErrProvider
	switch status {
	case http.StatusBadRequest:
		kind = ErrBadRequest
	case http.StatusUnauthorized:
		kind = ErrUnauthorized
	}
	return &Error{Kind: kind, Provider: p.name, Op: op, Status: status, Err: cause}
}

// tokenError converts an error from golang.org/x/oauth2 into an *Error.
// RetrieveError's own text includes the response body, so only its status
// and cleaned OAuth error fields are kept.
func (p *provider) tokenError(op string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		return p.fail(op, 0, stripURL(err))
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	if status >= 200 && status <= 299 {
		// An OAuth error inside a 2xx answer (GitHub, Slack).
		status = http.StatusBadRequest
		switch re.ErrorCode {
		case "invalid_client", "incorrect_client_credentials", "unauthorized_client":
			status = http.StatusUnauthorized
		}
	}
	e := p.fail(op, status, nil)
	e.Code = clean(re.ErrorCode, 64)
	e.Description = clean(re.ErrorDescription, 200)
	return e
}

// stripURL drops the URL from *url.Error: some profile endpoints take the
// access token as a query parameter.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

// oauthError reads RFC 6749 error fields from an error body, if any.
func oauthError(body []byte) (code, desc string) {
	var v struct {
		Error       any    `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"`
	}
	if json.Unmarshal(body, &v) != nil {
		if q, err := url.ParseQuery(string(body)); err == nil {
			return clean(q.Get("error"), 64), clean(q.Get("error_description"), 200)
		}
		return "", ""
	}
	if s, ok := v.Error.(string); ok {
		code = s
	}
	if v.Description == "" {
		v.Description = v.Message
	}
	return clean(code, 64), clean(v.Description, 200)
}

// clean keeps printable characters and shortens s to max runes.
func clean(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}
