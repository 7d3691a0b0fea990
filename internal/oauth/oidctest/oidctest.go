// Package oidctest runs a standards-compliant OpenID Connect provider on
// loopback, for tests only: it approves every authorization without a
// login page and keeps users, codes and tokens in memory.
//
// It serves discovery (/.well-known/openid-configuration), /authorize
// (redirects straight back with a code, or with error=access_denied
// after Deny), /token (client_secret_basic or client_secret_post, PKCE
// S256, single-use codes, refresh tokens), /userinfo and /jwks (an RSA
// key made at start; ID tokens are RS256). The issuer is the server's
// own base URL.
//
//	idp := oidctest.Start(t)
//	idp.AddUser("u1", "ann@example.com", true, "Ann")
//	secret := `{"clientSecret":"` + idp.ClientSecret() + `","wellKnownEndpoint":"` + idp.WellKnownURL() + `"}`
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Lifetimes of what the server issues.
const (
	CodeTTL  = 2 * time.Minute
	TokenTTL = time.Hour
)

// User is an account at the provider.
type User struct {
	Sub           string
	Email         string
	EmailVerified bool
	Name          string
}

// Server is a running provider. Its methods are safe for concurrent use.
type Server struct {
	srv          *httptest.Server
	signer       jose.Signer
	keys         jose.JSONWebKeySet
	clientID     string
	clientSecret string

	mu      sync.Mutex
	users   map[string]User
	first   string
	next    string
	deny    bool
	codes   map[string]grant
	access  map[string]grant
	refresh map[string]grant
	last    url.Values
	hits    map[string]int // requests per path
}

type grant struct {
	sub         string
	redirectURI string
	challenge   string
	scope       string
	nonce       string
	expires     time.Time
}

// Start runs a provider until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// New runs a provider; Close stops it. Prefer Start in tests.
func New() (*Server, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	kid := "k-" + random(6)
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.RS256,
		Key:       jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"},
	}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, err
	}
	s := &Server{
		signer:       signer,
		keys:         jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"}}},
		clientID:     "client-" + random(8),
		clientSecret: "secret-" + random(16),
		users:        map[string]User{},
		codes:        map[string]grant{},
		access:       map[string]grant{},
		refresh:      map[string]grant{},
		hits:         map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("/authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("/userinfo", s.userinfo)
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.keys)
	})
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	return s, nil
}

// Hits returns how many requests reached path (say
// "/.well-known/openid-configuration" or "/jwks").
func (s *Server) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the base URL, which is also the issuer.
func (s *Server) URL() string { return s.srv.URL }

// WellKnownURL is the discovery document's address.
func (s *Server) WellKnownURL() string { return s.srv.URL + "/.well-known/openid-configuration" }

// ClientID is the only client the server knows.
func (s *Server) ClientID() string { return s.clientID }

// ClientSecret is that client's secret.
func (s *Server) ClientSecret() string { return s.clientSecret }

// AddUser adds or replaces a user. The first user added is the one
// /authorize logs in until Next picks another.
func (s *Server) AddUser(sub, email string, verified bool, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[sub] = User{Sub: sub, Email: email, EmailVerified: verified, Name: name}
	if s.first == "" {
		s.first = sub
	}
}

// Next makes /authorize log in the user sub from now on.
func (s *Server) Next(sub string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = sub
}

// Deny makes the next /authorize redirect back with error=access_denied,
// as when a user refuses consent. It applies once.
func (s *Server) Deny() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny = true
}

// LastAuthorize returns the parameters of the latest /authorize request.
func (s *Server) LastAuthorize() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := url.Values{}
	for k, v := range s.last {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// Sign returns a compact JWS of claims signed with the server's key, for
// tests that need hand-made or altered ID tokens.
func (s *Server) Sign(claims map[string]any) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	obj, err := s.signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return out
}

