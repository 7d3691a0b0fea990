package apitest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOAuthBindingCookieHostPrefix: over https the cookie that binds an
// OAuth2 flow to its browser is a __Host- cookie (Secure, Path=/, no
// Domain), which a sibling subdomain cannot set. The same value planted
// under the bare name, as a sibling could for the parent domain, finishes
// nothing; the browser that started the flow finishes it.
func TestOAuthBindingCookieHostPrefix(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		idp.AddUser("sub-cookie", "cookie.oidc@example.test", true, "Coo Kie")
		start := "/account/sessions/oauth2/oidc?success=" + url.QueryEscape("https://app.example.test/ok") +
			"&failure=" + url.QueryEscape("https://app.example.test/fail")
		provider := s.client(t, c.project)

		// flow starts one in br and returns its cookie and the callback
		// path (under /v1) the provider sends the browser to.
		flow := func(br *httpsBrowser) (*http.Cookie, string) {
			r := br.do("GET", start, "")
			if r.status != 301 {
				t.Fatalf("start: %d %s", r.status, r.body)
			}
			var bind *http.Cookie
			for _, ck := range r.cookies {
				if strings.Contains(ck.Name, "a_oauth_") {
					bind = ck
				}
			}
			if bind == nil || !strings.HasPrefix(bind.Name, "__Host-a_oauth_") || !bind.Secure || bind.Path != "/" ||
				bind.Domain != "" || !bind.HttpOnly || bind.SameSite != http.SameSiteLaxMode {
				t.Fatalf("binding cookie over https: %+v", bind)
			}
			idp.Next("sub-cookie")
			back, err := url.Parse(provider.get(r.header.Get("Location")).Header.Get("Location"))
			if err != nil || back.Host != "api.example.test" || back.Scheme != "https" {
				t.Fatalf("provider sent the browser to %v (%v)", back, err)
			}
			return bind, strings.TrimPrefix(back.RequestURI(), "/v1")
		}

		// The attacker's flow, its cookie planted under the bare name in
		// the victim's browser.
		attacker := newHTTPSBrowser(t, s, c.project)
		bind, callback := flow(attacker)
		victim := newHTTPSBrowser(t, s, c.project)
		victim.planted = []*http.Cookie{{Name: strings.TrimPrefix(bind.Name, "__Host-"), Value: bind.Value}}
		r := victim.do("GET", callback, "")
		if end, _ := url.Parse(r.header.Get("Location")); r.status != 301 || end == nil || end.Path != "/fail" {
			t.Fatalf("a planted bare-name cookie finished the flow: %d %s", r.status, r.header.Get("Location"))
		}

		// The browser that started a flow finishes it.
		own := newHTTPSBrowser(t, s, c.project)
		_, callback = flow(own)
		r = own.do("GET", callback, "")
		if end, _ := url.Parse(r.header.Get("Location")); r.status != 301 || end == nil || end.Path != "/ok" {
			t.Fatalf("the starting browser could not finish: %d %s", r.status, r.header.Get("Location"))
		}
	})
}
