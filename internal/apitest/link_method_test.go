package apitest

import "testing"

// TestLinkSecondaryByItsSignInMethod: seed 003's own example links a
// secondary that signs in by phone code (Auth0's provider "sms", its user
// id as providerUid). The link call names such a secondary by its own way
// in: {provider: "email"|"phone"|"sms", providerUid: address, number or
// user id}, or Authress's {connectionId, connectionUserId}.
func TestLinkSecondaryByItsSignInMethod(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		mk := func(id string, body map[string]any) {
			body["userId"] = id
			expect(t, k.do("POST", "/users", body), 201, "")
		}
		mk("prim", map[string]any{"email": "prim@example.test", "password": "primary pass"})
		mk("bysms", map[string]any{"phone": "+14258831929"})
		mk("byphone", map[string]any{"phone": "+14258831930"})
		mk("bymail", map[string]any{"email": "ByMail@example.test"})
		mk("byid", map[string]any{"email": "byid@example.test"})
		mk("authress", map[string]any{"phone": "+14258831931"})
		mk("nophone", map[string]any{"email": "nophone@example.test"})

		// Names that find nothing, or an account without that way in.
		for _, body := range []map[string]any{
			{"provider": "sms", "providerUid": "+19999999999"},
			{"provider": "sms", "providerUid": "nophone"},
			{"provider": "email", "providerUid": "nobody@example.test"},
			{"provider": "phone", "providerUid": "missing-user"},
		} {
			expect(t, k.do("POST", "/users/prim/identities", body), 404, "user_identity_not_found")
		}

		for _, tc := range []struct {
			body   map[string]any
			merged string
		}{
			{map[string]any{"provider": "sms", "providerUid": "bysms"}, "bysms"}, // the seed's form: the user id
			{map[string]any{"provider": "phone", "providerUid": "+14258831930"}, "byphone"},
			{map[string]any{"provider": "email", "providerUid": "bymail@EXAMPLE.test"}, "bymail"},
			{map[string]any{"provider": "email", "providerUid": "byid"}, "byid"},
			{map[string]any{"connectionId": "sms", "connectionUserId": "+14258831931"}, "authress"},
		} {
			r := k.do("POST", "/users/prim/identities", tc.body)
			expect(t, r, 200, "")
			if r.str(t, "$id") != "prim" {
				t.Fatalf("%v merged into %s", tc.body, r.body)
			}
			expect(t, k.do("GET", "/users/"+tc.merged, nil), 404, "user_not_found")
		}
		// The merged phone now reaches the primary by a phone code.
		tok := s.client(t, c.project).do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": "+14258831929"})
		expect(t, tok, 201, "")
		if tok.str(t, "userId") != "prim" {
			t.Fatalf("the merged number signs in %s", tok.str(t, "userId"))
		}
	})
}
