package apitest

import (
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
)

// Addresses each policy refuses, and one every policy lets through
// (example.test is on no list: corporate, and its own canonical form).
func disposableAddr() string { return "u" + secret.Hex(5) + "@mailinator.com" }
func aliasedAddr() string    { return "u." + secret.Hex(5) + "+news@gmail.com" }
func freeAddr() string       { return "u" + secret.Hex(5) + "@gmail.com" }
func corporateAddr() string  { return email() }

// emailPolicies are the four policies with an address each refuses
// (alone) and the error type it refuses it with.
var emailPolicies = []struct {
	id, typ string
	denied  func() string
}{
	{"deny-disposable-email", "user_email_disposable", disposableAddr},
	{"deny-aliased-email", "user_email_not_canonical", aliasedAddr},
	{"deny-free-email", "user_email_free", freeAddr},
	{"deny-corporate-email", "user_email_not_corporate", freeAddr},
}

// signUpPaths try to make a new user with an address, each its own way,
// and return the error type ("" when it worked).
var signUpPaths = []struct {
	name string
	try  func(t *testing.T, s *server, c *client, idp *oidctest.Server, addr string) string
}{
	{"account", func(t *testing.T, s *server, c *client, idp *oidctest.Server, addr string) string {
		return errType(t, s.client(t, c.project).do("POST", "/account", map[string]any{"userId": "unique()", "email": addr, "password": "correct horse"}), 201)
	}},
	{"email-otp", func(t *testing.T, s *server, c *client, idp *oidctest.Server, addr string) string {
		return errType(t, s.client(t, c.project).do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": addr}), 201)
	}},
	{"magic-url", func(t *testing.T, s *server, c *client, idp *oidctest.Server, addr string) string {
		return errType(t, s.client(t, c.project).do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": addr,
			"url": "https://app.example.test/magic"}), 201)
	}},
	{"email-change", func(t *testing.T, s *server, c *client, idp *oidctest.Server, addr string) string {
		// A user signed up by the Users API (never refused) changes its
		// email to addr.
		mail := email()
		k := c.with("X-Appwrite-Key", c.key("users.write"))
		expect(t, k.do("POST", "/users", map[string]any{"userId": "unique()", "email": mail, "password": "correct horse"}), 201, "")
		u := s.client(t, c.project)
		u.signIn(mail, "correct horse")
		return errType(t, u.do("PATCH", "/account/email", map[string]any{"email": addr, "password": "correct horse"}), 200)
	}},
	{"oauth2", func(t *testing.T, s *server, c *client, idp *oidctest.Server, addr string) string {
		sub := "sub-" + secret.Hex(5)
		idp.AddUser(sub, addr, true, "Ann")
		idp.Next(sub)
		end := oauthFlow(t, s, s.client(t, c.project), "sessions")
		if end.Path == "/ok" {
			return ""
		}
		return oauthError(t, end)
	}},
}

// errType checks r is ok (with status) or an Appwrite 400 error, and
// returns its type ("" for ok).
func errType(t *testing.T, r *resp, ok int) string {
	t.Helper()
	if r.status == ok {
		return ""
	}
	typ := r.str(t, "type")
	expect(t, r, 400, typ)
	return typ
}

func TestEmailPoliciesOnEverySignUpPath(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		for _, p := range signUpPaths {
			// Off (the default), every address passes.
			for _, pol := range emailPolicies {
				if typ := p.try(t, s, c, idp, pol.denied()); typ != "" {
					t.Fatalf("%s with every policy off: %s", p.name, typ)
				}
			}
			for _, pol := range emailPolicies {
				c.setAuth(pol.id, map[string]any{"enabled": true})
				if typ := p.try(t, s, c, idp, pol.denied()); typ != pol.typ {
					t.Errorf("%s under %s: %q, want %s", p.name, pol.id, typ, pol.typ)
				}
				if pol.id != "deny-corporate-email" {
					if typ := p.try(t, s, c, idp, corporateAddr()); typ != "" {
						t.Errorf("%s under %s refused a corporate address: %s", p.name, pol.id, typ)
					}
				}
				c.setAuth(pol.id, map[string]any{"enabled": false})
			}
		}
	})
}

func TestEmailPolicyOrder(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		for _, pol := range emailPolicies {
			c.setAuth(pol.id, map[string]any{"enabled": true})
		}
		signUp := func(addr string) *resp {
			return c.do("POST", "/account", map[string]any{"userId": "unique()", "email": addr, "password": "correct horse"})
		}
		// Parse, disposable, aliased, free, non-corporate: each address
		// fails the first check it meets.
		expect(t, signUp("ann@localhost"), 400, "general_invalid_email")
		expect(t, signUp("+news@gmail.com"), 400, "general_invalid_email")
		expect(t, signUp("a.nn+x@mailinator.com"), 400, "user_email_disposable")
		expect(t, signUp("a.nn+x@gmail.com"), 400, "user_email_not_canonical")
		expect(t, signUp("ann@gmail.com"), 400, "user_email_free")
		expect(t, signUp(corporateAddr()), 201, "")
		// A throwaway address counts as free when only free mail is denied.
		c.setAuth("deny-disposable-email", map[string]any{"enabled": false})
		expect(t, signUp(disposableAddr()), 400, "user_email_free")
		// The console routes check their body.
		a := s.admin(t)
		expect(t, a.do("PATCH", "/projects/"+c.project+"/auth/deny-free-email", map[string]any{}), 400, "general_argument_invalid")
		expect(t, a.do("PATCH", "/projects/"+c.project+"/auth/deny-free-email", map[string]any{"enabled": "maybe"}), 400, "general_argument_invalid")
	})
}

