package apitest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/scrypt"
)

// TestImportedHashes creates a user for every hash kind the server SDKs
// import, signs each in with the password behind the hash, and checks the
// hash was upgraded to argon2id on the way.
func TestImportedHashes(t *testing.T) {
	const pw = "hunter2 hunter2"
	bc, _ := bcrypt.GenerateFromPassword([]byte(pw), 4)
	m := md5.Sum([]byte(pw))
	s1 := sha1.Sum([]byte(pw))
	s256 := sha256.Sum256([]byte(pw))
	sk, _ := scrypt.Key([]byte(pw), []byte("pepper"), 16, 8, 1, 32)

	// Firebase's scrypt: AES-256-CTR of the signer key under a key derived
	// from the password and salt.
	salt, sep, signer := []byte("salty-salt"), []byte{0x42}, []byte("signer key of the project")
	fk, _ := scrypt.Key([]byte(pw), append(append([]byte{}, salt...), sep...), 1<<14, 8, 1, 32)
	block, _ := aes.NewCipher(fk)
	fout := make([]byte, len(signer))
	cipher.NewCTR(block, make([]byte, aes.BlockSize)).XORKeyStream(fout, signer)
	b64 := base64.StdEncoding.EncodeToString

	cases := []struct {
		name, path string
		body       map[string]any
	}{
		{"bcrypt", "bcrypt", map[string]any{"password": string(bc)}},
		{"md5", "md5", map[string]any{"password": hex.EncodeToString(m[:])}},
		{"sha1", "sha", map[string]any{"password": hex.EncodeToString(s1[:]), "passwordVersion": "sha1"}},
		{"sha256 default", "sha", map[string]any{"password": hex.EncodeToString(s256[:])}},
		{"phpass", "phpass", map[string]any{"password": "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"}}, // phpass's own test vector, password test12345
		{"scrypt", "scrypt", map[string]any{"password": hex.EncodeToString(sk), "passwordSalt": "pepper", "passwordCpu": 16,
			"passwordMemory": 8, "passwordParallel": 1, "passwordLength": 32}},
		{"scrypt-modified", "scrypt-modified", map[string]any{"password": b64(fout), "passwordSalt": b64(salt),
			"passwordSaltSeparator": b64(sep), "passwordSignerKey": b64(signer)}},
	}
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				mail := email()
				body := map[string]any{"userId": "unique()", "email": mail, "name": tc.name}
				for key, v := range tc.body {
					body[key] = v
				}
				r := k.do("POST", "/users/"+tc.path, body)
				expect(t, r, 201, "")
				id := r.str(t, "$id")
				if r.str(t, "hash") == "argon2" || r.obj(t)["hashOptions"] == nil {
					t.Fatalf("imported user %s", r.body)
				}
				plain := pw
				if tc.name == "phpass" {
					plain = "test12345"
				}
				expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "not it at all"}), 401, "user_invalid_credentials")
				s.client(t, c.project).signIn(mail, plain)
				after := k.do("GET", "/users/"+id, nil)
				if after.str(t, "hash") != "argon2" || after.str(t, "password")[:9] != "$argon2id" {
					t.Fatalf("hash not upgraded: %s", after.body)
				}
				s.client(t, c.project).signIn(mail, plain) // and the new hash works
			})
		}
		expect(t, k.do("POST", "/users/bcrypt", map[string]any{"userId": "unique()", "email": email(), "password": "not a hash"}), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/users/md5", map[string]any{"userId": "unique()", "email": email(), "password": "abc"}), 400, "general_argument_invalid")
		expect(t, k.do("POST", "/users/md5", map[string]any{"userId": "unique()", "password": hex.EncodeToString(m[:])}), 400, "general_argument_invalid")
	})
}
