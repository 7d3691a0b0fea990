package password

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// fuzzLimits keep every verify under a few milliseconds.
var fuzzLimits = limits{
	argon2MemoryKiB: 64,
	argon2Time:      2,
	argon2Threads:   2,
	bcryptCost:      4,
	phpassLog2:      8,
	scryptMemory:    64 << 10,
	scryptWork:      1 << 10,
	material:        1024,
}

func FuzzVerify(f *testing.F) {
	f.Add("argon2", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo", []byte(nil), "pw")
	f.Add("argon2", "$argon2i$v=19$m=8,t=1,p=1$$", []byte(nil), "")
	f.Add("bcrypt", "$2y$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", []byte(`{"type":"bcrypt","cost":4}`), "U*U")
	f.Add("md5", "5f4dcc3b5aa765d61d8327deb882cf99", []byte(`{"type":"md5"}`), "password")
	f.Add("sha", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", []byte(`{"type":"sha","version":"sha256"}`), "abc")
	f.Add("sha", "a9993e364706816aba3e25717850c26c9cd0d89d", []byte(`{"version":"sha1"}`), "abc")
	f.Add("phpass", "$P$612345678si5M0DDyPpmRCmcltU/YW/", []byte(nil), "JohnRipper")
	f.Add("phpass", "$2a$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", []byte(nil), "U*U")
	f.Add("scrypt", strings.Repeat("00", 16), []byte(`{"salt":"s","costCpu":8,"costMemory":14,"costParallel":1,"length":16}`), "pw")
	f.Add("scryptMod", "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==",
		[]byte(`{"salt":"42xEC+ixf3L2lw==","saltSeparator":"Bw==","signerKey":"jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA=="}`), "user1password")
	f.Add("plaintext", "pw", []byte(nil), "pw")
	f.Fuzz(func(t *testing.T, algo, stored string, options []byte, plain string) {
		if algo == ScryptMod {
			// Its costs are fixed (N=2^14): fuzz the parsing only.
			parseScryptMod(stored, options, &fuzzLimits)
			return
		}
		ok, rehash, err := verify(algo, stored, json.RawMessage(options), plain, fast, &fuzzLimits)
		if err != nil && (ok || rehash) {
			t.Fatalf("error %v with ok=%v rehash=%v", err, ok, rehash)
		}
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		if rehash && !ok {
			t.Fatal("rehash without a match")
		}
	})
}

func FuzzNewImported(f *testing.F) {
	f.Add("bcrypt", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", "", "", "", "", 0, 0, 0, 0)
	f.Add("sha", "a9993e364706816aba3e25717850c26c9cd0d89d", "sha1", "", "", "", 0, 0, 0, 0)
	f.Add("scrypt", strings.Repeat("ab", 64), "", "salt", "", "", 8, 14, 1, 64)
	f.Add("scryptMod", "NYIdHQBXAWC0AZYjVHDwMpaKKtSmCWEttPQFE9zH9AM=", "", "Z2F0ZWhvdXNlLXNhbHQtMQ==", "Bw==", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 0, 0, 0, 0)
	f.Add("argon2", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo", "", "", "", "", 0, 0, 0, 0)
	f.Add("phpass", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0", "", "", "", "", 0, 0, 0, 0)
	f.Fuzz(func(t *testing.T, algo, hash, version, salt, sep, signer string, cpu, mem, par, length int) {
		im, err := NewImported(algo, hash, ImportParams{Version: version, Salt: salt, SaltSeparator: sep, SignerKey: signer,
			CPU: cpu, Memory: mem, Parallel: par, Length: length})
		if err != nil {
			return
		}
		if !json.Valid(im.Options) || im.Algo != algo || im.Hash == "" {
			t.Fatalf("accepted import %+v", im)
		}
		// What is accepted must parse at verify time; check the cheap
		// parsers (the expensive work itself is not run here).
		switch algo {
		case Argon2:
			_, err = parseArgon2(im.Hash, &defaultLimits)
		case ScryptMod:
			_, err = parseScryptMod(im.Hash, im.Options, &defaultLimits)
		case Bcrypt:
			_, err = bcryptCost(im.Hash, &defaultLimits)
		case MD5, SHA:
			_, _, err = verify(algo, im.Hash, im.Options, "pw", fast, &defaultLimits)
		}
		if err != nil {
			t.Fatalf("accepted import does not parse: %v", err)
		}
	})
}
