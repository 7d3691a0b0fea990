package apitest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// q encodes queries for a GET list.
func q(queries ...string) string {
	v := url.Values{}
	for i, s := range queries {
		v.Set(fmt.Sprintf("queries[%d]", i), s)
	}
	return v.Encode()
}

func TestUsersAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write", "targets.read", "targets.write"))
		ro := c.with("X-Appwrite-Key", c.key("users.read"))

		r := k.do("POST", "/users", map[string]any{"userId": "ann", "email": "Ann@Example.test", "phone": "+14155550111", "password": "correct horse", "name": "Ann"})
		expect(t, r, 201, "")
		u := r.obj(t)
		if u["email"] != "ann@example.test" || u["hash"] != "argon2" || u["password"] == nil || u["hashOptions"] == nil || len(u["targets"].([]any)) != 2 {
			t.Fatalf("user %s", r.body)
		}
		expect(t, k.do("POST", "/users", map[string]any{"userId": "ann"}), 409, "user_already_exists")
		expect(t, k.do("POST", "/users", map[string]any{"userId": "unique()", "email": "ann@example.test"}), 409, "user_already_exists")
		expect(t, ro.do("POST", "/users", map[string]any{"userId": "x"}), 401, "general_unauthorized_scope")
		expect(t, c.do("GET", "/users", nil), 401, "general_unauthorized_scope")
		// A user without email, phone or password.
		bare := k.do("POST", "/users", map[string]any{"userId": "bare"})
		expect(t, bare, 201, "")
		if bare.obj(t)["password"] != nil || bare.str(t, "passwordUpdate") != "" {
			t.Fatalf("bare user %s", bare.body)
		}

		// The user signs in with the password the server set.
		s.client(t, c.project).signIn("ann@example.test", "correct horse")

		g := ro.do("GET", "/users/ann", nil)
		expect(t, g, 200, "")
		expect(t, ro.do("GET", "/users/nobody", nil), 404, "user_not_found")
		expect(t, ro.do("GET", "/users/-x", nil), 400, "general_argument_invalid")

		for _, tc := range []struct {
			method, path string
			body         map[string]any
			key          string
			want         any
		}{
			{"PATCH", "/users/ann/name", map[string]any{"name": "Ann B"}, "name", "Ann B"},
			{"PATCH", "/users/ann/name", map[string]any{"name": ""}, "name", ""},
			{"PATCH", "/users/ann/status", map[string]any{"status": false}, "status", false},
			{"PATCH", "/users/ann/status", map[string]any{"status": "true"}, "status", true},
			{"PATCH", "/users/ann/verification", map[string]any{"emailVerification": true}, "emailVerification", true},
			{"PATCH", "/users/ann/verification/phone", map[string]any{"phoneVerification": true}, "phoneVerification", true},
			{"PATCH", "/users/ann/mfa", map[string]any{"mfa": false}, "mfa", false},
			{"PATCH", "/users/ann/email", map[string]any{"email": "ann2@example.test"}, "email", "ann2@example.test"},
			{"PATCH", "/users/ann/phone", map[string]any{"number": "+14155550112"}, "phone", "+14155550112"},
		} {
			r := k.do(tc.method, tc.path, tc.body)
			expect(t, r, 200, "")
			if got := r.obj(t)[tc.key]; got != tc.want {
				t.Fatalf("%s %v: %s = %v, want %v", tc.path, tc.body, tc.key, got, tc.want)
			}
		}
		// Email and phone changes move their targets and drop verification.
		g = ro.do("GET", "/users/ann", nil)
		if g.obj(t)["emailVerification"] != false || g.obj(t)["phoneVerification"] != false {
			t.Fatalf("the email and phone changes kept their verification: %s", g.body)
		}
		idents := map[string]bool{}
		for _, x := range g.obj(t)["targets"].([]any) {
			idents[x.(map[string]any)["identifier"].(string)] = true
		}
		if !idents["ann2@example.test"] || !idents["+14155550112"] || len(idents) != 2 {
			t.Fatalf("targets after change: %v", idents)
		}
		other := k.do("POST", "/users", map[string]any{"userId": "bob", "email": "bob@example.test", "phone": "+14155550113"})
		expect(t, other, 201, "")
		expect(t, k.do("PATCH", "/users/ann/email", map[string]any{"email": "bob@example.test"}), 409, "user_target_already_exists")
		expect(t, k.do("PATCH", "/users/ann/phone", map[string]any{"number": "+14155550113"}), 409, "user_target_already_exists")
		expect(t, k.do("PATCH", "/users/ann/email", map[string]any{"email": "nope"}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/users/ann/status", map[string]any{"status": "maybe"}), 400, "general_argument_invalid")
		// Removing the email frees it.
		r = k.do("PATCH", "/users/bob/email", map[string]any{"email": ""})
		expect(t, r, 200, "")
		if r.str(t, "email") != "" {
			t.Fatalf("email not removed: %s", r.body)
		}
		expect(t, k.do("PATCH", "/users/ann/email", map[string]any{"email": "bob@example.test"}), 200, "")

		lab := k.do("PUT", "/users/ann/labels", map[string]any{"labels": []string{"vip", "beta", "vip"}})
		expect(t, lab, 200, "")
		if l := lab.obj(t)["labels"].([]any); len(l) != 2 {
			t.Fatalf("labels %v", l)
		}
		expect(t, k.do("PUT", "/users/ann/labels", map[string]any{"labels": []string{"not ok"}}), 400, "general_argument_invalid")

		p := k.do("PATCH", "/users/ann/prefs", map[string]any{"prefs": map[string]any{"lang": "de"}})
		expect(t, p, 200, "")
		if p.obj(t)["lang"] != "de" {
			t.Fatalf("prefs response is the prefs: %s", p.body)
		}
		if ro.do("GET", "/users/ann/prefs", nil).obj(t)["lang"] != "de" {
			t.Fatal("prefs not stored")
		}

		// Password: set, then clear.
		expect(t, k.do("PATCH", "/users/ann/password", map[string]any{"password": "brand new pass"}), 200, "")
		s.client(t, c.project).signIn("bob@example.test", "brand new pass")
		cl := k.do("PATCH", "/users/ann/password", map[string]any{"password": ""})
		expect(t, cl, 200, "")
		if cl.obj(t)["password"] != nil {
			t.Fatalf("password not cleared: %s", cl.body)
		}
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": "bob@example.test", "password": "brand new pass"}), 401, "user_invalid_credentials")

		// Every admin change is in the user's log with the key's name.
		logs := ro.do("GET", "/users/ann/logs", nil)
		expect(t, logs, 200, "")
		first := logs.obj(t)["logs"].([]any)[0].(map[string]any)
		if first["mode"] != "admin" {
			t.Fatalf("admin log %v", first)
		}

		expect(t, k.do("DELETE", "/users/bare", nil), 204, "")
		expect(t, ro.do("GET", "/users/bare", nil), 404, "user_not_found")
		expect(t, k.do("DELETE", "/users/bare", nil), 404, "user_not_found")
	})
}

