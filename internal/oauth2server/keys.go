package oauth2server

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Key rotation. Every project has its own RS256 keys, made on first use
// and shared by all nodes through the database. A key signs for
// RotateAfter; then a successor is created and published in the JWKS for
// PublishAhead before it signs, so relying parties that cache the JWKS
// know it before they meet a token it signed. The old key stays in the
// JWKS until every token it signed has expired, then the maintenance
// sweep removes it.
const (
	RotateAfter  = 30 * 24 * time.Hour
	PublishAhead = 24 * time.Hour
	// keyLeeway covers clock skew between nodes and relying parties.
	keyLeeway = 5 * time.Minute
	keyBits   = 2048
)

// keyring signs with and publishes a project's keys.
type keyring struct {
	store storage.OAuth2Store
	box   *seal.Box
	now   func() time.Time

	mu     sync.Mutex
	parsed map[string]*rsa.PrivateKey // by project id + kid
	lists  map[string]keyList         // by project id
}

// keyList is a project's keys as last read. Reading them once a
// keyCacheTTL keeps the database off the path of every token check; it
// is safe because a key is published PublishAhead before it signs, far
// longer than the cache lives, and one node's rotation seen late by
// another only makes that one try again and find it.
type keyList struct {
	keys []*storage.OAuth2Key
	read time.Time
}

const keyCacheTTL = time.Minute

func newKeyring(store storage.OAuth2Store, box *seal.Box, now func() time.Time) *keyring {
	return &keyring{store: store, box: box, now: now, parsed: map[string]*rsa.PrivateKey{}, lists: map[string]keyList{}}
}

// signingKey is the key that signs now.
type signingKey struct {
	kid string
	key *rsa.PrivateKey
}

// keys returns the project's keys, creating the first or rotating the
// current one as their ages demand.
func (k *keyring) keys(ctx context.Context, projectID string, set storage.OAuth2ServerSettings) ([]*storage.OAuth2Key, error) {
	now := k.now()
	k.mu.Lock()
	cached, ok := k.lists[projectID]
	k.mu.Unlock()
	if ok && now.Sub(cached.read) >= 0 && now.Sub(cached.read) < keyCacheTTL && !rotationDue(cached.keys, now) {
		return cached.keys, nil
	}
	list, err := k.load(ctx, projectID, set)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.lists[projectID] = keyList{keys: list, read: now}
	k.mu.Unlock()
	return list, nil
}

// rotationDue: no key yet, or the newest has signed for RotateAfter.
func rotationDue(list []*storage.OAuth2Key, now time.Time) bool {
	if len(list) == 0 {
		return true
	}
	newest := list[len(list)-1]
	return !newest.ActivatesAt.After(now) && now.Sub(newest.ActivatesAt) >= RotateAfter
}

// load reads the keys from the database, creating or rotating as due.
func (k *keyring) load(ctx context.Context, projectID string, set storage.OAuth2ServerSettings) ([]*storage.OAuth2Key, error) {
	for attempt := 0; attempt < 3; attempt++ {
		list, err := k.store.ListOAuth2Keys(ctx, projectID)
		if err != nil {
			return nil, err
		}
		now := k.now()
		var next *storage.OAuth2Key
		var olderExpire time.Time
		switch {
		case len(list) == 0:
			next = &storage.OAuth2Key{Generation: 1, ActivatesAt: now}
		case !rotationDue(list, now):
			return list, nil
		default:
			newest := list[len(list)-1]
			act := now.Add(PublishAhead)
			next = &storage.OAuth2Key{Generation: newest.Generation + 1, ActivatesAt: act}
			// The current key signs until act; its last token dies at
			// most the longest access lifetime later.
			olderExpire = act.Add(longestAccessTTL(set) + keyLeeway)
		}
		if err := k.mint(projectID, next, now); err != nil {
			return nil, err
		}
		err = k.store.AddOAuth2Key(ctx, next, olderExpire)
		if err != nil && !errors.Is(err, storage.ErrConflict) {
			return nil, err
		}
		// Inserted, or another node won the race: read what is stored.
	}
	return k.store.ListOAuth2Keys(ctx, projectID)
}

