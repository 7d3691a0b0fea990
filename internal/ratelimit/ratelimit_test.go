package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
)

// clock is a fake clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// memCounter is an in-memory Counter that also records every hit.
type memCounter struct {
	mu     sync.Mutex
	counts map[string]int
	hits   []hit
	err    error
}

type hit struct {
	key    string
	window time.Time
	limit  int
}

func newMem() *memCounter { return &memCounter{counts: map[string]int{}} }

func (m *memCounter) Hit(_ context.Context, key string, window time.Time, limit int) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return 0, m.err
	}
	m.hits = append(m.hits, hit{key, window, limit})
	k := key + "@" + strconv.FormatInt(window.Unix(), 10)
	n := m.counts[k]
	if n < limit {
		m.counts[k] = n + 1
	}
	return n, nil
}

func (m *memCounter) count(key string, window time.Time) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.counts[key+"@"+strconv.FormatInt(window.Unix(), 10)]
}

func (m *memCounter) lastHits(n int) []hit {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]hit(nil), m.hits[len(m.hits)-n:]...)
}

func (m *memCounter) numHits() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.hits)
}

func vals(m map[string]string) func(string) string {
	return func(name string) string { return m[name] }
}

func mustCheck(t *testing.T, l *ratelimit.Limiter, rules []ratelimit.Rule, v func(string) string) ratelimit.Result {
	t.Helper()
	res, err := l.Check(context.Background(), rules, v)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return res
}

var t0 = time.Date(2024, 3, 5, 10, 30, 15, 0, time.UTC)

func TestWindowMath(t *testing.T) {
	clk := newClock(t0)
	mem := newMem()
	l := ratelimit.New(mem, true, clk.Now)
	rules := []ratelimit.Rule{{Limit: 3, Window: time.Hour, Key: "ip:{ip}"}}
	v := vals(map[string]string{"ip": "10.0.0.1"})
	start := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	reset := start.Add(time.Hour)

	want := []ratelimit.Result{
		{Limit: 3, Remaining: 2, Reset: reset},
		{Limit: 3, Remaining: 1, Reset: reset},
		{Limit: 3, Remaining: 0, Reset: reset},
		{Limit: 3, Remaining: 0, Reset: reset, Exceeded: true},
		{Limit: 3, Remaining: 0, Reset: reset, Exceeded: true},
	}
	for i, w := range want {
		got := mustCheck(t, l, rules, v)
		if !got.Reset.Equal(w.Reset) || got.Limit != w.Limit || got.Remaining != w.Remaining || got.Exceeded != w.Exceeded {
			t.Fatalf("request %d: got %+v, want %+v", i+1, got, w)
		}
		if h := mem.lastHits(1)[0]; !h.window.Equal(start) || h.key != "ip:10.0.0.1" || h.limit != 3 {
			t.Fatalf("request %d: hit %+v", i+1, h)
		}
	}
	// Refused requests are not counted.
	if n := mem.count("ip:10.0.0.1", start); n != 3 {
		t.Fatalf("counter = %d, want 3", n)
	}

	// Last second of the window: still exceeded.
	clk.Set(reset.Add(-time.Second))
	if got := mustCheck(t, l, rules, v); !got.Exceeded {
		t.Fatalf("at %v: %+v, want exceeded", clk.Now(), got)
	}
	// The next window starts fresh, exactly on the hour.
	clk.Set(reset)
	got := mustCheck(t, l, rules, v)
	if got.Exceeded || got.Remaining != 2 || !got.Reset.Equal(reset.Add(time.Hour)) {
		t.Fatalf("new window: %+v", got)
	}
}

func TestWindowUnixAligned(t *testing.T) {
	// 7 minutes does not divide a day, so this catches alignment on
	// anything but the Unix epoch (time.Truncate aligns on year 1).
	for _, w := range []time.Duration{7 * time.Minute, 13 * time.Second, time.Hour, ratelimit.MaxWindow} {
		clk := newClock(t0)
		mem := newMem()
		l := ratelimit.New(mem, true, clk.Now)
		got := mustCheck(t, l, []ratelimit.Rule{{Limit: 5, Window: w, Key: "k"}}, nil)
		sec, ws := t0.Unix(), int64(w/time.Second)
		start := time.Unix(sec-sec%ws, 0)
		if h := mem.lastHits(1)[0]; !h.window.Equal(start) {
			t.Errorf("window %v: start %v, want %v", w, h.window, start)
		}
		if !got.Reset.Equal(start.Add(w)) {
			t.Errorf("window %v: reset %v, want %v", w, got.Reset, start.Add(w))
		}
		if h := mem.lastHits(1)[0]; h.window.After(t0) || !h.window.Add(w).After(t0) {
			t.Errorf("window %v: [%v, +%v) does not hold now %v", w, h.window, w, t0)
		}
	}
}

