package apitest

import (
	"encoding/json"
	"testing"
)

// FuzzPasskeyCredential: whatever a browser (or anyone) sends as the
// WebAuthn answer is refused with an Appwrite error, never a 500.
func FuzzPasskeyCredential(f *testing.F) {
	s := startServer(f, enginesOnce()[0], options{})
	c := s.newProject(f)
	a := newSoftAuthenticator(f, passkeyOrigin)
	o := c.do("POST", "/account/sessions/passkey/options", nil)
	valid, _ := json.Marshal(a.get(publicKeyOf(f, o)))
	for _, seed := range []string{string(valid), `{}`, `{"id":"","rawId":"","type":"public-key","response":{}}`, `"x"`, `[]`, `null`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		g := s.client(t, c.project)
		for _, route := range []string{"/account/sessions/passkey", "/account/passkeys/signup"} {
			method := "POST"
			if route == "/account/passkeys/signup" {
				method = "PUT"
			}
			r := g.do(method, route, `{"credential":`+body+`}`)
			if r.status >= 500 {
				t.Fatalf("%s %s with %q: %d %s", method, route, body, r.status, r.body)
			}
		}
	})
}
