package passkey

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func testRP() *RP {
	return &RP{ID: "example.com", snap: &project.Snapshot{Project: &storage.Project{ID: "p"}, Platforms: []*storage.Platform{
		{Type: "web", Hostname: "app.example.com"}, {Type: "web", Hostname: "*.example.com"}, {Type: "web", Hostname: "localhost"},
		{Type: "web", Hostname: "evil.test"}}}}
}

func TestCheckOrigin(t *testing.T) {
	rp := testRP()
	for origin, ok := range map[string]bool{
		"https://app.example.com":       true,
		"https://app.example.com:8443":  true,
		"https://x.example.com":         true, // the wildcard platform
		"http://app.example.com":        false,
		"https://example.com.evil.test": false,
		"https://evil.test":             false, // a platform, but outside the RP
		"https://app.example.com/path":  false,
		"android:apk-key-hash:abc":      false,
		"":                              false,
		"https://user@app.example.com":  false,
	} {
		if _, err := rp.checkOrigin(origin); (err == nil) != ok {
			t.Errorf("checkOrigin(%q) = %v, want ok %v", origin, err, ok)
		}
	}
	local := &RP{ID: "localhost", snap: rp.snap}
	if _, err := local.checkOrigin("http://localhost:3000"); err != nil {
		t.Errorf("http on localhost: %v", err)
	}
}

func TestDefaultRPID(t *testing.T) {
	for _, c := range []struct {
		pls  []*storage.Platform
		want string
	}{
		{nil, ""},
		{[]*storage.Platform{{Type: "apple", Key: "com.x"}, {Type: "web", Hostname: "App.Example.com"}}, "app.example.com"},
		{[]*storage.Platform{{Type: "web", Hostname: "*"}, {Type: "flutter-web", Hostname: "*.example.org"}}, "example.org"},
		{[]*storage.Platform{{Type: "scheme", Key: "myapp"}}, ""},
	} {
		if got := DefaultRPID(c.pls); got != c.want {
			t.Errorf("DefaultRPID = %q, want %q", got, c.want)
		}
	}
}

// FuzzCheckOrigin: the origin comes from the browser's client data, so
// anyone can send any string. Whatever is accepted must be a secure
// origin on a host inside the relying party.
func FuzzCheckOrigin(f *testing.F) {
	for _, s := range []string{"https://app.example.com", "http://localhost:1", "https://a.example.com:1", "https://[::1]", "x", "https://%zz"} {
		f.Add(s)
	}
	rp := testRP()
	f.Fuzz(func(t *testing.T, origin string) {
		got, err := rp.checkOrigin(origin)
		if err != nil {
			return
		}
		u, perr := url.Parse(got)
		if perr != nil {
			t.Fatalf("accepted unparsable %q", origin)
		}
		h := strings.ToLower(u.Hostname())
		if h != "example.com" && !strings.HasSuffix(h, ".example.com") {
			t.Fatalf("accepted %q outside the RP", origin)
		}
		if u.Scheme != "https" && !loopback(h) {
			t.Fatalf("accepted insecure %q", origin)
		}
	})
}
