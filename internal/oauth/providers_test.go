package oauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

var stdToken = map[string]any{"access_token": "at-1", "token_type": "bearer", "refresh_token": "rt-1", "expires_in": 3600}

// who is the comparable part of an Identity.
type who struct {
	ProviderUID, Email string
	EmailVerified      bool
	Name               string
}

func whoOf(id Identity) who { return who{id.ProviderUID, id.Email, id.EmailVerified, id.Name} }

type route struct {
	path string
	body any
	auth string // expected Authorization; "" = "Bearer at-1", "-" = none
}

type profileCase struct {
	name      string
	extra     map[string]string
	token     string         // token endpoint path
	tokenResp map[string]any // default stdToken
	routes    []route
	want      Identity // ProviderUID, Email, EmailVerified, Name
	check     func(t *testing.T, f *fake)
}

// TestProfileProviders runs each profile-endpoint provider against a
// stand-in for its token and profile endpoints.
func TestProfileProviders(t *testing.T) {
	ann := "ann@example.com"
	cases := []profileCase{
		{name: "amazon", token: "api.amazon.com/auth/o2/token",
			routes: []route{{path: "api.amazon.com/user/profile", body: map[string]any{"user_id": "amzn1.account.A", "email": ann, "name": "Ann"}}},
			want:   Identity{ProviderUID: "amzn1.account.A", Email: ann, Name: "Ann"}},
		{name: "autodesk", token: "developer.api.autodesk.com/authentication/v2/token",
			routes: []route{{path: "api.userprofile.autodesk.com/userinfo", body: map[string]any{"sub": "ADSK1", "email": ann, "email_verified": true, "given_name": "Ann", "family_name": "Lee"}}},
			want:   Identity{ProviderUID: "ADSK1", Email: ann, EmailVerified: true, Name: "Ann Lee"}},
		{name: "box", token: "api.box.com/oauth2/token",
			routes: []route{{path: "api.box.com/2.0/users/me", body: map[string]any{"id": "11446498", "login": ann, "name": "Ann"}}},
			want:   Identity{ProviderUID: "11446498", Email: ann, Name: "Ann"}},
		{name: "dailymotion", token: "api.dailymotion.com/oauth/token",
			routes: []route{{path: "api.dailymotion.com/user/me", body: map[string]any{"id": "x1", "email": ann, "screenname": "Ann", "verified": true}}},
			want:   Identity{ProviderUID: "x1", Email: ann, Name: "Ann"}}, // "verified" is the partner flag
		{name: "discord", token: "discord.com/api/oauth2/token",
			routes: []route{{path: "discord.com/api/users/@me", body: map[string]any{"id": "80351110224678912", "email": ann, "verified": true, "username": "ann", "global_name": "Ann"}}},
			want:   Identity{ProviderUID: "80351110224678912", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "disqus", token: "disqus.com/api/oauth/2.0/access_token/",
			routes: []route{{path: "disqus.com/api/3.0/users/details.json", auth: "-", body: map[string]any{"response": map[string]any{"id": "123", "email": ann, "name": "Ann"}}}},
			want:   Identity{ProviderUID: "123", Email: ann, Name: "Ann"},
			check: func(t *testing.T, f *fake) {
				r, _ := f.request("/disqus.com/api/3.0/users/details.json")
				if q := r.URL.Query(); q.Get("access_token") != "at-1" || q.Get("api_key") != testClientID {
					t.Errorf("disqus query %v", q)
				}
			}},
		{name: "dropbox", token: "api.dropboxapi.com/oauth2/token",
			routes: []route{{path: "api.dropboxapi.com/2/users/get_current_account", body: map[string]any{"account_id": "dbid:AA", "email": ann, "email_verified": true, "name": map[string]any{"display_name": "Ann"}}}},
			want:   Identity{ProviderUID: "dbid:AA", Email: ann, EmailVerified: true, Name: "Ann"},
			check: func(t *testing.T, f *fake) {
				if r, _ := f.request("/api.dropboxapi.com/2/users/get_current_account"); r.Method != http.MethodPost {
					t.Errorf("dropbox profile method %s", r.Method)
				}
			}},
		{name: "facebook", token: "graph.facebook.com/oauth/access_token",
			routes: []route{{path: "graph.facebook.com/me", body: map[string]any{"id": "10", "email": ann, "name": "Ann"}}},
			want:   Identity{ProviderUID: "10", Email: ann, EmailVerified: true, Name: "Ann"},
			check: func(t *testing.T, f *fake) {
				r, _ := f.request("/graph.facebook.com/me")
				mac := hmac.New(sha256.New, []byte(testClientSecret))
				mac.Write([]byte("at-1"))
				if r.URL.Query().Get("appsecret_proof") != hex.EncodeToString(mac.Sum(nil)) || r.URL.Query().Get("fields") != "id,name,email" {
					t.Errorf("facebook query %v", r.URL.Query())
				}
			}},
		{name: "figma", token: "api.figma.com/v1/oauth/token",
			routes: []route{{path: "api.figma.com/v1/me", body: map[string]any{"id": "f1", "email": ann, "handle": "ann"}}},
			want:   Identity{ProviderUID: "f1", Email: ann, Name: "ann"}},
		{name: "notion", token: "api.notion.com/v1/oauth/token",
			routes: []route{{path: "api.notion.com/v1/users/me", body: map[string]any{"bot": map[string]any{"owner": map[string]any{"type": "user",
				"user": map[string]any{"id": "n1", "name": "Ann", "person": map[string]any{"email": ann}}}}}}},
			want: Identity{ProviderUID: "n1", Email: ann, Name: "Ann"},
			check: func(t *testing.T, f *fake) {
				if r, _ := f.request("/api.notion.com/v1/users/me"); r.Header.Get("Notion-Version") == "" {
					t.Error("no Notion-Version header")
				}
			}},
		{name: "spotify", token: "accounts.spotify.com/api/token",
			routes: []route{{path: "api.spotify.com/v1/me", body: map[string]any{"id": "s1", "email": ann, "display_name": "Ann"}}},
			want:   Identity{ProviderUID: "s1", Email: ann, Name: "Ann"}},
		{name: "tradeshift", token: "api.tradeshift.com/tradeshift/auth/token",
			routes: []route{{path: "api.tradeshift.com/tradeshift/rest/external/account/info/user", body: map[string]any{"Id": "t1", "Username": ann, "FirstName": "Ann", "LastName": "Lee"}}},
			want:   Identity{ProviderUID: "t1", Email: ann, Name: "Ann Lee"}},
		{name: "tradeshiftBox", token: "api-sandbox.tradeshift.com/tradeshift/auth/token",
			routes: []route{{path: "api-sandbox.tradeshift.com/tradeshift/rest/external/account/info/user", body: map[string]any{"Id": "t2", "Username": ann}}},
			want:   Identity{ProviderUID: "t2", Email: ann}},
		{name: "twitch", token: "id.twitch.tv/oauth2/token",
			routes: []route{{path: "api.twitch.tv/helix/users", body: map[string]any{"data": []any{map[string]any{"id": "141981764", "login": "ann", "display_name": "Ann", "email": ann}}}}},
			want:   Identity{ProviderUID: "141981764", Email: ann, EmailVerified: true, Name: "Ann"},
			check: func(t *testing.T, f *fake) {
				if r, _ := f.request("/api.twitch.tv/helix/users"); r.Header.Get("Client-Id") != testClientID {
					t.Error("no Client-Id header")
				}
			}},
		{name: "wordpress", token: "public-api.wordpress.com/oauth2/token",
			routes: []route{{path: "public-api.wordpress.com/rest/v1/me", body: map[string]any{"ID": 12345, "email": ann, "email_verified": false, "display_name": "Ann"}}},
			want:   Identity{ProviderUID: "12345", Email: ann, Name: "Ann"}},
		{name: "yandex", token: "oauth.yandex.com/token",
			routes: []route{{path: "login.yandex.ru/info", auth: "OAuth at-1", body: map[string]any{"id": "1000", "default_email": ann, "display_name": "Ann"}}},
			want:   Identity{ProviderUID: "1000", Email: ann, Name: "Ann"}},
		{name: "zoom", token: "zoom.us/oauth/token",
			routes: []route{{path: "api.zoom.us/v2/users/me", body: map[string]any{"id": "z1", "email": ann, "verified": 1, "first_name": "Ann", "last_name": "Lee"}}},
			want:   Identity{ProviderUID: "z1", Email: ann, EmailVerified: true, Name: "Ann Lee"}},
		{name: "bitbucket", token: "bitbucket.org/site/oauth2/access_token",
			routes: []route{
				{path: "api.bitbucket.org/2.0/user", body: map[string]any{"uuid": "{abc}", "display_name": "Ann"}},
				{path: "api.bitbucket.org/2.0/user/emails", body: map[string]any{"values": []any{
					map[string]any{"email": "old@example.com", "is_primary": false, "is_confirmed": true},
					map[string]any{"email": ann, "is_primary": true, "is_confirmed": true}}}}},
			want: Identity{ProviderUID: "{abc}", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "bitly", token: "api-ssl.bitly.com/oauth/access_token",
			routes: []route{{path: "api-ssl.bitly.com/v4/user", body: map[string]any{"login": "ann", "name": "Ann",
				"emails": []any{map[string]any{"email": ann, "is_primary": true, "is_verified": false}}}}},
			want: Identity{ProviderUID: "ann", Email: ann, Name: "Ann"}},
		{name: "paypal", token: "api-m.paypal.com/v1/oauth2/token",
			routes: []route{{path: "api-m.paypal.com/v1/identity/oauth2/userinfo", body: map[string]any{"payer_id": "P1", "name": "Ann",
				"emails": []any{map[string]any{"value": ann, "primary": true, "confirmed": true}}}}},
			want: Identity{ProviderUID: "P1", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "paypalSandbox", token: "api-m.sandbox.paypal.com/v1/oauth2/token",
			routes: []route{{path: "api-m.sandbox.paypal.com/v1/identity/oauth2/userinfo", body: map[string]any{"payer_id": "P2",
				"emails": []any{map[string]any{"value": ann, "primary": true, "confirmed": false}}}}},
			want: Identity{ProviderUID: "P2", Email: ann}},
		{name: "podio", token: "api.podio.com/oauth/token",
			routes: []route{{path: "api.podio.com/user", auth: "OAuth2 at-1", body: map[string]any{"user_id": 42, "mail": ann,
				"mails": []any{map[string]any{"mail": "b@example.com", "verified": true}, map[string]any{"mail": ann, "verified": false}}}}},
			want: Identity{ProviderUID: "42", Email: ann}},
		{name: "etsy", token: "api.etsy.com/v3/public/oauth/token",
			tokenResp: map[string]any{"access_token": "12345678.abc", "token_type": "Bearer", "refresh_token": "12345678.r", "expires_in": 3600},
			routes: []route{{path: "api.etsy.com/v3/application/users/12345678", auth: "Bearer 12345678.abc",
				body: map[string]any{"user_id": 12345678, "primary_email": ann, "first_name": "Ann", "last_name": "Lee"}}},
			want: Identity{ProviderUID: "12345678", Email: ann, Name: "Ann Lee"},
			check: func(t *testing.T, f *fake) {
				r, _ := f.request("/api.etsy.com/v3/application/users/12345678")
				if r.Header.Get("x-api-key") != testClientID+":"+testClientSecret {
					t.Errorf("x-api-key %q", r.Header.Get("x-api-key"))
				}
				if _, form := f.request("/api.etsy.com/v3/public/oauth/token"); form.Get("client_secret") != "" || form.Get("client_id") != testClientID {
					t.Errorf("etsy is a public client; token form %v", form)
				}
			}},
		{name: "stripe", token: "connect.stripe.com/oauth/token",
			tokenResp: map[string]any{"access_token": "at-1", "token_type": "bearer", "stripe_user_id": "acct_1", "scope": "read_write"},
			routes:    []route{{path: "api.stripe.com/v1/accounts/acct_1", body: map[string]any{"id": "acct_1", "email": ann, "business_profile": map[string]any{"name": "Ann Co"}}}},
			want:      Identity{ProviderUID: "acct_1", Email: ann, Name: "Ann Co"}},
		{name: "yammer", token: "www.yammer.com/oauth2/access_token",
			tokenResp: map[string]any{"access_token": map[string]any{"token": "at-1", "user_id": 1}, "user": map[string]any{"id": 1}},
			routes:    []route{{path: "www.yammer.com/api/v1/users/current.json", body: map[string]any{"id": 1, "email": ann, "full_name": "Ann"}}},
			want:      Identity{ProviderUID: "1", Email: ann, Name: "Ann"}},
		{name: "gitlab", token: "gitlab.com/oauth/token",
			routes: []route{{path: "gitlab.com/api/v4/user", body: map[string]any{"id": 7, "username": "ann", "email": ann, "confirmed_at": "2020-01-01T00:00:00Z"}}},
			want:   Identity{ProviderUID: "7", Email: ann, EmailVerified: true, Name: "ann"}},
		{name: "gitlab", extra: map[string]string{"endpoint": "https://git.example.com/"}, token: "git.example.com/oauth/token",
			routes: []route{{path: "git.example.com/api/v4/user", body: map[string]any{"id": 8, "name": "Ann", "email": ann, "confirmed_at": nil}}},
			want:   Identity{ProviderUID: "8", Email: ann, Name: "Ann"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runProfileCase(t, tc) })
	}
}

func runProfileCase(t *testing.T, tc profileCase) {
	f := newFake(t)
	resp := tc.tokenResp
	if resp == nil {
		resp = stdToken
	}
	f.json("/"+tc.token, http.StatusOK, resp)
	for _, r := range tc.routes {
		f.json("/"+r.path, http.StatusOK, r.body)
	}
	p := f.provider(tc.name, tc.extra)
	_, id, err := login(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := whoOf(id); got != whoOf(tc.want) {
		t.Errorf("identity = %+v, want %+v", got, whoOf(tc.want))
	}
	if id.AccessToken == "" || id.Raw == nil {
		t.Errorf("identity lacks token or raw profile: %+v", id)
	}
	req, form := f.request("/" + tc.token)
	if form.Get("code") != "code-1" || form.Get("grant_type") != "authorization_code" {
		t.Errorf("token request form %v", form)
	}
	if user, pass, ok := req.BasicAuth(); !(ok && user == testClientID && pass == testClientSecret) &&
		!(form.Get("client_id") == testClientID && (form.Get("client_secret") == testClientSecret || tc.name == "etsy")) {
		t.Errorf("token request carries no client credentials")
	}
	for _, r := range tc.routes {
		want := r.auth
		switch want {
		case "":
			want = "Bearer at-1"
		case "-":
			want = ""
		}
		if req, _ := f.request("/" + r.path); req == nil {
			t.Errorf("%s not requested", r.path)
		} else if got := req.Header.Get("Authorization"); got != want {
			t.Errorf("%s Authorization = %q, want %q", r.path, got, want)
		}
	}
	if tc.check != nil {
		tc.check(t, f)
	}
}

// TestGitHubEmails: the primary address of /user/emails decides, with
// its own verified flag.
func TestGitHubEmails(t *testing.T) {
	user := map[string]any{"id": 583231, "login": "octocat", "name": nil, "email": "public@example.com"}
	for _, tc := range []struct {
		name   string
		status int
		emails any
		want   Identity
	}{
		{"primary unverified", 200, []any{
			map[string]any{"email": "other@example.com", "primary": false, "verified": true},
			map[string]any{"email": "primary@example.com", "primary": true, "verified": false}},
			Identity{ProviderUID: "583231", Email: "primary@example.com", Name: "octocat"}},
		{"primary verified", 200, []any{
			map[string]any{"email": "primary@example.com", "primary": true, "verified": true}},
			Identity{ProviderUID: "583231", Email: "primary@example.com", EmailVerified: true, Name: "octocat"}},
		{"no email scope", 404, map[string]any{"message": "Not Found"},
			Identity{ProviderUID: "583231", Email: "public@example.com", Name: "octocat"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.json("/github.com/login/oauth/access_token", 200, stdToken)
			f.json("/api.github.com/user", 200, user)
			f.json("/api.github.com/user/emails", tc.status, tc.emails)
			_, id, err := login(t, f.provider("github", nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := whoOf(id); got != whoOf(tc.want) {
				t.Errorf("identity = %+v, want %+v", got, whoOf(tc.want))
			}
		})
	}
	t.Run("emails fail", func(t *testing.T) {
		f := newFake(t)
		f.json("/github.com/login/oauth/access_token", 200, stdToken)
		f.json("/api.github.com/user", 200, user)
		f.json("/api.github.com/user/emails", 502, map[string]any{})
		_, _, err := login(t, f.provider("github", nil))
		wantKind(t, err, ErrProvider, 502)
	})
}

// TestTokenErrors maps token endpoint answers to typed errors that keep
// the status and never the body or secret.
func TestTokenErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   any
		kind   error
		want   int
		code   string
	}{
		{"400", 400, map[string]any{"error": "invalid_grant", "error_description": "bad code at-secret-body"}, ErrBadRequest, 400, "invalid_grant"},
		{"401", 401, map[string]any{"error": "invalid_client"}, ErrUnauthorized, 401, "invalid_client"},
		{"500", 500, map[string]any{"oops": "at-secret-body"}, ErrProvider, 500, ""},
		{"403", 403, map[string]any{}, ErrProvider, 403, ""},
		{"error in a 200", 200, map[string]any{"error": "bad_verification_code"}, ErrBadRequest, 400, "bad_verification_code"},
		{"bad credentials in a 200", 200, map[string]any{"error": "incorrect_client_credentials"}, ErrUnauthorized, 401, "incorrect_client_credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.json("/github.com/login/oauth/access_token", tc.status, tc.body)
			_, _, err := login(t, f.provider("github", nil))
			wantKind(t, err, tc.kind, tc.want)
			var e *Error
			_ = errors.As(err, &e)
			if e.Code != tc.code || e.Op != "token" || e.Provider != "github" {
				t.Errorf("error %+v", e)
			}
			for _, leak := range []string{"at-secret-body", testClientSecret} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error text leaks %q: %v", leak, err)
				}
			}
		})
	}
	t.Run("profile 401", func(t *testing.T) {
		f := newFake(t)
		f.json("/api.spotify.com/v1/me", 401, map[string]any{"error": map[string]any{"status": 401}})
		_, err := f.provider("spotify", nil).Identity(t.Context(), &oauth2.Token{AccessToken: "expired"})
		wantKind(t, err, ErrUnauthorized, 401)
	})
	t.Run("oversized profile", func(t *testing.T) {
		f := newFake(t)
		f.json("/api.spotify.com/v1/me", 200, map[string]any{"id": "s1", "pad": string(make([]byte, maxBody))})
		_, err := f.provider("spotify", nil).Identity(t.Context(), &oauth2.Token{AccessToken: "at"})
		wantKind(t, err, ErrProvider, 200)
	})
	t.Run("missing id", func(t *testing.T) {
		f := newFake(t)
		f.json("/api.spotify.com/v1/me", 200, map[string]any{"email": "a@example.com"})
		_, err := f.provider("spotify", nil).Identity(t.Context(), &oauth2.Token{AccessToken: "at"})
		if !errors.Is(err, ErrMissingID) || !errors.Is(err, ErrProvider) {
			t.Errorf("err = %v, want ErrMissingID", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		p, err := newProvider("spotify", Config{ClientID: "c", ClientSecret: "s"}, nil, options{base: "http://127.0.0.1:1"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Exchange(t.Context(), "code", "")
		wantKind(t, err, ErrProvider, 0)
	})
}