func TestUsersList(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		names := []string{"Ada", "Bea", "Cy", "Dee", "Eve"}
		for i, n := range names {
			expect(t, k.do("POST", "/users", map[string]any{"userId": strings.ToLower(n), "email": strings.ToLower(n) + "@list.test", "name": n}), 201, "")
			if i%2 == 0 {
				expect(t, k.do("PUT", "/users/"+strings.ToLower(n)+"/labels", map[string]any{"labels": []string{"even"}}), 200, "")
			}
		}
		expect(t, k.do("PATCH", "/users/cy/status", map[string]any{"status": false}), 200, "")
		list := func(query string) (total int, ids []string) {
			t.Helper()
			r := k.do("GET", "/users?"+query, nil)
			expect(t, r, 200, "")
			o := r.obj(t)
			for _, u := range o["users"].([]any) {
				ids = append(ids, u.(map[string]any)["$id"].(string))
			}
			return int(o["total"].(float64)), ids
		}
		if n, ids := list(""); n != 5 || strings.Join(ids, ",") != "ada,bea,cy,dee,eve" {
			t.Fatalf("all: %d %v", n, ids)
		}
		for _, tc := range []struct {
			name  string
			query string
			total int
			ids   string
		}{
			{"limit offset", q(`{"method":"limit","values":[2]}`, `{"method":"offset","values":[1]}`), 5, "bea,cy"},
			{"equal", q(`{"method":"equal","attribute":"name","values":["Bea","Eve"]}`), 2, "bea,eve"},
			{"notEqual", q(`{"method":"notEqual","attribute":"name","values":["Bea"]}`), 4, "ada,cy,dee,eve"},
			{"bool", q(`{"method":"equal","attribute":"status","values":[false]}`), 1, "cy"},
			{"startsWith", q(`{"method":"startsWith","attribute":"email","values":["d"]}`), 1, "dee"},
			{"endsWith", q(`{"method":"endsWith","attribute":"name","values":["e"]}`), 2, "dee,eve"},
			{"contains label", q(`{"method":"contains","attribute":"labels","values":["even"]}`), 3, "ada,cy,eve"},
			{"isNull phone", q(`{"method":"isNull","attribute":"phone"}`), 5, "ada,bea,cy,dee,eve"},
			{"lessThan", q(`{"method":"lessThan","attribute":"name","values":["C"]}`), 2, "ada,bea"},
			{"between", q(`{"method":"between","attribute":"name","values":["B","D"]}`), 2, "bea,cy"},
			{"or", q(`{"method":"or","values":[{"method":"equal","attribute":"name","values":["Ada"]},{"method":"equal","attribute":"name","values":["Eve"]}]}`), 2, "ada,eve"},
			{"and", q(`{"method":"and","values":[{"method":"contains","attribute":"labels","values":["even"]},{"method":"equal","attribute":"status","values":[true]}]}`), 2, "ada,eve"},
			{"orderDesc", q(`{"method":"orderDesc","attribute":"name"}`, `{"method":"limit","values":[2]}`), 5, "eve,dee"},
			{"cursorAfter", q(`{"method":"cursorAfter","values":["bea"]}`, `{"method":"limit","values":[2]}`), 5, "cy,dee"},
			{"cursorBefore", q(`{"method":"cursorBefore","values":["dee"]}`, `{"method":"limit","values":[2]}`), 5, "bea,cy"},
			{"cursor with order", q(`{"method":"orderDesc","attribute":"name"}`, `{"method":"cursorAfter","values":["dee"]}`), 5, "cy,bea,ada"},
			{"search", "search=dee", 1, "dee"},
			{"search email domain", "search=list.test", 5, "ada,bea,cy,dee,eve"},
			// Appwrite's exact search: the quoted text is one phrase.
			{"search quoted email", "search=%22dee%40list.test%22", 1, "dee"},
			{"search quoted phrase", "search=%22list.test+dee%22", 0, ""},
			{"search words", "search=list.test+dee", 1, "dee"},
			{"search stray quote", "search=%22dee", 1, "dee"},
			{"registration", q(`{"method":"greaterThan","attribute":"registration","values":["2000-01-01T00:00:00.000+00:00"]}`), 5, "ada,bea,cy,dee,eve"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n, ids := list(tc.query)
				if n != tc.total || strings.Join(ids, ",") != tc.ids {
					t.Fatalf("got %d %v, want %d %s", n, ids, tc.total, tc.ids)
				}
			})
		}
		for _, bad := range []string{
			q(`{"method":"equal","attribute":"password","values":["x"]}`),
			q(`{"method":"equal","attribute":"status","values":["no"]}`),
			q(`not json`),
			q(`{"method":"limit","values":[0]}`),
		} {
			expect(t, k.do("GET", "/users?"+bad, nil), 400, "general_argument_invalid")
		}
		expect(t, k.do("GET", "/users?"+q(`{"method":"cursorAfter","values":["ghost"]}`), nil), 400, "general_cursor_not_found")
	})
}

