package apitest

import "testing"

// TestLinkFromAccountAPI: the signed-in user previews, links and unlinks
// under /v1/account, with the same rules as under /v1/users/{itself}.
func TestLinkFromAccountAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		primary, secondary := email(), email()
		aid := c.signUp(primary, "correct horse")
		other := s.client(t, c.project)
		bid := other.signUp(secondary, "battery staple")
		other.signIn(secondary, "battery staple")
		registered := other.do("GET", "/account", nil).str(t, "registration")
		jwt := other.do("POST", "/account/jwts", nil).str(t, "jwt")
		c.signIn(primary, "correct horse")

		// Guests and proofless requests are refused.
		expect(t, s.client(t, c.project).do("POST", "/account/identities", map[string]any{"linkWith": jwt}), 401, "general_unauthorized_scope")
		expect(t, c.do("POST", "/account/identities", map[string]any{"userId": bid}), 400, "general_argument_invalid")

		r := c.do("GET", "/account/identities/preview?linkWith="+jwt, nil)
		expect(t, r, 200, "")
		if r.obj(t)["user"].(map[string]any)["$id"] != aid {
			t.Fatalf("preview %s", r.body)
		}
		r = c.do("POST", "/account/identities", map[string]any{"linkWith": jwt})
		expect(t, r, 200, "")
		if r.str(t, "$id") != aid {
			t.Fatalf("link %s", r.body)
		}
		ids := c.do("GET", "/account/identities", nil).obj(t)["identities"].([]any)
		if len(ids) != 1 || ids[0].(map[string]any)["provider"] != "email" || ids[0].(map[string]any)["providerUid"] != secondary {
			t.Fatalf("identities %v", ids)
		}
		// profileData shows the secondary as Appwrite shows a user.
		prof := ids[0].(map[string]any)["profileData"].(map[string]any)
		if labels, ok := prof["labels"].([]any); !ok || len(labels) != 0 || prof["registration"] != registered {
			t.Fatalf("profileData %v, registered %s", prof, registered)
		}
		expect(t, c.do("DELETE", "/account/identities/email/nobody@example.test", nil), 404, "user_identity_not_found")
		r = c.do("DELETE", "/account/identities/email/"+secondary, nil)
		expect(t, r, 200, "")
		if r.str(t, "$id") != bid || r.str(t, "email") != secondary || r.str(t, "registration") != registered {
			t.Fatalf("unlinked %s", r.body)
		}
		if n := c.do("GET", "/account/identities", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("%v identities after unlinking", n)
		}
	})
}
