package config

import (
	"strings"
	"testing"
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
