package apitest

import "testing"

// TestProviderRefreshTokenHiddenFromClients: a provider's refresh token is
// a lasting credential at the provider. A browser (session or JWT) never
// reads it, on the session model or the identity model; an API key does.
func TestProviderRefreshTokenHiddenFromClients(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		idp.AddUser("sub-rt", "rt.oidc@example.test", true, "Rae T")
		idp.Next("sub-rt")
		if end := oauthFlow(t, s, c, "sessions"); end.Path != "/ok" {
			t.Fatalf("sign-in ended at %s", end)
		}
		sess := c.do("GET", "/account/sessions/current", nil)
		expect(t, sess, 200, "")
		if sess.str(t, "providerAccessToken") == "" || sess.str(t, "providerRefreshToken") != "" {
			t.Fatalf("client session model %s", sess.body)
		}
		list := c.do("GET", "/account/sessions", nil)
		for _, x := range list.obj(t)["sessions"].([]any) {
			if x.(map[string]any)["providerRefreshToken"] != "" {
				t.Fatalf("client session list %s", list.body)
			}
		}
		ext := c.do("PATCH", "/account/sessions/current", nil)
		expect(t, ext, 200, "")
		if ext.str(t, "providerRefreshToken") != "" {
			t.Fatalf("extended session %s", ext.body)
		}
		ids := c.do("GET", "/account/identities", nil)
		expect(t, ids, 200, "")
		for _, x := range ids.obj(t)["identities"].([]any) {
			if x.(map[string]any)["providerRefreshToken"] != "" {
				t.Fatalf("client identities %s", ids.body)
			}
		}
		jwt := c.do("POST", "/account/jwts", nil)
		expect(t, jwt, 201, "")
		byJWT := s.client(t, c.project).with("X-Appwrite-JWT", jwt.str(t, "jwt"))
		if r := byJWT.do("GET", "/account/identities", nil); r.obj(t)["identities"].([]any)[0].(map[string]any)["providerRefreshToken"] != "" {
			t.Fatalf("JWT identities %s", r.body)
		}

		// A server with its key still reads it.
		k := c.with("X-Appwrite-Key", c.key("users.read"))
		uid := c.do("GET", "/account", nil).str(t, "$id")
		us := k.do("GET", "/users/"+uid+"/sessions", nil)
		expect(t, us, 200, "")
		if us.obj(t)["sessions"].([]any)[0].(map[string]any)["providerRefreshToken"] == "" {
			t.Fatalf("key session list %s", us.body)
		}
		ui := k.do("GET", "/users/identities", nil)
		expect(t, ui, 200, "")
		if ui.obj(t)["identities"].([]any)[0].(map[string]any)["providerRefreshToken"] == "" {
			t.Fatalf("key identities %s", ui.body)
		}
	})
}
