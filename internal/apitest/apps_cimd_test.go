package apitest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// docServer serves client ID metadata documents on loopback and counts
// what reaches it.
type docServer struct {
	*httptest.Server
	hits  atomic.Int64 // requests
	conns atomic.Int64 // connections opened
}

// startDocServer serves, for any host it is reached by:
//
//	/good.json      a valid document for its own URL
//	/nostore.json   the same, not to be cached
//	/mismatch.json  a document naming another client_id
//	/big.json       a valid document larger than 5 kB
//	/slow.json      nothing until the request is given up
//	/redirect.json  a redirect to a private address
//	/secret.json    a document asking for a client secret
func startDocServer(t *testing.T, tls bool) *docServer {
	d := &docServer{}
	d.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.hits.Add(1)
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		self := scheme + "://" + r.Host + r.URL.Path
		doc := map[string]any{"client_id": self, "client_name": "Loopback CLI", "redirect_uris": []string{"http://127.0.0.1:7777/cb"},
			"grant_types":                []string{"authorization_code", "urn:ietf:params:oauth:grant-type:device_code"},
			"token_endpoint_auth_method": "none", "logo_uri": "https://cli.example/logo.png"}
		switch r.URL.Path {
		case "/good.json":
		case "/nostore.json":
			w.Header().Set("Cache-Control", "no-store")
		case "/mismatch.json":
			doc["client_id"] = "https://someone-else.example/good.json"
		case "/big.json":
			doc["padding"] = strings.Repeat("x", 6<<10)
		case "/secret.json":
			doc["token_endpoint_auth_method"] = "client_secret_basic"
		case "/slow.json":
			<-r.Context().Done()
			return
		case "/redirect.json":
			http.Redirect(w, r, "http://10.0.0.1/good.json", http.StatusFound)
			return
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(doc)
	}))
	d.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused TLS handshakes
	d.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			d.conns.Add(1)
		}
	}
	if tls {
		d.StartTLS()
	} else {
		d.Start()
	}
	t.Cleanup(d.Close)
	return d
}

// at is the URL of path on the server, reached by host ("localhost" or
// "127.0.0.1").
func (d *docServer) at(host, path string) string {
	u, _ := url.Parse(d.URL)
	return u.Scheme + "://" + host + ":" + u.Port() + path
}

// getDoc asks for the app of a metadata document URL.
func getDoc(k *client, docURL string) *resp {
	return k.do("GET", "/apps/"+url.PathEscape(docURL), nil)
}

