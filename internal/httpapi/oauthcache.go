package httpapi

import (
	"strings"
	"sync"

	"github.com/gatehouse-auth/gatehouse/internal/oauth"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
)

// providerCache keeps built OAuth2 providers between requests. A provider
// caches what it fetched: an OpenID discovery document and the signing
// keys of its ID tokens. Built anew for every request, each sign-in would
// fetch both twice (start and callback), adding round trips to a third
// party on the sign-in path and load on the provider.
//
// The key covers everything a provider is built from, so a changed app id,
// secret, callback URL or scope list builds a new one; entries of old
// settings simply stop being used. The cache is bounded and starts over
// when full, which only costs a fresh discovery.
type providerCache struct {
	mu sync.Mutex
	m  map[string]oauth.Provider
}

const maxCachedProviders = 512

func providerKey(projectID, name, appID, sealedSecret, redirect string, scopes []string) string {
	return secret.Hash(strings.Join([]string{projectID, name, appID, sealedSecret, redirect, strings.Join(scopes, " ")}, "\x00"))
}

func (pc *providerCache) get(key string) (oauth.Provider, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.m[key]
	return p, ok
}

func (pc *providerCache) put(key string, p oauth.Provider) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.m == nil || len(pc.m) >= maxCachedProviders {
		pc.m = make(map[string]oauth.Provider)
	}
	pc.m[key] = p
}
