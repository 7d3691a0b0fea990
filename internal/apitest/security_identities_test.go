package apitest

import (
	"sync"
	"testing"
)

// A user's last way in cannot be deleted: an identity goes only while a
// password (with an email), a verified email or phone, or another
// identity still signs the user in. The check and the delete are one
// transaction, so two deletes racing cannot take both of the last two.

// identityIDs lists a user's identity ids, by the Users API.
func identityIDs(t *testing.T, k *client, uid string) []string {
	t.Helper()
	r := k.do("GET", "/users/identities?"+q(qq("equal", "userId", uid)), nil)
	expect(t, r, 200, "")
	var out []string
	for _, x := range r.obj(t)["identities"].([]any) {
		out = append(out, x.(map[string]any)["$id"].(string))
	}
	return out
}

// linkOIDC adds the provider account sub to c's signed-in user.
func linkOIDC(t *testing.T, s *server, c *client, idp interface{ Next(string) }, sub string) {
	t.Helper()
	idp.Next(sub)
	if end := oauthFlow(t, s, c, "identities"); end.Path != "/ok" {
		t.Fatalf("link %s: %s", sub, end)
	}
}

func TestDeleteLastIdentityRefused(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))

		// A provider that did not verify the email: the user has that
		// email unverified, no password, and the identity as its only way
		// in. Neither API deletes it.
		ann, annID := oidcUser(t, s, c.project, idp, "sub-ann", "ann@example.test", false)
		ids := identityIDs(t, k, annID)
		if len(ids) != 1 {
			t.Fatalf("ann's identities %v", ids)
		}
		expect(t, ann.do("DELETE", "/account/identities/"+ids[0], nil), 409, "user_identity_last_way_in")
		expect(t, k.do("DELETE", "/users/identities/"+ids[0], nil), 409, "user_identity_last_way_in")
		if len(identityIDs(t, k, annID)) != 1 {
			t.Fatal("the refused delete removed the identity")
		}
		// A phone, unverified, is no way in; verified, it is.
		expect(t, k.do("PATCH", "/users/"+annID+"/phone", map[string]any{"number": "+14155550142"}), 200, "")
		expect(t, ann.do("DELETE", "/account/identities/"+ids[0], nil), 409, "user_identity_last_way_in")
		expect(t, k.do("PATCH", "/users/"+annID+"/verification/phone", map[string]any{"phoneVerification": true}), 200, "")
		expect(t, ann.do("DELETE", "/account/identities/"+ids[0], nil), 204, "")

		// A password (the user has an email to use it with) is a way in.
		bob, bobID := oidcUser(t, s, c.project, idp, "sub-bob", "bob@example.test", false)
		ids = identityIDs(t, k, bobID)
		expect(t, bob.do("DELETE", "/account/identities/"+ids[0], nil), 409, "user_identity_last_way_in")
		// (Setting it ends bob's other sessions; he signs in with it.)
		expect(t, k.do("PATCH", "/users/"+bobID+"/password", map[string]any{"password": "bob's new password"}), 200, "")
		bob = s.client(t, c.project)
		bob.signIn("bob@example.test", "bob's new password")
		expect(t, bob.do("DELETE", "/account/identities/"+ids[0], nil), 204, "")

		// So is a verified email (email codes and magic links).
		_, cyID := oidcUser(t, s, c.project, idp, "sub-cy", "cy@example.test", false)
		ids = identityIDs(t, k, cyID)
		expect(t, k.do("DELETE", "/users/identities/"+ids[0], nil), 409, "user_identity_last_way_in")
		expect(t, k.do("PATCH", "/users/"+cyID+"/verification", map[string]any{"emailVerification": true}), 200, "")
		expect(t, k.do("DELETE", "/users/identities/"+ids[0], nil), 204, "")

		// And another identity: one of two goes, the last stays.
		dee, deeID := oidcUser(t, s, c.project, idp, "sub-dee", "dee@example.test", false)
		idp.AddUser("sub-dee-2", "dee.two@example.test", false, "Dee Two")
		linkOIDC(t, s, dee, idp, "sub-dee-2")
		ids = identityIDs(t, k, deeID)
		if len(ids) != 2 {
			t.Fatalf("dee's identities %v", ids)
		}
		expect(t, dee.do("DELETE", "/account/identities/"+ids[0], nil), 204, "")
		expect(t, dee.do("DELETE", "/account/identities/"+ids[1], nil), 409, "user_identity_last_way_in")
		expect(t, k.do("DELETE", "/users/identities/"+ids[1], nil), 409, "user_identity_last_way_in")

		// An anonymous account that added a provider has no other way in.
		anon := s.client(t, c.project)
		expect(t, anon.do("POST", "/account/sessions/anonymous", nil), 201, "")
		idp.AddUser("sub-anon", "anon@example.test", false, "Anon")
		linkOIDC(t, s, anon, idp, "sub-anon")
		ids = identityIDs(t, k, anon.do("GET", "/account", nil).str(t, "$id"))
		if len(ids) != 1 {
			t.Fatalf("anonymous user's identities %v", ids)
		}
		expect(t, anon.do("DELETE", "/account/identities/"+ids[0], nil), 409, "user_identity_last_way_in")

		// Someone else's identity is still not found, last or not.
		expect(t, ann.do("DELETE", "/account/identities/"+ids[0], nil), 404, "user_identity_not_found")
		expect(t, k.do("DELETE", "/users/identities/nobody", nil), 404, "user_identity_not_found")
	})
}

// Two deletes of a user's last two identities, racing: one is taken,
// the other refused, whichever API each comes through.
func TestDeleteLastIdentitiesRacing(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		for round := range 6 {
			sub := "sub-race-" + string(rune('a'+round))
			u, uid := oidcUser(t, s, c.project, idp, sub, sub+"@example.test", false)
			idp.AddUser(sub+"-2", sub+".two@example.test", false, "Two")
			linkOIDC(t, s, u, idp, sub+"-2")
			ids := identityIDs(t, k, uid)
			if len(ids) != 2 {
				t.Fatalf("identities %v", ids)
			}
			callers := []*client{u, k}
			paths := []string{"/account/identities/", "/users/identities/"}
			res := make([]*resp, 2)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					<-start
					res[i] = callers[(round+i)%2].do("DELETE", paths[(round+i)%2]+ids[i], nil)
				})
			}
			close(start)
			wg.Wait()
			won := 0
			for _, r := range res {
				switch r.status {
				case 204:
					won++
				case 409:
					expect(t, r, 409, "user_identity_last_way_in")
				default:
					t.Fatalf("round %d: delete answered %d: %s", round, r.status, r.body)
				}
			}
			if left := identityIDs(t, k, uid); won != 1 || len(left) != 1 {
				t.Fatalf("round %d: %d deletes won, identities left %v", round, won, left)
			}
		}
	})
}
