package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

func TestCheckLoopback(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.0.0.2:8080/", true},
		{"http://127.255.255.254", true},
		{"https://localhost:8443", true},
		{"http://LOCALHOST:80", true},
		{"http://[::1]:8080", true},
		{"http://[::ffff:127.0.0.1]:8080", true},
		{"http://128.0.0.1:8080", false},
		{"http://10.0.0.1:8080", false},
		{"http://0.0.0.0:8080", false},
		{"http://[::]:8080", false},
		{"http://[::2]:8080", false},
		{"http://example.com", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false},
		{"ftp://127.0.0.1", false},
		{"127.0.0.1:8080", false},
		{"http://user@10.1.1.1@127.0.0.1", true}, // userinfo ends at the last @: the host is 127.0.0.1
	} {
		_, err := checkLoopback(c.url)
		if (err == nil) != c.ok {
			t.Errorf("checkLoopback(%q) error = %v, want ok=%v", c.url, err, c.ok)
		}
	}
}

func TestDialRefusesNonLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:80": true, "[::1]:80": true, "192.0.2.1:80": false, "[2001:db8::1]:80": false} {
		if err := loopbackOnly("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("loopbackOnly(%s) = %v, want ok=%v", addr, err, ok)
		}
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"--scenario", "signin, ceiling", "--duration", "2s", "--pid", "42"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.scenarios, ",") != "signin,ceiling" || o.duration != 2*time.Second || o.pid != "42" || o.users != 32 {
		t.Errorf("parsed %+v", o)
	}
	o, err = parseFlags(nil, io.Discard)
	if err != nil || len(o.scenarios) != len(allScenarios) || o.concurrency != 32 || o.duration != 10*time.Second {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	for _, bad := range [][]string{
		{"--url", "http://192.0.2.1:8080"},
		{"--duration", "6m"},
		{"--duration", "4m30s", "--warmup", "31s"},
		{"--concurrency", "0"},
		{"--concurrency", "5000"},
		{"--scenario", "nope"},
		{"extra"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

func TestParseStat(t *testing.T) {
	// A command name with spaces and a parenthesis, utime 250, stime 50.
	line := "1234 (gate house) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 1000000 500 18446744073709551615\n"
	got, err := parseStat(line)
	if err != nil || got != 3*time.Second {
		t.Fatalf("parseStat = %v, %v; want 3s", got, err)
	}
	if _, err := parseStat("garbage"); err == nil {
		t.Error("parseStat accepted garbage")
	}
	got, err = parseMachineStat("cpu  100 5 20 9999 77 3 2 10 0 0")
	if err != nil || got != 1400*time.Millisecond { // 100+5+20+3+2+10 ticks
		t.Fatalf("parseMachineStat = %v, %v", got, err)
	}
	if _, err := cpuTime("self"); err != nil {
		t.Skipf("no /proc here: %v", err)
	}
}

func TestCeilingBody(t *testing.T) {
	for _, n := range []int{16, 674, 4096} {
		b := ceilingBody(n)
		if len(b) != n || !json.Valid(b) {
			t.Errorf("ceilingBody(%d): %d bytes, valid %v", n, len(b), json.Valid(b))
		}
	}
}

// TestRunAgainstServer drives a real server briefly with every scenario,
// with cheap password hashing so the test stays fast.
func TestRunAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: starts a server")
	}
	for _, eng := range testdb.Engines() {
		t.Run("db="+eng.Name, func(t *testing.T) {
			cfg := config.Defaults()
			cfg.Addr = "127.0.0.1:0"
			cfg.Database = eng.New(t)
			cfg.AdminKey = strings.Repeat("k", 40)
			cfg.RateLimits = false
			cfg.HashMemoryKiB, cfg.HashTime = 64, 1
			ctx := context.Background()
			srv, err := app.Start(ctx, cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Shutdown(ctx)

			var out bytes.Buffer
			err = Run([]string{"--url", "http://" + srv.Addr, "--admin-key", cfg.AdminKey, "--json",
				"--duration", "300ms", "--warmup", "50ms", "--concurrency", "4", "--readers", "2",
				"--pid", strconv.Itoa(os.Getpid())}, &out)
			if err != nil {
				t.Fatal(err)
			}
			var rep Report
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			want := []string{"ceiling", "account-get", "hash-only", "signin", "signup", "account-get (idle)", "account-get (flood)", "signin (flood)"}
			if len(rep.Rows) != len(want) {
				t.Fatalf("rows: %s", out.String())
			}
			for i, r := range rep.Rows {
				if r.Name != want[i] || r.Requests == 0 || r.OKPerSec <= 0 || len(r.Errors) != 0 || r.P99US < r.P50US || r.MaxUS < r.P99US {
					t.Errorf("row %d: %+v", i, r)
				}
			}
			if rep.CeilingBytes < 300 || len(rep.Notes) != 4 {
				t.Errorf("ceiling %d bytes, notes %q", rep.CeilingBytes, rep.Notes)
			}
			// The table renders the same report.
			var tab bytes.Buffer
			if err := rep.table(&tab); err != nil || !strings.Contains(tab.String(), "account-get (flood)") {
				t.Errorf("table: %v\n%s", err, tab.String())
			}

			// A scenario needing more readers than an earlier one adds
			// users rather than signing up the same emails again.
			tab.Reset()
			err = Run([]string{"--url", "http://" + srv.Addr, "--admin-key", cfg.AdminKey,
				"--duration", "100ms", "--warmup", "0s", "--concurrency", "3", "--readers", "1",
				"--scenario", ScenarioFlood + "," + ScenarioAccountGet}, &tab)
			if err != nil || !strings.Contains(tab.String(), "account-get") {
				t.Errorf("flood then account-get: %v\n%s", err, tab.String())
			}
		})
	}
}

// TestCompareAlternating: a scenario listed several times is compared as
// one pool of windows, not by its first window.
func TestCompareAlternating(t *testing.T) {
	rep := &Report{Rows: []Row{
		{Name: ScenarioHashOnly, OKPerSec: 80, Seconds: 2},
		{Name: ScenarioSignin, OKPerSec: 70, Seconds: 2},
		{Name: ScenarioHashOnly, OKPerSec: 60, Seconds: 2},
		{Name: ScenarioSignin, OKPerSec: 60, Seconds: 2},
	}}
	rep.notes()
	want := "signin runs at 92.9% of the hash-only rate (65.0 of 70.0 per second), pooled over 2 and 2 windows"
	if len(rep.Notes) != 1 || rep.Notes[0] != want {
		t.Fatalf("notes %q, want %q", rep.Notes, want)
	}
	one := &Report{Rows: []Row{{Name: ScenarioCeiling, OKPerSec: 40000, Seconds: 10}, {Name: ScenarioAccountGet, OKPerSec: 18000, Seconds: 10}}}
	one.notes()
	if want := "account-get runs at 45.0% of the ceiling (18000 of 40000 req/s)"; len(one.Notes) != 1 || one.Notes[0] != want {
		t.Fatalf("notes %q, want %q", one.Notes, want)
	}
}

// TestOneProcessor: a low-rate scenario runs on one Go processor, and the
// tool gets its processors back afterwards, error or not.
func TestOneProcessor(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	during := 0
	_, err := oneProcessor(func() (*phase, error) {
		during = runtime.GOMAXPROCS(0)
		return nil, errors.New("boom")
	})
	if err == nil || err.Error() != "boom" {
		t.Errorf("oneProcessor lost the scenario's error: %v", err)
	}
	if during != 1 {
		t.Errorf("GOMAXPROCS during the scenario = %d, want 1", during)
	}
	if after := runtime.GOMAXPROCS(0); after != before {
		t.Errorf("GOMAXPROCS after = %d, want %d", after, before)
	}
}

// TestDriveCountsSlowRequests: with every request taking a fixed time,
// the rate drive reports is workers/latency, however the window cuts the
// requests in flight. Counting requests by their start gave
// duration/(duration+latency) of it, here 0.83.
func TestDriveCountsSlowRequests(t *testing.T) {
	const (
		workers = 8
		latency = 200 * time.Millisecond
	)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		extra, _ := time.ParseDuration(r.URL.Query().Get("extra"))
		time.Sleep(latency + extra)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer slow.Close()
	tg := target{name: "slow", status: http.StatusNoContent, next: func(ctx context.Context, w, seq int) *http.Request {
		// Each worker's first request is longer by its share of the
		// latency, so the workers' requests end spread out, as under real
		// load, instead of all at once.
		url := slow.URL
		if seq == 0 {
			url += "?extra=" + (time.Duration(w) * latency / workers).String()
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		return req
	}}
	tr := newTransport(workers)
	defer tr.CloseIdleConnections()
	p, err := drive(context.Background(), tr, []group{{tg, workers}}, timing{warmup: 500 * time.Millisecond, duration: time.Second}, "")
	if err != nil {
		t.Fatal(err)
	}
	st := p.groups[0]
	got := float64(st.ok) / st.window.Seconds()
	want := workers / latency.Seconds()
	// Sleeps only run long, so the rate can only fall below want (the old
	// counting gave 0.83 of it); the spread of the last ends adds a little.
	if got < 0.9*want || got > 1.1*want {
		t.Errorf("rate = %.1f/s (%d in %v), want about %.1f/s", got, st.ok, st.window, want)
	}
}