// mint fills k with a fresh RSA key, sealed.
func (k *keyring) mint(projectID string, key *storage.OAuth2Key, now time.Time) error {
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return fmt.Errorf("generate oauth2 key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("encode oauth2 key: %w", err)
	}
	kid, err := keyID(&priv.PublicKey)
	if err != nil {
		return err
	}
	key.ProjectID, key.KID, key.CreatedAt = projectID, kid, now.UTC()
	key.ActivatesAt = key.ActivatesAt.UTC()
	key.PrivateKey = k.box.Seal(base64.StdEncoding.EncodeToString(der))
	return nil
}

// keyID is the RFC 7638 thumbprint of the public key, in hex: 64 chars.
func keyID(pub *rsa.PublicKey) (string, error) {
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("thumbprint oauth2 key: %w", err)
	}
	return hex.EncodeToString(tp), nil
}

func (k *keyring) open(key *storage.OAuth2Key) (*rsa.PrivateKey, error) {
	id := key.ProjectID + "/" + key.KID
	k.mu.Lock()
	priv := k.parsed[id]
	k.mu.Unlock()
	if priv != nil {
		return priv, nil
	}
	plain, err := k.box.Open(key.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("open oauth2 key: %w", err)
	}
	der, err := base64.StdEncoding.DecodeString(plain)
	if err != nil {
		return nil, fmt.Errorf("decode oauth2 key: %w", err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("parse oauth2 key: %w", err)
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("oauth2 key is not RSA")
	}
	k.mu.Lock()
	k.parsed[id] = priv
	k.mu.Unlock()
	return priv, nil
}

// signer returns the key that signs now: the newest generation already
// active.
func (k *keyring) signer(ctx context.Context, projectID string, set storage.OAuth2ServerSettings) (*signingKey, error) {
	list, err := k.keys(ctx, projectID, set)
	if err != nil {
		return nil, err
	}
	now := k.now()
	for i := len(list) - 1; i >= 0; i-- {
		if !list[i].ActivatesAt.After(now) {
			priv, err := k.open(list[i])
			if err != nil {
				return nil, err
			}
			return &signingKey{kid: list[i].KID, key: priv}, nil
		}
	}
	return nil, errors.New("oauth2: no active signing key")
}

// published returns the public keys relying parties may meet: every key
// not yet expired, the one that will sign next included.
func (k *keyring) published(ctx context.Context, projectID string, set storage.OAuth2ServerSettings) ([]jose.JSONWebKey, error) {
	list, err := k.keys(ctx, projectID, set)
	if err != nil {
		return nil, err
	}
	now := k.now()
	out := []jose.JSONWebKey{}
	for _, key := range list {
		if !key.ExpiresAt.IsZero() && !key.ExpiresAt.After(now) {
			continue
		}
		priv, err := k.open(key)
		if err != nil {
			return nil, err
		}
		out = append(out, jose.JSONWebKey{Key: &priv.PublicKey, KeyID: key.KID, Algorithm: string(jose.RS256), Use: "sig"})
	}
	return out, nil
}

// sign signs claims as a JWT with the current key; typ is the header's
// typ ("at+jwt" for access tokens, "" for ID tokens).
func (k *keyring) sign(ctx context.Context, projectID string, set storage.OAuth2ServerSettings, typ string, payload []byte) (string, error) {
	sk, err := k.signer(ctx, projectID, set)
	if err != nil {
		return "", err
	}
	opts := &jose.SignerOptions{}
	if typ != "" {
		opts = opts.WithType(jose.ContentType(typ))
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: sk.key, KeyID: sk.kid}}, opts)
	if err != nil {
		return "", fmt.Errorf("oauth2 signer: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign oauth2 token: %w", err)
	}
	return obj.CompactSerialize()
}

// verify checks a JWT's signature against the project's published keys
// and returns its payload.
func (k *keyring) verify(ctx context.Context, projectID string, set storage.OAuth2ServerSettings, token string) ([]byte, string, error) {
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(obj.Signatures) != 1 {
		return nil, "", errors.New("oauth2: malformed token")
	}
	h := obj.Signatures[0].Protected
	keys, err := k.published(ctx, projectID, set)
	if err != nil {
		return nil, "", err
	}
	for _, key := range keys {
		if key.KeyID == h.KeyID {
			payload, err := obj.Verify(key.Key)
			if err != nil {
				return nil, "", errors.New("oauth2: bad signature")
			}
			typ, _ := h.ExtraHeaders[jose.HeaderType].(string)
			return payload, typ, nil
		}
	}
	return nil, "", errors.New("oauth2: unknown key")
}