func TestUserSessionsAndTokens(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, k.do("POST", "/users", map[string]any{"userId": "u1", "email": "u1@example.test", "password": "correct horse"}), 201, "")

		ss := k.do("POST", "/users/u1/sessions", nil)
		expect(t, ss, 201, "")
		if ss.str(t, "provider") != "server" || ss.str(t, "secret") == "" {
			t.Fatalf("server session %s", ss.body)
		}
		user := s.client(t, c.project).with("X-Appwrite-Session", ss.str(t, "secret"))
		expect(t, user.do("GET", "/account", nil), 200, "")
		l := k.do("GET", "/users/u1/sessions", nil)
		expect(t, l, 200, "")
		if l.obj(t)["total"] != float64(1) {
			t.Fatalf("sessions %s", l.body)
		}
		expect(t, k.do("DELETE", "/users/u1/sessions/"+ss.str(t, "$id"), nil), 204, "")
		expect(t, user.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, k.do("DELETE", "/users/u1/sessions/nope", nil), 404, "user_session_not_found")

		// A token redeemed once for a session.
		tok := k.do("POST", "/users/u1/tokens", map[string]any{"length": 12, "expire": 60})
		expect(t, tok, 201, "")
		sec := tok.str(t, "secret")
		if len(sec) != 12 {
			t.Fatalf("token %s", tok.body)
		}
		expect(t, k.do("POST", "/users/u1/tokens", map[string]any{"length": 3}), 400, "general_argument_invalid")
		guest := s.client(t, c.project)
		expect(t, guest.do("POST", "/account/sessions/token", map[string]any{"userId": "u1", "secret": "wrong"}), 401, "user_invalid_token")
		expect(t, guest.do("POST", "/account/sessions/token", map[string]any{"userId": "u2", "secret": sec}), 401, "user_invalid_token")
		r := guest.do("POST", "/account/sessions/token", map[string]any{"userId": "u1", "secret": sec})
		expect(t, r, 201, "")
		if r.str(t, "provider") != "token" || r.obj(t)["factors"].([]any)[0] != "token" {
			t.Fatalf("token session %s", r.body)
		}
		expect(t, guest.do("GET", "/account", nil), 200, "")
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/token", map[string]any{"userId": "u1", "secret": sec}), 401, "user_invalid_token")

		// JWTs for a user: bound to a session, or to none.
		j := k.do("POST", "/users/u1/jwts", map[string]any{"sessionId": "recent", "duration": 60})
		expect(t, j, 201, "")
		expect(t, s.client(t, c.project).with("X-Appwrite-JWT", j.str(t, "jwt")).do("GET", "/account", nil), 200, "")
		expect(t, k.do("POST", "/users/u1/jwts", map[string]any{"duration": 7200}), 400, "general_argument_invalid")

		expect(t, k.do("DELETE", "/users/u1/sessions", nil), 204, "")
		expect(t, guest.do("GET", "/account", nil), 401, "general_unauthorized_scope")
	})
}

