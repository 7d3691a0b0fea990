package config

import (
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	return Load("serve", args, func(k string) string { return env[k] })
}

func TestSwitches(t *testing.T) {
	c, err := load(t, nil)
	if err != nil || !c.RateLimits || !c.HashProcess || len(c.TrustedProxies) != 2 {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	// Only a proxy on the same host is trusted by default, not a neighbour
	// in a private network.
	for _, p := range c.TrustedProxies {
		if !p.Addr().IsLoopback() {
			t.Fatalf("default trusted proxy %v is not loopback", p)
		}
	}
	c, err = load(t, map[string]string{"GATEHOUSE_RATE_LIMITS": "off", "GATEHOUSE_HASH_PROCESS": "Disabled"})
	if err != nil || c.RateLimits || c.HashProcess {
		t.Fatalf("off: rate %v, hash process %v, %v", c.RateLimits, c.HashProcess, err)
	}
	c, err = load(t, nil, "--hash_process", "off")
	if err != nil || c.HashProcess {
		t.Fatalf("flag: %v, %v", c.HashProcess, err)
	}
	_, err = load(t, map[string]string{"GATEHOUSE_RATE_LIMITS": "maybe", "GATEHOUSE_HASH_PROCESS": "sometimes"})
	if err == nil || !strings.Contains(err.Error(), "rate_limits") || !strings.Contains(err.Error(), "hash_process") {
		t.Fatalf("bad switches: %v", err)
	}
}

func TestTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		v    string
		n    int
		fail bool
	}{
		{"none", 0, false},
		{"loopback", 2, false},
		{"private", 4, false},
		{"loopback, 203.0.113.0/24", 3, false},
		{"2001:db8::1", 1, false},
		{"proxy.internal", 0, true},
		{"10.0.0.0/33", 0, true},
	} {
		c, err := load(t, map[string]string{"GATEHOUSE_TRUSTED_PROXIES": tc.v})
		if (err != nil) != tc.fail || (!tc.fail && len(c.TrustedProxies) != tc.n) {
			t.Errorf("%q: %d proxies, %v", tc.v, len(c.TrustedProxies), err)
		}
	}
}

func TestLogRetentionAndSweep(t *testing.T) {
	c, err := load(t, nil)
	if err != nil || c.LogRetention != 90*24*time.Hour || c.SweepInterval != time.Hour {
		t.Fatalf("defaults: retention %v, sweep %v, %v", c.LogRetention, c.SweepInterval, err)
	}
	for _, tc := range []struct {
		v    string
		want time.Duration
		fail bool
	}{
		{"0", 0, false},
		{"0d", 0, false},
		{"14d", 14 * 24 * time.Hour, false},
		{"2160h", 90 * 24 * time.Hour, false},
		{"365d", 365 * 24 * time.Hour, false},
		{"1209600", 0, true}, // seconds, as Appwrite writes it, need a unit here
		{"30m", 0, true},
		{"-1d", 0, true},
		{"d", 0, true},
		{"99999999d", 0, true},
	} {
		c, err := load(t, map[string]string{"GATEHOUSE_LOG_RETENTION": tc.v})
		if (err != nil) != tc.fail || (!tc.fail && c.LogRetention != tc.want) {
			t.Errorf("%q: %v, %v", tc.v, c.LogRetention, err)
		}
	}
	if c, err := load(t, nil, "--log_retention", "30d", "--sweep_interval", "15m"); err != nil ||
		c.LogRetention != 30*24*time.Hour || c.SweepInterval != 15*time.Minute {
		t.Fatalf("flags: %v, %v, %v", c.LogRetention, c.SweepInterval, err)
	}
	for _, v := range []string{"10s", "25h", "soon"} {
		if _, err := load(t, map[string]string{"GATEHOUSE_SWEEP_INTERVAL": v}); err == nil || !strings.Contains(err.Error(), "sweep_interval") {
			t.Errorf("sweep_interval %q: %v", v, err)
		}
	}
}

// FuzzRetention: any GATEHOUSE_LOG_RETENTION either fails or gives 0 or a
// period from an hour to maxRetention, which reads back the same.
func FuzzRetention(f *testing.F) {
	for _, s := range []string{"0", "90d", "2160h", "1h30m", "-5d", "1e9h", "9223372036854775807d", " 7d ", "d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, err := parseRetention(v)
		if err != nil {
			return
		}
		if d != 0 && (d < time.Hour || d > maxRetention) {
			t.Fatalf("%q gave %v", v, d)
		}
		if back, err := parseRetention(formatDays(d)); err != nil || back != d {
			t.Fatalf("%q gave %v, which reads back as %v, %v", v, d, back, err)
		}
	})
}
