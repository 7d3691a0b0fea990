package oauthapps

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

// maxURL bounds every URL an app or a metadata document names.
const maxURL = 2048

// RedirectURI checks a redirect URI (also a post-logout or installation
// redirect) by the rules of Appwrite's Apps and of OAuth 2.1 for native
// apps (RFC 8252): an https URL; an http URL on the loopback interface
// (localhost, 127.0.0.1 or [::1], any port), for apps on the user's own
// machine; or a private-use scheme in reverse-DNS form, with a dot
// (com.example.app:/oauth). Never a fragment, a wildcard or a user name
// and password: the server matches redirect URIs exactly, so a pattern
// would never match, and a fragment or userinfo has no place in one. The
// error names param.
func RedirectURI(param, raw string) error {
	if why := redirectProblem(raw); why != "" {
		return apperr.Invalid(param, why)
	}
	return nil
}

func redirectProblem(raw string) string {
	switch {
	case raw == "":
		return "A redirect URI must not be empty."
	case len(raw) > maxURL:
		return "A redirect URI must be at most 2048 characters long."
	case strings.ContainsAny(raw, "*"):
		return "A redirect URI must not hold a wildcard (*); list every URI in full."
	case strings.Contains(raw, "#"):
		return "A redirect URI must not have a fragment (#)."
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f {
			return "A redirect URI must not hold spaces or control characters."
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "A redirect URI must be an absolute URI with a scheme."
	}
	if u.User != nil {
		return "A redirect URI must not hold a user name or password."
	}
	switch scheme := strings.ToLower(u.Scheme); scheme {
	case "https":
		if u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
			return "An https redirect URI must name a host."
		}
	case "http":
		if u.Opaque != "" || !loopbackHost(u.Hostname()) {
			return "An http redirect URI is only allowed on the loopback interface (localhost, 127.0.0.1 or [::1]); use https."
		}
	default:
		// RFC 8252 section 7.1: a private-use scheme is a reversed domain
		// name the app controls, so it has a dot. This also keeps out
		// javascript:, data:, file: and the like.
		if !strings.Contains(scheme, ".") {
			return "A redirect URI must use https, http on the loopback interface, or a private-use scheme in reverse-DNS form (com.example.app:/callback)."
		}
		if u.Host == "" && u.Path == "" && u.Opaque == "" {
			return "A private-use redirect URI must have a path (com.example.app:/callback)."
		}
	}
	return ""
}

// loopbackHost reports whether host (as url.URL.Hostname gives it) is
// one of the loopback names a native app listens on.
func loopbackHost(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// RedirectURIs checks a list of redirect URIs, at most max of them.
func RedirectURIs(param string, list []string, max int) error {
	if len(list) > max {
		return apperr.Invalid(param, "Value must be an array of at most "+strconv.Itoa(max)+" URIs.")
	}
	for _, v := range list {
		if err := RedirectURI(param, v); err != nil {
			return err
		}
	}
	return nil
}
