package password

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"golang.org/x/crypto/scrypt"
)

func TestNewImported(t *testing.T) {
	const firebaseOpts = `{"type":"scryptMod","salt":"42xEC+ixf3L2lw==","saltSeparator":"Bw==","signerKey":"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA=="}`
	firebase := ImportParams{Salt: "42xEC+ixf3L2lw==", SaltSeparator: "Bw==",
		SignerKey: "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA=="}
	scryptKey, err := scrypt.Key([]byte("correct horse"), []byte("s@lt"), 8, 14, 1, 64)
	if err != nil {
		t.Fatal(err)
	}
	md5Upper := strings.ToUpper(hexMD5("correct horse"))

	cases := []struct {
		name, algo, hash string
		in               ImportParams
		wantHash         string // "" means the hash as given
		wantOpts         string
		plain            string // verifies against the import when set
	}{
		{"argon2id", "argon2", "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo", ImportParams{}, "",
			`{"type":"argon2","memoryCost":65536,"timeCost":2,"threads":4}`, "password"},
		{"bcrypt $2y$", "bcrypt", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", ImportParams{}, "",
			`{"type":"bcrypt","cost":5}`, "\xa3"},
		{"md5 upper-case", "md5", md5Upper, ImportParams{}, strings.ToLower(md5Upper), `{"type":"md5"}`, "correct horse"},
		{"sha default", "sha", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ImportParams{}, "",
			`{"type":"sha","version":"sha256"}`, "abc"},
		{"sha512/224", "sha", "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa", ImportParams{Version: "sha512/224"}, "",
			`{"type":"sha","version":"sha512/224"}`, "abc"},
		{"phpass portable", "phpass", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0", ImportParams{}, "", `{"type":"phpass"}`, "test12345"},
		{"phpass bcrypt", "phpass", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ImportParams{}, "", `{"type":"phpass"}`, "U*U"},
		{"scrypt defaults", "scrypt", hex.EncodeToString(scryptKey), ImportParams{Salt: "s@lt"}, "",
			`{"type":"scrypt","salt":"s@lt","costCpu":8,"costMemory":14,"costParallel":1,"length":64}`, "correct horse"},
		{"scrypt RFC 7914", "scrypt", "FDBABE1C9D3472007856E7190D01E9FE7C6AD7CBC8237830E77376634B3731622EAF30D92E22A3886FF109279D9830DAC727AFB94A83EE6D8360CBDFA2CC0640",
			ImportParams{Salt: "NaCl", CPU: 1024, Memory: 8, Parallel: 16, Length: 64},
			"fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
			`{"type":"scrypt","salt":"NaCl","costCpu":1024,"costMemory":8,"costParallel":16,"length":64}`, "password"},
		{"scryptMod firebase", "scryptMod", "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==", firebase, "",
			firebaseOpts, "user1password"},
	}
	h := NewHasher(fast, 0)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			im, err := NewImported(c.algo, c.hash, c.in)
			if err != nil {
				t.Fatalf("NewImported: %v", err)
			}
			want := c.wantHash
			if want == "" {
				want = c.hash
			}
			if im.Algo != c.algo || im.Hash != want || string(im.Options) != c.wantOpts {
				t.Fatalf("NewImported = %q %q %s\nwant           %q %q %s", im.Algo, im.Hash, im.Options, c.algo, want, c.wantOpts)
			}
			ok, rehash, err := h.Verify(context.Background(), im.Algo, im.Hash, im.Options, c.plain)
			if !ok || !rehash || err != nil {
				t.Errorf("Verify(imported) = %v %v %v", ok, rehash, err)
			}
		})
	}
}

func hexMD5(s string) string {
	m := md5.Sum([]byte(s))
	return hex.EncodeToString(m[:])
}

