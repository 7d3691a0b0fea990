package apitest

import (
	"testing"
)

func TestLinkAndUnlink(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		// The primary: email and password. The secondary: its own email,
		// password, prefs and labels, plus an OAuth identity.
		expect(t, k.do("POST", "/users", map[string]any{"userId": "prim", "email": "prim@example.test", "password": "primary pass", "name": "Prim"}), 201, "")
		expect(t, k.do("POST", "/users", map[string]any{"userId": "sec", "email": "sec@example.test", "password": "secondary pass", "name": "Sec"}), 201, "")
		expect(t, k.do("PATCH", "/users/sec/prefs", map[string]any{"prefs": map[string]any{"theme": "dark"}}), 200, "")
		expect(t, k.do("PUT", "/users/sec/labels", map[string]any{"labels": []string{"beta"}}), 200, "")
		expect(t, k.do("PATCH", "/users/sec/verification", map[string]any{"emailVerification": true}), 200, "")
		sc := s.client(t, c.project)
		sc.signIn("sec@example.test", "secondary pass")
		idp.AddUser("sub-sec", "sec.social@example.test", true, "Sec S")
		idp.Next("sub-sec")
		// The explicit link route: signing in never links.
		if end := oauthFlow(t, s, sc, "identities"); end.Path != "/ok" {
			t.Fatalf("secondary oauth: %s", end)
		}

		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "prim"}), 400, "general_argument_invalid")
		expect(t, s.client(t, c.project).do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 401, "general_unauthorized_scope")
		pv := k.do("GET", "/users/prim/identities/preview?userId=sec", nil)
		expect(t, pv, 200, "")
		if n := len(pv.obj(t)["identities"].([]any)); n != 2 {
			t.Fatalf("preview identities %d: %s", n, pv.body)
		}
		// The preview changed nothing.
		expect(t, k.do("GET", "/users/sec", nil), 200, "")

		r := k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"})
		expect(t, r, 200, "")
		if r.str(t, "$id") != "prim" || r.str(t, "email") != "prim@example.test" {
			t.Fatalf("merged user %s", r.body)
		}
		// The secondary left the users list; its sessions ended.
		expect(t, k.do("GET", "/users/sec", nil), 404, "user_not_found")
		expect(t, sc.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		// Every way the secondary signed in now signs in the primary.
		a := s.client(t, c.project)
		a.signIn("sec@example.test", "secondary pass")
		if a.do("GET", "/account", nil).str(t, "$id") != "prim" {
			t.Fatal("the secondary's password did not sign in the primary")
		}
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": "sec@example.test", "password": "wrong pass x"}), 401, "user_invalid_credentials")
		b := s.client(t, c.project)
		idp.Next("sub-sec")
		if end := oauthFlow(t, s, b, "sessions"); end.Path != "/ok" || b.do("GET", "/account", nil).str(t, "$id") != "prim" {
			t.Fatalf("the secondary's provider did not sign in the primary: %s", end)
		}
		code := s.client(t, c.project)
		tr := code.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": "sec@example.test"})
		expect(t, tr, 201, "")
		if tr.str(t, "userId") != "prim" {
			t.Fatalf("email code went to %s", tr.str(t, "userId"))
		}
		codeIn(t, s.mailWith(t, "sec@example.test", subjectOTP).Text)
		// The identities show the kept profile, without the password hash.
		ids := a.do("GET", "/account/identities", nil)
		list := ids.obj(t)["identities"].([]any)
		if len(list) != 2 {
			t.Fatalf("identities %s", ids.body)
		}
		for _, x := range list {
			pd := x.(map[string]any)["profileData"].(map[string]any)
			if pd["email"] != "sec@example.test" || pd["password"] != nil || pd["hash"] != nil {
				t.Fatalf("profileData %v", pd)
			}
		}
		// The reserved email cannot be taken.
		expect(t, s.client(t, c.project).do("POST", "/account", map[string]any{"userId": "unique()", "email": "sec@example.test", "password": "correct horse"}), 400, "general_bad_request")

		// Unlinking splits the secondary back out with its prefs and labels.
		expect(t, k.do("DELETE", "/users/prim/identities/oidc/nope", nil), 404, "user_identity_not_found")
		u := k.do("DELETE", "/users/prim/identities/oidc/sub-sec", nil)
		expect(t, u, 200, "")
		back := k.do("GET", "/users/sec", nil)
		expect(t, back, 200, "")
		o := back.obj(t)
		if o["email"] != "sec@example.test" || o["prefs"].(map[string]any)["theme"] != "dark" || o["labels"].([]any)[0] != "beta" || o["emailVerification"] != true {
			t.Fatalf("split user %s", back.body)
		}
		sb := s.client(t, c.project)
		sb.signIn("sec@example.test", "secondary pass")
		if sb.do("GET", "/account", nil).str(t, "$id") != "sec" {
			t.Fatal("the split user does not sign in as itself")
		}
		if n := a.do("GET", "/account/identities", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("primary still holds %v identities", n)
		}
	})
}

func TestLinkBySignedInUser(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		// An anonymous user did things; signing into the real account
		// merges the anonymous one in.
		anon := s.client(t, c.project)
		expect(t, anon.do("POST", "/account/sessions/anonymous", nil), 201, "")
		anonID := anon.do("GET", "/account", nil).str(t, "$id")
		expect(t, anon.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"cart": "3 items"}}), 200, "")
		jwt := anon.do("POST", "/account/jwts", nil).str(t, "jwt")

		mail := email()
		me := s.client(t, c.project)
		uid := me.signUp(mail, "correct horse")
		me.signIn(mail, "correct horse")
		expect(t, me.do("POST", "/users/"+uid+"/identities", map[string]any{"userId": anonID}), 400, "general_argument_invalid")
		expect(t, me.do("POST", "/users/"+anonID+"/identities", map[string]any{"linkWith": jwt}), 401, "user_unauthorized")
		expect(t, me.do("POST", "/users/"+uid+"/identities", map[string]any{"linkWith": "garbage"}), 401, "user_jwt_invalid")
		r := me.do("POST", "/users/"+uid+"/identities", map[string]any{"linkWith": jwt})
		expect(t, r, 200, "")
		if r.str(t, "$id") != uid {
			t.Fatalf("linked %s", r.body)
		}
		expect(t, anon.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		// What the anonymous user did is kept in the primary's identities.
		ids := me.do("GET", "/account/identities", nil).obj(t)["identities"].([]any)
		if len(ids) != 1 {
			t.Fatalf("identities %v", ids)
		}
		id := ids[0].(map[string]any)
		if id["provider"] != "anonymous" || id["profileData"].(map[string]any)["prefs"].(map[string]any)["cart"] != "3 items" {
			t.Fatalf("anonymous identity %v", id)
		}
	})
}
