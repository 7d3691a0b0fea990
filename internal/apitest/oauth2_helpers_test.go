package apitest

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// memClients is a fixed, in-memory oauth2server.Clients: the apps
// package's stand-in for these tests.
type memClients struct {
	mu      sync.Mutex
	clients map[string]*oauth2server.Client // by project + "/" + id
	secrets map[string]string
}

func newMemClients() *memClients {
	return &memClients{clients: map[string]*oauth2server.Client{}, secrets: map[string]string{}}
}

func (m *memClients) Client(_ context.Context, projectID, id string) (*oauth2server.Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.clients[projectID+"/"+id]
	if !ok {
		return nil, oauth2server.ErrUnknownClient
	}
	cp := *c
	return &cp, nil
}

func (m *memClients) VerifySecret(_ context.Context, projectID, id, sec string) error {
	m.mu.Lock()
	want, ok := m.secrets[projectID+"/"+id]
	m.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(sec)) != 1 {
		return oauth2server.ErrClientAuth
	}
	return nil
}

func (m *memClients) add(c *oauth2server.Client, sec string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clients[c.ProjectID+"/"+c.ID] = c
	if sec != "" {
		m.secrets[c.ProjectID+"/"+c.ID] = sec
	}
}

// oauthEnv is a server with an OAuth2 clients source.
type oauthEnv struct {
	s       *server
	clients *memClients
	clk     *testClock
}

var (
	oauthMu     sync.Mutex
	oauthShared = map[string]*oauthEnv{}
)

// eachOAuth2Engine runs fn against a shared OAuth2-capable server of
// every engine; tests make their own projects.
func eachOAuth2Engine(t *testing.T, fn func(t *testing.T, e *oauthEnv)) {
	for _, eng := range testdb.Engines() {
		t.Run("db="+eng.Name, func(t *testing.T) {
			oauthMu.Lock()
			e, ok := oauthShared[eng.Name]
			if !ok {
				mc := newMemClients()
				e = &oauthEnv{s: startServer(&lifetime{t}, eng, options{oauth2Clients: mc}), clients: mc}
				oauthShared[eng.Name] = e
			}
			oauthMu.Unlock()
			fn(t, e)
		})
	}
}

// eachClockedOAuth2Engine starts a server per engine on a test clock.
func eachClockedOAuth2Engine(t *testing.T, fn func(t *testing.T, e *oauthEnv)) {
	for _, eng := range testdb.Engines() {
		t.Run("db="+eng.Name, func(t *testing.T) {
			mc, clk := newMemClients(), &testClock{}
			fn(t, &oauthEnv{s: startServer(t, eng, options{oauth2Clients: mc, clock: clk}), clients: mc, clk: clk})
		})
	}
}

const (
	consentPage  = "https://app.example.test/consent"
	verifyPage   = "https://app.example.test/device"
	clientRedir  = "https://client.example.test/cb"
	publicRedir  = "http://127.0.0.1:8765/cb"
	logoutRedir  = "https://client.example.test/bye"
	testVerifier = "verifier-0123456789-0123456789-0123456789-0123456789"
)

// issuerProject is a project with its OAuth2 server on, a confidential
// client "conf" and a public client "pub" (with the device flow).
type issuerProject struct {
	e          *oauthEnv
	c          *client
	id         string
	issuer     string
	confSecret string
}

func (e *oauthEnv) project(t *testing.T) *issuerProject {
	t.Helper()
	c := e.s.newProject(t)
	p := &issuerProject{e: e, c: c, id: c.project, issuer: e.s.base + "/v1/oauth2/" + c.project, confSecret: "sec_" + secret.Hex(16)}
	expect(t, e.s.admin(t).do("PATCH", "/projects/"+p.id+"/oauth2-server", map[string]any{
		"enabled": true, "authorizationUrl": consentPage, "verificationUrl": verifyPage,
		"scopes": []string{"notes.read", "notes.write", "mcp:tools"}, "defaultScopes": []string{"openid", "notes.read"},
		"authorizationDetailsTypes": []string{"payment", "account"},
	}), 200, "")
	e.clients.add(&oauth2server.Client{ID: "conf", ProjectID: p.id, Name: "Confidential", RedirectURIs: []string{clientRedir},
		PostLogoutRedirectURIs: []string{logoutRedir}}, p.confSecret)
	e.clients.add(&oauth2server.Client{ID: "pub", ProjectID: p.id, Name: "Public", Public: true, DeviceFlow: true,
		RedirectURIs: []string{publicRedir}}, "")
	return p
}

