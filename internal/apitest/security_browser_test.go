package apitest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// Cross-site requests and what the browser tells us: Origin: null, the
// forwarded headers, and cookies a sibling subdomain cannot set. See
// docs/security.md.

// rawRequest sends one request as a browser would, with headers and
// cookies set by hand (the harness's cookie jar neither sends Secure
// cookies over plain http nor lets a test plant a sibling's cookie).
type rawRequest struct {
	method, path string
	header       map[string]string
	cookies      []*http.Cookie // sent in this order
	form         url.Values     // application/x-www-form-urlencoded body
	json         string         // application/json body
}

func (s *server) raw(t *testing.T, q rawRequest) *resp {
	t.Helper()
	var body io.Reader
	switch {
	case q.form != nil:
		body = strings.NewReader(q.form.Encode())
	case q.json != "":
		body = strings.NewReader(q.json)
	}
	req, err := http.NewRequest(q.method, s.base+"/v1"+q.path, body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case q.form != nil:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case q.json != "":
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range q.header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	for _, ck := range q.cookies {
		req.AddCookie(ck)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &resp{status: res.StatusCode, header: res.Header, body: b, cookies: res.Cookies()}
}

// sessionCookie is the a_session_<project> cookie holding credential, as
// Gatehouse writes it.
func sessionCookie(project, credential string) *http.Cookie {
	return &http.Cookie{Name: "a_session_" + project, Value: url.QueryEscape(credential)}
}

// TestBrowserNullOriginCSRF: a plain HTML form (no preflight) posted from
// a sandboxed frame or through a cross-origin redirect carries the
// victim's cookie and Origin: null, without a Referer. It must not merge
// the attacker's account into the victim's; a client without an Origin
// (a server SDK, a native app) keeps working.
func TestBrowserNullOriginCSRF(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		victimMail, attackerMail := email(), email()
		victimID := s.client(t, c.project).signUp(victimMail, "correct horse")
		attacker := s.client(t, c.project)
		attackerID := attacker.signUp(attackerMail, "battery staple")
		attacker.signIn(attackerMail, "battery staple")
		jwt := attacker.do("POST", "/account/jwts", nil).str(t, "jwt")
		if jwt == "" {
			t.Fatal("no JWT for the attacker")
		}
		_, victimCred := s.client(t, c.project).signIn(victimMail, "correct horse")
		victimCookie := sessionCookie(c.project, victimCred)

		// The project travels in the query: a form cannot set headers.
		for _, path := range []string{"/account/identities", "/users/" + victimID + "/identities"} {
			for _, origin := range []string{"null", "http://[::1", "https://app.example.test:bad"} {
				r := s.raw(t, rawRequest{method: "POST", path: path + "?project=" + c.project,
					header: map[string]string{"Origin": origin}, cookies: []*http.Cookie{victimCookie},
					form: url.Values{"linkWith": {jwt}}})
				expect(t, r, 403, "general_unknown_origin")
				if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
					t.Fatalf("Origin %q answered with Access-Control-Allow-Origin %q", origin, got)
				}
			}
		}
		// An email change from a sandboxed page is refused the same way.
		r := s.raw(t, rawRequest{method: "PATCH", path: "/account/email?project=" + c.project,
			header: map[string]string{"Origin": "null"}, cookies: []*http.Cookie{victimCookie},
			form: url.Values{"email": {email()}, "password": {"correct horse"}}})
		expect(t, r, 403, "general_unknown_origin")

		// Nothing was merged: the attacker's account and session still
		// stand on their own, and the victim's email is unchanged.
		if got := whoAmI(t, attacker); got != attackerID {
			t.Fatalf("attacker now %s", got)
		}
		key := s.client(t, c.project).with("X-Appwrite-Key", c.key("users.read"))
		u := key.do("GET", "/users/"+victimID, nil)
		expect(t, u, 200, "")
		if u.str(t, "email") != victimMail {
			t.Fatalf("victim's email became %s", u.str(t, "email"))
		}
		expect(t, key.do("GET", "/users/"+attackerID, nil), 200, "")

		// A client without an Origin (server SDK, native app) still
		// writes with the same session; so does the app's own page.
		r = s.raw(t, rawRequest{method: "PATCH", path: "/account/name?project=" + c.project,
			cookies: []*http.Cookie{victimCookie}, form: url.Values{"name": {"Vic"}}})
		expect(t, r, 200, "")
		r = s.raw(t, rawRequest{method: "PATCH", path: "/account/name?project=" + c.project,
			header: map[string]string{"Origin": "https://app.example.test"}, cookies: []*http.Cookie{victimCookie},
			json: `{"name":"Victoria"}`})
		expect(t, r, 200, "")
	})
}

