package apitest

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/oauthapps"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// appsKey returns a client of c's project holding an API key with the
// Apps scopes.
func appsKey(c *client) *client {
	return c.s.client(c.t, c.project).with("X-Appwrite-Key", c.key("apps.read", "apps.write"))
}

// signedIn returns a client of c's project with a new user's session.
func signedIn(c *client) (*client, string) {
	u := c.s.client(c.t, c.project)
	e := email()
	id := u.signUp(e, "password-1234")
	u.signIn(e, "password-1234")
	return u, id
}

// setOAuth2Server changes the project's OAuth2 server settings in the
// store (the route that sets them belongs to the OAuth2 server itself).
func setOAuth2Server(t testing.TB, s *server, pid string, fn func(*storage.OAuth2ServerSettings)) {
	t.Helper()
	_, err := s.srv.Store.UpdateProject(context.Background(), pid, func(p *storage.Project) error {
		fn(&p.Settings.OAuth2Server)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// clientsOf is an oauth2server.Clients over the server's database, as
// the OAuth2 server resolves clients.
func clientsOf(s *server) *oauthapps.Service {
	projects := project.New(s.srv.Store, time.Now)
	projects.SetCacheTTL(0)
	return oauthapps.New(s.srv.Store, projects, nil)
}

func newApp(id string, extra map[string]any) map[string]any {
	body := map[string]any{"appId": id, "name": "Notes", "redirectUris": []string{"https://notes.example/cb", "http://127.0.0.1:8080/cb"}}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

func TestAppsCRUD(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := appsKey(c)
		r := k.do("POST", "/apps", newApp("notes", map[string]any{"description": "Takes notes", "type": "public",
			"deviceFlow": true, "contacts": []string{"dev@notes.example"}, "tags": []string{"productivity"},
			"postLogoutRedirectUris": []string{"com.notes.app:/bye"}, "logoUri": "https://notes.example/logo.png"}))
		expect(t, r, 201, "")
		a := r.obj(t)
		if a["$id"] != "notes" || a["type"] != "public" || a["deviceFlow"] != true || a["enabled"] != true || a["userId"] != "" ||
			a["teamId"] != "" || len(a["secrets"].([]any)) != 0 || len(a["redirectUris"].([]any)) != 2 {
			t.Fatalf("created app %v", a)
		}
		expect(t, k.do("POST", "/apps", newApp("notes", nil)), 409, "app_already_exists")
		r = k.do("POST", "/apps", newApp("unique()", map[string]any{"name": "Other"}))
		expect(t, r, 201, "")
		other := r.str(t, "$id")
		if other == "unique()" || other == "" || r.obj(t)["type"] != "confidential" {
			t.Fatalf("unique() app %s", r.body)
		}
		expect(t, k.do("POST", "/apps", newApp("bad id!", nil)), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/apps", map[string]any{"appId": "x", "name": "x"}), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/apps", newApp("x", map[string]any{"type": "secretive"})), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/apps", newApp("x", map[string]any{"logoUri": "javascript:alert(1)"})), 400, "general_argument_invalid")

		r = k.do("GET", "/apps/notes", nil)
		expect(t, r, 200, "")
		if r.str(t, "description") != "Takes notes" {
			t.Fatalf("get %s", r.body)
		}
		r = k.do("GET", "/apps?queries[]="+url.QueryEscape(`{"method":"equal","attribute":"name","values":["Other"]}`), nil)
		expect(t, r, 200, "")
		if l := r.obj(t); l["total"] != float64(1) || l["apps"].([]any)[0].(map[string]any)["$id"] != other {
			t.Fatalf("list %s", r.body)
		}
		r = k.do("GET", "/apps?total=false", nil)
		if l := r.obj(t); l["total"] != float64(0) || len(l["apps"].([]any)) != 2 {
			t.Fatalf("list without total %s", r.body)
		}
		expect(t, k.do("GET", "/apps?queries[]="+url.QueryEscape(`{"method":"equal","attribute":"secret","values":["x"]}`), nil), 400, "")

		r = k.do("PUT", "/apps/notes", map[string]any{"name": "Notes 2", "enabled": false})
		expect(t, r, 200, "")
		if a := r.obj(t); a["name"] != "Notes 2" || a["enabled"] != false || a["description"] != "Takes notes" || len(a["redirectUris"].([]any)) != 2 {
			t.Fatalf("updated %v", a)
		}
		expect(t, k.do("PUT", "/apps/notes", map[string]any{"enabled": true}), 400, "general_argument_invalid")
		expect(t, k.do("PUT", "/apps/nothing", map[string]any{"name": "x"}), 404, "app_not_found")

		r = k.do("PUT", "/apps/notes/labels", map[string]any{"labels": []string{"vip", "vip", "beta"}})
		expect(t, r, 200, "")
		if l := r.obj(t)["labels"].([]any); len(l) != 2 {
			t.Fatalf("labels %v", l)
		}
		expect(t, k.do("PUT", "/apps/notes/labels", map[string]any{"labels": []string{"not-alnum"}}), 400, "general_argument_invalid")

		expect(t, k.do("DELETE", "/apps/notes", nil), 204, "")
		expect(t, k.do("GET", "/apps/notes", nil), 404, "app_not_found")
		expect(t, k.do("DELETE", "/apps/notes", nil), 404, "app_not_found")

		// Scopes: a key without the Apps scopes, and a guest, are refused.
		expect(t, c.s.client(t, c.project).with("X-Appwrite-Key", c.key("users.read")).do("GET", "/apps", nil), 401, "general_unauthorized_scope")
		expect(t, c.s.client(t, c.project).do("GET", "/apps", nil), 401, "general_unauthorized_scope")
		expect(t, c.s.client(t, c.project).do("POST", "/apps", newApp("g", nil)), 401, "general_unauthorized_scope")
	})
}

func TestAppsRedirectRules(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		k := appsKey(s.newProject(t))
		expect(t, k.do("POST", "/apps", newApp("ok", map[string]any{"redirectUris": []string{
			"https://a.example/cb", "http://localhost:1234/cb", "http://[::1]/cb", "com.example.app:/oauth"}})), 201, "")
		for _, bad := range []string{"https://a.example/cb#frag", "http://a.example/cb", "https://*.example/cb",
			"https://user:pw@a.example/cb", "myapp:/cb", "javascript:alert(1)", "/cb"} {
			expect(t, k.do("POST", "/apps", newApp("x", map[string]any{"redirectUris": []string{bad}})), 400, "general_argument_invalid")
			expect(t, k.do("POST", "/apps", newApp("x", map[string]any{"postLogoutRedirectUris": []string{bad}})), 400, "general_argument_invalid")
			expect(t, k.do("PUT", "/apps/ok", map[string]any{"name": "x", "redirectUris": []string{bad}}), 400, "general_argument_invalid")
		}
		r := k.do("POST", "/apps", newApp("x", map[string]any{"redirectUris": []string{"https://a.example/cb#frag"}}))
		if !strings.Contains(r.str(t, "message"), "redirectUris") || !strings.Contains(r.str(t, "message"), "fragment") {
			t.Fatalf("error does not say why: %s", r.body)
		}
		expect(t, k.do("GET", "/apps/x", nil), 404, "app_not_found")
	})
}

