// Package project manages projects, their platforms, API keys and auth
// settings, and answers the per-request questions about them (is this
// origin allowed, is this key valid) from a short-lived cache.
package project

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// CacheTTL is the default bound on how stale a node's view of a project
// may be: settings changed on one node take effect on every node within
// this time.
const CacheTTL = time.Second

// Console is the id of the instance's own project: its users are the
// console's administrators (see EnsureConsole).
const Console = storage.ConsoleProject

// Snapshot is a project with its platforms, as cached for requests.
type Snapshot struct {
	*storage.Project
	Platforms []*storage.Platform
}

type entry struct {
	snap    *Snapshot
	err     error
	fetched time.Time
}

// Service is the projects capability.
type Service struct {
	store storage.Store
	now   func() time.Time

	// ephemeral signs ephemeral keys; nil refuses to make or accept any.
	ephemeral []byte

	ttl   time.Duration // 0: every lookup reads the database
	mu    sync.Mutex
	cache map[string]*entry
	group map[string]chan struct{} // one database load per project at a time
}

// New returns a Service over store.
func New(store storage.Store, now func() time.Time) *Service {
	return &Service{store: store, now: now, ttl: CacheTTL, cache: map[string]*entry{}, group: map[string]chan struct{}{}}
}

// SetCacheTTL sets how long a looked-up project is reused; 0 turns the
// cache off.
func (s *Service) SetCacheTTL(d time.Duration) { s.ttl = d }

// Lookup returns the project with its platforms, from cache when fresh.
// Unknown projects are cached too, so a client hammering a wrong id costs
// one query a second.
func (s *Service) Lookup(ctx context.Context, id string) (*Snapshot, error) {
	for {
		s.mu.Lock()
		e, ok := s.cache[id]
		if ok && s.now().Sub(e.fetched) < s.ttl {
			s.mu.Unlock()
			return e.snap, notFoundAs(e.err)
		}
		if wait, loading := s.group[id]; loading {
			s.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		s.group[id] = done
		s.mu.Unlock()

		snap, err := s.load(ctx, id)
		s.mu.Lock()
		delete(s.group, id)
		close(done)
		if err == nil || errors.Is(err, storage.ErrNotFound) {
			if len(s.cache) > 10000 {
				clear(s.cache) // bounded: a scan of random ids cannot grow it forever
			}
			s.cache[id] = &entry{snap: snap, err: err, fetched: s.now()}
		}
		s.mu.Unlock()
		return snap, notFoundAs(err)
	}
}

// notFoundAs turns the store's not-found, fresh or cached, into the one
// answer a client gets for an unknown project.
func notFoundAs(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.ProjectNotFound)
	}
	return err
}

func (s *Service) load(ctx context.Context, id string) (*Snapshot, error) {
	p, err := s.store.GetProject(ctx, id)
	if err != nil {
		return nil, err
	}
	pl, err := s.store.ListPlatforms(ctx, id)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Project: p, Platforms: pl}, nil
}

// Forget drops a project from this node's cache after a local change.
func (s *Service) Forget(id string) {
	s.mu.Lock()
	delete(s.cache, id)
	s.mu.Unlock()
}

// HostAllowed reports whether a browser origin's host may call the
// project: a web platform's hostname, exact or by wildcard ("*.example.com"
// matches sub-domains only, "*" everything).
func (snap *Snapshot) HostAllowed(host string) bool {
	host = strings.ToLower(host)
	for _, p := range snap.Platforms {
		if !isWeb(p.Type) {
			continue
		}
		h := strings.ToLower(p.Hostname)
		switch {
		case h == "":
		case h == "*", h == host:
			return true
		case strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]):
			return true
		}
	}
	return false
}

// SchemeAllowed reports whether a non-http redirect scheme is registered:
// Expo, the project's own callback scheme, or a native platform's scheme.
// nativeSchemes are the origins Appwrite's native SDKs send, with the
// app's bundle or package id as host: appwrite-android://com.example.app.
var nativeSchemes = map[string]bool{"appwrite-ios": true, "appwrite-macos": true, "appwrite-watchos": true, "appwrite-tvos": true,
	"appwrite-android": true, "appwrite-windows": true, "appwrite-linux": true}

// OriginAllowed reports whether a browser or app origin may write: a web
// origin by its host (HostAllowed), a native app's origin by its bundle or
// package id, which must be the key of one of the project's native
// platforms.
func (snap *Snapshot) OriginAllowed(scheme, host string) bool {
	if !nativeSchemes[strings.ToLower(scheme)] {
		return snap.HostAllowed(host)
	}
	for _, p := range snap.Platforms {
		if !isWeb(p.Type) && p.Type != "scheme" && p.Key != "" && strings.EqualFold(p.Key, host) {
			return true
		}
	}
	return false
}

func (snap *Snapshot) SchemeAllowed(scheme string) bool {
	scheme = strings.ToLower(scheme)
	if scheme == "exp" || scheme == "appwrite-callback-"+strings.ToLower(snap.ID) {
		return true
	}
	for _, p := range snap.Platforms {
		if !isWeb(p.Type) && p.Key != "" && scheme == "appwrite-callback-"+strings.ToLower(p.Key) {
			return true
		}
		if p.Type == "scheme" && strings.EqualFold(p.Key, scheme) {
			return true
		}
	}
	return false
}

func isWeb(t string) bool {
	return t == "web" || strings.HasPrefix(t, "flutter-web") || t == "react-native-web" || strings.HasSuffix(t, "-web")
}

// KeyFor finds the API key whose secret is presented, checks it belongs to
// the project and has not expired. An ephemeral key is checked by its
// signature alone (EphemeralKey).
func (s *Service) KeyFor(ctx context.Context, projectID, presented string) (*storage.Key, error) {
	// Appwrite keys are "standard_<secret>" or "ephemeral_<token>"; a
	// value without a known prefix is a standard key (Gatehouse's before
	// the prefix).
	kind, rest, _ := strings.Cut(presented, "_")
	switch kind {
	case "ephemeral":
		return s.ephemeralKey(projectID, rest)
	case "standard":
		presented = rest
	}
	k, err := s.store.KeyBySecretHash(ctx, secret.Hash(presented))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && k.ProjectID != projectID) {
		return nil, invalidKey()
	}
	if err != nil {
		return nil, err
	}
	if !k.Expire.IsZero() && !s.now().Before(k.Expire) {
		return nil, apperr.New(apperr.ProjectKeyExpired)
	}
	return k, nil
}

func invalidKey() error { return apperr.Newf(apperr.UserUnauthorized, "The API key is invalid.") }

// HasScope reports whether the key grants scope.
func HasScope(k *storage.Key, scope string) bool {
	for _, s := range k.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}
