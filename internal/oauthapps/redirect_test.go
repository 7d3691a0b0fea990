package oauthapps

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedirectURI(t *testing.T) {
	for _, tc := range []struct {
		uri string
		ok  bool
	}{
		{"https://app.example/cb", true},
		{"https://app.example:8443/cb?x=1", true},
		{"http://localhost/cb", true},
		{"http://localhost:53682/cb", true},
		{"http://127.0.0.1:8080/cb", true},
		{"http://[::1]:9000/cb", true},
		{"com.example.app:/oauth", true},
		{"com.example.app://callback", true},
		{"", false},
		{"/relative", false},
		{"https://app.example/cb#frag", false},
		{"https://app.example/cb#", false},
		{"http://app.example/cb", false},
		{"http://127.0.0.2/cb", false},
		{"http://localhost.evil.example/cb", false},
		{"https://*.example/cb", false},
		{"https://app.example/*", false},
		{"https://user:pw@app.example/cb", false},
		{"https://user@app.example/cb", false},
		{"http://user@localhost/cb", false},
		{"javascript:alert(1)", false},
		{"data:text/html,hi", false},
		{"file:///etc/passwd", false},
		{"myapp:/cb", false},
		{"com.example.app:", false},
		{"https:///cb", false},
		{"https://app.example/c b", false},
		{"https://app.example/\ncb", false},
		{"https://" + strings.Repeat("a", 2100) + ".example/", false},
	} {
		err := RedirectURI("redirectUris", tc.uri)
		if (err == nil) != tc.ok {
			t.Errorf("RedirectURI(%q) = %v, want ok=%v", tc.uri, err, tc.ok)
		}
	}
}

// FuzzRedirectURI checks that whatever the validator accepts keeps its
// rules: no fragment, wildcard or userinfo, and http only on loopback.
func FuzzRedirectURI(f *testing.F) {
	for _, s := range []string{"https://a.example/cb", "http://localhost:1/x", "com.example.app:/cb", "http://[::1]/", "https://a#b",
		"http://u@localhost/", "HTTP://LOCALHOST/x", "com.x.y://h/p?q#f", "https://%41/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if RedirectURI("p", s) != nil {
			return
		}
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("accepted %q, which does not parse: %v", s, err)
		}
		if strings.ContainsAny(s, "#* \t\r\n") || u.User != nil || u.Fragment != "" {
			t.Fatalf("accepted %q", s)
		}
		switch sc := strings.ToLower(u.Scheme); {
		case sc == "http":
			if !loopbackHost(u.Hostname()) {
				t.Fatalf("accepted http off loopback: %q", s)
			}
		case sc == "https":
			if u.Hostname() == "" {
				t.Fatalf("accepted https without a host: %q", s)
			}
		case !strings.Contains(sc, "."):
			t.Fatalf("accepted a scheme without a dot: %q", s)
		}
	})
}
