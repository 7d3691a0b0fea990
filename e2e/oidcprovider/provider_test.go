// Package oidcprovider runs the in-memory OpenID provider of
// internal/oauth/oidctest as a process of its own, for the browser tests
// in e2e/suites/oauth.js.
//
// It lives in a _test.go file on purpose: oidctest is a test-only package
// (internal/archtest keeps it out of every non-test file), so the e2e
// suite builds this with `go test -c` and starts the binary with
// OIDCPROVIDER_SERVE=1. Under plain `go test` only TestControl runs.
//
// Serving, it prints one JSON line on stdout,
//
//	{"url":…,"wellKnown":…,"clientId":…,"clientSecret":…,"control":…}
//
// and runs until SIGTERM, SIGINT or the end of its standard input (so it
// goes away with the test process). Both the provider and the control
// endpoints listen on 127.0.0.1 with a random port. Control endpoints:
//
//	POST /users {"sub","email","emailVerified","name"}  add or replace a user
//	POST /next  {"sub"}                                 who /authorize approves from now on
//	POST /deny                                          the next /authorize is refused
//	GET  /hits?path=/jwks                               requests that reached a provider path
package oidcprovider

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
)

func TestMain(m *testing.M) {
	if os.Getenv("OIDCPROVIDER_SERVE") == "1" {
		os.Exit(serve())
	}
	os.Exit(m.Run())
}

// serve runs the provider and its control endpoints until told to stop.
func serve() int {
	idp, err := oidctest.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, "oidcprovider:", err)
		return 1
	}
	defer idp.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "oidcprovider:", err)
		return 1
	}
	ctl := &http.Server{Handler: control(idp)}
	go func() { _ = ctl.Serve(ln) }() // ends with Close below
	defer ctl.Close()

	line, _ := json.Marshal(map[string]string{
		"url":          idp.URL(),
		"wellKnown":    idp.WellKnownURL(),
		"clientId":     idp.ClientID(),
		"clientSecret": idp.ClientSecret(),
		"control":      "http://" + ln.Addr().String(),
	})
	fmt.Println(string(line))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	eof := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin) // any end of stdin means stop
		close(eof)
	}()
	select {
	case <-stop:
	case <-eof:
	}
	return 0
}

// control is the test's handle on the provider. Its listener is on
// loopback; requests from anywhere else are refused all the same.
func control(idp *oidctest.Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		var u struct {
			Sub           string `json:"sub"`
			Email         string `json:"email"`
			EmailVerified bool   `json:"emailVerified"`
			Name          string `json:"name"`
		}
		if json.NewDecoder(r.Body).Decode(&u) != nil || u.Sub == "" {
			http.Error(w, "want {sub, email, emailVerified, name}", http.StatusBadRequest)
			return
		}
		idp.AddUser(u.Sub, u.Email, u.EmailVerified, u.Name)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /next", func(w http.ResponseWriter, r *http.Request) {
		var n struct {
			Sub string `json:"sub"`
		}
		if json.NewDecoder(r.Body).Decode(&n) != nil || n.Sub == "" {
			http.Error(w, "want {sub}", http.StatusBadRequest)
			return
		}
		idp.Next(n.Sub)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /deny", func(w http.ResponseWriter, r *http.Request) {
		idp.Deny()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /hits", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]int{"hits": idp.Hits(r.URL.Query().Get("path"))})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			http.Error(w, "loopback only", http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// TestControl drives the control endpoints: users added and chosen get a
// code from /authorize, /deny refuses the next one only, /hits counts.
func TestControl(t *testing.T) {
	idp := oidctest.Start(t)
	ctl := httptest.NewServer(control(idp))
	defer ctl.Close()
	post := func(path, body string) {
		t.Helper()
		res, err := http.Post(ctl.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("POST %s: %d", path, res.StatusCode)
		}
	}
	post("/users", `{"sub":"s1","email":"one@example.test","emailVerified":true,"name":"One"}`)
	post("/users", `{"sub":"s2","email":"two@example.test","emailVerified":false,"name":"Two"}`)
	post("/next", `{"sub":"s2"}`)

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := func() url.Values {
		t.Helper()
		q := url.Values{"client_id": {idp.ClientID()}, "redirect_uri": {"http://127.0.0.1:1/cb"},
			"response_type": {"code"}, "scope": {"openid email"}, "state": {"st"}}
		res, err := noFollow.Get(idp.URL() + "/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		back, err := url.Parse(res.Header.Get("Location"))
		if err != nil || res.StatusCode != http.StatusFound {
			t.Fatalf("authorize: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		return back.Query()
	}
	if q := authorize(); q.Get("code") == "" || q.Get("state") != "st" {
		t.Fatalf("approval: %v", q)
	}
	post("/deny", "")
	if q := authorize(); q.Get("error") != "access_denied" {
		t.Fatalf("after /deny: %v", q)
	}
	if q := authorize(); q.Get("code") == "" {
		t.Fatalf("deny applies once: %v", q)
	}

	res, err := http.Get(ctl.URL + "/hits?path=/authorize")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var h struct{ Hits int }
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil || h.Hits != 3 {
		t.Fatalf("hits: %v %+v", err, h)
	}
	if res, err := http.Post(ctl.URL+"/next", "application/json", strings.NewReader(`{}`)); err != nil || res.StatusCode != http.StatusBadRequest {
		t.Fatalf("next without sub: %v %v", err, res)
	}
}
