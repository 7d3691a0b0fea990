package httpapi

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/clientinfo"
	"github.com/gatehouse-auth/gatehouse/internal/locale"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// cookieName is the session cookie of a project; names are lower-cased on
// the wire, as Appwrite's HTTP layer does.
func cookieName(projectID string) string { return "a_session_" + strings.ToLower(projectID) }

// sessionString finds the caller's session string: the cookie, then its
// legacy twin, then X-Appwrite-Session, then X-Fallback-Cookies. The first
// source present is the only one tried.
func sessionString(r *http.Request, projectID string) string {
	name := cookieName(projectID)
	for _, n := range []string{name, name + "_legacy"} {
		if ck, err := r.Cookie(n); err == nil && ck.Value != "" {
			return unescape(ck.Value)
		}
	}
	if v := r.Header.Get("X-Appwrite-Session"); v != "" {
		return v
	}
	if v := r.Header.Get("X-Fallback-Cookies"); v != "" && len(v) < 8192 {
		var m map[string]string
		if json.Unmarshal([]byte(v), &m) == nil {
			if s := m["a_session_"+projectID]; s != "" {
				return s
			}
			return m[name]
		}
	}
	return ""
}

// unescape accepts cookie values percent-encoded (as Appwrite writes them)
// or raw.
func unescape(v string) string {
	if !strings.Contains(v, "%") {
		return v
	}
	if u, err := url.QueryUnescape(v); err == nil {
		return u
	}
	return v
}

// authenticate finds who calls: an API key, a session, or a JWT. A key
// together with a user credential is refused, and so, since Appwrite 1.9,
// is a JWT sent beside a valid session (user_jwt_and_cookie_set): an SDK
// built for 1.8 or older, which the server then let the JWT win, keeps
// that (see jwtBesideSession). A session that is not valid does not
// count: the JWT alone decides.
func (s *Server) authenticate(c *call, keyHeader string, lite bool) error {
	ctx := c.ctx()
	pid := c.project.ID
	var err error
	raw := sessionString(c.r, pid)
	if want := c.r.Header.Get(accountHeader); want != "" {
		// A tab acting as another account signed in on this device.
		if raw = c.deviceSession(want); raw == "" {
			return apperr.Newf(apperr.UserUnauthorized, "The account named by %s is not signed in on this device.", accountHeader)
		}
	}
	if raw != "" {
		check := s.Accounts.Authenticate
		if lite {
			check = s.Accounts.AuthenticateLite
		}
		if c.caller, err = check(ctx, pid, raw); err != nil {
			return err
		}
	}
	if tok := c.r.Header.Get("X-Appwrite-JWT"); tok != "" {
		if c.caller != nil && !c.jwtBesideSession() {
			return apperr.New(apperr.UserJWTAndCookieSet)
		}
		if c.caller, err = s.Accounts.AuthenticateJWT(ctx, pid, tok); err != nil {
			return err
		}
	}
	if keyHeader == "" {
		return nil
	}
	// A project key works only with X-Appwrite-Project naming its
	// project, as in Appwrite 1.9: the project query parameter alone,
	// or beside a header naming another project, is refused.
	if h := c.r.Header.Get("X-Appwrite-Project"); h == "" || h != pid {
		return apperr.New(apperr.ProjectIDMissing)
	}
	if c.caller != nil {
		return apperr.New(apperr.UserKeyAndSessionSet)
	}
	c.key, err = s.Projects.KeyFor(ctx, pid, keyHeader)
	return err
}

// jwtBesideSession reports whether a JWT sent beside a valid session
// replaces it, as up to Appwrite 1.8, rather than being refused: only for
// SDKs that name a format older than 1.9.0. A web SDK in a browser sends
// the session cookie with every call, also after setJWT, so refusing
// would break apps built on such an SDK; the JWT proves a session of its
// own, so letting it win grants nothing the JWT alone would not.
func (c *call) jwtBesideSession() bool { return c.formatBefore("1.9.0") }

