package secret

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Keyed hashes secrets too short to be stored as plain SHA-256: six-digit
// codes have a million values and a short server-made token not many
// more, so anyone with a copy of the database could hash them all and read
// the codes back. HMAC-SHA-256 under a key that is not in the database
// (derived from the instance key) makes the stored value useless without
// that key.
type Keyed struct {
	key []byte
}

// NewKeyed derives the hashing key from the instance key with HKDF, with
// label naming its use: the instance key itself also seals stored values,
// and one key never serves two purposes.
func NewKeyed(instanceKey []byte, label string) (*Keyed, error) {
	key, err := hkdf.Key(sha256.New, instanceKey, nil, "gatehouse "+label, sha256.Size)
	if err != nil {
		return nil, err
	}
	return &Keyed{key: key}, nil
}

// Hash is the stored form of a short secret: lower-case hex
// HMAC-SHA-256, the same length as Hash's.
func (k *Keyed) Hash(secret string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}
