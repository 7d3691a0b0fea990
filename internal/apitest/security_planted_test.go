package apitest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
)

// TestBrowserTossedSessionLinksNoProvider: over https, a session a
// sibling subdomain planted in Appwrite's cookie is not one of the
// device's accounts, so it can neither start an explicit OAuth link (which
// would collect the victim's provider account) nor confirm a suggested
// link. The device's own account still can.
func TestBrowserTossedSessionLinksNoProvider(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, a, _, _, _ := twoAccounts(t, s)
		idp := oidctest.Start(t)
		sec, _ := json.Marshal(map[string]string{"clientSecret": idp.ClientSecret(), "wellKnownEndpoint": idp.WellKnownURL()})
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2", map[string]any{"provider": "oidc", "appId": idp.ClientID(),
			"secret": string(sec), "enabled": true}), 200, "")
		_, evilCred := strangerSession(t, s, c.project)
		br := newHTTPSBrowser(t, s, c.project)
		br.signIn(a, "correct horse")
		start := "/account/identities/oauth2/oidc?success=" + url.QueryEscape("https://app.example.test/ok")

		br.planted = []*http.Cookie{sessionCookie(c.project, evilCred)}
		if r := br.do("GET", start, ""); r.status != 401 {
			t.Fatalf("a planted session started a link: %d %s", r.status, r.body)
		}
		expect(t, br.do("POST", "/account/identities/link", `{"linkToken":"whatever-token"}`), 401, "user_unauthorized")

		br.planted = nil
		if r := br.do("GET", start, ""); r.status != 301 {
			t.Fatalf("the device's own account could not start a link: %d %s", r.status, r.body)
		}
	})
}
