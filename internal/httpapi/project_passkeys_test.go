package httpapi

import (
	"net"
	"strings"
	"testing"
)

// FuzzValidRPID: whatever is accepted as a relying-party id is a
// lower-case domain name, never an address, a URL or a host with a port.
func FuzzValidRPID(f *testing.F) {
	for _, s := range []string{"example.com", "localhost", "a-b.example", "127.0.0.1", "https://x", "x:1", "-a.b", "a..b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !validRPID(v) {
			return
		}
		if v == "" || net.ParseIP(v) != nil || strings.ContainsAny(v, ":/@[] ") || strings.ToLower(v) != v {
			t.Fatalf("accepted %q", v)
		}
		for _, l := range strings.Split(v, ".") {
			if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
				t.Fatalf("accepted %q (label %q)", v, l)
			}
		}
	})
}
