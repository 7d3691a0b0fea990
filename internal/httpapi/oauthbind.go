package httpapi

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// An OAuth2 flow is bound to the browser that started it. Without that,
// anyone can start a flow, hand the provider's authorize URL to a victim,
// and the victim's completed sign-in lands in the starter's account or
// session (login CSRF), or links the victim's provider account to the
// starter's (link CSRF). The start sets a random cookie, kept only as a
// hash in the state; the callback must bring it back.
//
// The cookie is HttpOnly, SameSite=Lax (the provider's redirect back is a
// top-level GET navigation, which carries Lax cookies; Apple's form POST
// is turned into one, see oauthCallbackPost), and a __Host- cookie when
// the callback is https (see bindingCookie). Its name carries a digest of the state, so flows started side
// by side in one browser (two tabs) do not overwrite each other.

// bindingPrefix starts the name of a flow's browser cookie.
const bindingPrefix = "a_oauth_"

// bindingName is the cookie of the flow whose state is state: a prefix
// of the state's digest, which tells nothing about the state itself.
func bindingName(state string) string { return bindingPrefix + secret.Hash(state)[:16] }

// bindBrowser sets the flow's cookie on the start's answer and keeps its
// hash in st.
func (s *Server) bindBrowser(c *call, st *storage.OAuthState, state, provider string) {
	value := secret.Hex(32)
	st.Browser = secret.Hash(value)
	http.SetCookie(c.w, s.bindingCookie(c.r, provider, c.project.ID, state, value, s.Now().Add(stateLifetime)))
}

// bindingCookie is the flow's cookie. Over https it is a __Host- cookie
// (Secure, Path=/, no Domain), which a sibling subdomain cannot plant:
// otherwise a sibling could set its own flow's cookie in a victim's
// browser and finish the attacker's flow there (login CSRF). Over plain
// http, where that prefix cannot exist, it is scoped to the callback's
// path, so no other route ever sees it.
func (s *Server) bindingCookie(r *http.Request, provider, projectID, state, value string, expire time.Time) *http.Cookie {
	cb, _ := url.Parse(s.callbackURL(r, provider, projectID))
	ck := &http.Cookie{Name: bindingName(state), Value: value, Path: "/", Expires: expire, HttpOnly: true,
		SameSite: http.SameSiteLaxMode}
	switch {
	case cb != nil && cb.Scheme == "https":
		ck.Name, ck.Secure = hostPrefix+ck.Name, true
	case cb != nil:
		ck.Path = cb.EscapedPath()
	}
	if expire.Before(s.Now()) {
		ck.MaxAge = -1
	}
	return ck
}

// checkBrowser is the callback's half: the cookie must be there and
// match, compared in constant time. It is cleared either way, since the
// state it belongs to is spent. A token flow a server started with its
// API key has no browser to check (see storage.OAuthState.ByServer).
func (s *Server) checkBrowser(c *call, st *storage.OAuthState, state, provider, projectID string) error {
	if st.ByServer && st.Token && st.LinkUserID == "" {
		return nil
	}
	gone := s.bindingCookie(c.r, provider, projectID, state, "", s.Now().Add(-time.Hour))
	ck, err := c.r.Cookie(gone.Name) // over https only the __Host- name
	http.SetCookie(c.w, gone)
	if err != nil || st.Browser == "" || !secret.Equal(secret.Hash(ck.Value), st.Browser) {
		return apperr.Newf(apperr.UserUnauthorized, "This sign-in was started in another browser. Start it again from the app, in this browser.")
	}
	return nil
}