func TestInvalidRules(t *testing.T) {
	mem := newMem()
	l := ratelimit.New(mem, true, newClock(t0).Now)
	for _, w := range []time.Duration{0, -time.Hour, 1500 * time.Millisecond, ratelimit.MaxWindow + time.Second, 24 * time.Hour} {
		if _, err := l.Check(context.Background(), []ratelimit.Rule{{Limit: 1, Window: w, Key: "k"}}, nil); err == nil {
			t.Errorf("window %v: no error", w)
		}
	}
	// A rule without a limit is no rule.
	got := mustCheck(t, l, []ratelimit.Rule{{Limit: 0, Window: time.Hour, Key: "k"}}, nil)
	if got != (ratelimit.Result{}) {
		t.Errorf("limit 0: %+v", got)
	}
	if got := mustCheck(t, l, nil, nil); got != (ratelimit.Result{}) {
		t.Errorf("no rules: %+v", got)
	}
	if n := mem.numHits(); n != 0 {
		t.Errorf("%d hits, want 0", n)
	}
}

func TestMultipleRules(t *testing.T) {
	clk := newClock(t0)
	mem := newMem()
	l := ratelimit.New(mem, true, clk.Now)
	// As on POST /account/tokens/magic-url: per email and per ip.
	rules := []ratelimit.Rule{
		{Limit: 5, Window: time.Hour, Key: "url:{url},email:{param-email}"},
		{Limit: 3, Window: time.Hour, Key: "url:{url},ip:{ip}"},
	}
	req := func(email string) func(string) string {
		return vals(map[string]string{"url": "h/v1/x", "ip": "1.2.3.4", "param-email": email})
	}

	// The ip rule has fewer left, so it is the one described.
	got := mustCheck(t, l, rules, req("a@x"))
	if got.Limit != 3 || got.Remaining != 2 || got.Exceeded {
		t.Fatalf("first: %+v", got)
	}
	if hs := mem.lastHits(2); hs[0].key != "url:h/v1/x,email:a@x" || hs[1].key != "url:h/v1/x,ip:1.2.3.4" {
		t.Fatalf("keys %+v", hs)
	}
	mustCheck(t, l, rules, req("a@x"))
	mustCheck(t, l, rules, req("b@x"))
	// The ip is used up: exceeded whatever the email.
	got = mustCheck(t, l, rules, req("c@x"))
	if !got.Exceeded || got.Limit != 3 || got.Remaining != 0 {
		t.Fatalf("ip exhausted: %+v", got)
	}

	// Another ip, same email: the email rule is now the tighter one.
	clk.Set(t0.Add(time.Minute))
	other := vals(map[string]string{"url": "h/v1/x", "ip": "5.6.7.8", "param-email": "a@x"})
	// a@x's 3rd hit leaves 2, as does the new ip's 1st: on a tie the
	// earlier rule is described.
	got = mustCheck(t, l, rules, other)
	if got.Exceeded || got.Limit != 5 || got.Remaining != 2 {
		t.Fatalf("other ip: %+v", got)
	}
	mustCheck(t, l, rules, other)
	got = mustCheck(t, l, rules, other)
	if got.Exceeded || got.Limit != 5 || got.Remaining != 0 {
		t.Fatalf("a@x 5th: %+v", got)
	}
	// The email rule refuses first; the ip rule after it is not counted.
	n := mem.count("url:h/v1/x,ip:5.6.7.8", t0.Truncate(time.Hour))
	got = mustCheck(t, l, rules, other)
	if !got.Exceeded || got.Limit != 5 {
		t.Fatalf("a@x 6th: %+v", got)
	}
	if m := mem.count("url:h/v1/x,ip:5.6.7.8", t0.Truncate(time.Hour)); m != n {
		t.Fatalf("ip counter moved from %d to %d after the email rule refused", n, m)
	}
	// c@x was counted by the email rule even though the ip rule refused it:
	// rules are checked in order, each on its own.
	if m := mem.count("url:h/v1/x,email:c@x", t0.Truncate(time.Hour)); m != 1 {
		t.Fatalf("c@x counted %d times, want 1", m)
	}
}