// KeySet returns the public JWK set the server publishes at /jwks.
func (s *Server) KeySet() []byte {
	b, _ := json.Marshal(s.keys)
	return b
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	u := s.srv.URL
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                u,
		"authorization_endpoint":                u + "/authorize",
		"token_endpoint":                        u + "/token",
		"userinfo_endpoint":                     u + "/userinfo",
		"jwks_uri":                              u + "/jwks",
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile", "offline_access"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"code_challenge_methods_supported":      []string{"S256"},
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "email", "email_verified", "name"},
	})
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	q := r.Form
	// Errors about the client or redirect URI must not redirect.
	if q.Get("client_id") != s.clientID {
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !back.IsAbs() || back.Fragment != "" {
		http.Error(w, "redirect_uri must be an absolute URL", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.last = url.Values{}
	for k, v := range q {
		s.last[k] = append([]string(nil), v...)
	}
	deny := s.deny
	s.deny = false
	sub := s.next
	if sub == "" {
		sub = s.first
	}
	_, known := s.users[sub]
	s.mu.Unlock()

	ret := back.Query()
	if st := q.Get("state"); st != "" {
		ret.Set("state", st)
	}
	ret.Set("iss", s.srv.URL) // RFC 9207
	fail := func(code, desc string) {
		ret.Set("error", code)
		ret.Set("error_description", desc)
		back.RawQuery = ret.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only the authorization code flow is supported")
	case challenge != "" && method != "S256":
		fail("invalid_request", "code_challenge_method must be S256")
	case challenge != "" && (len(challenge) < 43 || len(challenge) > 128):
		fail("invalid_request", "malformed code_challenge")
	case !hasScope(q.Get("scope"), "openid"):
		fail("invalid_scope", "the openid scope is required")
	case deny:
		fail("access_denied", "the user denied the request")
	case !known:
		fail("login_required", "no such user")
	default:
		code := random(16)
		s.mu.Lock()
		s.codes[code] = grant{sub: sub, redirectURI: q.Get("redirect_uri"), challenge: challenge,
			scope: q.Get("scope"), nonce: q.Get("nonce"), expires: time.Now().Add(CodeTTL)}
		s.mu.Unlock()
		ret.Set("code", code)
		back.RawQuery = ret.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed body")
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: form-urlencoded inside Basic.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.clientID || secret != s.clientSecret {
		w.Header().Set("WWW-Authenticate", `Basic realm="oidctest"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	f := r.PostForm
	var g grant
	switch f.Get("grant_type") {
	case "authorization_code":
		s.mu.Lock()
		c, ok := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code")) // single use, even when the rest fails
		s.mu.Unlock()
		verifier := f.Get("code_verifier")
		switch {
		case !ok || time.Now().After(c.expires):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or expired code")
			return
		case f.Get("redirect_uri") != c.redirectURI:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request")
			return
		case c.challenge != "" && s256(verifier) != c.challenge:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the challenge")
			return
		case c.challenge == "" && verifier != "":
			oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier without a challenge")
			return
		}
		g = c
	case "refresh_token":
		s.mu.Lock()
		c, ok := s.refresh[f.Get("refresh_token")]
		delete(s.refresh, f.Get("refresh_token")) // rotated
		s.mu.Unlock()
		if !ok {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown refresh token")
			return
		}
		g = c
		g.nonce = ""
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
		return
	}
	s.mu.Lock()
	u, ok := s.users[g.sub]
	s.mu.Unlock()
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "the user no longer exists")
		return
	}
	now := time.Now()
	access, refresh := random(24), random(24)
	s.mu.Lock()
	s.access[access] = grant{sub: g.sub, scope: g.scope, expires: now.Add(TokenTTL)}
	s.refresh[refresh] = g
	s.mu.Unlock()

	claims := s.claims(u, g.scope)
	claims["iss"] = s.srv.URL
	claims["aud"] = s.clientID
	claims["iat"] = now.Unix()
	claims["auth_time"] = now.Unix()
	claims["exp"] = now.Add(TokenTTL).Unix()
	sum := sha256.Sum256([]byte(access))
	claims["at_hash"] = base64.RawURLEncoding.EncodeToString(sum[:16])
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  access,
		"token_type":    "Bearer",
		"expires_in":    int(TokenTTL.Seconds()),
		"refresh_token": refresh,
		"id_token":      s.Sign(claims),
		"scope":         g.scope,
	})
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	g, known := s.access[tok]
	u, exists := s.users[g.sub]
	s.mu.Unlock()
	if !ok || !known || !exists || time.Now().After(g.expires) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		oauthError(w, http.StatusUnauthorized, "invalid_token", "")
		return
	}
	writeJSON(w, http.StatusOK, s.claims(u, g.scope))
}

// claims are the user claims the granted scopes release.
func (s *Server) claims(u User, scope string) map[string]any {
	c := map[string]any{"sub": u.Sub}
	if hasScope(scope, "email") {
		c["email"] = u.Email
		c["email_verified"] = u.EmailVerified
	}
	if hasScope(scope, "profile") {
		c["name"] = u.Name
	}
	return c
}

func hasScope(scope, want string) bool {
	for _, s := range strings.Fields(scope) {
		if s == want {
			return true
		}
	}
	return false
}

func s256(verifier string) string {
	if verifier == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	body := map[string]string{"error": code}
	if desc != "" {
		body["error_description"] = desc
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func random(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("oidctest: %v", err))
	}
	return hex.EncodeToString(b)
}