// A user whose address a policy now refuses still signs in, every way.
func TestEmailPolicySparesExistingUsers(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		addr := freeAddr()
		c.signUp(addr, "correct horse")
		idp.AddUser("sub-old", "old."+addr, true, "Old")
		idp.Next("sub-old")
		if end := oauthFlow(t, s, s.client(t, c.project), "sessions"); end.Path != "/ok" {
			t.Fatalf("oauth2 sign-up: %s", end)
		}
		for _, pol := range emailPolicies {
			c.setAuth(pol.id, map[string]any{"enabled": true})
		}
		// The new address is refused...
		expect(t, s.client(t, c.project).do("POST", "/account", map[string]any{"userId": "unique()", "email": freeAddr(), "password": "correct horse"}),
			400, "user_email_free")
		// ...the known ones sign in: password, email code, magic URL, OAuth2.
		s.client(t, c.project).signIn(addr, "correct horse")
		expect(t, s.client(t, c.project).do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": addr}), 201, "")
		expect(t, s.client(t, c.project).do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": addr,
			"url": "https://app.example.test/magic"}), 201, "")
		idp.Next("sub-old")
		if end := oauthFlow(t, s, s.client(t, c.project), "sessions"); end.Path != "/ok" {
			t.Fatalf("oauth2 sign-in of a known identity: %s", end)
		}
	})
}

// The Users API (a server's key) is not refused, as in Appwrite, but its
// users get the email fields too.
func TestEmailPolicyUsersAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		for _, pol := range emailPolicies {
			c.setAuth(pol.id, map[string]any{"enabled": true})
		}
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		addr := "u." + secret.Hex(5) + "+x@mailinator.com"
		r := k.do("POST", "/users", map[string]any{"userId": "unique()", "email": addr, "password": "correct horse"})
		expect(t, r, 201, "")
		id := r.str(t, "$id")
		checkEmail(t, r, strings.ToLower(addr), true, true, false, false)
		r = k.do("PATCH", "/users/"+id+"/email", map[string]any{"email": "a.nn+x@googlemail.com"})
		expect(t, r, 200, "")
		checkEmail(t, r, "ann@gmail.com", false, false, true, false)
	})
}

func TestEmailFieldsOnTheModels(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		addr := "Ann.Lee+News." + secret.Hex(4) + "@GMail.com"
		r := c.do("POST", "/account", map[string]any{"userId": "unique()", "email": addr, "password": "correct horse"})
		expect(t, r, 201, "")
		id := r.str(t, "$id")
		checkEmail(t, r, "annlee@gmail.com", false, false, true, false)
		// Every read shows them: the session lookups (cookie and JWT), the
		// Users API and its list.
		c.signIn(addr, "correct horse")
		checkEmail(t, c.do("GET", "/account", nil), "annlee@gmail.com", false, false, true, false)
		jwt := c.do("POST", "/account/jwts", nil).str(t, "jwt")
		checkEmail(t, s.client(t, c.project).with("X-Appwrite-JWT", jwt).do("GET", "/account", nil), "annlee@gmail.com", false, false, true, false)
		checkEmail(t, k.do("GET", "/users/"+id, nil), "annlee@gmail.com", false, false, true, false)
		list := k.do("GET", "/users", nil).obj(t)["users"].([]any)
		if u := list[0].(map[string]any); u["emailCanonical"] != "annlee@gmail.com" || u["emailIsFree"] != true {
			t.Fatalf("list: %v", u)
		}
		// Changing the email computes them again.
		corp := corporateAddr()
		r = c.do("PATCH", "/account/email", map[string]any{"email": corp, "password": "correct horse"})
		expect(t, r, 200, "")
		checkEmail(t, r, corp, true, false, false, true)
		checkEmail(t, c.do("GET", "/account", nil), corp, true, false, false, true)
		// A user that never set an email has null fields, in place.
		r = k.do("POST", "/users", map[string]any{"userId": "unique()", "phone": "+1555" + "0100123"})
		expect(t, r, 201, "")
		for _, f := range []string{"emailCanonical", "emailIsFree", "emailIsDisposable", "emailIsCorporate", "emailIsCanonical"} {
			if v, ok := r.obj(t)[f]; !ok || v != nil {
				t.Fatalf("%s of a user without email: %v (present %v)", f, v, ok)
			}
		}
		body := string(r.body)
		if want := `"emailVerification":false,"emailCanonical":null,"emailIsFree":null,"emailIsDisposable":null,"emailIsCorporate":null,"emailIsCanonical":null,"phoneVerification"`; !strings.Contains(body, want) {
			t.Fatalf("field order: %s", body)
		}
		anon := s.client(t, c.project)
		expect(t, anon.do("POST", "/account/sessions/anonymous", nil), 201, "")
		if v := anon.do("GET", "/account", nil).obj(t)["emailCanonical"]; v != nil {
			t.Fatalf("anonymous emailCanonical %v", v)
		}
	})
}

// checkEmail checks the email* fields of the user or account in r.
func checkEmail(t *testing.T, r *resp, canonical string, isCanonical, disposable, free, corporate bool) {
	t.Helper()
	m := r.obj(t)
	want := map[string]any{"emailCanonical": canonical, "emailIsCanonical": isCanonical, "emailIsDisposable": disposable,
		"emailIsFree": free, "emailIsCorporate": corporate}
	for k, v := range want {
		if m[k] != v {
			t.Fatalf("%s = %v, want %v: %s", k, m[k], v, r.body)
		}
	}
}
