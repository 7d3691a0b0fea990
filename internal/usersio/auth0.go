package usersio

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/password"
)

// auth0User is one line of an Auth0 bulk user export (a user export job
// with these fields), or of the password hash export Auth0's support
// sends, which names the user by _id.$oid.
type auth0User struct {
	UserID        string          `json:"user_id"`
	OID           json.RawMessage `json:"_id"`
	Email         string          `json:"email"`
	EmailVerified bool            `json:"email_verified"`
	Name          string          `json:"name"`
	GivenName     string          `json:"given_name"`
	FamilyName    string          `json:"family_name"`
	Nickname      string          `json:"nickname"`
	PhoneNumber   string          `json:"phone_number"`
	PhoneVerified bool            `json:"phone_verified"`
	Blocked       bool            `json:"blocked"`
	CreatedAt     json.RawMessage `json:"created_at"`
	UserMetadata  json.RawMessage `json:"user_metadata"`
	AppMetadata   json.RawMessage `json:"app_metadata"`
	Identities    []struct {
		Provider string `json:"provider"`
	} `json:"identities"`
	PasswordHash       string           `json:"passwordHash"`
	CustomPasswordHash *auth0CustomHash `json:"custom_password_hash"`
}

// auth0CustomHash is the custom_password_hash object of Auth0's user
// import format.
type auth0CustomHash struct {
	Algorithm string `json:"algorithm"`
	Hash      struct {
		Value    string `json:"value"`
		Encoding string `json:"encoding"`
	} `json:"hash"`
	Salt json.RawMessage `json:"salt"`
}

// auth0Native are the identity providers whose users Gatehouse keeps
// without an identity: Auth0's own database and its passwordless email
// and SMS, which become the user's email and phone.
var auth0Native = map[string]bool{"auth0": true, "email": true, "sms": true}

type auth0Source struct {
	lines *lines
}

func (s *auth0Source) Next() (Row, error) {
	line, pos, rowErr, err := s.lines.next()
	if err != nil {
		return Row{}, err
	}
	row := Row{Pos: pos, Err: rowErr}
	if rowErr == nil {
		row.Err = auth0Row(line, &row)
	}
	return row, nil
}

// auth0Row maps one line onto row. Carried over: the id (the part of
// user_id after "|" when it is a valid id, else one derived from
// user_id), email and email_verified, name (or given and family name, or
// nickname), phone_number and phone_verified, blocked, created_at,
// user_metadata as prefs, and a bcrypt passwordHash or a
// custom_password_hash Gatehouse verifies. Not carried over: app_metadata
// and identities other than the database one, which are counted.
func auth0Row(line []byte, row *Row) error {
	var u auth0User
	if err := json.Unmarshal(line, &u); err != nil {
		return invalidJSON(err)
	}
	in := &row.User
	if u.UserID == "" {
		u.UserID = oid(u.OID)
	}
	if u.UserID == "" {
		return apperr.Missing("user_id")
	}
	_, after, found := strings.Cut(u.UserID, "|")
	if !found {
		after = u.UserID
	}
	if in.ID = idFrom(after); in.ID != after {
		in.ID = idFrom(u.UserID)
	}
	in.Email, in.Phone, in.Name = u.Email, u.PhoneNumber, u.Name
	if in.Name == "" {
		in.Name = strings.TrimSpace(u.GivenName + " " + u.FamilyName)
	}
	if in.Name == "" {
		in.Name = u.Nickname
	}
	if err := checkUser(in, [3]string{"email", "phone_number", "name"}); err != nil {
		return err
	}
	in.EmailVerification, in.PhoneVerification, in.Blocked = u.EmailVerified, u.PhoneVerified, u.Blocked
	var err error
	if in.Prefs, err = prefsFrom("user_metadata", u.UserMetadata); err != nil {
		return err
	}
	if in.Registration, err = parseTime("created_at", stringOrDate(u.CreatedAt)); err != nil {
		return err
	}
	for _, id := range u.Identities {
		if !auth0Native[id.Provider] {
			row.Identities++
		}
	}
	row.AdminMetadata = !isEmptyJSON(u.AppMetadata)
	switch {
	case u.PasswordHash != "":
		return setHash(in, password.Bcrypt, u.PasswordHash, password.ImportParams{}, map[string]string{"password": "passwordHash"})
	case u.CustomPasswordHash != nil:
		return auth0Custom(in, u.CustomPasswordHash)
	}
	return nil
}

// auth0Custom maps the custom_password_hash algorithms Gatehouse verifies:
// bcrypt, argon2, and unsalted md5, sha1, sha256 and sha512.
func auth0Custom(in *account.NewUser, c *auth0CustomHash) error {
	names := map[string]string{"password": "custom_password_hash.hash.value"}
	v := c.Hash.Value
	switch c.Algorithm {
	case "bcrypt":
		return setHash(in, password.Bcrypt, v, password.ImportParams{}, names)
	case "argon2":
		return setHash(in, password.Argon2, v, password.ImportParams{}, names)
	case "md5", "sha1", "sha256", "sha512":
	default:
		return fmt.Errorf("custom_password_hash algorithm %q cannot be imported: Gatehouse verifies bcrypt, argon2, and unsalted md5, sha1, sha256 and sha512", c.Algorithm)
	}
	if !isEmptyJSON(c.Salt) {
		return fmt.Errorf("custom_password_hash: a salted %s hash cannot be imported: Gatehouse verifies unsalted digests only", c.Algorithm)
	}
	switch c.Hash.Encoding {
	case "hex", "":
	case "base64":
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return apperr.Invalid("custom_password_hash.hash.value", "Value must be base64, as its encoding says")
		}
		v = hex.EncodeToString(b)
	default:
		return apperr.Invalid("custom_password_hash.hash.encoding", "Value must be hex or base64 for a digest")
	}
	if c.Algorithm == "md5" {
		return setHash(in, password.MD5, v, password.ImportParams{}, names)
	}
	return setHash(in, password.SHA, v, password.ImportParams{Version: c.Algorithm}, names)
}

// oid reads MongoDB's {"$oid": "..."} (or a plain string) from the hash
// export's _id.
func oid(raw json.RawMessage) string {
	var o struct {
		OID string `json:"$oid"`
	}
	if json.Unmarshal(raw, &o) == nil && o.OID != "" {
		return "auth0|" + o.OID
	}
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" {
		return "auth0|" + s
	}
	return ""
}

// stringOrDate reads a date as a string or MongoDB's {"$date": "..."}.
func stringOrDate(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var d struct {
		Date string `json:"$date"`
	}
	if json.Unmarshal(raw, &d) == nil && d.Date != "" {
		return d.Date
	}
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return string(raw) // fails parseTime with the field's name
}