func TestTargets(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write", "targets.read", "targets.write"))
		expect(t, k.do("POST", "/users", map[string]any{"userId": "t1", "email": "t1@example.test"}), 201, "")
		// Appwrite 1.9: the targets routes take users.read/users.write,
		// no longer targets.read/targets.write.
		expect(t, c.with("X-Appwrite-Key", c.key("targets.read")).do("GET", "/users/t1/targets", nil), 401, "general_unauthorized_scope")
		p := k.do("POST", "/users/t1/targets", map[string]any{"targetId": "push1", "providerType": "push", "identifier": "device-token", "name": "Phone"})
		expect(t, p, 201, "")
		expect(t, k.do("POST", "/users/t1/targets", map[string]any{"targetId": "push1", "providerType": "push", "identifier": "other"}), 409, "user_target_already_exists")
		expect(t, k.do("POST", "/users/t1/targets", map[string]any{"targetId": "e2", "providerType": "email", "identifier": "bad"}), 400, "general_invalid_email")
		expect(t, k.do("POST", "/users/t1/targets", map[string]any{"targetId": "x", "providerType": "fax", "identifier": "1"}), 400, "general_argument_invalid")
		l := k.do("GET", "/users/t1/targets", nil)
		expect(t, l, 200, "")
		if l.obj(t)["total"] != float64(2) {
			t.Fatalf("targets %s", l.body)
		}
		f := k.do("GET", "/users/t1/targets?"+q(`{"method":"equal","attribute":"providerType","values":["push"]}`), nil)
		if f.obj(t)["total"] != float64(1) {
			t.Fatalf("filtered targets %s", f.body)
		}
		if l := k.do("GET", "/users/t1/targets?"+q(`{"method":"limit","values":[1]}`), nil).obj(t); l["total"] != float64(2) || len(l["targets"].([]any)) != 1 {
			t.Fatalf("limited targets %v", l)
		}
		expect(t, k.do("GET", "/users/t1/targets?"+q(`{"method":"equal","attribute":"password","values":["x"]}`), nil), 400, "general_argument_invalid")
		u := k.do("PATCH", "/users/t1/targets/push1", map[string]any{"identifier": "new-token"})
		expect(t, u, 200, "")
		if u.str(t, "identifier") != "new-token" || u.str(t, "name") != "Phone" {
			t.Fatalf("update %s", u.body)
		}
		// The user model embeds the targets.
		if n := len(k.do("GET", "/users/t1", nil).obj(t)["targets"].([]any)); n != 2 {
			t.Fatalf("embedded targets %d", n)
		}
		expect(t, k.do("DELETE", "/users/t1/targets/push1", nil), 204, "")
		expect(t, k.do("GET", "/users/t1/targets/push1", nil), 404, "user_target_not_found")
		if n := len(k.do("GET", "/users/t1", nil).obj(t)["targets"].([]any)); n != 1 {
			t.Fatalf("embedded targets after delete %d", n)
		}
	})
}