func TestAppsOwnership(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		ann, annID := signedIn(c)
		bob, _ := signedIn(c)
		r := ann.do("POST", "/apps", newApp("anns", nil))
		expect(t, r, 201, "")
		if r.str(t, "userId") != annID {
			t.Fatalf("owner %s", r.body)
		}
		expect(t, bob.do("POST", "/apps", newApp("bobs", nil)), 201, "")
		expect(t, ann.do("POST", "/apps/anns/secrets", nil), 201, "")

		// Bob cannot see, change or delete Ann's app or its secrets.
		expect(t, bob.do("GET", "/apps/anns", nil), 404, "app_not_found")
		expect(t, bob.do("PUT", "/apps/anns", map[string]any{"name": "mine"}), 404, "app_not_found")
		expect(t, bob.do("DELETE", "/apps/anns", nil), 404, "app_not_found")
		expect(t, bob.do("GET", "/apps/anns/secrets", nil), 404, "app_not_found")
		expect(t, bob.do("POST", "/apps/anns/secrets", nil), 404, "app_not_found")
		expect(t, bob.do("POST", "/apps/anns/keys", nil), 404, "app_not_found")
		r = bob.do("GET", "/apps", nil)
		if l := r.obj(t); l["total"] != float64(1) || l["apps"].([]any)[0].(map[string]any)["$id"] != "bobs" {
			t.Fatalf("bob's list %s", r.body)
		}
		// Not even by asking for Ann's apps, or from behind a cursor.
		r = bob.do("GET", "/apps?queries[]="+url.QueryEscape(`{"method":"equal","attribute":"userId","values":["`+annID+`"]}`), nil)
		if r.obj(t)["total"] != float64(0) {
			t.Fatalf("bob lists ann's apps: %s", r.body)
		}
		expect(t, bob.do("GET", "/apps?queries[]="+url.QueryEscape(`{"method":"cursorAfter","values":["anns"]}`), nil), 400, "general_cursor_not_found")
		// Labels take an API key, even for the owner.
		expect(t, ann.do("PUT", "/apps/anns/labels", map[string]any{"labels": []string{"x"}}), 401, "general_unauthorized_scope")
		r = ann.do("PUT", "/apps/anns", map[string]any{"name": "Ann's notes"})
		expect(t, r, 200, "")
		if r.str(t, "userId") != annID {
			t.Fatalf("owner changed: %s", r.body)
		}
		// A key sees both.
		k := appsKey(c)
		if k.do("GET", "/apps", nil).obj(t)["total"] != float64(2) {
			t.Fatal("the key does not see every app")
		}
		expect(t, k.do("PUT", "/apps/anns/labels", map[string]any{"labels": []string{"x"}}), 200, "")
		expect(t, bob.do("DELETE", "/apps/bobs", nil), 204, "")
		expect(t, ann.do("GET", "/apps/anns", nil), 200, "")
	})
}

