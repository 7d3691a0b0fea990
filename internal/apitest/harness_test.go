package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
	"github.com/gatehouse-auth/gatehouse/internal/geoip/mmdbtest"
	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// server is a running Gatehouse under test.
type server struct {
	base     string // http://127.0.0.1:port
	adminKey string
	srv      *app.Server
	mail     *smtptest.Server // the SMTP server the instance sends through
	texts    *textStandIn     // the SMS provider it texts through
}

// options adjust a test server's configuration.
type options struct {
	rateLimits bool
	database   string // share a database with another node
	adminKey   string
	jobWorkers int // 0: the default
	// undoLifetime shortens the life of link undo links (0: the default).
	undoLifetime time.Duration
	// noProxies trusts no proxy's X-Forwarded-For (the default trusts
	// loopback, where the tests' clients are).
	noProxies bool
	// smtpQuery replaces the query of the instance SMTP URL (its sender
	// settings); publicURL sets GATEHOUSE_PUBLIC_URL.
	smtpQuery *string
	publicURL string
	// projectCache is the project cache's lifetime; the default 0 reads
	// the project on every request, so a test sees a settings change at
	// once instead of sleeping past the cache.
	projectCache time.Duration
	// metrics starts the Prometheus listener on a loopback port.
	metrics bool
	// clock, when set, is the server's clock (testclock_test.go); nil
	// is the wall clock.
	clock *testClock
	// noGeoIP starts the server without a GeoIP database; by default it
	// reads the test database of mmdbtest (geoip_test.go).
	noGeoIP bool
	// sweepInterval is the time between maintenance sweeps on the
	// server's clock (0: the default hour), and sweepCheck how often, in
	// real time, the server offers the current period's sweep (0: the
	// default): short, a sweep follows soon after clk.advance moves the
	// clock into the next period.
	sweepInterval, sweepCheck time.Duration
	// keepLogs keeps the security log for ever (GATEHOUSE_LOG_RETENTION=0);
	// otherwise it is kept for the default retention.
	keepLogs bool
	// oauth2Clients are the OAuth2 server's clients (oauth2_test.go).
	oauth2Clients oauth2server.Clients
}

// startServer starts Gatehouse on a fresh database of engine, stopped when
// the test ends.
func startServer(t testing.TB, engine testdb.Engine, o options) *server {
	t.Helper()
	cfg := config.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.Database = o.database
	if cfg.Database == "" {
		cfg.Database = engine.New(t)
	}
	cfg.AdminKey = o.adminKey
	switch cfg.AdminKey {
	case "":
		cfg.AdminKey = "test_admin_" + secret.Hex(16)
	case "-": // none configured: the server generates one
		cfg.AdminKey = ""
	}
	cfg.RateLimits = o.rateLimits
	// Cheap hashes keep the suite fast; the parameters are covered by the
	// password package and the benchmarks.
	cfg.HashMemoryKiB, cfg.HashTime = 512, 1
	cfg.ShutdownTimeout = 5 * time.Second
	mail := smtptest.Start(t, smtptest.Options{})
	cfg.SMTPURL = mail.URL() + "?senderEmail=noreply@gatehouse.test&senderName=Gatehouse"
	if o.smtpQuery != nil {
		cfg.SMTPURL = mail.URL() + *o.smtpQuery
	}
	if o.publicURL != "" {
		cfg.PublicURL = o.publicURL
	}
	texts := startTextStandIn(t)
	cfg.SMSURL = texts.url
	if o.jobWorkers > 0 {
		cfg.JobWorkers = o.jobWorkers
	}
	cfg.LinkUndoLifetime = o.undoLifetime
	if o.sweepInterval > 0 {
		cfg.SweepInterval = o.sweepInterval
	}
	cfg.SweepCheck = o.sweepCheck
	if o.keepLogs {
		cfg.LogRetention = 0
	}
	cfg.ProjectCacheTTL = o.projectCache
	if o.metrics {
		cfg.MetricsAddr = "127.0.0.1:0"
	}
	cfg.SMTPTestTime = 500 * time.Millisecond // how long failed SMTP tests take; short keeps the suite quick
	if o.noProxies {
		cfg.TrustedProxies = nil
	}
	if o.clock != nil {
		cfg.Now = o.clock.now
	}
	cfg.OAuth2Clients = o.oauth2Clients
	if !o.noGeoIP {
		cfg.GeoIPDB = filepath.Join(t.TempDir(), "countries.mmdb")
		if err := mmdbtest.WriteFile(cfg.GeoIPDB, mmdbtest.Networks); err != nil {
			t.Fatalf("geoip database: %v", err)
		}
	}
	level := slog.LevelError
	if os.Getenv("GATEHOUSE_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	srv, err := app.Start(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	key := cfg.AdminKey
	if key == "" {
		key = srv.AdminKey
	}
	return &server{base: "http://" + srv.Addr, adminKey: key, srv: srv, mail: mail, texts: texts}
}

// shared servers, one per engine, for the tests that make their own
// project and so do not disturb each other.
var (
	sharedMu sync.Mutex
	shared   = map[string]*server{}
)

// eachEngine runs fn against a server of every configured engine.
func eachEngine(t *testing.T, fn func(t *testing.T, s *server)) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			sharedMu.Lock()
			s, ok := shared[e.Name]
			sharedMu.Unlock()
			if !ok {
				s = startServer(&lifetime{t}, e, options{})
				sharedMu.Lock()
				shared[e.Name] = s
				sharedMu.Unlock()
			}
			fn(t, s)
		})
	}
}

