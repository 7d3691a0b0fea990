package oauthapps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestFetcherCache checks that a document is kept for its max-age (at
// most maxCache) and per project.
func TestFetcherCache(t *testing.T) {
	var hits atomic.Int64
	var maxAge atomic.Value
	maxAge.Store("max-age=60")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", maxAge.Load().(string))
		w.Write([]byte(`{"client_id":"http://` + r.Host + r.URL.Path + `","redirect_uris":["http://127.0.0.1/cb"]}`))
	}))
	defer srv.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := newFetcher(func() time.Time { return now })
	ctx := context.Background()
	get := func(project, path string, want int64) {
		t.Helper()
		if _, err := f.get(ctx, project, srv.URL+path, true); err != nil {
			t.Fatal(err)
		}
		if hits.Load() != want {
			t.Fatalf("%d fetches, want %d", hits.Load(), want)
		}
	}
	get("p1", "/a.json", 1)
	get("p1", "/a.json", 1)
	get("p2", "/a.json", 2) // another project fetches for itself
	now = now.Add(59 * time.Second)
	get("p1", "/a.json", 2)
	now = now.Add(2 * time.Second)
	get("p1", "/a.json", 3)

	maxAge.Store("max-age=86400")
	get("p1", "/b.json", 4)
	now = now.Add(maxCache - time.Second)
	get("p1", "/b.json", 4)
	now = now.Add(2 * time.Second)
	get("p1", "/b.json", 5)

	// Without loopback allowed the same URL is refused, cached or not.
	if _, err := f.get(ctx, "p1", srv.URL+"/b.json", false); err == nil {
		t.Fatal("a loopback document served to a project that does not allow it")
	}
	// Nor is a document cached while the project allowed loopback served
	// once it no longer does.
	u := "https://localhost:1/c.json"
	f.put(cacheKey{project: "p1", url: u, loopback: true}, cached{doc: &Document{ClientID: u}, expire: now.Add(time.Hour)})
	if d, err := f.get(ctx, "p1", u, true); err != nil || d.ClientID != u {
		t.Fatalf("cached document: %v %v", d, err)
	}
	if _, err := f.get(ctx, "p1", u, false); err == nil {
		t.Fatal("a document cached under cimdAllowLoopback served after it was withdrawn")
	}
}

// TestFetcherOneFetchAtATime checks that requests for a document being
// fetched wait for that fetch rather than making their own.
func TestFetcherOneFetchAtATime(t *testing.T) {
	var hits atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-release
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"client_id":"http://` + r.Host + r.URL.Path + `","redirect_uris":["http://127.0.0.1/cb"]}`))
	}))
	defer srv.Close()
	f := newFetcher(time.Now)
	ctx := context.Background()
	errs := make(chan error, 5)
	ask := func() {
		_, err := f.get(ctx, "p1", srv.URL+"/a.json", true)
		errs <- err
	}
	go ask()
	for hits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	for range 4 {
		go ask()
	}
	close(release)
	for range 5 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}
