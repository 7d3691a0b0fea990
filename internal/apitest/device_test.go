package apitest

import (
	"encoding/json"
	"fmt"
	"testing"
)

// deviceAccounts lists the accounts c's device holds: user id → current.
func deviceAccounts(t *testing.T, c *client) map[string]bool {
	t.Helper()
	r := c.do("GET", "/account/device/accounts", nil)
	expect(t, r, 200, "")
	var out struct {
		Total    int `json:"total"`
		Accounts []struct {
			UserID    string `json:"userId"`
			Email     string `json:"email"`
			SessionID string `json:"sessionId"`
			Current   bool   `json:"current"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, a := range out.Accounts {
		if a.UserID == "" || a.Email == "" || a.SessionID == "" {
			t.Fatalf("incomplete device account %+v", a)
		}
		m[a.UserID] = a.Current
	}
	if out.Total != len(out.Accounts) {
		t.Fatalf("total %d for %d accounts", out.Total, len(out.Accounts))
	}
	return m
}

func whoAmI(t *testing.T, c *client) string {
	t.Helper()
	r := c.do("GET", "/account", nil)
	expect(t, r, 200, "")
	return r.str(t, "$id")
}

func TestDeviceOffByDefault(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		a, b := email(), email()
		aid := c.signUp(a, "correct horse")
		s.client(t, c.project).signUp(b, "battery staple")
		c.signIn(a, "correct horse")
		// Appwrite's behaviour: one account per client.
		expect(t, c.do("POST", "/account/sessions/email", map[string]any{"email": b, "password": "battery staple"}), 401, "user_session_already_exists")
		if got := deviceAccounts(t, c); len(got) != 1 || !got[aid] {
			t.Fatalf("device %v", got)
		}
		// Without the setting no device cookie is written.
		r := c.do("DELETE", "/account/sessions/current", nil)
		expect(t, r, 204, "")
		for _, ck := range r.cookies {
			if ck.Name == "a_device_"+c.project {
				t.Fatalf("device cookie set without the setting: %v", ck)
			}
		}
		expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		// The project model shows the setting.
		if on := s.admin(t).do("GET", "/projects/"+c.project, nil).obj(t)["authMultiAccounts"]; on != false {
			t.Fatalf("authMultiAccounts %v", on)
		}
	})
}

func TestDeviceSeveralAccounts(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, a, b, aid, bid := twoAccounts(t, s)
		if on := s.admin(t).do("GET", "/projects/"+c.project, nil).obj(t)["authMultiAccounts"]; on != true {
			t.Fatalf("authMultiAccounts %v", on)
		}

		_, aCred := c.signIn(a, "correct horse")
		_, bCred := c.signIn(b, "battery staple")
		if got := whoAmI(t, c); got != bid {
			t.Fatalf("current %s, want the newest sign-in %s", got, bid)
		}
		if got := deviceAccounts(t, c); len(got) != 2 || got[aid] || !got[bid] {
			t.Fatalf("device %v", got)
		}

		// A request can act as another account of the device.
		if got := whoAmI(t, c.withJar("X-Gatehouse-Account", aid)); got != aid {
			t.Fatalf("X-Gatehouse-Account acted as %s", got)
		}
		expect(t, c.withJar("X-Gatehouse-Account", "stranger").do("GET", "/account", nil), 401, "user_unauthorized")
		// The header picks only among the device's own accounts.
		expect(t, s.client(t, c.project).with("X-Gatehouse-Account", aid).do("GET", "/account", nil), 401, "user_unauthorized")

		// Switch, and the switch sticks.
		r := c.do("PATCH", "/account/device/accounts/"+aid, nil)
		expect(t, r, 200, "")
		if r.str(t, "$id") != aid || whoAmI(t, c) != aid {
			t.Fatalf("switch: %s", r.body)
		}
		expect(t, c.do("PATCH", "/account/device/accounts/nobody", nil), 404, "user_session_not_found")
		expect(t, c.do("PATCH", "/account/device/accounts/bad!id", nil), 400, "general_argument_invalid")

		// Signing one account out leaves the other, and its session
		// string is dead everywhere.
		expect(t, c.do("DELETE", "/account/device/accounts/"+bid, nil), 204, "")
		if got := whoAmI(t, c); got != aid {
			t.Fatalf("current after signing B out: %s", got)
		}
		expect(t, s.client(t, c.project).with("X-Appwrite-Session", bCred).do("GET", "/account", nil), 401, "general_unauthorized_scope")
		if got := deviceAccounts(t, c); len(got) != 1 || !got[aid] {
			t.Fatalf("device %v", got)
		}

		// Signing the current account out makes the next one current.
		c.signIn(b, "battery staple")
		expect(t, c.do("PATCH", "/account/device/accounts/"+aid, nil), 200, "")
		expect(t, c.do("DELETE", "/account/sessions/current", nil), 204, "")
		if got := whoAmI(t, c); got != bid {
			t.Fatalf("current after signing A out: %s", got)
		}
		expect(t, s.client(t, c.project).with("X-Appwrite-Session", aCred).do("GET", "/account", nil), 401, "general_unauthorized_scope")

		// Signing the same account in again replaces its session on the
		// device instead of piling them up.
		c.signIn(b, "battery staple")
		key := c.key("sessions.write", "users.read")
		if n := s.client(t, c.project).with("X-Appwrite-Key", key).do("GET", "/users/"+bid+"/sessions", nil).obj(t)["total"]; n != float64(1) {
			t.Fatalf("B holds %v sessions", n)
		}

		// Sign everyone out.
		c.signIn(a, "correct horse")
		expect(t, c.do("DELETE", "/account/device/accounts", nil), 204, "")
		expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		if got := deviceAccounts(t, c); len(got) != 0 {
			t.Fatalf("device after signing all out %v", got)
		}
		for _, id := range []string{aid, bid} {
			if n := s.client(t, c.project).with("X-Appwrite-Key", key).do("GET", "/users/"+id+"/sessions", nil).obj(t)["total"]; n != float64(0) {
				t.Fatalf("%s still holds %v sessions", id, n)
			}
		}
	})
}

// TestDeviceFallbackCookies plays the web SDK on a cross-site page: no
// cookie jar, only the X-Fallback-Cookies it keeps in localStorage.
func TestDeviceFallbackCookies(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, a, b, aid, bid := twoAccounts(t, s)
		stored := ""
		sdk := func(method, path string, body any) *resp {
			cl := s.client(t, c.project).with("Origin", "https://app.example.test")
			if stored != "" {
				cl.headers["X-Fallback-Cookies"] = stored
			}
			r := cl.do(method, path, body)
			if v := r.header.Get("X-Fallback-Cookies"); v != "" {
				stored = v
			}
			return r
		}
		expect(t, sdk("POST", "/account/sessions/email", map[string]any{"email": a, "password": "correct horse"}), 201, "")
		expect(t, sdk("POST", "/account/sessions/email", map[string]any{"email": b, "password": "battery staple"}), 201, "")
		if r := sdk("GET", "/account", nil); r.str(t, "$id") != bid {
			t.Fatalf("current %s", r.body)
		}
		expect(t, sdk("PATCH", "/account/device/accounts/"+aid, nil), 200, "")
		if r := sdk("GET", "/account", nil); r.str(t, "$id") != aid {
			t.Fatalf("after switch %s", r.body)
		}
		expect(t, sdk("DELETE", "/account/sessions/current", nil), 204, "")
		if r := sdk("GET", "/account", nil); r.str(t, "$id") != bid {
			t.Fatalf("after sign-out %s", r.body)
		}
		expect(t, sdk("DELETE", "/account/sessions/current", nil), 204, "")
		if stored != "[]" {
			t.Fatalf("fallback after the last sign-out: %s", stored)
		}
		expect(t, sdk("GET", "/account", nil), 401, "general_unauthorized_scope")
	})
}

// TestDeviceLimit: the eleventh account pushes out the oldest, whose
// session ends.
func TestDeviceLimit(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		c.setAuth("multi-accounts", map[string]any{"enabled": true})
		var ids, creds []string
		for i := 0; i < 11; i++ {
			mail := fmt.Sprintf("dev%d-%s", i, email())
			ids = append(ids, s.client(t, c.project).signUp(mail, "correct horse"))
			_, cred := c.signIn(mail, "correct horse")
			creds = append(creds, cred)
		}
		got := deviceAccounts(t, c)
		if len(got) != 10 || !got[ids[10]] {
			t.Fatalf("device %v", got)
		}
		if _, held := got[ids[0]]; held {
			t.Fatal("the oldest account stayed on a full device")
		}
		expect(t, s.client(t, c.project).with("X-Appwrite-Session", creds[0]).do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, s.client(t, c.project).with("X-Appwrite-Session", creds[1]).do("GET", "/account", nil), 200, "")
	})
}

// TestDeviceKeepsAccountsApart: each account sees only its own data, and a
// blocked account cannot be switched to.
func TestDeviceKeepsAccountsApart(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, a, b, aid, bid := twoAccounts(t, s)
		c.signIn(a, "correct horse")
		expect(t, c.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"theme": "dark"}}), 200, "")
		c.signIn(b, "battery staple")
		if p := c.do("GET", "/account/prefs", nil).obj(t); len(p) != 0 {
			t.Fatalf("B sees prefs %v", p)
		}
		if p := c.withJar("X-Gatehouse-Account", aid).do("GET", "/account/prefs", nil).obj(t); p["theme"] != "dark" {
			t.Fatalf("A's prefs %v", p)
		}
		sessions := c.do("GET", "/account/sessions", nil).obj(t)["sessions"].([]any)
		if len(sessions) != 1 || sessions[0].(map[string]any)["userId"] != bid {
			t.Fatalf("B's sessions %v", sessions)
		}
		key := c.key("users.write")
		expect(t, s.client(t, c.project).with("X-Appwrite-Key", key).do("PATCH", "/users/"+aid+"/status", map[string]any{"status": false}), 200, "")
		expect(t, c.do("PATCH", "/account/device/accounts/"+aid, nil), 403, "user_blocked")
		if got := whoAmI(t, c); got != bid {
			t.Fatalf("current %s", got)
		}
	})
}

// withJar returns a copy of c with an extra header that shares c's cookie
// jar: another tab of the same browser.
func (c *client) withJar(name, value string) *client {
	n := *c
	n.headers = map[string]string{}
	for k, v := range c.headers {
		n.headers[k] = v
	}
	n.headers[name] = value
	return &n
}

// TestDeviceCurrentEndedElsewhere: when the current account's session ends
// on another device, listing the device makes the next account current.
func TestDeviceCurrentEndedElsewhere(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, a, b, aid, bid := twoAccounts(t, s)
		c.signIn(a, "correct horse")
		c.signIn(b, "battery staple")
		k := s.client(t, c.project).with("X-Appwrite-Key", c.key("users.write"))
		expect(t, k.do("DELETE", "/users/"+bid+"/sessions", nil), 204, "")
		expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		if got := deviceAccounts(t, c); len(got) != 1 || !got[aid] {
			t.Fatalf("device %v", got)
		}
		if got := whoAmI(t, c); got != aid {
			t.Fatalf("current after listing: %s", got)
		}
	})
}

// twoAccounts makes a project with several accounts per device on and two
// users, A and B, signed in nowhere yet.
func twoAccounts(t *testing.T, s *server) (c *client, a, b, aid, bid string) {
	t.Helper()
	c = s.newProject(t)
	c.setAuth("multi-accounts", map[string]any{"enabled": true})
	a, b = email(), email()
	aid = s.client(t, c.project).signUp(a, "correct horse")
	bid = s.client(t, c.project).signUp(b, "battery staple")
	return c, a, b, aid, bid
}