// lifetime lets a shared server outlive the test that started it: its
// cleanups run at process exit (TestMain).
type lifetime struct{ testing.TB }

var (
	exitMu       sync.Mutex
	exitCleanups []func()
)

func (l *lifetime) Cleanup(f func()) {
	exitMu.Lock()
	exitCleanups = append(exitCleanups, f)
	exitMu.Unlock()
}

func (l *lifetime) TempDir() string {
	dir, err := os.MkdirTemp("", "gatehouse-test-")
	if err != nil {
		l.TB.Fatal(err)
	}
	l.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	exitMu.Lock()
	for i := len(exitCleanups) - 1; i >= 0; i-- {
		exitCleanups[i]()
	}
	exitMu.Unlock()
	os.Exit(code)
}

// resp is a decoded response.
type resp struct {
	status  int
	header  http.Header
	body    []byte
	cookies []*http.Cookie
}

func (r *resp) obj(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return m
}

func (r *resp) str(t testing.TB, key string) string {
	t.Helper()
	v, _ := r.obj(t)[key].(string)
	return v
}

// client speaks to one server as one app: a project, optional headers
// and a cookie jar, like a browser or an SDK instance.
type client struct {
	t       testing.TB
	s       *server
	project string
	headers map[string]string
	http    *http.Client
}

func (s *server) client(t testing.TB, project string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, s: s, project: project, headers: map[string]string{},
		http: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
}

// admin is a client of the console Projects API. It asks for the
// response format the console SDK (@appwrite.io/console 23) sends,
// 1.8.0, whose flat Project model the tests read; .with() changes it.
func (s *server) admin(t testing.TB) *client {
	c := s.client(t, "console")
	c.headers["X-Appwrite-Key"] = s.adminKey
	c.headers["X-Appwrite-Response-Format"] = "1.8.0"
	return c
}

// with returns a copy of c with an extra header and its own cookie jar.
func (c *client) with(name, value string) *client {
	jar, _ := cookiejar.New(nil)
	n := *c
	n.headers = map[string]string{}
	for k, v := range c.headers {
		n.headers[k] = v
	}
	n.headers[name] = value
	hc := *c.http
	hc.Jar = jar
	n.http = &hc
	return &n
}

func (c *client) do(method, path string, body any) *resp {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.s.base+"/v1"+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.project != "" {
		req.Header.Set("X-Appwrite-Project", c.project)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &resp{status: res.StatusCode, header: res.Header, body: b, cookies: res.Cookies()}
}

// expect checks the status, and for errors Appwrite's body and type.
func expect(t testing.TB, r *resp, status int, typ string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if typ == "" {
		return
	}
	var e struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
		Type    string `json:"type"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	if e.Type != typ || e.Code != status || e.Message == "" || e.Version == "" {
		t.Fatalf("error %+v, want type %s code %d", e, typ, status)
	}
	for _, leak := range []string{"sql:", ".go:", "pq:", "SQLSTATE", "sqlite", "goroutine"} {
		if strings.Contains(string(r.body), leak) {
			t.Fatalf("error body leaks %q: %s", leak, r.body)
		}
	}
}

// newProject makes a project with a web platform for app.example.test
// and returns a client of it.
func (s *server) newProject(t testing.TB) *client {
	t.Helper()
	id := "p" + secret.Hex(6)
	a := s.admin(t)
	expect(t, a.do("POST", "/projects", map[string]any{"projectId": id, "name": "Test " + id}), 201, "")
	expect(t, a.do("POST", "/projects/"+id+"/platforms", map[string]any{"type": "web", "name": "app", "hostname": "app.example.test"}), 201, "")
	return s.client(t, id)
}

// setAuth changes an auth setting of c's project.
func (c *client) setAuth(path string, body map[string]any) {
	c.t.Helper()
	expect(c.t, c.s.admin(c.t).do("PATCH", "/projects/"+c.project+"/auth/"+path, body), 200, "")
}

// signUp creates a user with email and password and returns its id.
func (c *client) signUp(email, pw string) string {
	c.t.Helper()
	r := c.do("POST", "/account", map[string]any{"userId": "unique()", "email": email, "password": pw, "name": "Ann"})
	expect(c.t, r, 201, "")
	return r.str(c.t, "$id")
}

// signIn signs c in (its cookie jar keeps the session) and returns the
// session string from X-Fallback-Cookies.
func (c *client) signIn(email, pw string) (sessionID, credential string) {
	c.t.Helper()
	r := c.do("POST", "/account/sessions/email", map[string]any{"email": email, "password": pw})
	expect(c.t, r, 201, "")
	var fb map[string]string
	if err := json.Unmarshal([]byte(r.header.Get("X-Fallback-Cookies")), &fb); err != nil {
		c.t.Fatalf("X-Fallback-Cookies %q: %v", r.header.Get("X-Fallback-Cookies"), err)
	}
	return r.str(c.t, "$id"), fb["a_session_"+c.project]
}

// key creates an API key of c's project with scopes.
func (c *client) key(scopes ...string) string {
	c.t.Helper()
	r := c.s.admin(c.t).do("POST", "/projects/"+c.project+"/keys", map[string]any{"name": "server", "scopes": scopes})
	expect(c.t, r, 201, "")
	return r.str(c.t, "secret")
}

func email() string { return "u" + secret.Hex(5) + "@example.test" }

// enginesOnce is testdb.Engines for tests that start their own servers.
func enginesOnce() []testdb.Engine { return testdb.Engines() }