// clientInfo parses the caller's device once per request. The
// X-Forwarded-User-Agent of a server SDK counts only with an API key.
func (c *call) clientInfo() *storage.Client {
	if c.client == nil {
		ua := c.r.UserAgent()
		if c.key != nil {
			if f := c.r.Header.Get("X-Forwarded-User-Agent"); f != "" {
				ua = f
			}
		}
		ci := clientinfo.Parse(ua, clientinfo.ClientIP(c.r, c.s.TrustedProxies))
		// Sessions and logs keep the country in lower case, as Appwrite
		// stores it; a code the locale lists do not know stays unknown.
		if code, ok := c.s.GeoIP.Country(ci.IP); ok && locale.IsCountry(code) {
			ci.CountryCode = strings.ToLower(code)
		}
		c.client = &ci
	}
	return c.client
}

// browserOrigin returns the browser origin of the request: Origin, else
// the Referer's scheme and host. sent reports whether the request named
// one at all; an origin that was sent but names no host ("null" from a
// sandboxed frame, a redirect or a privacy setting, or a value that does
// not parse) comes back nil with sent true: it is foreign, not absent.
func browserOrigin(r *http.Request) (o *url.URL, sent bool) {
	v := r.Header.Get("Origin")
	if v == "" {
		v = r.Header.Get("Referer")
	}
	if v == "" {
		return nil, false
	}
	return parseOrigin(v), true
}

// parseOrigin reads an Origin or Referer value; nil when it names no
// host, as "null" does.
func parseOrigin(v string) *url.URL {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return nil
	}
	return u
}

// hostOnly strips a port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// originAllowed is the CSRF check of writes: a browser origin must be a
// platform of the project or the API's own host. Requests without an
// origin (servers, native apps) pass, as in Appwrite.
//
// Any other origin, "null" and an unparsable one included, is foreign:
// a page that hides its origin must not act with the browser's cookies.
func (s *Server) originAllowed(c *call) bool {
	o, sent := browserOrigin(c.r)
	if !sent {
		return true
	}
	if o == nil {
		return false
	}
	host := strings.ToLower(o.Hostname())
	return host == strings.ToLower(hostOnly(c.r.Host)) || c.project.OriginAllowed(o.Scheme, host)
}

// cors answers with the origin when it may read the response.
func (s *Server) cors(c *call) {
	o := c.r.Header.Get("Origin")
	u := parseOrigin(o)
	if u == nil {
		return // none, "null" or garbage: nothing may read the answer
	}
	h := c.w.Header()
	allowed := c.project != nil && (c.project.HostAllowed(u.Hostname()) ||
		strings.EqualFold(u.Hostname(), hostOnly(c.r.Host)))
	if allowed {
		h.Set("Access-Control-Allow-Origin", o)
	} else {
		// Appwrite answers a stranger with localhost, which the browser
		// then refuses: the app learns it must register a platform.
		lh := u.Scheme + "://localhost"
		if p := u.Port(); p != "" {
			lh += ":" + p
		}
		h.Set("Access-Control-Allow-Origin", lh)
	}
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Access-Control-Expose-Headers", exposeHeaders)
}

// corsError lets any origin read an error answered before a project is
// known (project_not_found): it carries nothing but the error, and a
// browser app should learn it forgot its project rather than see a
// network failure. An origin that names no host ("null") gets nothing.
func corsError(c *call) {
	o := c.r.Header.Get("Origin")
	if parseOrigin(o) == nil {
		return
	}
	h := c.w.Header()
	h.Set("Access-Control-Allow-Origin", o)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Access-Control-Expose-Headers", exposeHeaders)
}

const exposeHeaders = "X-Appwrite-Session, X-Fallback-Cookies, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id"

