package usersio

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/password"
)

// FirebaseHash is a Firebase project's password hash parameters, shown in
// the console under Authentication, Users, "Password hash parameters".
type FirebaseHash struct {
	SignerKey     string // base64_signer_key
	SaltSeparator string // base64_salt_separator
	Rounds        int    // rounds
	MemCost       int    // mem_cost
}

// Firebase's modified scrypt as Gatehouse verifies it: N = 2^MemCost,
// r = Rounds, p = 1. These are the values every Firebase project shows.
const (
	FirebaseRounds  = 8
	FirebaseMemCost = 14
)

// Check reports parameters Gatehouse cannot verify passwords with. A
// zero SignerKey is allowed: a file without password hashes needs none.
func (h FirebaseHash) Check() error {
	if h.Rounds != FirebaseRounds || h.MemCost != FirebaseMemCost {
		return fmt.Errorf("rounds %d and mem_cost %d: Gatehouse verifies Firebase's scrypt with rounds %d and mem_cost %d only, the values every Firebase project shows",
			h.Rounds, h.MemCost, FirebaseRounds, FirebaseMemCost)
	}
	if h.SignerKey == "" {
		if h.SaltSeparator != "" {
			return errors.New("the salt separator was given without the signer key (base64_signer_key)")
		}
		return nil
	}
	if b, err := decodeBase64(h.SignerKey); err != nil || len(b) < 16 {
		return errors.New("the signer key (base64_signer_key) must be base64 of at least 16 bytes")
	}
	if b, err := decodeBase64(h.SaltSeparator); err != nil || len(b) == 0 {
		return errors.New("the salt separator (base64_salt_separator, usually Bw==) must be base64 and not empty")
	}
	return nil
}

// decodeBase64 reads standard or URL-safe base64, padded or not.
func decodeBase64(s string) ([]byte, error) {
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(stdBase64(s), "="))
}

// stdBase64 rewrites URL-safe base64 to standard base64, which the
// password package reads.
func stdBase64(s string) string {
	return strings.NewReplacer("-", "+", "_", "/").Replace(s)
}

// firebaseUser is one element of the users array that
// `firebase auth:export --format=json` writes.
type firebaseUser struct {
	LocalID          string          `json:"localId"`
	Email            string          `json:"email"`
	EmailVerified    bool            `json:"emailVerified"`
	PasswordHash     string          `json:"passwordHash"`
	Salt             string          `json:"salt"`
	DisplayName      string          `json:"displayName"`
	PhoneNumber      string          `json:"phoneNumber"`
	Disabled         bool            `json:"disabled"`
	CreatedAt        json.RawMessage `json:"createdAt"` // milliseconds, as a string
	CustomAttributes string          `json:"customAttributes"`
	ProviderUserInfo []struct {
		ProviderID string `json:"providerId"`
	} `json:"providerUserInfo"`
}

// firebaseNative are the providers whose users Gatehouse keeps without an
// identity: the password and the phone number.
var firebaseNative = map[string]bool{"password": true, "phone": true}

// firebaseSource walks {"users": [...]} with the decoder's tokens, so only
// one user is in memory at a time.
type firebaseSource struct {
	dec   *json.Decoder
	hash  FirebaseHash
	i     int // index of the next user
	state int // 0 before the users array, 1 in it, 2 after it
}

func newFirebaseSource(r io.Reader, h FirebaseHash) *firebaseSource {
	h.SignerKey, h.SaltSeparator = stdBase64(h.SignerKey), stdBase64(h.SaltSeparator)
	return &firebaseSource{dec: json.NewDecoder(r), hash: h}
}

func (s *firebaseSource) Next() (Row, error) {
	if s.state == 0 {
		if err := s.open(); err != nil {
			return Row{}, err
		}
	}
	if s.state == 2 || !s.dec.More() {
		s.state = 2
		return Row{}, io.EOF
	}
	pos := fmt.Sprintf("users[%d]", s.i)
	s.i++
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		return Row{}, fmt.Errorf("%s: the file is not valid JSON from here on: %w", pos, err)
	}
	row := Row{Pos: pos}
	var u firebaseUser
	if err := json.Unmarshal(raw, &u); err != nil {
		row.Err = invalidJSON(err)
		return row, nil
	}
	if u.PasswordHash != "" && s.hash.SignerKey == "" {
		return row, fmt.Errorf("%s has a password hash: pass the project's password hash parameters (--hash-key and --salt-separator)", pos)
	}
	row.Err = s.row(&u, &row)
	return row, nil
}

// open reads up to the first user, skipping other top-level fields.
func (s *firebaseSource) open() error {
	const want = `the file must be {"users": [...]}, as firebase auth:export --format=json writes it`
	if t, err := s.dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("%s: %v", want, tokenErr(err))
	}
	for s.dec.More() {
		t, err := s.dec.Token()
		if err != nil {
			return fmt.Errorf("%s: %w", want, err)
		}
		if t == "users" {
			if t, err := s.dec.Token(); err != nil || t != json.Delim('[') {
				return fmt.Errorf(`%s: "users" is not an array`, want)
			}
			s.state = 1
			return nil
		}
		if err := skipValue(s.dec); err != nil {
			return fmt.Errorf("%s: %w", want, err)
		}
	}
	s.state = 2 // no users
	return nil
}

func tokenErr(err error) error {
	if err == nil {
		return errors.New("it does not start with {")
	}
	return err
}

// skipValue reads past one value without keeping it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// firebaseNames renames the import routes' parameters in error messages.
var firebaseNames = map[string]string{"password": "passwordHash", "passwordSalt": "salt",
	"passwordSaltSeparator": "--salt-separator", "passwordSignerKey": "--hash-key"}

// row maps one user. Carried over: localId (or an id derived from it),
// email and emailVerified, displayName, phoneNumber, disabled, createdAt
// and the scrypt password hash with its salt. Not carried over:
// customAttributes (custom claims) and identities of other providers,
// which are counted.
func (s *firebaseSource) row(u *firebaseUser, row *Row) error {
	in := &row.User
	if u.LocalID == "" {
		return apperr.Missing("localId")
	}
	in.ID, in.Email, in.Phone, in.Name = idFrom(u.LocalID), u.Email, u.PhoneNumber, u.DisplayName
	if err := checkUser(in, [3]string{"email", "phoneNumber", "displayName"}); err != nil {
		return err
	}
	in.EmailVerification, in.Blocked = u.EmailVerified, u.Disabled
	if ms := strings.Trim(string(u.CreatedAt), `"`); ms != "" && ms != "null" {
		n, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			return apperr.Invalid("createdAt", "Value must be milliseconds since 1970")
		}
		in.Registration = time.UnixMilli(n).UTC()
	}
	for _, p := range u.ProviderUserInfo {
		if !firebaseNative[p.ProviderID] {
			row.Identities++
		}
	}
	row.AdminMetadata = !isEmptyJSON(json.RawMessage(u.CustomAttributes))
	if u.PasswordHash == "" {
		return nil
	}
	p := password.ImportParams{Salt: stdBase64(u.Salt), SaltSeparator: s.hash.SaltSeparator, SignerKey: s.hash.SignerKey}
	return setHash(in, password.ScryptMod, stdBase64(u.PasswordHash), p, firebaseNames)
}