func TestPlaceholders(t *testing.T) {
	v := vals(map[string]string{
		"url":         "api.example.com/v1/account/sessions/email",
		"ip":          "2001:db8::1",
		"userId":      "u1",
		"param-email": "{ip}@example.com", // not expanded again
		"":            "EMPTY",
	})
	cases := []struct{ tmpl, want string }{
		{"url:{url},ip:{ip}", "url:api.example.com/v1/account/sessions/email,ip:2001:db8::1"},
		{"url:{url},email:{param-email}", "url:api.example.com/v1/account/sessions/email,email:{ip}@example.com"},
		{"ip:{ip},userId:{param-userId}", "ip:2001:db8::1,userId:"},
		{"url:{url},userId:{userId}", "url:api.example.com/v1/account/sessions/email,userId:u1"},
		{"ip:{ip}", "ip:2001:db8::1"},
		{"plain", "plain"},
		{"{ip}{userId}", "2001:db8::1u1"},
		{"a}b{ip}c{", "a}b2001:db8::1c{"},
		{"{x{ip}}", "{x2001:db8::1}"},
		{"{}", "EMPTY"},
		{"", ""},
	}
	mem := newMem()
	l := ratelimit.New(mem, true, newClock(t0).Now)
	for _, c := range cases {
		mustCheck(t, l, []ratelimit.Rule{{Limit: 10, Window: time.Hour, Key: c.tmpl}}, v)
		if got := mem.lastHits(1)[0].key; got != c.want {
			t.Errorf("%q: key %q, want %q", c.tmpl, got, c.want)
		}
	}
	// A nil vals empties every placeholder.
	mustCheck(t, l, []ratelimit.Rule{{Limit: 10, Window: time.Hour, Key: "url:{url},ip:{ip}"}}, nil)
	if got := mem.lastHits(1)[0].key; got != "url:,ip:" {
		t.Errorf("nil vals: key %q", got)
	}
}

// TestDisabled: a disabled limiter is Appwrite with abuse checks
// disabled. It counts nothing and refuses nothing, yet describes the
// rules as a first request finds them, so the headers still go out: the
// rule with the fewest remaining, one below its limit, resetting at the
// end of its window.
func TestDisabled(t *testing.T) {
	mem := newMem()
	l := ratelimit.New(mem, false, newClock(t0).Now)
	if l.Enabled() {
		t.Fatal("Enabled() = true")
	}
	rules := []ratelimit.Rule{
		{Limit: 10, Window: time.Hour, Key: "url:{url},ip:{ip}"},
		{Limit: 1, Window: time.Minute, Key: "ip:{ip}"},
	}
	for range 5 {
		got := mustCheck(t, l, rules, nil)
		want := ratelimit.Result{Limit: 1, Remaining: 0, Reset: time.Date(2024, 3, 5, 10, 31, 0, 0, time.UTC)}
		if got != want {
			t.Fatalf("disabled: %+v, want %+v", got, want)
		}
		h := http.Header{}
		got.Headers(h)
		if h.Get("X-RateLimit-Limit") != "1" || h.Get("X-RateLimit-Remaining") != "0" {
			t.Fatalf("disabled: headers %v", h)
		}
	}
	got := mustCheck(t, l, rules[:1], nil)
	if got.Limit != 10 || got.Remaining != 9 || got.Exceeded {
		t.Fatalf("disabled, one rule: %+v", got)
	}
	if n := mem.numHits(); n != 0 {
		t.Fatalf("disabled limiter hit the counter %d times", n)
	}
	// Without a counter at all, as the server builds it with limits off.
	if got := mustCheck(t, ratelimit.New(nil, false, newClock(t0).Now), rules[:1], nil); got.Remaining != 9 {
		t.Fatalf("disabled, no counter: %+v", got)
	}
	// Invalid rules are still errors.
	if _, err := l.Check(context.Background(), []ratelimit.Rule{{Limit: 1, Window: time.Millisecond, Key: "k"}}, nil); err == nil {
		t.Fatal("disabled limiter accepted an invalid rule")
	}
}

func TestHeaders(t *testing.T) {
	h := http.Header{}
	ratelimit.Result{Limit: 10, Remaining: 7, Reset: time.Unix(1709636400, 0)}.Headers(h)
	want := map[string]string{
		"X-Ratelimit-Limit":     "10",
		"X-Ratelimit-Remaining": "7",
		"X-Ratelimit-Reset":     "1709636400",
	}
	if len(h) != len(want) {
		t.Fatalf("headers %v", h)
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}

	// Through the limiter: the reset is the window end in Unix seconds.
	l := ratelimit.New(newMem(), true, newClock(t0).Now)
	res := mustCheck(t, l, []ratelimit.Rule{{Limit: 10, Window: time.Hour, Key: "k"}}, nil)
	h = http.Header{}
	res.Headers(h)
	end := time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC).Unix()
	if h.Get("X-RateLimit-Reset") != strconv.FormatInt(end, 10) || h.Get("X-RateLimit-Remaining") != "9" || h.Get("X-RateLimit-Limit") != "10" {
		t.Errorf("headers %v", h)
	}
}