func TestAppsProjectIsolation(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a, b := s.newProject(t), s.newProject(t)
		expect(t, appsKey(b).do("POST", "/apps", newApp("shared-name", nil)), 201, "")
		ka := appsKey(a)
		expect(t, ka.do("GET", "/apps/shared-name", nil), 404, "app_not_found")
		expect(t, ka.do("DELETE", "/apps/shared-name", nil), 404, "app_not_found")
		expect(t, ka.do("GET", "/apps/shared-name/secrets", nil), 404, "app_not_found")
		if ka.do("GET", "/apps", nil).obj(t)["total"] != float64(0) {
			t.Fatal("project A lists project B's apps")
		}
		// The same id is free in project A.
		expect(t, ka.do("POST", "/apps", newApp("shared-name", nil)), 201, "")
		// A's key named with B's project is refused.
		expect(t, s.client(t, b.project).with("X-Appwrite-Key", a.key("apps.read")).do("GET", "/apps", nil), 401, "")
		if _, err := clientsOf(s).Client(context.Background(), a.project, "nope"); !errors.Is(err, oauth2server.ErrUnknownClient) {
			t.Fatalf("Client(unknown) = %v", err)
		}
	})
}

func TestAppSecrets(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		ann, annID := signedIn(c)
		expect(t, ann.do("POST", "/apps", newApp("conf", nil)), 201, "")
		r := ann.do("POST", "/apps/conf/secrets", nil)
		expect(t, r, 201, "")
		sec := r.obj(t)
		value, id := sec["secret"].(string), sec["$id"].(string)
		if len(value) < 32 || sec["hint"] != value[len(value)-4:] || sec["appId"] != "conf" || sec["createdById"] != annID ||
			sec["createdByName"] != "Ann" || sec["lastAccessedAt"] != "" {
			t.Fatalf("secret %v", sec)
		}
		// Shown once: never again, in any answer.
		for _, path := range []string{"/apps/conf/secrets", "/apps/conf/secrets/" + id, "/apps/conf", "/apps"} {
			r := ann.do("GET", path, nil)
			expect(t, r, 200, "")
			if strings.Contains(string(r.body), value) {
				t.Fatalf("%s shows the secret: %s", path, r.body)
			}
		}
		if n := len(ann.do("GET", "/apps/conf", nil).obj(t)["secrets"].([]any)); n != 1 {
			t.Fatalf("app shows %d secrets", n)
		}
		r = ann.do("POST", "/apps/conf/secrets", nil)
		expect(t, r, 201, "")
		second, secondID := r.str(t, "secret"), r.str(t, "$id")

		cl := clientsOf(s)
		ctx := context.Background()
		got, err := cl.Client(ctx, c.project, "conf")
		if err != nil || got.Public || got.CIMD || len(got.RedirectURIs) != 2 || got.Name != "Notes" {
			t.Fatalf("Client = %+v, %v", got, err)
		}
		if err := cl.VerifySecret(ctx, c.project, "conf", value); err != nil {
			t.Fatalf("the right secret: %v", err)
		}
		if err := cl.VerifySecret(ctx, c.project, "conf", second); err != nil {
			t.Fatalf("the second secret: %v", err)
		}
		for _, wrong := range []string{"", "x", value[:len(value)-1], strings.ToUpper(value)} {
			if err := cl.VerifySecret(ctx, c.project, "conf", wrong); !errors.Is(err, oauth2server.ErrClientAuth) {
				t.Fatalf("a wrong secret %q: %v", wrong, err)
			}
		}
		other := s.newProject(t)
		if err := cl.VerifySecret(ctx, other.project, "conf", value); err == nil {
			t.Fatal("the secret works in another project")
		}
		if ann.do("GET", "/apps/conf/secrets/"+id, nil).str(t, "lastAccessedAt") == "" {
			t.Fatal("lastAccessedAt not noted")
		}
		expect(t, ann.do("DELETE", "/apps/conf/secrets/"+secondID, nil), 204, "")
		expect(t, ann.do("GET", "/apps/conf/secrets/"+secondID, nil), 404, "app_secret_not_found")
		expect(t, ann.do("DELETE", "/apps/conf/secrets/"+secondID, nil), 404, "app_secret_not_found")
		if err := cl.VerifySecret(ctx, c.project, "conf", second); !errors.Is(err, oauth2server.ErrClientAuth) {
			t.Fatalf("a deleted secret: %v", err)
		}
		expect(t, ann.do("PUT", "/apps/conf", map[string]any{"name": "Notes", "type": "public"}), 200, "")
		if err := cl.VerifySecret(ctx, c.project, "conf", value); !errors.Is(err, oauth2server.ErrClientAuth) {
			t.Fatalf("a public app's old secret: %v", err)
		}
		expect(t, ann.do("PUT", "/apps/conf", map[string]any{"name": "Notes", "type": "confidential"}), 200, "")
		if err := cl.VerifySecret(ctx, c.project, "conf", value); err != nil {
			t.Fatalf("confidential again: %v", err)
		}
		expect(t, ann.do("PUT", "/apps/conf", map[string]any{"name": "Notes", "enabled": false}), 200, "")
		if err := cl.VerifySecret(ctx, c.project, "conf", value); !errors.Is(err, oauth2server.ErrUnknownClient) {
			t.Fatalf("a disabled app's secret: %v", err)
		}
		if _, err := cl.Client(ctx, c.project, "conf"); !errors.Is(err, oauth2server.ErrUnknownClient) {
			t.Fatalf("a disabled app: %v", err)
		}

		// Keys: same shape, shown once, not secrets.
		r = ann.do("POST", "/apps/conf/keys", nil)
		expect(t, r, 201, "")
		key, keyID := r.str(t, "secret"), r.str(t, "$id")
		if key == "" {
			t.Fatal("no key value")
		}
		r = ann.do("GET", "/apps/conf/keys", nil)
		if l := r.obj(t); l["total"] != float64(1) || strings.Contains(string(r.body), key) {
			t.Fatalf("keys %s", r.body)
		}
		expect(t, ann.do("GET", "/apps/conf/keys/"+keyID, nil), 200, "")
		expect(t, ann.do("GET", "/apps/conf/secrets/"+keyID, nil), 404, "app_secret_not_found")
		expect(t, ann.do("DELETE", "/apps/conf/keys/"+keyID, nil), 204, "")
		expect(t, ann.do("GET", "/apps/conf/keys/"+keyID, nil), 404, "app_key_not_found")
		// Deleting the app takes its secrets with it.
		expect(t, ann.do("DELETE", "/apps/conf", nil), 204, "")
		expect(t, appsKey(c).do("POST", "/apps", newApp("conf", nil)), 201, "")
		if l := appsKey(c).do("GET", "/apps/conf/secrets", nil).obj(t); l["total"] != float64(0) {
			t.Fatalf("a new app with the old id has secrets: %v", l)
		}
	})
}

