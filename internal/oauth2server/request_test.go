package oauth2server

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

func TestParseAuthorizationDetails(t *testing.T) {
	for _, c := range []struct {
		in    string
		types []string
		want  string
		ok    bool
	}{
		{`[{"type":"payment","amount":"10"}]`, []string{"payment"}, `[{"amount":"10","type":"payment"}]`, true},
		{`[]`, nil, "", true},
		{`[{"type":"payment"}]`, []string{}, "", false},
		{`[{"type":""}]`, nil, "", false},
		{`[{"type":1}]`, nil, "", false},
		{`{"type":"payment"}`, nil, "", false},
		{`[{"type":"a"}] trailing`, nil, "", false},
		{`[null]`, nil, "", false},
		{`[{"type":"a","n":1.50}]`, nil, `[{"n":1.50,"type":"a"}]`, true},
	} {
		got, perr := ParseAuthorizationDetails(c.in, c.types)
		if (perr == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("ParseAuthorizationDetails(%s) = %q, %v", c.in, got, perr)
		}
	}
	if !detailsSubset(`[{"type":"a"}]`, `[{"type":"b"},{"type":"a"}]`) || detailsSubset(`[{"type":"c"}]`, `[{"type":"a"}]`) {
		t.Error("detailsSubset")
	}
}

func TestParseResources(t *testing.T) {
	for in, ok := range map[string]bool{
		"https://api.example.com/mcp": true, "urn:example:api": true, "/relative": false, "https://a/#frag": false,
		"https://a/ b": false, "": false, "https://": false,
	} {
		_, perr := ParseResources([]string{in}, "")
		if (perr == nil) != ok {
			t.Errorf("ParseResources(%q): %v", in, perr)
		}
	}
}

func FuzzParseAuthRequest(f *testing.F) {
	f.Add("client_id=a&redirect_uri=https://x/cb&response_type=code&scope=openid+email&prompt=login&max_age=5&resource=https://r/")
	f.Add("authorization_details=%5B%7B%22type%22%3A%22a%22%7D%5D&audience=urn:x")
	f.Add("prompt=none+login&max_age=-1&scope=a+a+b")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r, perr := ParseAuthRequest(v)
		if perr != nil {
			if perr.Code == "" || perr.Desc == "" {
				t.Fatalf("error without code or description: %+v", perr)
			}
			return
		}
		// What parses comes back out as parameters that parse the same.
		again, perr := ParseAuthRequest(r.values())
		if perr != nil {
			t.Fatalf("round trip of %q failed: %v", raw, perr)
		}
		a, _ := json.Marshal(r)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatalf("round trip changed %s into %s", a, b)
		}
	})
}

func FuzzParseAuthorizationDetails(f *testing.F) {
	f.Add(`[{"type":"payment","amount":{"currency":"EUR","value":"1.00"}}]`)
	f.Add(`[{"type":"a"},{"type":"b","x":[1,2,3]}]`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, raw string) {
		norm, perr := ParseAuthorizationDetails(raw, nil)
		if perr != nil || norm == "" {
			return
		}
		// Normalised output parses to itself.
		again, perr := ParseAuthorizationDetails(norm, nil)
		if perr != nil || again != norm {
			t.Fatalf("%q normalised to %q, then %q (%v)", raw, norm, again, perr)
		}
		if !detailsSubset(norm, norm) {
			t.Fatalf("%q is not a subset of itself", norm)
		}
	})
}

func FuzzParseResources(f *testing.F) {
	f.Add("https://api.example.com/mcp", "urn:x")
	f.Add("http://a/#", "")
	f.Fuzz(func(t *testing.T, res, aud string) {
		out, perr := ParseResources([]string{res}, aud)
		if perr != nil {
			return
		}
		for _, r := range out {
			if strings.Contains(r, "#") || r == "" {
				t.Fatalf("accepted %q", r)
			}
			u, err := url.Parse(r)
			if err != nil || !u.IsAbs() {
				t.Fatalf("accepted %q", r)
			}
		}
	})
}

func TestValidScopeName(t *testing.T) {
	for in, ok := range map[string]bool{"notes.read": true, "mcp:tools": true, "a-b_c": true, "": false, "a b": false,
		strings.Repeat("x", 128): true, strings.Repeat("x", 129): false, "é": false} {
		if ValidScopeName(in) != ok {
			t.Errorf("ValidScopeName(%q) != %v", in, ok)
		}
	}
}
