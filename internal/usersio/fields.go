package usersio

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// The checks every format shares: the Users API's rules for what it
// would accept over the wire.

// idFrom returns id when it is a valid Gatehouse id, else a stable id
// derived from it (20 hex digits of its SHA-256), so a re-run finds the
// same user. It is "" when id is.
func idFrom(id string) string {
	if id == "" || validate.UID("id", id) == nil {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])[:20]
}

// checkUser validates the profile fields of in, naming each field as the
// file does (names[0] email, names[1] phone, names[2] name).
func checkUser(in *account.NewUser, names [3]string) error {
	if in.ID == "" {
		return errors.New("the user has no id")
	}
	if in.Email != "" {
		if err := validate.Email(names[0], in.Email); err != nil {
			return err
		}
	}
	if in.Phone != "" {
		if err := validate.Phone(names[1], in.Phone); err != nil {
			return err
		}
	}
	return validate.Text(names[2], in.Name, 0, 128)
}

// checkLabels applies PUT /users/{id}/labels's rules and drops duplicates.
func checkLabels(labels []string) ([]string, error) {
	if len(labels) > 1000 {
		return nil, apperr.Invalid("labels", "Value must be an array of at most 1000 labels")
	}
	seen := map[string]bool{}
	out := []string{}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 36 || !alnum(l) {
			return nil, apperr.Invalid("labels", "Each label must be 1 to 36 alphanumeric characters")
		}
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out, nil
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
			return false
		}
	}
	return true
}

// prefsFrom returns raw as prefs: nil (the default, {}) for an absent,
// null or empty value, raw for an object. CreateUser checks the size.
func prefsFrom(field string, raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	switch string(raw) {
	case "", "null", "[]", "{}": // [] is how PHP writes an empty map
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, apperr.Invalid(field, "Value must be a JSON object")
	}
	return raw, nil
}

// isEmptyJSON reports whether raw is absent, null, an empty string or an
// empty object or array.
func isEmptyJSON(raw json.RawMessage) bool {
	switch string(bytes.TrimSpace(raw)) {
	case "", "null", "{}", "[]", `""`:
		return true
	}
	return false
}

// parseTime reads an RFC 3339 time (Appwrite's and Auth0's format); ""
// is the zero time.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, apperr.Invalid(field, "Value must be an RFC 3339 date and time")
	}
	return t.UTC(), nil
}

// setHash validates an imported hash and puts it on in. names maps the
// Users API's parameter names in password.NewImported's messages to the
// file's field names.
func setHash(in *account.NewUser, algo, hash string, p password.ImportParams, names map[string]string) error {
	im, err := password.NewImported(algo, hash, p)
	if errors.Is(err, password.ErrUnsupported) {
		return fmt.Errorf("unknown password hash algorithm %q: Gatehouse imports argon2, bcrypt, md5, sha, phpass, scrypt and scryptMod", algo)
	}
	var e *apperr.Error
	if errors.As(err, &e) {
		msg := e.Message()
		for from, to := range names {
			msg = strings.ReplaceAll(msg, "`"+from+"`", "`"+to+"`")
		}
		return apperr.Newf(e.Kind, "%s hash: %s", algo, msg)
	}
	if err != nil {
		return err
	}
	in.Hash, in.HashValue, in.HashOptions = im.Algo, im.Hash, im.Options
	return nil
}