func TestAppsClientMetadataDocument(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := appsKey(c)
		plain := startDocServer(t, false)
		tlsDocs := startDocServer(t, true)
		cl := clientsOf(s)
		ctx := context.Background()

		// Off (the default): loopback is never fetched, by name or by
		// address, over http or https.
		for _, u := range []string{plain.at("127.0.0.1", "/good.json"), plain.at("localhost", "/good.json")} {
			expect(t, getDoc(k, u), 400, "app_client_metadata_invalid")
		}
		// https://localhost passes every check of the URL itself, so
		// only the address check at connection time keeps it out: no
		// connection reaches the server.
		r := getDoc(k, tlsDocs.at("localhost", "/good.json"))
		expect(t, r, 400, "app_client_metadata_invalid")
		if !strings.Contains(r.str(t, "message"), "not a public address") {
			t.Fatalf("refused for another reason: %s", r.body)
		}
		if _, err := cl.Client(ctx, c.project, tlsDocs.at("localhost", "/good.json")); !errors.Is(err, oauth2server.ErrUnknownClient) {
			t.Fatalf("Client(https://localhost...) = %v", err)
		}
		if n := plain.hits.Load() + tlsDocs.conns.Load(); n != 0 {
			t.Fatalf("%d requests or connections reached loopback", n)
		}

		// On: loopback is a development client.
		setOAuth2Server(t, s, c.project, func(o *storage.OAuth2ServerSettings) { o.CIMDAllowLoopback = true })
		good := plain.at("localhost", "/good.json")
		r = getDoc(k, good)
		expect(t, r, 200, "")
		a := r.obj(t)
		if a["$id"] != good || a["name"] != "Loopback CLI" || a["type"] != "public" || a["deviceFlow"] != true || a["userId"] != "" ||
			a["enabled"] != true || a["redirectUris"].([]any)[0] != "http://127.0.0.1:7777/cb" {
			t.Fatalf("document as app %v", a)
		}
		got, err := cl.Client(ctx, c.project, good)
		if err != nil || !got.CIMD || !got.Public || !got.DeviceFlow || got.ID != good || got.LogoURI != "https://cli.example/logo.png" {
			t.Fatalf("Client = %+v, %v", got, err)
		}
		if err := cl.VerifySecret(ctx, c.project, good, "anything"); !errors.Is(err, oauth2server.ErrClientAuth) {
			t.Fatalf("a document's client has a secret: %v", err)
		}
		// Cached: asking again does not fetch again.
		before := plain.hits.Load()
		expect(t, getDoc(k, good), 200, "")
		if plain.hits.Load() != before {
			t.Fatal("the document was fetched again")
		}
		nostore := plain.at("localhost", "/nostore.json")
		expect(t, getDoc(k, nostore), 200, "")
		before = plain.hits.Load()
		expect(t, getDoc(k, nostore), 200, "")
		if plain.hits.Load() != before+1 {
			t.Fatal("a no-store document was cached")
		}
		// The allowance is the project's: another project still refuses.
		expect(t, getDoc(appsKey(s.newProject(t)), good), 400, "app_client_metadata_invalid")
		// With it, https://localhost connects (and fails on the test
		// certificate, which the system does not trust).
		expect(t, getDoc(k, tlsDocs.at("localhost", "/good.json")), 400, "app_client_metadata_invalid")
		if tlsDocs.conns.Load() == 0 {
			t.Fatal("https://localhost was not even tried with loopback allowed")
		}

		for path, why := range map[string]string{
			"/mismatch.json": "client_id",
			"/big.json":      "larger than",
			"/secret.json":   "public",
			"/redirect.json": "redirect",
			"/missing.json":  "404",
			"/slow.json":     "did not arrive",
		} {
			r := getDoc(k, plain.at("127.0.0.1", path))
			expect(t, r, 400, "app_client_metadata_invalid")
			if !strings.Contains(r.str(t, "message"), why) {
				t.Errorf("%s: %s, want a message with %q", path, r.body, why)
			}
		}
		for _, bad := range []string{"https://cli.example/", "https://cli.example/a/../m.json", "https://u:p@cli.example/m.json",
			"ftp://cli.example/m.json", "http://10.1.2.3/m.json"} {
			expect(t, getDoc(k, bad), 400, "app_client_metadata_invalid")
		}
		// A user may look a document up too.
		u, _ := signedIn(c)
		expect(t, getDoc(u, good), 200, "")
	})
}

