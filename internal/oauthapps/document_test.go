package oauthapps

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

const docURL = "https://client.example/oauth/metadata.json"

func TestParseDocument(t *testing.T) {
	good := `{"client_id":"` + docURL + `","client_name":"CLI","redirect_uris":["http://127.0.0.1/cb"],
		"grant_types":["authorization_code","` + DeviceGrant + `"],"logo_uri":"javascript:x","token_endpoint_auth_method":"none"}`
	d, err := ParseDocument(docURL, []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if !d.DeviceFlow() || d.LogoURI != "" || d.ClientName != "CLI" {
		t.Fatalf("document %+v", d)
	}
	for name, doc := range map[string]string{
		"client_id mismatch": `{"client_id":"https://other.example/m.json","redirect_uris":["https://a.example/cb"]}`,
		"secret method":      `{"client_id":"` + docURL + `","redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_basic"}`,
		"client_secret":      `{"client_id":"` + docURL + `","redirect_uris":["https://a.example/cb"],"client_secret":"x"}`,
		"no redirect":        `{"client_id":"` + docURL + `"}`,
		"bad redirect":       `{"client_id":"` + docURL + `","redirect_uris":["http://a.example/cb"]}`,
		"fragment":           `{"client_id":"` + docURL + `","redirect_uris":["https://a.example/cb#x"]}`,
		"not an object":      `["` + docURL + `"]`,
		"trailing":           `{"client_id":"` + docURL + `","redirect_uris":["https://a.example/cb"]} {}`,
		"wrong type":         `{"client_id":"` + docURL + `","redirect_uris":"https://a.example/cb"}`,
		"too big":            `{"client_id":"` + docURL + `","redirect_uris":["https://a.example/cb"],"x":"` + strings.Repeat("a", MaxDocument) + `"}`,
	} {
		if _, err := ParseDocument(docURL, []byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseDocument checks that an accepted document names its URL,
// is public and lists only redirect URIs the rules accept.
func FuzzParseDocument(f *testing.F) {
	f.Add(`{"client_id":"` + docURL + `","redirect_uris":["https://a.example/cb"]}`)
	f.Add(`{"client_id":"` + docURL + `","redirect_uris":["com.a.b:/x"],"token_endpoint_auth_method":"none","grant_types":[]}`)
	f.Add(`{"client_id":"` + docURL + `","redirect_uris":["http://localhost/"],"client_secret":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		d, err := ParseDocument(docURL, []byte(body))
		if err != nil {
			return
		}
		if d.ClientID != docURL || d.TokenEndpointAuth != "none" || len(d.RedirectURIs) == 0 {
			t.Fatalf("accepted %+v", d)
		}
		for _, u := range append(d.RedirectURIs, d.PostLogoutRedirectURIs...) {
			if RedirectURI("r", u) != nil {
				t.Fatalf("accepted redirect %q", u)
			}
		}
	})
}

// FuzzParseRegistration checks that a registration that passes is public
// and has only allowed grants and redirect URIs.
func FuzzParseRegistration(f *testing.F) {
	f.Add(`{"redirect_uris":["https://a.example/cb"],"client_name":"x"}`)
	f.Add(`{"redirect_uris":["http://127.0.0.1:3000/cb"],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}`)
	f.Add(`{"token_endpoint_auth_method":"client_secret_basic"}`)
	f.Fuzz(func(t *testing.T, body string) {
		m, err := ParseRegistration([]byte(body))
		if err != nil {
			return
		}
		if m.TokenEndpointAuth != "none" {
			t.Fatalf("accepted a confidential client: %+v", m)
		}
		for _, g := range m.GrantTypes {
			if g != "authorization_code" && g != "refresh_token" && g != DeviceGrant {
				t.Fatalf("accepted grant %q", g)
			}
		}
		for _, u := range append(m.RedirectURIs, m.PostLogoutRedirectURIs...) {
			if RedirectURI("r", u) != nil {
				t.Fatalf("accepted redirect %q", u)
			}
		}
	})
}

func TestCheckClientIDURL(t *testing.T) {
	for _, tc := range []struct {
		url      string
		loopback bool
		ok       bool
	}{
		{docURL, false, true},
		{"https://client.example/m.json?v=1", false, true},
		{"http://client.example/m.json", false, false},
		{"http://localhost:8080/m.json", false, false},
		{"http://localhost:8080/m.json", true, true},
		{"http://127.0.0.1:8080/m.json", true, true},
		{"http://10.0.0.1/m.json", true, false},
		{"https://client.example", false, false},
		{"https://client.example/", false, false},
		{"https://client.example/a/../m.json", false, false},
		{"https://client.example/a/%2e%2e/m.json", false, false},
		{"https://client.example/./m.json", false, false},
		{"https://client.example/m.json#x", false, false},
		{"https://u:p@client.example/m.json", false, false},
	} {
		_, err := checkClientIDURL(tc.url, tc.loopback)
		if (err == nil) != tc.ok {
			t.Errorf("checkClientIDURL(%q, %v) = %v, want ok=%v", tc.url, tc.loopback, err, tc.ok)
		}
	}
}

func TestPublicAddr(t *testing.T) {
	for _, tc := range []struct {
		ip       string
		loopback bool
		ok       bool
	}{
		{"93.184.215.14", false, true},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", false, true},
		{"127.0.0.1", false, false},
		{"127.0.0.1", true, true},
		{"::1", false, false},
		{"::1", true, true},
		{"::ffff:127.0.0.1", false, false},
		{"10.1.2.3", true, false},
		{"172.16.0.1", false, false},
		{"192.168.1.1", false, false},
		{"169.254.169.254", true, false},
		{"100.64.0.1", false, false},
		{"0.0.0.0", true, false},
		{"::", false, false},
		{"224.0.0.1", false, false},
		{"fe80::1", false, false},
		{"fd00::1", false, false},
		{"ff02::1", false, false},
		{"64:ff9b::a00:1", false, false},    // NAT64 of 10.0.0.1
		{"64:ff9b::5db8:d70e", false, true}, // NAT64 of a public address
		{"2002:a00:1::", false, false},
	} {
		if got := publicAddr(netip.MustParseAddr(tc.ip), tc.loopback); got != tc.ok {
			t.Errorf("publicAddr(%s, %v) = %v, want %v", tc.ip, tc.loopback, got, tc.ok)
		}
	}
	if dialControl(false)("tcp", "127.0.0.1:443", nil) == nil || dialControl(true)("tcp", "127.0.0.1:443", nil) != nil {
		t.Fatal("dialControl does not apply the loopback setting")
	}
	if dialControl(true)("tcp", "not-an-address", nil) == nil {
		t.Fatal("dialControl let an unparsable address through")
	}
}

func TestCacheLife(t *testing.T) {
	for cc, want := range map[string]time.Duration{
		"":                     defaultCache,
		"max-age=60":           time.Minute,
		"public, max-age=600":  10 * time.Minute,
		"max-age=999999":       maxCache,
		"no-store":             0,
		"max-age=60, no-cache": 0,
		"max-age=-1":           0,
		"max-age=x":            0,
	} {
		if got := cacheLife(cc); got != want {
			t.Errorf("cacheLife(%q) = %v, want %v", cc, got, want)
		}
	}
}