func TestAccountPushTargets(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		r := c.do("POST", "/account/targets/push", map[string]any{"targetId": "unique()", "identifier": "fcm-token-1"})
		expect(t, r, 201, "")
		id := r.str(t, "$id")
		if r.str(t, "providerType") != "push" {
			t.Fatalf("target %s", r.body)
		}
		if n := len(c.do("GET", "/account", nil).obj(t)["targets"].([]any)); n != 2 {
			t.Fatalf("%d targets on the account", n)
		}
		u := c.do("PUT", "/account/targets/"+id+"/push", map[string]any{"identifier": "fcm-token-2"})
		expect(t, u, 200, "")
		if u.str(t, "identifier") != "fcm-token-2" {
			t.Fatalf("update %s", u.body)
		}
		// The email target is not a push target to edit here.
		emailTarget := c.do("GET", "/account", nil).obj(t)["targets"].([]any)[0].(map[string]any)["$id"].(string)
		expect(t, c.do("DELETE", "/account/targets/"+emailTarget+"/push", nil), 404, "user_target_not_found")
		expect(t, s.client(t, c.project).do("POST", "/account/targets/push", map[string]any{"targetId": "unique()", "identifier": "x"}), 401, "general_unauthorized_scope")
		expect(t, c.do("DELETE", "/account/targets/"+id+"/push", nil), 204, "")
		expect(t, c.do("DELETE", "/account/targets/"+id+"/push", nil), 404, "user_target_not_found")
	})
}