func TestDynamicRegistration(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		anon := s.client(t, "")
		reg := func(body any) *resp { return anon.do("POST", "/oauth2/"+c.project+"/register", body) }
		rfc := func(r *resp, status int, code string) {
			t.Helper()
			if r.status != status {
				t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
			}
			m := r.obj(t)
			if m["error"] != code || m["error_description"] == "" || m["message"] == "" || m["type"] == "" || m["code"] != float64(status) {
				t.Fatalf("error %s, want %s", r.body, code)
			}
		}
		ok := map[string]any{"client_name": "MCP client", "redirect_uris": []string{"http://127.0.0.1:33418/callback"},
			"grant_types": []string{"authorization_code", "refresh_token"}, "token_endpoint_auth_method": "none"}

		// Off by default, and off while the OAuth2 server is off.
		rfc(reg(ok), 403, "access_denied")
		setOAuth2Server(t, s, c.project, func(o *storage.OAuth2ServerSettings) { o.DynamicRegistration = true })
		rfc(reg(ok), 403, "access_denied")
		setOAuth2Server(t, s, c.project, func(o *storage.OAuth2ServerSettings) { o.Enabled = true; o.DynamicRegistration = false })
		rfc(reg(ok), 403, "access_denied")
		setOAuth2Server(t, s, c.project, func(o *storage.OAuth2ServerSettings) { o.DynamicRegistration = true })

		r := reg(ok)
		if r.status != 201 {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		m := r.obj(t)
		id, _ := m["client_id"].(string)
		if id == "" || m["client_id_issued_at"] == nil || m["token_endpoint_auth_method"] != "none" || m["client_secret"] != nil ||
			m["client_name"] != "MCP client" || m["response_types"].([]any)[0] != "code" || len(m["redirect_uris"].([]any)) != 1 {
			t.Fatalf("registration %v", m)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Fatal("registration answer may be cached")
		}
		// It is a public app of no user, seen with a key.
		a := appsKey(c).do("GET", "/apps/"+id, nil).obj(t)
		if a["type"] != "public" || a["userId"] != "" || a["name"] != "MCP client" {
			t.Fatalf("registered app %v", a)
		}
		got, err := clientsOf(s).Client(context.Background(), c.project, id)
		if err != nil || !got.Public {
			t.Fatalf("Client = %+v, %v", got, err)
		}
		// Minimal: a name is given, authorization_code and code assumed.
		r = reg(map[string]any{"redirect_uris": []string{"https://app.example/cb"}})
		if r.status != 201 || r.obj(t)["grant_types"].([]any)[0] != "authorization_code" {
			t.Fatalf("minimal registration %d %s", r.status, r.body)
		}

		// Public clients only.
		for _, method := range []string{"client_secret_basic", "client_secret_post", "private_key_jwt"} {
			rfc(reg(map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "token_endpoint_auth_method": method}),
				400, "invalid_client_metadata")
		}
		rfc(reg(map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "grant_types": []string{"client_credentials"}}),
			400, "invalid_client_metadata")
		rfc(reg(map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "response_types": []string{"token"}}),
			400, "invalid_client_metadata")
		rfc(reg(`not json`), 400, "invalid_client_metadata")
		for _, bad := range []string{"http://app.example/cb", "https://app.example/cb#x", "https://*.example/cb", "myapp:/cb"} {
			rfc(reg(map[string]any{"redirect_uris": []string{bad}}), 400, "invalid_redirect_uri")
		}
		rfc(reg(map[string]any{"client_name": "no redirect"}), 400, "invalid_redirect_uri")
		rfc(anon.do("POST", "/oauth2/nope/register", ok), 404, "invalid_request")
		if n := appsKey(c).do("GET", "/apps", nil).obj(t)["total"]; n != float64(2) {
			t.Fatalf("%v apps after the refusals, want 2", n)
		}
	})
}

func TestDynamicRegistrationRateLimit(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{rateLimits: true})
			c := s.newProject(t)
			setOAuth2Server(t, s, c.project, func(o *storage.OAuth2ServerSettings) { o.Enabled, o.DynamicRegistration = true, true })
			anon := s.client(t, "")
			body := map[string]any{"redirect_uris": []string{"http://localhost:9999/cb"}}
			for i := 0; i < 20; i++ {
				if r := anon.do("POST", "/oauth2/"+c.project+"/register", body); r.status != 201 {
					t.Fatalf("registration %d: %d %s", i, r.status, r.body)
				}
			}
			r := anon.do("POST", "/oauth2/"+c.project+"/register", body)
			if r.status != 429 || r.obj(t)["error"] != "temporarily_unavailable" || r.obj(t)["type"] != "general_rate_limit_exceeded" {
				t.Fatalf("21st registration: %d %s", r.status, r.body)
			}
		})
	}
}
