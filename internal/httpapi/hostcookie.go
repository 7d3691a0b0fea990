package httpapi

import (
	"net/http"
	"time"
)

// Cookies for state Gatehouse owns (the device's accounts), as opposed to
// Appwrite's own a_session_<project>, which the SDKs expect as Appwrite
// sets it.
//
// Appwrite's cookie carries Domain=.<api host>, and any cookie without the
// __Host- prefix can be set for a parent domain by a sibling subdomain
// (evil.example.com for api.example.com): the browser then sends the
// sibling's value as if the API had set it. A browser accepts a cookie
// named __Host-… only from a secure origin, with Secure, Path=/ and no
// Domain, so it can only have come from the API's exact host. Over https
// Gatehouse's own cookies therefore carry the prefix, and the bare name is
// not read at all: a sibling could have planted it. Over plain http the
// prefix cannot be used (it needs Secure) and nothing keeps a sibling, or
// anyone on the network, from setting cookies; docs/security.md says so.

// hostPrefix is the cookie name prefix a sibling subdomain cannot set.
const hostPrefix = "__Host-"

// ownCookieName is the name a Gatehouse cookie has on this request.
func (c *call) ownCookieName(base string) string {
	if c.s.isHTTPS(c.r) {
		return hostPrefix + base
	}
	return base
}

// readOwnCookie reads a Gatehouse cookie, or its legacy twin.
func (c *call) readOwnCookie(base string) (string, bool) {
	name := c.ownCookieName(base)
	for _, n := range []string{name, name + "_legacy"} {
		if ck, err := c.r.Cookie(n); err == nil {
			return unescape(ck.Value), true
		}
	}
	return "", false
}

// writeOwnCookies sets a Gatehouse cookie and its legacy twin (without
// SameSite, for browsers that refuse SameSite=None). Over https both are
// host-only __Host- cookies; over plain http they are written like
// Appwrite's session cookies.
func (c *call) writeOwnCookies(base, value string, expire time.Time) {
	if !c.s.isHTTPS(c.r) {
		c.writeCookies(base, value, expire)
		return
	}
	name := hostPrefix + base
	legacy := &http.Cookie{Name: name + "_legacy", Value: value, Path: "/", Expires: expire, Secure: true, HttpOnly: true}
	main := *legacy
	main.Name = name
	main.SameSite = http.SameSiteNoneMode
	http.SetCookie(c.w, legacy)
	http.SetCookie(c.w, &main)
}