// user signs a new user up and in on a browser of the project.
func (p *issuerProject) user(t *testing.T) (*client, string) {
	t.Helper()
	b := p.e.s.client(t, p.id)
	em := email()
	id := b.signUp(em, "password-123")
	b.signIn(em, "password-123")
	return b, id
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery is a code request of client conf with PKCE.
func authorizeQuery(extra map[string]string) url.Values {
	v := url.Values{"client_id": {"conf"}, "redirect_uri": {clientRedir}, "response_type": {"code"},
		"scope": {"openid email profile notes.read"}, "state": {"st-1"}, "nonce": {"n-1"},
		"code_challenge": {challenge(testVerifier)}, "code_challenge_method": {"S256"}}
	for k, x := range extra {
		if x == "" {
			v.Del(k)
		} else {
			v.Set(k, x)
		}
	}
	return v
}

// location returns the Location of a redirect and its query or fragment.
func location(t *testing.T, r *resp) (*url.URL, url.Values) {
	t.Helper()
	if r.status != http.StatusFound && r.status != http.StatusSeeOther {
		t.Fatalf("status %d, want a redirect: %s", r.status, r.body)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Fragment != "" {
		v, _ := url.ParseQuery(u.Fragment)
		return u, v
	}
	return u, u.Query()
}

func (p *issuerProject) path(rest string) string { return "/oauth2/" + p.id + rest }

// authorize runs /authorize in browser b (GET) and returns the redirect.
func (p *issuerProject) authorize(t *testing.T, b *client, v url.Values) (*url.URL, url.Values) {
	t.Helper()
	return location(t, b.do("GET", p.path("/authorize?"+v.Encode()), nil))
}

// consentJSON is a JSON call of the consent page, with b's cookies.
func consentJSON(b *client) *client { return b.withJar("Accept", "application/json") }

// code runs the whole front channel for user browser b: authorize, and
// approve if asked; it returns the code.
func (p *issuerProject) code(t *testing.T, b *client, v url.Values) string {
	t.Helper()
	u, q := p.authorize(t, b, v)
	if g := q.Get("grant_id"); g != "" {
		if !strings.HasPrefix(u.String(), consentPage) {
			t.Fatalf("grant sent to %s", u)
		}
		r := consentJSON(b).do("POST", p.path("/approve"), map[string]any{"grant_id": g})
		expect(t, r, 200, "")
		u, _ = url.Parse(r.str(t, "redirectUrl"))
		q = u.Query()
	}
	if q.Get("code") == "" || q.Get("state") != v.Get("state") {
		t.Fatalf("no code in %s", u)
	}
	return q.Get("code")
}

// post sends a form to the issuer, with HTTP Basic when user is set.
func (p *issuerProject) post(t *testing.T, endpoint string, v url.Values, user, pass string) *resp {
	t.Helper()
	req, err := http.NewRequest("POST", p.issuer+endpoint, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) *resp {
	t.Helper()
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &resp{status: res.StatusCode, header: res.Header, body: b, cookies: res.Cookies()}
}

// exchange redeems a code of conf with PKCE.
func (p *issuerProject) exchange(t *testing.T, code string) *resp {
	t.Helper()
	return p.post(t, "/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {clientRedir},
		"code_verifier": {testVerifier}}, "conf", p.confSecret)
}

type tokens struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token"`
}

func tokensOf(t *testing.T, r *resp) tokens {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	var tk tokens
	if err := json.Unmarshal(r.body, &tk); err != nil {
		t.Fatal(err)
	}
	return tk
}

// signIn gives user b a fresh set of tokens for conf.
func (p *issuerProject) tokens(t *testing.T, b *client) tokens {
	t.Helper()
	return tokensOf(t, p.exchange(t, p.code(t, b, authorizeQuery(nil))))
}

// oauthErr checks an RFC error with Appwrite's keys beside it.
func oauthErr(t *testing.T, r *resp, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var e struct {
		Error   string `json:"error"`
		Desc    string `json:"error_description"`
		Message string `json:"message"`
		Code    int    `json:"code"`
		Type    string `json:"type"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	if e.Error != code || e.Desc == "" || e.Message == "" || e.Code != status || e.Type == "" || e.Version == "" {
		t.Fatalf("error %+v, want %s", e, code)
	}
}

// userinfo calls /userinfo with a bearer token.
func (p *issuerProject) userinfo(t *testing.T, token string) *resp {
	t.Helper()
	req, _ := http.NewRequest("GET", p.issuer+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return send(t, req)
}

// verifier is go-oidc's ID token verifier on the project's discovery and
// JWKS: an independent check of what Gatehouse signs.
func (p *issuerProject) verifier(t *testing.T, cfg *oidc.Config) *oidc.IDTokenVerifier {
	t.Helper()
	prov, err := oidc.NewProvider(t.Context(), p.issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	return prov.Verifier(cfg)
}

// accessClaims verifies an access token independently: go-oidc for the
// signature, issuer, audience and expiry, go-jose for typ at+jwt.
func (p *issuerProject) accessClaims(t *testing.T, token, aud string) map[string]any {
	t.Helper()
	ks := oidc.NewRemoteKeySet(t.Context(), p.issuer+"/.well-known/jwks.json")
	v := oidc.NewVerifier(p.issuer, ks, &oidc.Config{ClientID: aud})
	idt, err := v.Verify(t.Context(), token)
	if err != nil {
		t.Fatalf("access token does not verify: %v", err)
	}
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if typ, _ := obj.Signatures[0].Protected.ExtraHeaders[jose.HeaderType].(string); typ != "at+jwt" {
		t.Fatalf("access token typ %q", typ)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func kidOf(t *testing.T, token string) string {
	t.Helper()
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	return obj.Signatures[0].Protected.KeyID
}

// jwksKids lists the kids the JWKS publishes.
func (p *issuerProject) jwksKids(t *testing.T) []string {
	t.Helper()
	req, _ := http.NewRequest("GET", p.issuer+"/.well-known/jwks.json", nil)
	r := send(t, req)
	var set jose.JSONWebKeySet
	if r.status != 200 || json.Unmarshal(r.body, &set) != nil {
		t.Fatalf("jwks: %d %s", r.status, r.body)
	}
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.KeyID)
	}
	return out
}

var _ = time.Second
