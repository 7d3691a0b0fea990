package password

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
)

// shaVersions maps the sha hash's "version" option (PHP hash() names) to
// the digest function.
var shaVersions = map[string]func([]byte) []byte{
	"sha1":       func(b []byte) []byte { s := sha1.Sum(b); return s[:] },
	"sha224":     func(b []byte) []byte { s := sha256.Sum224(b); return s[:] },
	"sha256":     func(b []byte) []byte { s := sha256.Sum256(b); return s[:] },
	"sha384":     func(b []byte) []byte { s := sha512.Sum384(b); return s[:] },
	"sha512/224": func(b []byte) []byte { s := sha512.Sum512_224(b); return s[:] },
	"sha512/256": func(b []byte) []byte { s := sha512.Sum512_256(b); return s[:] },
	"sha512":     func(b []byte) []byte { s := sha512.Sum512(b); return s[:] },
	"sha3-224":   func(b []byte) []byte { s := sha3.Sum224(b); return s[:] },
	"sha3-256":   func(b []byte) []byte { s := sha3.Sum256(b); return s[:] },
	"sha3-384":   func(b []byte) []byte { s := sha3.Sum384(b); return s[:] },
	"sha3-512":   func(b []byte) []byte { s := sha3.Sum512(b); return s[:] },
}

// shaVersionNames lists the versions in Appwrite's order, for messages.
const shaVersionNames = "sha1, sha224, sha256, sha384, sha512/224, sha512/256, sha512, sha3-224, sha3-256, sha3-384, sha3-512"

// DefaultSHAVersion is used when a sha hash has no "version" option.
// Gatehouse follows Appwrite 1.8 (sha256); 1.6 and 1.7 used sha3-512.
const DefaultSHAVersion = "sha256"

// shaOptions is the hashOptions object of a sha hash.
type shaOptions struct {
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}

func verifyMD5(stored, plain string) (bool, error) {
	want, err := hex.DecodeString(stored)
	if err != nil || len(want) != md5.Size {
		return false, malformed("md5 hash must be 32 hex characters")
	}
	got := md5.Sum([]byte(plain))
	return subtle.ConstantTimeCompare(got[:], want) == 1, nil
}

// verifySHA checks the hex digest of plain with the version named in the
// options ("version"; DefaultSHAVersion when absent or empty).
func verifySHA(stored string, options json.RawMessage, plain string) (bool, error) {
	var o shaOptions
	if err := unmarshalOptions(options, &o); err != nil {
		return false, err
	}
	if o.Version == "" {
		o.Version = DefaultSHAVersion
	}
	sum, found := shaVersions[o.Version]
	if !found {
		return false, malformed("sha version %q", o.Version)
	}
	got := sum([]byte(plain))
	want, err := hex.DecodeString(stored)
	if err != nil || len(want) != len(got) {
		return false, malformed("%s hash must be %d hex characters", o.Version, 2*len(got))
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// unmarshalOptions decodes a hashOptions object; absent or null options
// leave v as it is.
func unmarshalOptions(options json.RawMessage, v any) error {
	if len(options) == 0 || string(options) == "null" {
		return nil
	}
	if err := json.Unmarshal(options, v); err != nil {
		return malformed("hash options: %v", err)
	}
	return nil
}