func TestAppsTeamsAndScopes(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := appsKey(c)
		expect(t, k.do("POST", "/apps", newApp("a", nil)), 201, "")
		expect(t, k.do("POST", "/apps", newApp("b", map[string]any{"teamId": "t1"})), 400, "general_feature_unsupported")
		expect(t, k.do("PATCH", "/apps/a/team", map[string]any{"teamId": "t1"}), 400, "general_feature_unsupported")
		expect(t, k.do("PATCH", "/apps/zz/team", map[string]any{"teamId": "t1"}), 404, "app_not_found")
		expect(t, k.do("GET", "/apps/a/installations", nil), 400, "general_feature_unsupported")
		expect(t, k.do("POST", "/apps/a/installations/i1/tokens", nil), 400, "general_feature_unsupported")
		expect(t, k.do("GET", "/apps/scopes/installations", nil), 400, "general_feature_unsupported")

		setOAuth2Server(t, s, c.project, func(o *storage.OAuth2ServerSettings) { o.Scopes = []string{"notes.read", "mcp:tools"} })
		r := k.do("GET", "/apps/scopes/oauth2", nil)
		expect(t, r, 200, "")
		var vals []string
		for _, sc := range r.obj(t)["scopes"].([]any) {
			vals = append(vals, sc.(map[string]any)["value"].(string))
		}
		if strings.Join(vals, " ") != "openid profile email phone notes.read mcp:tools" || r.obj(t)["total"] != float64(6) {
			t.Fatalf("scopes %s", r.body)
		}
	})
}