// TestBrowserNullOriginCORS: no answer, early error or preflight, ever
// says Access-Control-Allow-Origin: null, so a sandboxed page can neither
// read an answer nor send a preflighted write.
func TestBrowserNullOriginCORS(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		for _, q := range []rawRequest{
			// the preflight of a JSON write
			{method: "OPTIONS", path: "/account/email", header: map[string]string{"Origin": "null",
				"Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "content-type,x-appwrite-project"}},
			// an answer of the project
			{method: "GET", path: "/account?project=" + c.project, header: map[string]string{"Origin": "null"}},
			// errors answered before a project is known (corsError)
			{method: "GET", path: "/account?project=nosuchproject", header: map[string]string{"Origin": "null"}},
			{method: "GET", path: "/account", header: map[string]string{"Origin": "null"}},
			{method: "GET", path: "/account", header: map[string]string{"Origin": "http://[::1"}},
		} {
			r := s.raw(t, q)
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Fatalf("%s %s Origin %q: Access-Control-Allow-Origin %q", q.method, q.path, q.header["Origin"], got)
			}
		}
		// A real origin is still reflected where Appwrite reflects it.
		r := s.raw(t, rawRequest{method: "OPTIONS", path: "/account", header: map[string]string{"Origin": "https://app.example.test",
			"Access-Control-Request-Method": "POST"}})
		if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.test" {
			t.Fatalf("preflight of the app: %d %v", r.status, r.header)
		}
		r = s.raw(t, rawRequest{method: "GET", path: "/account", header: map[string]string{"Origin": "https://app.example.test"}})
		expect(t, r, 404, "project_not_found")
		if r.header.Get("Access-Control-Allow-Origin") != "https://app.example.test" {
			t.Fatalf("early error not readable by the app: %v", r.header)
		}
	})
}

// TestBrowserForwardedProtoNeedsTrustedProxy: X-Forwarded-Proto decides
// cookie flags and HSTS, so only a trusted proxy's word counts. The
// harness's clients sit on loopback, trusted by default; with no proxy
// trusted, the same request is plain http.
func TestBrowserForwardedProtoNeedsTrustedProxy(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			for _, tc := range []struct {
				noProxies bool
				https     bool
			}{{false, true}, {true, false}} {
				s := startServer(t, e, options{noProxies: tc.noProxies})
				c := s.newProject(t)
				mail := email()
				c.signUp(mail, "correct horse")
				r := s.raw(t, rawRequest{method: "POST", path: "/account/sessions/email", header: map[string]string{
					"X-Appwrite-Project": c.project, "X-Forwarded-Proto": "https", "Host": "api.example.test"},
					json: `{"email":"` + mail + `","password":"correct horse"}`})
				expect(t, r, 201, "")
				if hsts := r.header.Get("Strict-Transport-Security") != ""; hsts != tc.https {
					t.Fatalf("trusted proxy %v: HSTS %v", !tc.noProxies, hsts)
				}
				var seen bool
				for _, ck := range r.cookies {
					if ck.Name == "a_session_"+c.project {
						seen = true
						if ck.Secure != tc.https || (ck.SameSite == http.SameSiteNoneMode) != tc.https {
							t.Fatalf("trusted proxy %v: session cookie Secure %v SameSite %v", !tc.noProxies, ck.Secure, ck.SameSite)
						}
					}
				}
				if !seen {
					t.Fatalf("no session cookie: %v", r.cookies)
				}
			}
		})
	}
}

