// Package ratelimit keeps fixed-window request counters shared by every
// node, as Appwrite's abuse limits.
//
// A route carries one or more Rules such as "10 per hour per url+ip". For
// each rule the Limiter fills in the key template, finds the fixed window the
// current time falls in (Unix-aligned: start = now - now mod window) and hits
// a Counter shared by all nodes: the SQL store or Redis. A request is allowed
// while the count before its hit is below the limit; a refused hit is not
// counted, so a flood cannot push a counter further.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxWindow is the longest window a Rule may use. The counters forget
// windows that started more than this long ago (the maintenance sweep
// removes them from the database and Redis keys expire), so a longer
// window would restart its count early.
// Appwrite's windows are all one hour.
const MaxWindow = 2 * time.Hour

// Counter is a set of fixed-window counters shared by every node.
type Counter interface {
	// Hit adds one to the counter key in the window starting at window,
	// unless the count has already reached limit, and returns the count
	// before this hit. A result >= limit means the hit was refused and not
	// counted. Hits on one key must be atomic across nodes.
	Hit(ctx context.Context, key string, window time.Time, limit int) (before int, err error)
}

// CounterFunc adapts a function to Counter. storage.Store provides the
// counters as HitCounter, so ratelimit.CounterFunc(store.HitCounter) is a
// Counter.
type CounterFunc func(ctx context.Context, key string, window time.Time, limit int) (int, error)

// Hit calls f.
func (f CounterFunc) Hit(ctx context.Context, key string, window time.Time, limit int) (int, error) {
	return f(ctx, key, window, limit)
}

// Rule is one limit on a route: at most Limit requests per fixed Window for
// each distinct value of Key.
//
// Key is a template such as "url:{url},ip:{ip}". Each {name} is replaced by
// the value the caller's vals function gives for name; the names in use are
// "url" (request hostname + route path pattern), "ip" (client IP), "userId"
// (the caller's user id, "" for guests) and "param-NAME" (request parameter
// NAME, e.g. {param-email}). Values are inserted once and never scanned for
// further placeholders. Appwrite's templates hold no project id, but it
// keeps the counters in each project's database; the HTTP layer adds
// "project:{project}," to every template to count per project as well.
type Rule struct {
	Limit  int
	Window time.Duration
	Key    string
}

// Result describes the outcome of a Check for the rule with the fewest
// requests remaining (or the rule that was exceeded).
type Result struct {
	// Limit is the rule's limit; 0 when nothing was checked (no rules),
	// in which case no headers are sent.
	Limit int
	// Remaining is max(0, Limit - (count+1)) with count taken before the
	// hit, as Appwrite computes X-RateLimit-Remaining.
	Remaining int
	// Reset is the end of the rule's current window.
	Reset time.Time
	// Exceeded reports that the request must be refused with
	// 429 general_rate_limit_exceeded.
	Exceeded bool
}

// Headers sets X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset (Unix seconds) on h when r.Limit > 0.
func (r Result) Headers(h http.Header) {
	if r.Limit <= 0 {
		return
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(r.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(r.Remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(r.Reset.Unix(), 10))
}

// Limiter applies Rules against a Counter. It is safe for concurrent use.
type Limiter struct {
	c       Counter
	enabled bool
	now     func() time.Time
}

// New returns a Limiter counting in c. When enabled is false it behaves as
// Appwrite with _APP_OPTIONS_ABUSE=disabled: Check counts nothing and
// allows everything, but still describes each rule as a first request
// would find it, so the X-RateLimit-* headers are sent as Appwrite sends
// them then (Remaining one below the limit). c may be nil. now is the
// clock; nil means time.Now. An enabled limiter needs a counter: New
// panics rather than silently limiting nothing.
func New(c Counter, enabled bool, now func() time.Time) *Limiter {
	if enabled && c == nil {
		panic("ratelimit: New: enabled without a Counter")
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{c: c, enabled: enabled, now: now}
}

// Enabled reports whether Check counts requests.
func (l *Limiter) Enabled() bool { return l != nil && l.enabled }

// Check counts one request against each rule in order and reports the
// outcome. vals gives the value of each key placeholder (see Rule); nil
// means every placeholder is empty. Rules with Limit <= 0 are skipped.
//
// Each rule is enforced separately: the first rule whose count has reached
// its limit makes the result Exceeded, describes that rule, and the rules
// after it are not counted (the request is refused anyway). Otherwise the
// result describes the rule with the fewest requests remaining.
//
// When the limiter is disabled Check touches no counter: every rule
// reads as not yet hit in its window (Remaining = Limit - 1), the result
// describes the rule with the fewest remaining and is never Exceeded.
//
// A counter failure is returned as an error, never folded into the result:
// Check neither allows nor refuses on its own when the shared counters are
// unreachable. The HTTP layer decides whether to fail open or answer with
// an error. An invalid rule (Window not a whole number of seconds, or
// outside 1s..MaxWindow) is also an error.
func (l *Limiter) Check(ctx context.Context, rules []Rule, vals func(name string) string) (Result, error) {
	if l == nil {
		return Result{}, nil
	}
	if vals == nil {
		vals = func(string) string { return "" }
	}
	now := l.now()
	var best Result
	for _, r := range rules {
		if r.Limit <= 0 {
			continue
		}
		start, err := windowStart(now, r.Window)
		if err != nil {
			return Result{}, fmt.Errorf("ratelimit: rule %q: %w", r.Key, err)
		}
		before := 0
		if l.Enabled() {
			before, err = l.c.Hit(ctx, expand(r.Key, vals), start, r.Limit)
			if err != nil {
				// The template, not the expanded key: the key may hold an email.
				return Result{}, fmt.Errorf("ratelimit: rule %q: %w", r.Key, err)
			}
		}
		res := Result{
			Limit:     r.Limit,
			Remaining: max(0, r.Limit-(before+1)),
			Reset:     start.Add(r.Window),
			Exceeded:  before >= r.Limit,
		}
		if res.Exceeded {
			return res, nil
		}
		if best.Limit == 0 || res.Remaining < best.Remaining {
			best = res
		}
	}
	return best, nil
}

var errWindow = errors.New("window must be a whole number of seconds between 1s and MaxWindow")

// windowStart returns the start of the fixed window of length w that holds
// now, aligned on the Unix epoch.
func windowStart(now time.Time, w time.Duration) (time.Time, error) {
	if w < time.Second || w > MaxWindow || w%time.Second != 0 {
		return time.Time{}, errWindow
	}
	sec, ws := now.Unix(), int64(w/time.Second)
	m := sec % ws
	if m < 0 { // before 1970; keep the window start at or before now
		m += ws
	}
	return time.Unix(sec-m, 0).UTC(), nil
}

// expand replaces each {name} in tmpl by vals(name), in one pass.
func expand(tmpl string, vals func(string) string) string {
	if !strings.Contains(tmpl, "}") {
		return tmpl
	}
	var b strings.Builder
	for {
		end := strings.IndexByte(tmpl, '}')
		if end < 0 {
			break
		}
		open := strings.LastIndexByte(tmpl[:end], '{')
		if open < 0 {
			b.WriteString(tmpl[:end+1])
		} else {
			b.WriteString(tmpl[:open])
			b.WriteString(vals(tmpl[open+1 : end]))
		}
		tmpl = tmpl[end+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}
