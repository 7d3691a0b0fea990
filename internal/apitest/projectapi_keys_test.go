package apitest

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// TestProjectAPIKeys: a project's keys through /v1/project/keys: listed
// with queries, read without their secret, changed only within what the
// calling key holds itself, and never created by a key.
func TestProjectAPIKeys(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		a := s.admin(t)
		for _, n := range []string{"alpha", "beta", "gamma"} {
			expect(t, a.do("POST", "/projects/"+c.project+"/keys", map[string]any{"keyId": n, "name": n, "scopes": []string{"users.read"}}), 201, "")
		}
		// The id is taken.
		expect(t, a.do("POST", "/projects/"+c.project+"/keys", map[string]any{"keyId": "alpha", "name": "again", "scopes": []string{}}), 409, "key_already_exists")
		k := projectKey(c, "keys.read", "keys.write", "users.read", "users.write")

		list := k.do("GET", "/project/keys", nil)
		expect(t, list, 200, "")
		if n := list.obj(t)["total"]; n != float64(4) {
			t.Fatalf("total %v", n)
		}
		for _, x := range list.obj(t)["keys"].([]any) {
			if sec := x.(map[string]any)["secret"]; sec != "" {
				t.Fatalf("a listed key shows its secret %v", sec)
			}
		}
		no := false
		r := k.do("GET", "/project/keys"+queryParams(&no, `{"method":"limit","values":[2]}`, `{"method":"offset","values":[1]}`,
			`{"method":"orderAsc","attribute":"name"}`), nil)
		expect(t, r, 200, "")
		got := r.obj(t)
		if got["total"] != float64(0) || len(got["keys"].([]any)) != 2 || got["keys"].([]any)[0].(map[string]any)["name"] != "beta" {
			t.Fatalf("paged list %s", r.body)
		}
		r = k.do("GET", "/project/keys"+queryParams(nil, `{"method":"equal","attribute":"name","values":["gamma"]}`), nil)
		if got := r.obj(t); got["total"] != float64(1) || got["keys"].([]any)[0].(map[string]any)["$id"] != "gamma" {
			t.Fatalf("name filter %s", r.body)
		}
		r = k.do("GET", "/project/keys"+queryParams(nil, `{"method":"contains","attribute":"scopes","values":["users.write"]}`), nil)
		if got := r.obj(t); got["total"] != float64(1) {
			t.Fatalf("scopes filter %s", r.body)
		}
		r = k.do("GET", "/project/keys"+queryParams(nil, `{"method":"greaterThan","attribute":"$createdAt","values":["2000-01-01T00:00:00.000+00:00"]}`), nil)
		if got := r.obj(t); got["total"] != float64(4) {
			t.Fatalf("date filter %s", r.body)
		}
		r = k.do("GET", "/project/keys"+queryParams(nil, `{"method":"orderAsc","attribute":"name"}`, `{"method":"cursorBefore","values":["gamma"]}`,
			`{"method":"limit","values":[1]}`), nil)
		if got := r.obj(t); got["total"] != float64(4) || len(got["keys"].([]any)) != 1 || got["keys"].([]any)[0].(map[string]any)["$id"] != "beta" {
			t.Fatalf("cursorBefore %s", r.body)
		}
		r = k.do("GET", "/project/keys"+queryParams(nil, `{"method":"orderAsc","attribute":"name"}`, `{"method":"cursorAfter","values":["alpha"]}`,
			`{"method":"limit","values":[1]}`), nil)
		if got := r.obj(t); len(got["keys"].([]any)) != 1 || got["keys"].([]any)[0].(map[string]any)["$id"] != "beta" {
			t.Fatalf("cursorAfter %s", r.body)
		}
		for _, q := range []string{`{"method":"equal","attribute":"secret","values":["x"]}`, `{"method":"limit","values":[-1]}`, `nope`,
			`{"method":"cursorAfter","values":["nosuchkey"]}`} {
			r := k.do("GET", "/project/keys"+queryParams(nil, q), nil)
			if r.status != 400 {
				t.Fatalf("query %s: %d %s", q, r.status, r.body)
			}
		}

		g := k.do("GET", "/project/keys/beta", nil)
		expect(t, g, 200, "")
		if g.str(t, "secret") != "" || g.str(t, "name") != "beta" {
			t.Fatalf("get %s", g.body)
		}
		expect(t, k.do("GET", "/project/keys/nosuch", nil), 404, "key_not_found")
		expect(t, k.do("GET", "/project/keys/bad%20id", nil), 400, "general_argument_invalid")

		// No key creates a key, whatever it holds.
		expect(t, k.do("POST", "/project/keys", map[string]any{"keyId": "unique()", "name": "mine", "scopes": []string{"users.read"}}),
			403, "key_creation_denied")

		// Changes stay within the caller's own scopes.
		u := k.do("PUT", "/project/keys/beta", map[string]any{"name": "beta2", "scopes": []string{"users.read", "users.write"}, "expire": nil})
		expect(t, u, 200, "")
		if u.str(t, "name") != "beta2" || u.str(t, "secret") != "" {
			t.Fatalf("update %s", u.body)
		}
		expect(t, k.do("PUT", "/project/keys/beta", map[string]any{"name": "b", "scopes": []string{"project.write"}}), 403, "key_creation_denied")
		expect(t, k.do("PUT", "/project/keys/beta", map[string]any{"name": "b", "scopes": []string{"no.such"}}), 400, "general_argument_invalid")
		expect(t, k.do("PUT", "/project/keys/beta", map[string]any{"scopes": []string{}}), 400, "general_argument_invalid")
		expect(t, k.do("PUT", "/project/keys/beta", map[string]any{"name": "b", "scopes": []string{}, "expire": "soon"}), 400, "general_argument_invalid")
		expect(t, k.do("PUT", "/project/keys/nosuch", map[string]any{"name": "b", "scopes": []string{}}), 404, "key_not_found")
		// A key that expires cannot give a longer life.
		r = a.do("POST", "/projects/"+c.project+"/keys", map[string]any{"name": "short", "scopes": []string{"keys.write", "users.read"},
			"expire": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
		short := c.with("X-Appwrite-Key", r.str(t, "secret"))
		expect(t, short.do("PUT", "/project/keys/gamma", map[string]any{"name": "g", "scopes": []string{"users.read"}}), 403, "key_creation_denied")
		expect(t, short.do("PUT", "/project/keys/gamma", map[string]any{"name": "g", "scopes": []string{"users.read"},
			"expire": time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)}), 403, "key_creation_denied")
		expect(t, short.do("PUT", "/project/keys/gamma", map[string]any{"name": "g", "scopes": []string{"users.read"},
			"expire": time.Now().Add(30 * time.Minute).UTC().Format(time.RFC3339)}), 200, "")

		expect(t, projectKey(c, "keys.read").do("DELETE", "/project/keys/alpha", nil), 401, "general_unauthorized_scope")
		expect(t, projectKey(c, "users.read").do("GET", "/project/keys", nil), 401, "general_unauthorized_scope")
		expect(t, k.do("DELETE", "/project/keys/alpha", nil), 204, "")
		expect(t, k.do("GET", "/project/keys/alpha", nil), 404, "key_not_found")
		expect(t, k.do("DELETE", "/project/keys/alpha", nil), 404, "key_not_found")
		// Another project's key is not here.
		other := s.newProject(t)
		expect(t, a.do("POST", "/projects/"+other.project+"/keys", map[string]any{"keyId": "theirs", "name": "t", "scopes": []string{}}), 201, "")
		expect(t, k.do("GET", "/project/keys/theirs", nil), 404, "key_not_found")
		expect(t, k.do("DELETE", "/project/keys/theirs", nil), 404, "key_not_found")
	})
}