// httpsBrowser is one browser on https://api.example.test, behind a proxy
// on loopback (trusted) that says so with X-Forwarded-Proto. It keeps the
// cookies the server sets, by name, and can have cookies planted in front
// of them, as a sibling subdomain would for the parent domain.
type httpsBrowser struct {
	t       *testing.T
	s       *server
	project string
	jar     map[string]string
	order   []string
	planted []*http.Cookie
}

func newHTTPSBrowser(t *testing.T, s *server, project string) *httpsBrowser {
	return &httpsBrowser{t: t, s: s, project: project, jar: map[string]string{}}
}

func (b *httpsBrowser) do(method, path, body string, header ...string) *resp {
	b.t.Helper()
	h := map[string]string{"X-Appwrite-Project": b.project, "X-Forwarded-Proto": "https", "Host": "api.example.test"}
	for i := 0; i+1 < len(header); i += 2 {
		h[header[i]] = header[i+1]
	}
	// Planted cookies first: a browser sends the cookie with the longer
	// path first, and the sibling picks the path.
	cookies := append([]*http.Cookie{}, b.planted...)
	for _, n := range b.order {
		if v, ok := b.jar[n]; ok {
			cookies = append(cookies, &http.Cookie{Name: n, Value: v})
		}
	}
	r := b.s.raw(b.t, rawRequest{method: method, path: path, header: h, cookies: cookies, json: body})
	for _, ck := range r.cookies {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(b.jar, ck.Name)
			continue
		}
		if _, ok := b.jar[ck.Name]; !ok {
			b.order = append(b.order, ck.Name)
		}
		b.jar[ck.Name] = ck.Value
	}
	return r
}

func (b *httpsBrowser) signIn(mail, pw string) {
	b.t.Helper()
	expect(b.t, b.do("POST", "/account/sessions/email", `{"email":"`+mail+`","password":"`+pw+`"}`), 201, "")
}

// accounts lists the device's accounts as the chooser shows them.
func (b *httpsBrowser) accounts() map[string]bool {
	b.t.Helper()
	r := b.do("GET", "/account/device/accounts", "")
	expect(b.t, r, 200, "")
	m := map[string]bool{}
	for _, a := range r.obj(b.t)["accounts"].([]any) {
		a := a.(map[string]any)
		m[a["userId"].(string)] = a["current"].(bool)
	}
	return m
}

// strangerSession signs an attacker in elsewhere and returns the session
// string, what a sibling subdomain would plant.
func strangerSession(t *testing.T, s *server, project string) (id, credential string) {
	t.Helper()
	c := s.client(t, project)
	mail := email()
	id = c.signUp(mail, "stolen horse")
	_, credential = c.signIn(mail, "stolen horse")
	return id, credential
}