func TestCounterError(t *testing.T) {
	mem := newMem()
	boom := errors.New("database is down")
	mem.err = boom
	l := ratelimit.New(mem, true, newClock(t0).Now)
	res, err := l.Check(context.Background(), []ratelimit.Rule{{Limit: 1, Window: time.Hour, Key: "email:{param-email}"}},
		vals(map[string]string{"param-email": "secret@example.com"}))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if res.Exceeded {
		t.Fatal("a counter failure must not read as exceeded")
	}
	if got := err.Error(); contains(got, "secret@example.com") {
		t.Errorf("error %q leaks the expanded key", got)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestCounterFunc(t *testing.T) {
	var got hit
	c := ratelimit.CounterFunc(func(_ context.Context, key string, window time.Time, limit int) (int, error) {
		got = hit{key, window, limit}
		return 4, nil
	})
	n, err := c.Hit(context.Background(), "k", t0, 9)
	if err != nil || n != 4 || got.key != "k" || !got.window.Equal(t0) || got.limit != 9 {
		t.Fatalf("CounterFunc: %d %v %+v", n, err, got)
	}
}

func TestMemCounter(t *testing.T) {
	testCounter(t, newMem())
}

// testCounter checks a Counter implementation: counting, refusal at the
// limit, separate keys and windows, and atomicity under concurrency.
func testCounter(t *testing.T, c ratelimit.Counter) {
	ctx := context.Background()
	now := time.Now().Unix()
	win := time.Unix(now-now%3600, 0)
	prefix := fmt.Sprintf("test-%d:", time.Now().UnixNano())

	t.Run("sequence", func(t *testing.T) {
		key := prefix + "seq"
		for i := range 3 {
			n, err := c.Hit(ctx, key, win, 3)
			if err != nil {
				t.Fatal(err)
			}
			if n != i {
				t.Fatalf("hit %d: before = %d, want %d", i+1, n, i)
			}
		}
		for range 3 {
			n, err := c.Hit(ctx, key, win, 3)
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 {
				t.Fatalf("past the limit: before = %d, want 3 (not counted)", n)
			}
		}
		// A higher limit sees the real count: refused hits did not add.
		if n, err := c.Hit(ctx, key, win, 10); err != nil || n != 3 {
			t.Fatalf("limit 10: before = %d, %v; want 3", n, err)
		}
	})

	t.Run("separate", func(t *testing.T) {
		key := prefix + "sep"
		if n, err := c.Hit(ctx, key, win, 1); err != nil || n != 0 {
			t.Fatalf("first: %d, %v", n, err)
		}
		if n, err := c.Hit(ctx, key, win, 1); err != nil || n != 1 {
			t.Fatalf("second: %d, %v", n, err)
		}
		if n, err := c.Hit(ctx, key+"x", win, 1); err != nil || n != 0 {
			t.Fatalf("other key: %d, %v", n, err)
		}
		if n, err := c.Hit(ctx, key, win.Add(time.Hour), 1); err != nil || n != 0 {
			t.Fatalf("next window: %d, %v", n, err)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		// 50 requests at once through a Limiter, limit 10: exactly 10 pass.
		l := ratelimit.New(c, true, func() time.Time { return win.Add(time.Minute) })
		rules := []ratelimit.Rule{{Limit: 10, Window: time.Hour, Key: prefix + "conc:{ip}"}}
		v := vals(map[string]string{"ip": "9.9.9.9"})
		var (
			wg               sync.WaitGroup
			mu               sync.Mutex
			allowed, refused int
			firstErr         error
			seenRemaining    = map[int]int{}
		)
		for range 50 {
			wg.Go(func() {
				res, err := l.Check(ctx, rules, v)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					if firstErr == nil {
						firstErr = err
					}
				case res.Exceeded:
					refused++
				default:
					allowed++
					seenRemaining[res.Remaining]++
				}
			})
		}
		wg.Wait()
		if firstErr != nil {
			t.Fatal(firstErr)
		}
		if allowed != 10 || refused != 40 {
			t.Fatalf("allowed %d, refused %d; want 10 and 40", allowed, refused)
		}
		for r := range 10 {
			if seenRemaining[r] != 1 {
				t.Fatalf("remaining values %v, want each of 0..9 once", seenRemaining)
			}
		}
	})
}

func TestNewNilCounter(t *testing.T) {
	if l := ratelimit.New(nil, false, nil); l.Enabled() {
		t.Fatal("disabled limiter reports enabled")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("New(nil, true, nil) did not panic")
		}
	}()
	ratelimit.New(nil, true, nil)
}
