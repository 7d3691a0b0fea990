package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// checkLoopback refuses a URL that could reach another machine: the host
// must be localhost or an address in 127.0.0.0/8 or ::1.
func checkLoopback(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("url: want http or https, got %q", u.Scheme)
	}
	if !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("url: %q is not a loopback host; bench only drives a server on this machine", u.Hostname())
	}
	return u, nil
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// loopbackOnly is a dialer hook that checks the address actually dialed,
// so a name that resolves elsewhere is refused too.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("bench: refusing to dial non-loopback %s", address)
	}
	return nil
}

// newTransport keeps one idle connection per worker, so every worker
// reuses its connection for the whole run.
func newTransport(conns int) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, Control: loopbackOnly}
	return &http.Transport{
		DialContext:           d.DialContext,
		MaxIdleConns:          2 * conns,
		MaxIdleConnsPerHost:   2 * conns,
		IdleConnTimeout:       time.Minute,
		ResponseHeaderTimeout: 30 * time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     false,
	}
}

// target says what one group of workers sends.
type target struct {
	name   string
	status int // the status that counts as success
	// next returns the request worker w sends as its seq-th. A worker
	// calls it only from its own goroutine, so it may reuse a request
	// that has no body.
	next func(ctx context.Context, w, seq int) *http.Request
}

// group is a target and how many workers drive it.
type group struct {
	target
	workers int
}

// worker is one worker's tallies; nothing is shared while the run lasts.
type worker struct {
	h        hist
	statuses [600]int64
	netErrs  int64
	firstErr error
	lastDone time.Time
}

// stats is what one group measured inside the window.
type stats struct {
	name     string
	workers  int
	h        hist
	ok       int64
	errors   map[string]int64
	firstErr string
	window   time.Duration // from the end of warm-up to the last response
}

// timing bounds a run: requests started in the warm-up are not counted,
// none start after warm-up plus duration, and any still running 30s
// later are cancelled.
type timing struct {
	warmup, duration time.Duration
}

// phase is the outcome of driving several groups at once.
type phase struct {
	groups  []stats
	window  time.Duration
	server  time.Duration // server CPU time in the window; -1 if unknown
	client  time.Duration // this process's CPU time in the window
	machine time.Duration // CPU time of the whole machine in the window
}

// drive runs the groups together and measures the window after warm-up.
// serverPID may be empty.
func drive(ctx context.Context, tr *http.Transport, groups []group, t timing, serverPID string) (*phase, error) {
	start := time.Now()
	measureFrom := start.Add(t.warmup)
	end := measureFrom.Add(t.duration)
	ctx, cancel := context.WithDeadline(ctx, end.Add(30*time.Second))
	defer cancel()

	var wg sync.WaitGroup
	all := make([][]*worker, len(groups))
	for gi, g := range groups {
		all[gi] = make([]*worker, g.workers)
		for w := range g.workers {
			wk := &worker{}
			all[gi][w] = wk
			wg.Add(1)
			go func() {
				defer wg.Done()
				run(ctx, tr, g.target, w, wk, measureFrom, end)
			}()
		}
	}

	time.Sleep(time.Until(measureFrom))
	s0, err := sample(serverPID)
	if err != nil {
		cancel()
		wg.Wait()
		return nil, err
	}
	wg.Wait()
	s1, err := sample(serverPID)
	if err != nil {
		return nil, err
	}
	p := &phase{server: -1, client: s1.client - s0.client, machine: s1.machine - s0.machine}
	if serverPID != "" {
		p.server = s1.server - s0.server
	}
	for gi, g := range groups {
		s := stats{name: g.name, workers: g.workers, errors: map[string]int64{}}
		var last time.Time
		for _, wk := range all[gi] {
			s.h.merge(&wk.h)
			for code, n := range wk.statuses {
				if n == 0 {
					continue
				}
				if code == g.status {
					s.ok += n
				} else {
					s.errors[strconv.Itoa(code)] += n
				}
			}
			if wk.netErrs > 0 {
				s.errors["net"] += wk.netErrs
				if s.firstErr == "" {
					s.firstErr = wk.firstErr.Error()
				}
			}
			if wk.lastDone.After(last) {
				last = wk.lastDone
			}
		}
		s.window = last.Sub(measureFrom)
		p.window = max(p.window, s.window)
		p.groups = append(p.groups, s)
	}
	return p, nil
}

// cpuSample is the CPU time used so far by the server, this process and
// the whole machine.
type cpuSample struct{ server, client, machine time.Duration }

func sample(pid string) (s cpuSample, err error) {
	if pid != "" {
		if s.server, err = cpuTime(pid); err != nil {
			return s, err
		}
	}
	if s.client, err = cpuTime("self"); err != nil {
		return s, err
	}
	s.machine, err = machineBusy()
	return s, err
}

// run is one worker's loop: send, read the whole body, record. A request
// counts when it ends inside the window, wherever it started (hash-only
// counts hashes the same way), and the window runs to the last counted
// end. Counting the requests that started inside the window left out
// those in flight when it opened, while the window still ran to the end
// of the last one: a scenario lost latency/(duration+latency) of its rate,
// 12% for sign-ins (32 in flight at about 400 ms) in 3 s windows, 4% in
// 10 s ones.
func run(ctx context.Context, tr *http.Transport, t target, w int, wk *worker, measureFrom, end time.Time) {
	for seq := 0; ; seq++ {
		begin := time.Now()
		if !begin.Before(end) || ctx.Err() != nil {
			return
		}
		req := t.next(ctx, w, seq)
		resp, err := tr.RoundTrip(req)
		code := 0
		if err == nil {
			code = resp.StatusCode
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		done := time.Now()
		if done.Before(measureFrom) {
			continue
		}
		wk.lastDone = done
		wk.h.record(done.Sub(begin))
		switch {
		case err != nil:
			wk.netErrs++
			if wk.firstErr == nil {
				wk.firstErr = err
			}
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				return
			}
		case code > 0 && code < len(wk.statuses):
			wk.statuses[code]++
		default:
			wk.netErrs++
		}
	}
}

// errorList renders error counts as "401:3 net:1", sorted.
func errorList(m map[string]int64) string {
	if len(m) == 0 {
		return "0"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + strconv.FormatInt(m[k], 10)
	}
	return strings.Join(parts, " ")
}
