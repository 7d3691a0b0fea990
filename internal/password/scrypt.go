package password

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// Appwrite's defaults for the scrypt import parameters (php-scrypt's N, r,
// p and key length, named costCpu, costMemory, costParallel and length).
const (
	DefaultScryptCPU      = 8
	DefaultScryptMemory   = 14
	DefaultScryptParallel = 1
	DefaultScryptLength   = 64
)

// scryptOptions is the hashOptions object of a scrypt hash, in Appwrite
// 1.8's key order. Missing numbers take Appwrite's defaults.
type scryptOptions struct {
	Type         string `json:"type"`
	Salt         string `json:"salt"`
	CostCPU      int    `json:"costCpu"`
	CostMemory   int    `json:"costMemory"`
	CostParallel int    `json:"costParallel"`
	Length       int    `json:"length"`
}

func (o *scryptOptions) defaults() {
	if o.CostCPU == 0 {
		o.CostCPU = DefaultScryptCPU
	}
	if o.CostMemory == 0 {
		o.CostMemory = DefaultScryptMemory
	}
	if o.CostParallel == 0 {
		o.CostParallel = DefaultScryptParallel
	}
	if o.Length == 0 {
		o.Length = DefaultScryptLength
	}
}

// check reports the first parameter that is invalid or too costly, by its
// hashOptions name, or "" when all are fine.
func (o *scryptOptions) check(lim *limits) (param, why string) {
	n, r, p := int64(o.CostCPU), int64(o.CostMemory), int64(o.CostParallel)
	switch {
	case o.Salt == "":
		return "salt", "must not be empty"
	case len(o.Salt) > lim.material:
		return "salt", "is too long"
	case n <= 1 || n&(n-1) != 0:
		return "costCpu", "must be a power of two greater than 1"
	case n > 1<<20:
		return "costCpu", "must be at most 1048576 (2^20)"
	case r < 1 || r > 1<<20:
		return "costMemory", "must be between 1 and 1048576"
	case p < 1 || p > 1<<20:
		return "costParallel", "must be between 1 and 1048576"
	case 128*n*r > lim.scryptMemory:
		return "costMemory", "asks for too much memory (128 × costCpu × costMemory must be at most 256 MiB)"
	case n*r*p > lim.scryptWork:
		return "costParallel", "asks for too much work (costCpu × costMemory × costParallel must be at most 4194304)"
	case o.Length < 16 || o.Length > 512:
		return "length", "must be between 16 and 512"
	}
	return "", ""
}

// verifyScrypt checks php-scrypt's scrypt(plain, salt, N=costCpu,
// r=costMemory, p=costParallel, length) against the hex stored value. The
// salt is used as the raw bytes of the string given.
func verifyScrypt(stored string, options json.RawMessage, plain string, lim *limits) (bool, error) {
	var o scryptOptions
	if err := unmarshalOptions(options, &o); err != nil {
		return false, err
	}
	o.defaults()
	if param, why := o.check(lim); param != "" {
		return false, malformed("scrypt %s %s", param, why)
	}
	want, err := hex.DecodeString(stored)
	if err != nil || len(want) != o.Length {
		return false, malformed("scrypt hash must be %d hex characters", 2*o.Length)
	}
	got, err := scrypt.Key([]byte(plain), []byte(o.Salt), o.CostCPU, o.CostMemory, o.CostParallel, o.Length)
	if err != nil {
		return false, malformed("scrypt: %v", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Firebase's modified scrypt uses fixed costs.
const (
	firebaseN      = 1 << 14
	firebaseR      = 8
	firebaseP      = 1
	minSignerBytes = 16
)

// scryptModOptions is the hashOptions object of a scryptMod hash; all
// three values are base64.
type scryptModOptions struct {
	Type          string `json:"type"`
	Salt          string `json:"salt"`
	SaltSeparator string `json:"saltSeparator"`
	SignerKey     string `json:"signerKey"`
}

// firebaseHash is a decoded scryptMod hash and its options.
type firebaseHash struct {
	salt, sep, signer, want []byte
}

// parseScryptMod decodes the stored value and the options. The signer key
// must be at least 16 bytes: the hash is as long as the signer key, and a
// shorter one would let guesses collide.
func parseScryptMod(stored string, options json.RawMessage, lim *limits) (firebaseHash, error) {
	var f firebaseHash
	var o scryptModOptions
	if err := unmarshalOptions(options, &o); err != nil {
		return f, err
	}
	var err error
	if f.salt, err = decodeBase64(o.Salt); err != nil || len(f.salt) > lim.material {
		return f, malformed("scryptMod salt must be base64")
	}
	if f.sep, err = decodeBase64(o.SaltSeparator); err != nil || len(f.sep) > lim.material {
		return f, malformed("scryptMod saltSeparator must be base64")
	}
	f.signer, err = decodeBase64(o.SignerKey)
	if err != nil || len(f.signer) < minSignerBytes || len(f.signer) > lim.material {
		return f, malformed("scryptMod signerKey must be base64 of 16 to %d bytes", lim.material)
	}
	f.want, err = decodeBase64(stored)
	if err != nil || len(f.want) != len(f.signer) {
		return f, malformed("scryptMod hash must be base64 as long as the signer key")
	}
	return f, nil
}

// verifyScryptMod checks Firebase's modified scrypt: key =
// scrypt(plain, salt‖saltSeparator, N=2^14, r=8, p=1), and the hash is the
// signer key encrypted with AES-256-CTR under key[0:32] with a zero IV.
// Appwrite derives 64 bytes and keeps the first 32; scrypt's final step is
// PBKDF2, whose first 32 bytes do not depend on the length asked for, so
// deriving 32 gives the same AES key.
func verifyScryptMod(stored string, options json.RawMessage, plain string, lim *limits) (bool, error) {
	f, err := parseScryptMod(stored, options, lim)
	if err != nil {
		return false, err
	}
	salt := append(append([]byte{}, f.salt...), f.sep...)
	key, err := scrypt.Key([]byte(plain), salt, firebaseN, firebaseR, firebaseP, 32)
	if err != nil {
		return false, malformed("scryptMod: %v", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return false, malformed("scryptMod: %v", err)
	}
	got := make([]byte, len(f.signer))
	cipher.NewCTR(block, make([]byte, aes.BlockSize)).XORKeyStream(got, f.signer)
	return subtle.ConstantTimeCompare(got, f.want) == 1, nil
}

// decodeBase64 decodes standard base64 with or without padding, as PHP's
// base64_decode accepts both.
func decodeBase64(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}