// TestBrowserDeviceCookieHostPrefix: over https the device's accounts live
// in a __Host- cookie (Secure, Path=/, no Domain), which a sibling
// subdomain cannot set; Appwrite's session cookie stays as Appwrite sets
// it.
func TestBrowserDeviceCookieHostPrefix(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, a, b, aid, bid := twoAccounts(t, s)
		br := newHTTPSBrowser(t, s, c.project)
		br.signIn(a, "correct horse")
		r := br.do("POST", "/account/sessions/email", `{"email":"`+b+`","password":"battery staple"}`)
		expect(t, r, 201, "")
		got := map[string]*http.Cookie{}
		for _, ck := range r.cookies {
			got[ck.Name] = ck
		}
		for _, n := range []string{"__Host-a_device_" + c.project, "__Host-a_device_" + c.project + "_legacy"} {
			ck := got[n]
			if ck == nil {
				t.Fatalf("no %s cookie: %v", n, r.cookies)
			}
			if !ck.Secure || ck.Path != "/" || ck.Domain != "" || !ck.HttpOnly {
				t.Fatalf("%s: Secure %v Path %q Domain %q HttpOnly %v", n, ck.Secure, ck.Path, ck.Domain, ck.HttpOnly)
			}
		}
		if ck := got["a_device_"+c.project]; ck != nil {
			t.Fatalf("the device list also went out under the name a sibling can set: %v", ck)
		}
		if ck := got["a_session_"+c.project]; ck == nil || !ck.Secure || ck.Domain == "" {
			t.Fatalf("Appwrite's session cookie changed: %v", ck)
		}
		if m := br.accounts(); len(m) != 2 || m[aid] || !m[bid] {
			t.Fatalf("device %v", m)
		}
		// Over plain http the prefix cannot be used (it needs Secure):
		// the bare name, as before.
		plain := s.client(t, c.project)
		plain.signIn(a, "correct horse")
		r = plain.do("POST", "/account/sessions/email", map[string]any{"email": b, "password": "battery staple"})
		expect(t, r, 201, "")
		var bare bool
		for _, ck := range r.cookies {
			bare = bare || ck.Name == "a_device_"+c.project
		}
		if !bare {
			t.Fatalf("no a_device cookie over http: %v", r.cookies)
		}
	})
}

// TestBrowserPlantedDeviceCookieIgnored: a sibling subdomain plants
// a_device_<project> with the attacker's session. Over https the server
// reads only its __Host- cookie: the attacker is not in the chooser,
// cannot be acted as, cannot be linked in, and a later sign-in does not
// carry it into the device's list.
func TestBrowserPlantedDeviceCookieIgnored(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, a, b, aid, bid := twoAccounts(t, s)
		evilID, evilCred := strangerSession(t, s, c.project)
		br := newHTTPSBrowser(t, s, c.project)
		br.signIn(a, "correct horse")
		br.planted = []*http.Cookie{{Name: "a_device_" + c.project, Value: url.QueryEscape(evilCred)}}
		if m := br.accounts(); len(m) != 1 || !m[aid] {
			t.Fatalf("chooser after the plant: %v", m)
		}
		expect(t, br.do("GET", "/account", "", "X-Gatehouse-Account", evilID), 401, "user_unauthorized")
		expect(t, br.do("PATCH", "/account/device/accounts/"+evilID, ""), 404, "user_session_not_found")
		expect(t, br.do("POST", "/users/"+aid+"/identities", `{"deviceAccount":"`+evilID+`"}`), 404, "user_session_not_found")
		br.signIn(b, "battery staple")
		br.planted = nil
		if m := br.accounts(); len(m) != 2 || m[aid] || !m[bid] {
			t.Fatalf("device after a sign-in with the plant: %v", m)
		}
		// The attacker's account is untouched and apart.
		key := s.client(t, c.project).with("X-Appwrite-Key", c.key("users.read"))
		expect(t, key.do("GET", "/users/"+evilID, nil), 200, "")
	})
}

// TestBrowserTossedSessionNotOnDevice: the sibling plants Appwrite's own
// a_session_<project> instead (sent first, as a longer path would be).
// Appwrite routes act as it, as in Appwrite, but it is not one of the
// device's accounts: not in the chooser, not carried into the device's
// list, and it cannot pull the device's real accounts into itself.
func TestBrowserTossedSessionNotOnDevice(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, a, b, aid, bid := twoAccounts(t, s)
		evilID, evilCred := strangerSession(t, s, c.project)
		br := newHTTPSBrowser(t, s, c.project)
		br.signIn(a, "correct horse")
		br.signIn(b, "battery staple")
		br.planted = []*http.Cookie{sessionCookie(c.project, evilCred)}
		if m := br.accounts(); len(m) != 2 || !containsAll(m, aid, bid) {
			t.Fatalf("chooser with a tossed session: %v", m)
		}
		expect(t, br.do("POST", "/users/"+evilID+"/identities", `{"deviceAccount":"`+aid+`"}`), 401, "user_unauthorized")
		jwt := br.do("POST", "/account/jwts", "{}", "X-Gatehouse-Account", aid)
		expect(t, jwt, 201, "")
		expect(t, br.do("POST", "/users/"+evilID+"/identities", `{"linkWith":"`+jwt.str(t, "jwt")+`"}`), 401, "user_unauthorized")
		// A switch rewrites the device's list without the tossed session.
		expect(t, br.do("PATCH", "/account/device/accounts/"+aid, ""), 200, "")
		br.planted = nil
		if m := br.accounts(); len(m) != 2 || !m[aid] || !containsAll(m, aid, bid) {
			t.Fatalf("device after the switch: %v", m)
		}
		key := s.client(t, c.project).with("X-Appwrite-Key", c.key("users.read"))
		for _, id := range []string{aid, bid, evilID} {
			expect(t, key.do("GET", "/users/"+id, nil), 200, "")
		}
	})
}

