// Package seal encrypts small values Gatehouse must be able to read back
// (SMTP and OAuth2 provider passwords, queued messages carrying one-time
// codes) with AES-256-GCM under the instance key, so a copy of the
// database alone does not reveal them.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// prefix marks sealed strings, so an unsealed legacy value is recognised.
const prefix = "gh1:"

// ErrOpen means a sealed value is damaged or was sealed under another key.
var ErrOpen = errors.New("seal: cannot open value")

// Box seals and opens values with one key.
type Box struct {
	aead cipher.AEAD
}

// New returns a Box whose key is derived from secret (any length; a
// random 32-byte value is expected).
func New(secret []byte) (*Box, error) {
	if len(secret) < 16 {
		return nil, errors.New("seal: key too short")
	}
	key := sha256.Sum256(append([]byte("gatehouse seal v1\x00"), secret...))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plain; "" stays "" so empty settings stay empty.
func (b *Box) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, b.aead.NonceSize())
	rand.Read(nonce)
	out := b.aead.Seal(nonce, nonce, []byte(plain), []byte(prefix))
	return prefix + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value made by Seal.
func (b *Box) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return "", ErrOpen
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	n := b.aead.NonceSize()
	if err != nil || len(raw) < n {
		return "", ErrOpen
	}
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(prefix))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}
