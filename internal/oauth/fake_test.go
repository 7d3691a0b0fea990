package oauth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
	"golang.org/x/oauth2"
)

// fake stands in for every host of a provider: providers built with
// f.provider reach "https://host/path" at f.srv.URL+"/host/path".
type fake struct {
	t   *testing.T
	srv *httptest.Server
	idp *oidctest.Server // signs ID tokens and serves its keys

	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	last   map[string]*http.Request
	forms  map[string]url.Values
}

func newFake(t *testing.T) *fake {
	f := &fake{t: t, idp: oidctest.Start(t), routes: map[string]http.HandlerFunc{},
		last: map[string]*http.Request{}, forms: map[string]url.Values{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		f.last[r.URL.Path] = r
		f.forms[r.URL.Path] = r.PostForm
		h := f.routes[r.URL.Path]
		f.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// json serves v at path with status.
func (f *fake) json(path string, status int, v any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[path] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
}

// keys serves the signing keys at path.
func (f *fake) keys(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[path] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(f.idp.KeySet())
	}
}

func (f *fake) request(path string) (*http.Request, url.Values) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last[path], f.forms[path]
}

// iss is the rebased form of "https://"+hostPath.
func (f *fake) iss(hostPath string) string { return f.srv.URL + "/" + hostPath }

// idToken signs claims for the test client, valid for an hour.
func (f *fake) idToken(iss string, claims map[string]any) string {
	c := map[string]any{"iss": iss, "aud": testClientID, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range claims {
		c[k] = v
	}
	return f.idp.Sign(c)
}

const (
	testClientID     = "client-id"
	testClientSecret = "client-secret"
)

func (f *fake) provider(name string, extra map[string]string) Provider {
	f.t.Helper()
	p, err := newProvider(name, Config{ClientID: testClientID, ClientSecret: testClientSecret, Extra: extra,
		RedirectURL: "https://gatehouse.test/callback"}, nil, options{base: f.srv.URL})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// login runs Exchange and Identity.
func login(t *testing.T, p Provider) (*oauth2.Token, Identity, error) {
	t.Helper()
	ctx := context.Background()
	tok, err := p.Exchange(ctx, "code-1", "")
	if err != nil {
		return nil, Identity{}, err
	}
	id, err := p.Identity(ctx, tok)
	return tok, id, err
}
