package password

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

// Imported is a hash created through one of the Users API import routes,
// ready to store: Algo is User.hash, Hash is User.password and Options is
// User.hashOptions.
type Imported struct {
	Algo    string
	Hash    string
	Options json.RawMessage
}

// ImportParams are the parameters the import routes send beside the hash
// (the `password` param).
type ImportParams struct {
	// Version is passwordVersion of POST /users/sha; "" means
	// DefaultSHAVersion (sha256, as in Appwrite 1.8).
	Version string
	// Salt is passwordSalt: the raw salt string for scrypt, base64 for
	// scryptMod.
	Salt string
	// SaltSeparator and SignerKey are passwordSaltSeparator and
	// passwordSignerKey of POST /users/scrypt-modified, base64.
	SaltSeparator string
	SignerKey     string
	// CPU, Memory, Parallel and Length are passwordCpu, passwordMemory,
	// passwordParallel and passwordLength of POST /users/scrypt; 0 means
	// Appwrite's default (8, 14, 1, 64).
	CPU, Memory, Parallel, Length int
}

// NewImported validates a hash given to an import route and builds its
// hashOptions in Appwrite 1.8's shape. algo is the route's algorithm:
//
//	POST /users/argon2           argon2
//	POST /users/bcrypt           bcrypt
//	POST /users/md5              md5
//	POST /users/sha              sha
//	POST /users/phpass           phpass
//	POST /users/scrypt           scrypt
//	POST /users/scrypt-modified  scryptMod
//
// Bad input returns an *apperr.Error of kind general_argument_invalid
// naming the parameter (`password`, `passwordVersion`, `passwordSalt`, …).
// The same work limits as Verify apply, so an accepted hash always
// verifies. Hex digests are stored lower-cased; other hashes verbatim.
func NewImported(algo, hash string, in ImportParams) (Imported, error) {
	lim := &defaultLimits
	im := Imported{Algo: algo, Hash: hash}
	var opts any
	switch algo {
	case Argon2:
		a, err := parseArgon2(hash, lim)
		if err != nil {
			return im, invalidHash("an argon2id or argon2i PHC string (v=19) with m ≤ 262144, t ≤ 16, p ≤ 16", err)
		}
		im.Options = argon2Options(a.p)
		return im, nil
	case Bcrypt:
		cost, err := bcryptCost(hash, lim)
		if err != nil {
			return im, invalidHash("a $2a$, $2b$ or $2y$ bcrypt hash with a cost from 04 to 16", err)
		}
		opts = struct {
			Type string `json:"type"`
			Cost int    `json:"cost"`
		}{Bcrypt, cost}
	case MD5:
		if !isHex(hash, 16) {
			return im, invalidHash("32 hexadecimal characters", nil)
		}
		im.Hash = strings.ToLower(hash)
		opts = struct {
			Type string `json:"type"`
		}{MD5}
	case SHA:
		v := in.Version
		if v == "" {
			v = DefaultSHAVersion
		}
		sum, ok := shaVersions[v]
		if !ok {
			return im, apperr.Invalid("passwordVersion", "Value must be one of ("+shaVersionNames+")")
		}
		if n := len(sum(nil)); !isHex(hash, n) {
			return im, invalidHash(fmt.Sprintf("a %s digest: %d hexadecimal characters", v, 2*n), nil)
		}
		im.Hash = strings.ToLower(hash)
		opts = shaOptions{Type: SHA, Version: v}
	case PHPass:
		if strings.HasPrefix(hash, "$2") {
			if _, err := bcryptCost(hash, lim); err != nil {
				return im, invalidHash("a phpass hash: $P$ or $H$ portable, or bcrypt with a cost from 04 to 16", err)
			}
		} else if _, err := phpassLog2(hash, lim); err != nil || !onlyItoa64(hash[4:]) {
			return im, invalidHash("a phpass hash: $P$ or $H$ portable (34 characters, at most 2^24 rounds), or bcrypt", err)
		}
		opts = struct {
			Type string `json:"type"`
		}{PHPass}
	case Scrypt:
		o := scryptOptions{Type: Scrypt, Salt: in.Salt, CostCPU: in.CPU, CostMemory: in.Memory,
			CostParallel: in.Parallel, Length: in.Length}
		for _, f := range []struct {
			param string
			v     int
		}{{"passwordCpu", o.CostCPU}, {"passwordMemory", o.CostMemory}, {"passwordParallel", o.CostParallel}, {"passwordLength", o.Length}} {
			if f.v < 0 {
				return im, apperr.Invalid(f.param, "Value must be a positive integer")
			}
		}
		o.defaults()
		if len(in.Salt) > 128 {
			return im, apperr.Invalid("passwordSalt", "Value must be a valid string and at most 128 chars")
		}
		if param, why := o.check(lim); param != "" {
			return im, apperr.Invalid(scryptParams[param], "Value "+why)
		}
		if !isHex(hash, o.Length) {
			return im, invalidHash(fmt.Sprintf("the hex scrypt key of passwordLength bytes: %d hexadecimal characters", 2*o.Length), nil)
		}
		im.Hash = strings.ToLower(hash)
		opts = o
	case ScryptMod:
		o := scryptModOptions{Type: ScryptMod, Salt: in.Salt, SaltSeparator: in.SaltSeparator, SignerKey: in.SignerKey}
		for _, f := range []struct{ param, v string }{
			{"passwordSalt", o.Salt}, {"passwordSaltSeparator", o.SaltSeparator}, {"passwordSignerKey", o.SignerKey},
		} {
			if b, err := decodeBase64(f.v); err != nil || len(b) == 0 || len(f.v) > 128 {
				return im, apperr.Invalid(f.param, "Value must be base64, 1 to 128 chars")
			}
		}
		raw, _ := json.Marshal(o)
		if _, err := parseScryptMod(hash, raw, lim); err != nil {
			if b, _ := decodeBase64(o.SignerKey); len(b) < minSignerBytes {
				return im, apperr.Invalid("passwordSignerKey", "Value must encode at least 16 bytes")
			}
			return im, invalidHash("base64, as long as the decoded signer key", err)
		}
		im.Options = raw
		return im, nil
	default:
		return im, fmt.Errorf("%w: cannot import %q", ErrUnsupported, algo)
	}
	im.Options, _ = json.Marshal(opts)
	return im, nil
}

// scryptParams maps scrypt option names to the import route's params.
var scryptParams = map[string]string{
	"salt": "passwordSalt", "costCpu": "passwordCpu", "costMemory": "passwordMemory",
	"costParallel": "passwordParallel", "length": "passwordLength",
}

func invalidHash(want string, cause error) error {
	e := apperr.Invalid("password", "Value must be "+want)
	e.Err = cause
	return e
}

// isHex reports whether s is the hex encoding of exactly n bytes.
func isHex(s string, n int) bool {
	if len(s) != 2*n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func onlyItoa64(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(itoa64, s[i]) < 0 {
			return false
		}
	}
	return true
}