const allowHeaders = "Origin, Cookie, Set-Cookie, X-Requested-With, Content-Type, Access-Control-Allow-Origin, " +
	"Access-Control-Request-Headers, Accept, X-Appwrite-Project, X-Appwrite-Key, X-Appwrite-Dev-Key, X-Appwrite-Locale, " +
	"X-Appwrite-Mode, X-Appwrite-JWT, X-Appwrite-Response-Format, X-Appwrite-Timeout, X-SDK-Version, X-SDK-Name, " +
	"X-SDK-Language, X-SDK-Platform, X-SDK-GraphQL, X-Appwrite-ID, X-Appwrite-Timestamp, Content-Range, Range, " +
	"Cache-Control, Expires, Pragma, X-Forwarded-For, X-Forwarded-User-Agent, X-Appwrite-Session, X-Fallback-Cookies, X-Gatehouse-Account, " +
	// Appwrite 1.9's additions.
	"X-Appwrite-Organization, X-Appwrite-Platform, X-Appwrite-Impersonate-User-Id, X-Appwrite-Impersonate-User-Email, " +
	"X-Appwrite-Impersonate-User-Phone, X-SDK-Profile, " +
	// Appwrite 2.0's OAuth2 access tokens (setBearer).
	"Authorization"

// sameSite reports whether the browser origin shares the API's registrable
// domain; only then are cookies first-party and the fallback header
// unnecessary.
func sameSite(r *http.Request) bool {
	o, _ := browserOrigin(r)
	if o == nil {
		return false
	}
	a, err1 := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(o.Hostname()))
	b, err2 := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(hostOnly(r.Host)))
	return err1 == nil && err2 == nil && a != "" && a == b
}

// setSessionCookies sets both session cookies and, for cross-site callers,
// X-Fallback-Cookies. With several accounts per device the new session
// joins the device's others.
func (c *call) setSessionCookies(credential string, expire time.Time) {
	if c.multiAccounts() {
		c.addToDevice(credential, expire)
		return
	}
	name := cookieName(c.project.ID)
	c.writeCookies(name, url.QueryEscape(credential), expire)
	if !sameSite(c.r) {
		b, _ := json.Marshal(map[string]string{"a_session_" + c.project.ID: credential})
		c.w.Header().Set("X-Fallback-Cookies", string(b))
	}
}

// clearSessionCookies expires both cookies and empties the fallback, once
// the caller's session has ended. With several accounts per device only
// the caller's account leaves it.
func (c *call) clearSessionCookies() {
	if c.multiAccounts() && c.caller != nil {
		c.leaveDevice(c.caller.User.ID)
		return
	}
	c.writeCookies(cookieName(c.project.ID), deletedCookie, c.s.Now().Add(-time.Hour))
	if !sameSite(c.r) {
		c.w.Header().Set("X-Fallback-Cookies", "[]")
	}
}

// deletedCookie is the value of an expired session cookie, as Appwrite's
// server (PHP's setcookie with an empty value) writes it. It is never a
// session string, so a client that keeps it anyway is a guest.
const deletedCookie = "deleted"

func (c *call) writeCookies(name, value string, expire time.Time) {
	secure := c.s.isHTTPS(c.r)
	domain := ""
	if h := hostOnly(c.r.Host); h != "localhost" && net.ParseIP(h) == nil && strings.Contains(h, ".") {
		domain = "." + h
	}
	legacy := &http.Cookie{Name: name + "_legacy", Value: value, Path: "/", Domain: domain, Expires: expire,
		Secure: secure, HttpOnly: true}
	main := *legacy
	main.Name = name
	// Browsers refuse SameSite=None without Secure; over plain http the
	// legacy cookie (no SameSite) is the one that works.
	main.SameSite = http.SameSiteNoneMode
	if !secure {
		main.SameSite = http.SameSiteDefaultMode
	}
	http.SetCookie(c.w, legacy)
	http.SetCookie(c.w, &main)
}

// user returns the signed-in caller; the pipeline guarantees one on
// routes with the account scope.
func (c *call) user() *storage.User { return c.caller.User }

// me is the caller for account services.
func (c *call) me() *account.Caller { return c.caller }