// TestProjectAPIEphemeralKeys: POST /project/keys/ephemeral signs a key
// that works for its project and scopes only, until it expires, and can
// neither make nor widen keys.
func TestProjectAPIEphemeralKeys(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			clk := &testClock{}
			s := startServer(t, e, options{clock: clk})
			c := s.newProject(t)
			k := projectKey(c, "keys.write", "keys.read", "users.read", "users.write")
			r := k.do("POST", "/project/keys/ephemeral", map[string]any{"scopes": []string{"users.read"}, "duration": 600})
			expect(t, r, 201, "")
			m := r.obj(t)
			secret, _ := m["secret"].(string)
			if !strings.HasPrefix(secret, "ephemeral_") || m["name"] != "" || m["$id"] == "" || has(m, "expire", "scopes", "accessedAt", "sdks") != "" {
				t.Fatalf("ephemeral key %s", r.body)
			}
			exp, err := time.Parse(time.RFC3339, m["expire"].(string))
			if err != nil || exp.Sub(clk.now()) > 600*time.Second || exp.Sub(clk.now()) < 590*time.Second {
				t.Fatalf("expire %v (%v)", m["expire"], err)
			}
			eph := c.with("X-Appwrite-Key", secret)
			expect(t, eph.do("GET", "/users", nil), 200, "")
			// Its scopes only.
			expect(t, eph.do("POST", "/users", map[string]any{"userId": "unique()", "email": email()}), 401, "general_unauthorized_scope")
			// Its project only.
			other := s.newProject(t)
			expect(t, other.with("X-Appwrite-Key", secret).do("GET", "/users", nil), 401, "user_unauthorized")
			// Nothing stored: it is not among the keys.
			if n := s.admin(t).do("GET", "/projects/"+c.project+"/keys", nil).obj(t)["total"]; n != float64(1) {
				t.Fatalf("keys total %v", n)
			}
			// Tampered, or signed by something else: refused.
			parts := strings.Split(strings.TrimPrefix(secret, "ephemeral_"), ".")
			claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
			wider := strings.Replace(string(claims), `"users.read"`, `"users.write"`, 1)
			forged := "ephemeral_" + parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(wider)) + "." + parts[2]
			expect(t, c.with("X-Appwrite-Key", forged).do("GET", "/users", nil), 401, "user_unauthorized")
			expect(t, c.with("X-Appwrite-Key", "ephemeral_"+parts[0]+"."+parts[1]+".AAAA").do("GET", "/users", nil), 401, "user_unauthorized")
			expect(t, c.with("X-Appwrite-Key", "ephemeral_").do("GET", "/users", nil), 401, "user_unauthorized")
			none := "ephemeral_" + base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
			expect(t, c.with("X-Appwrite-Key", none).do("GET", "/users", nil), 401, "user_unauthorized")
			// A user's JWT, signed by the same instance, is no ephemeral key.
			u := c.with("Origin", "https://app.example.test")
			mail := email()
			u.signUp(mail, "correct horse")
			u.signIn(mail, "correct horse")
			jwt := u.do("POST", "/account/jwts", nil).str(t, "jwt")
			expect(t, c.with("X-Appwrite-Key", "ephemeral_"+jwt).do("GET", "/users", nil), 401, "user_unauthorized")

			// It cannot make or change keys, even holding keys.write.
			r = k.do("POST", "/project/keys/ephemeral", map[string]any{"scopes": []string{"keys.write", "keys.read", "users.read"}, "duration": 60})
			expect(t, r, 201, "")
			ek := c.with("X-Appwrite-Key", r.str(t, "secret"))
			expect(t, ek.do("POST", "/project/keys/ephemeral", map[string]any{"scopes": []string{"users.read"}, "duration": 60}), 403, "key_creation_denied")
			expect(t, ek.do("POST", "/project/keys", map[string]any{"keyId": "unique()", "name": "x", "scopes": []string{}}), 403, "key_creation_denied")
			list := ek.do("GET", "/project/keys", nil)
			expect(t, list, 200, "")
			id := list.obj(t)["keys"].([]any)[0].(map[string]any)["$id"].(string)
			expect(t, ek.do("PUT", "/project/keys/"+id, map[string]any{"name": "x", "scopes": []string{"users.read"}}), 403, "key_creation_denied")

			// A key gives only scopes it holds.
			expect(t, k.do("POST", "/project/keys/ephemeral", map[string]any{"scopes": []string{"project.write"}, "duration": 60}), 403, "key_creation_denied")
			// Bad input.
			for _, body := range []map[string]any{
				{"scopes": []string{"users.read"}, "duration": 0}, {"scopes": []string{"users.read"}, "duration": 3601},
				{"scopes": []string{"users.read"}}, {"scopes": []string{"no.such"}, "duration": 60},
				{"scopes": "users.read", "duration": 60}, {"scopes": []string{"users.read"}, "duration": "60s"},
			} {
				expect(t, k.do("POST", "/project/keys/ephemeral", body), 400, "general_argument_invalid")
			}
			expect(t, projectKey(c, "keys.read", "users.read").do("POST", "/project/keys/ephemeral", map[string]any{"scopes": []string{}, "duration": 60}),
				401, "general_unauthorized_scope")

			// A key that expires gives no longer life than its own.
			r = s.admin(t).do("POST", "/projects/"+c.project+"/keys", map[string]any{"name": "short", "scopes": []string{"keys.write", "users.read"},
				"expire": clk.now().Add(10 * time.Minute).UTC().Format(time.RFC3339)})
			r = c.with("X-Appwrite-Key", r.str(t, "secret")).do("POST", "/project/keys/ephemeral", map[string]any{"scopes": []string{"users.read"}, "duration": 3600})
			expect(t, r, 201, "")
			if exp, _ := time.Parse(time.RFC3339, r.str(t, "expire")); exp.After(clk.now().Add(10 * time.Minute)) {
				t.Fatalf("outlives its key: %s", r.str(t, "expire"))
			}

			// Older formats get {projectId, jwt} (before 1.9.3).
			r = format(k, "1.9.2").do("POST", "/project/keys/ephemeral", map[string]any{"scopes": []string{"users.read"}, "duration": 60})
			expect(t, r, 201, "")
			if m := r.obj(t); m["projectId"] != c.project || !strings.HasPrefix(m["jwt"].(string), "ephemeral_") || lacks(m, "secret", "$id") != "" {
				t.Fatalf("1.9.2 ephemeral key %s", r.body)
			}
			// The console's name for it.
			r = s.admin(t).do("POST", "/projects/"+c.project+"/jwts", map[string]any{"scopes": []string{"users.write"}, "duration": 60})
			expect(t, r, 201, "")
			expect(t, c.with("X-Appwrite-Key", r.str(t, "jwt")).do("GET", "/users", nil), 401, "general_unauthorized_scope")
			expect(t, s.admin(t).do("POST", "/projects/nosuch/jwts", map[string]any{"scopes": []string{}}), 404, "project_not_found")

			// It ends at its expiry.
			clk.advance(601 * time.Second)
			expect(t, eph.do("GET", "/users", nil), 401, "project_key_expired")
		})
	}
}