func containsAll(m map[string]bool, ids ...string) bool {
	for _, id := range ids {
		if _, ok := m[id]; !ok {
			return false
		}
	}
	return true
}

// TestBrowserDeviceLinkNamesTheAccount: an on-device link names the
// account it merges (deviceAccount), which must be another account of
// the same device; nothing is picked for the caller.
func TestBrowserDeviceLinkNamesTheAccount(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, https := range []bool{false, true} {
			c, a, b, aid, bid := twoAccounts(t, s)
			var do func(method, path, body string, header ...string) *resp
			if https {
				br := newHTTPSBrowser(t, s, c.project)
				br.signIn(a, "correct horse")
				br.signIn(b, "battery staple")
				do = br.do
			} else {
				c.signIn(a, "correct horse")
				c.signIn(b, "battery staple")
				do = func(method, path, body string, header ...string) *resp {
					cl := c
					for i := 0; i+1 < len(header); i += 2 {
						cl = cl.withJar(header[i], header[i+1])
					}
					var in any
					if body != "" {
						in = body
					}
					return cl.do(method, path, in)
				}
			}
			expect(t, do("PATCH", "/account/device/accounts/"+aid, ""), 200, "")
			// Nothing named: nothing picked.
			expect(t, do("POST", "/users/"+aid+"/identities", "{}"), 400, "general_argument_invalid")
			expect(t, do("POST", "/users/"+aid+"/identities", `{"deviceAccount":""}`), 400, "general_argument_invalid")
			expect(t, do("POST", "/users/"+aid+"/identities", `{"deviceAccount":"`+aid+`"}`), 400, "general_argument_invalid")
			strangerID, _ := strangerSession(t, s, c.project)
			expect(t, do("POST", "/users/"+aid+"/identities", `{"deviceAccount":"`+strangerID+`"}`), 404, "user_session_not_found")
			// A key has no device.
			expect(t, s.client(t, c.project).with("X-Appwrite-Key", c.key("users.write")).do("POST", "/users/"+aid+"/identities",
				map[string]any{"deviceAccount": bid}), 400, "general_argument_invalid")

			p := do("GET", "/account/identities/preview?deviceAccount="+bid, "")
			expect(t, p, 200, "")
			r := do("POST", "/users/"+aid+"/identities", `{"deviceAccount":"`+bid+`"}`)
			expect(t, r, 200, "")
			if r.str(t, "$id") != aid {
				t.Fatalf("https %v: linked into %s", https, r.body)
			}
			// B's email is now a way into A; B left the device.
			ids := do("GET", "/account/identities", "").obj(t)["identities"].([]any)
			if len(ids) != 1 || ids[0].(map[string]any)["providerUid"] != b {
				t.Fatalf("https %v: identities %v", https, ids)
			}
			r = do("GET", "/account/device/accounts", "")
			expect(t, r, 200, "")
			if n := r.obj(t)["total"]; n != float64(1) {
				t.Fatalf("https %v: device after the link %s", https, r.body)
			}
		}
	})
}
