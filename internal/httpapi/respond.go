package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

// Version is the Appwrite server version Gatehouse answers as; SDKs and
// error bodies carry it.
const Version = "1.8.1"

// timeFormat is Appwrite's date-time format, always UTC.
const timeFormat = "2006-01-02T15:04:05.000+00:00"

// when formats a time for the wire: "" for the zero time.
//
// Every account, session and log model carries several dates, and
// time.Format, which interprets its layout on every call, was 3% of a
// GET /v1/account; the fixed layout is written directly instead.
// FuzzWhen checks that the two agree.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(timeFormat)
	}
	hour, minute, sec := t.Clock()
	var b [len(timeFormat)]byte
	put := func(at, v, width int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	copy(b[:], timeFormat)
	put(0, year, 4)
	put(5, int(month), 2)
	put(8, day, 2)
	put(11, hour, 2)
	put(14, minute, 2)
	put(17, sec, 2)
	put(20, t.Nanosecond()/1e6, 3)
	return string(b[:])
}

func (c *call) json(status int, v any) error {
	var b []byte
	var err error
	v = c.shape(v)
	if a, ok := v.(accountModel); ok {
		// The hot GET /v1/account: no reflection, no re-validation of
		// the MarshalJSON output.
		b, err = a.appendJSON(make([]byte, 0, 768))
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	c.w.WriteHeader(status)
	_, err = c.w.Write(b)
	return err
}

func (c *call) noContent() error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// passThrough are the statuses Appwrite sends as they are; any other is
// masked as a 500 that keeps its error type.
var passThrough = map[int]bool{400: true, 401: true, 402: true, 403: true, 404: true, 408: true, 409: true,
	412: true, 416: true, 422: true, 429: true, 451: true, 501: true, 503: true}

type errorBody struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
	Type    string `json:"type"`
	Version string `json:"version"`
}

// writeError sends err as Appwrite's error body. Errors that are not
// *apperr.Error are logged with the request id and sent as general_unknown;
// their text never reaches the client.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		if errors.Is(err, errBodyTooLarge) {
			ae = apperr.Newf(apperr.ArgumentInvalid, "The request body is too large.")
		} else if r.Context().Err() != nil {
			// The client went away; nobody reads this answer.
			ae = apperr.Wrap(apperr.Unknown, err)
		} else {
			s.Log.ErrorContext(r.Context(), "request failed", "err", err, "route", r.Pattern)
			ae = apperr.Wrap(apperr.Unknown, err)
		}
	} else if ae.Err != nil {
		s.Log.WarnContext(r.Context(), "request refused", "type", ae.Kind.Type, "err", ae.Err)
	}
	status, msg := ae.Kind.Status, ae.Message()
	if !passThrough[status] {
		status, msg = http.StatusInternalServerError, "Server Error"
	}
	body := errorBody{Message: msg, Code: status, Type: ae.Kind.Type, Version: Version}
	if hw, ok := w.(htmlErrorWriter); ok {
		writeHTMLError(hw.ResponseWriter, status, body)
		return
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Del("Set-Cookie")
	w.WriteHeader(status)
	w.Write(b)
}

// htmlErrorWriter marks a response whose errors render as a page.
type htmlErrorWriter struct{ http.ResponseWriter }

// isHTTPS tells whether the client reached us over TLS, directly or
// through a trusted proxy that says so. X-Forwarded-Proto from any other
// peer is the client's own word, and it decides cookie flags, HSTS and
// callback schemes, so it is not believed. The first entry is the scheme
// the client used with the outermost proxy.
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.TrustedProxies.TrustsPeer(r) {
		return false
	}
	first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(first), "https")
}