func TestNewImportedRejects(t *testing.T) {
	const (
		bcryptOK = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
		signer   = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
		hash32   = "NYIdHQBXAWC0AZYjVHDwMpaKKtSmCWEttPQFE9zH9AM="
	)
	mod := func(salt, sep, key string) ImportParams {
		return ImportParams{Salt: salt, SaltSeparator: sep, SignerKey: key}
	}
	hex128 := strings.Repeat("ab", 64)
	cases := []struct {
		name, algo, hash string
		in               ImportParams
		param            string
	}{
		{"argon2 not PHC", "argon2", "argon2id", ImportParams{}, "password"},
		{"argon2 too much memory", "argon2", "$argon2id$v=19$m=524288,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo", ImportParams{}, "password"},
		{"argon2 empty", "argon2", "", ImportParams{}, "password"},
		{"bcrypt short", "bcrypt", bcryptOK[:59], ImportParams{}, "password"},
		{"bcrypt $2x$", "bcrypt", "$2x$" + bcryptOK[4:], ImportParams{}, "password"},
		{"bcrypt cost 31", "bcrypt", "$2a$31" + bcryptOK[6:], ImportParams{}, "password"},
		{"bcrypt given phpass", "bcrypt", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0", ImportParams{}, "password"},
		{"md5 short", "md5", "5f4dcc3b5aa765d61d8327deb882cf9", ImportParams{}, "password"},
		{"md5 not hex", "md5", "5f4dcc3b5aa765d61d8327deb882cf9z", ImportParams{}, "password"},
		{"sha wrong length for default", "sha", "a9993e364706816aba3e25717850c26c9cd0d89d", ImportParams{}, "password"},
		{"sha wrong length for version", "sha", "a9993e364706816aba3e25717850c26c9cd0d89d", ImportParams{Version: "sha512"}, "password"},
		{"sha unknown version", "sha", "a9993e364706816aba3e25717850c26c9cd0d89d", ImportParams{Version: "md5"}, "passwordVersion"},
		{"phpass short", "phpass", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L", ImportParams{}, "password"},
		{"phpass bad char", "phpass", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r!L0", ImportParams{}, "password"},
		{"phpass too costly", "phpass", "$P$zIQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0", ImportParams{}, "password"},
		{"phpass bad bcrypt", "phpass", "$2a$99" + bcryptOK[6:], ImportParams{}, "password"},
		{"scrypt empty salt", "scrypt", hex128, ImportParams{}, "passwordSalt"},
		{"scrypt long salt", "scrypt", hex128, ImportParams{Salt: strings.Repeat("s", 129)}, "passwordSalt"},
		{"scrypt N not power of two", "scrypt", hex128, ImportParams{Salt: "s", CPU: 12}, "passwordCpu"},
		{"scrypt N too big", "scrypt", hex128, ImportParams{Salt: "s", CPU: 1 << 21}, "passwordCpu"},
		{"scrypt negative r", "scrypt", hex128, ImportParams{Salt: "s", Memory: -1}, "passwordMemory"},
		{"scrypt memory", "scrypt", hex128, ImportParams{Salt: "s", CPU: 1 << 20, Memory: 8}, "passwordMemory"},
		{"scrypt work", "scrypt", hex128, ImportParams{Salt: "s", CPU: 1 << 14, Memory: 8, Parallel: 64}, "passwordParallel"},
		{"scrypt length", "scrypt", strings.Repeat("ab", 8), ImportParams{Salt: "s", Length: 8}, "passwordLength"},
		{"scrypt length too long", "scrypt", strings.Repeat("ab", 513), ImportParams{Salt: "s", Length: 513}, "passwordLength"},
		{"scrypt hash length", "scrypt", hex128, ImportParams{Salt: "s", Length: 32}, "password"},
		{"scrypt hash not hex", "scrypt", strings.Repeat("zz", 64), ImportParams{Salt: "s"}, "password"},
		{"scryptMod salt", "scryptMod", hash32, mod("", "Bw==", signer), "passwordSalt"},
		{"scryptMod salt not base64", "scryptMod", hash32, mod("c2Fsd!==", "Bw==", signer), "passwordSalt"},
		{"scryptMod separator", "scryptMod", hash32, mod("c2FsdA==", "", signer), "passwordSaltSeparator"},
		{"scryptMod signer missing", "scryptMod", hash32, mod("c2FsdA==", "Bw==", ""), "passwordSignerKey"},
		{"scryptMod signer short", "scryptMod", "AAAA", mod("c2FsdA==", "Bw==", "AAAA"), "passwordSignerKey"},
		{"scryptMod signer too long", "scryptMod", hash32, mod("c2FsdA==", "Bw==", strings.Repeat("A", 132)), "passwordSignerKey"},
		{"scryptMod hash length", "scryptMod", "AAAAAAAAAAAAAAAAAAAAAA==", mod("c2FsdA==", "Bw==", signer), "password"},
		{"scryptMod hash not base64", "scryptMod", "not base64", mod("c2FsdA==", "Bw==", signer), "password"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewImported(c.algo, c.hash, c.in)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.ArgumentInvalid {
				t.Fatalf("NewImported = %v; want general_argument_invalid", err)
			}
			if !strings.Contains(e.Message(), "`"+c.param+"`") {
				t.Errorf("message %q does not name `%s`", e.Message(), c.param)
			}
		})
	}
}

func TestNewImportedUnknownAlgorithm(t *testing.T) {
	for _, algo := range []string{"plaintext", "", "bcrypt2"} {
		_, err := NewImported(algo, "x", ImportParams{})
		if !errors.Is(err, ErrUnsupported) || apperr.Is(err, apperr.ArgumentInvalid) {
			t.Errorf("NewImported(%q) = %v; want ErrUnsupported (a server error)", algo, err)
		}
	}
}
