package usersio

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

// auth0File is a bulk user export with a password hash export's line
// mixed in, good rows and bad; it returns the data and the bad rows.
func auth0File(t *testing.T) (string, []string) {
	sum := sha256.Sum256([]byte("sue password"))
	bc := "$2b$" + strings.TrimPrefix(bcryptOf(t, "ann password"), "$2a$") // Auth0 writes $2b$
	var b strings.Builder
	b.WriteString(jsonLine(t, map[string]any{"user_id": "auth0|5f7c8ec7c33c6c004bbafe82", "email": "ann@example.com", "email_verified": true,
		"given_name": "Ann", "family_name": "Lee", "nickname": "ann", "created_at": "2020-03-04T05:06:07.890Z",
		"user_metadata": map[string]any{"lang": "fr"}, "app_metadata": map[string]any{"roles": []string{"admin"}},
		"identities": []map[string]any{{"provider": "auth0", "user_id": "5f7c8ec7c33c6c004bbafe82", "connection": "Username-Password-Authentication", "isSocial": false},
			{"provider": "google-oauth2", "user_id": "1093", "connection": "google-oauth2", "isSocial": true}},
		"passwordHash": bc})) // line 1
	b.WriteString(jsonLine(t, map[string]any{"user_id": "google-oauth2|109312345678901234567", "email": "gus@example.com", "name": "Gus",
		"blocked": true, "phone_number": "+15555550111", "phone_verified": true,
		"identities": []map[string]any{{"provider": "google-oauth2", "user_id": 1093, "isSocial": true}}})) // line 2
	b.WriteString(jsonLine(t, map[string]any{"user_id": "samlp|corp|jane@corp.example", "email": "jane@corp.example",
		"identities": []map[string]any{{"provider": "samlp", "connection": "corp"}}})) // line 3: derived id
	b.WriteString(jsonLine(t, map[string]any{"email": "noid@example.com"}))                                         // line 4
	b.WriteString(jsonLine(t, map[string]any{"user_id": "auth0|badphone", "phone_number": "12345"}))                // line 5
	b.WriteString(jsonLine(t, map[string]any{"user_id": "auth0|sue", "email": "sue@example.com", "nickname": "sue", // line 6
		"custom_password_hash": map[string]any{"algorithm": "sha256", "hash": map[string]any{"value": hex.EncodeToString(sum[:]), "encoding": "hex"}}}))
	b.WriteString(jsonLine(t, map[string]any{"user_id": "auth0|pat", "email": "pat@example.com", // line 7
		"custom_password_hash": map[string]any{"algorithm": "pbkdf2", "hash": map[string]any{"value": "$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA"}}}))
	b.WriteString(jsonLine(t, map[string]any{"_id": map[string]any{"$oid": "60aa11bb22cc33dd44ee55ff"}, "email": "moe@example.com", // line 8
		"email_verified": false, "passwordHash": bcryptOf(t, "moe password"), "password_set_date": map[string]any{"$date": "2021-01-01T00:00:00.000Z"},
		"connection": "Username-Password-Authentication", "_tmp_is_unique": true}))
	b.WriteString(jsonLine(t, map[string]any{"user_id": "auth0|dup", "email": "ANN@example.com"}))                         // line 9
	b.WriteString(jsonLine(t, map[string]any{"user_id": "auth0|badhash", "email": "bh@example.com", "passwordHash": "x"})) // line 10
	b.WriteString(jsonLine(t, map[string]any{"user_id": "auth0|badmeta", "user_metadata": "a string"}))                    // line 11
	return b.String(), []string{"line 4", "line 5", "line 7", "line 9", "line 10", "line 11"}
}

func TestImportAuth0(t *testing.T) {
	data, bad := auth0File(t)
	eachEngine(t, func(t *testing.T, e *env) {
		p := e.project(t, "p")
		r := e.importData(t, p, "auth0", data, Options{}, true)
		wantStats(t, r, 5, 0, len(bad))
		wantErrorsAt(t, r, bad...)
		if r.stats.Identities != 3 || r.stats.AdminMetadata != 1 {
			t.Errorf("identities %d, admin metadata %d; want 3 and 1", r.stats.Identities, r.stats.AdminMetadata)
		}
		if n := len(r.stats.Notes()); n != 2 || !strings.Contains(r.stats.Notes()[0], "3 social identities not imported (identities arrive with OAuth support)") {
			t.Errorf("notes = %q", r.stats.Notes())
		}
		var warnings []string
		for _, pr := range r.problems {
			if pr.Warning {
				warnings = append(warnings, pr.String())
			}
		}
		if len(warnings) != 4 || !strings.HasPrefix(warnings[0], "warning: line 1: user 5f7c8ec7c33c6c004bbafe82: 1 social identities") {
			t.Errorf("verbose warnings = %q", warnings)
		}
		for pos, want := range map[string]string{"line 4": `"user_id"`, "line 5": "`phone_number`", "line 7": `"pbkdf2" cannot be imported`,
			"line 9": "already belongs to user 5f7c8ec7c33c6c004bbafe82", "line 10": "`passwordHash`", "line 11": "`user_metadata`"} {
			if got := r.problemAt(pos); !strings.Contains(got, want) {
				t.Errorf("problem at %s = %q; want %q", pos, got, want)
			}
		}

		ann := e.user(t, p, "5f7c8ec7c33c6c004bbafe82")
		if ann.Name != "Ann Lee" || !ann.EmailVerification || string(ann.Prefs) != `{"lang":"fr"}` ||
			!ann.Registration.Equal(time.Date(2020, 3, 4, 5, 6, 7, 890e6, time.UTC)) {
			t.Errorf("ann = %+v", ann)
		}
		gus := e.user(t, p, "109312345678901234567")
		if gus.Status || gus.Phone != "+15555550111" || !gus.PhoneVerification || gus.PasswordHash != "" {
			t.Errorf("gus = %+v", gus)
		}
		jane := e.user(t, p, idFrom("samlp|corp|jane@corp.example"))
		if len(jane.ID) != 20 || jane.Email != "jane@corp.example" {
			t.Errorf("jane = %+v", jane)
		}
		e.user(t, p, "60aa11bb22cc33dd44ee55ff")

		for email, pw := range map[string]string{"ann@example.com": "ann password", "sue@example.com": "sue password", "moe@example.com": "moe password"} {
			if err := e.signIn(p, email, pw); err != nil {
				t.Errorf("sign in %s: %v", email, err)
			}
		}
		if err := e.signIn(p, "ann@example.com", "not it"); !apperr.Is(err, apperr.UserInvalidCredentials) {
			t.Errorf("wrong password: %v", err)
		}

		again := e.importData(t, p, "auth0", data, Options{}, false)
		wantStats(t, again, 0, 5, len(bad))
		if again.stats.Identities != 0 {
			t.Errorf("skipped users counted %d identities", again.stats.Identities)
		}
	})
}

// firebaseFile is firebase auth:export's JSON, one object holding the
// users array, with an extra top-level field to skip; it returns the data
// and the bad rows.
func firebaseFile(t *testing.T) (string, []string) {
	salt := []byte("per-user salt")
	users := []map[string]any{
		{"localId": "Lr8KxqBwTzYd2fN1sJp4hV7mQ0c3", "email": "fay@example.com", "emailVerified": true, "displayName": "Fay",
			"passwordHash": firebaseOf(t, "fay password", salt), "salt": b64(salt), "createdAt": "1486581015000", "lastSignedInAt": "1486581115000",
			"customAttributes": `{"admin":true}`,
			"providerUserInfo": []map[string]any{{"providerId": "password", "email": "fay@example.com"}, {"providerId": "google.com", "rawId": "123"}}}, // 0
		{"email": "noid@example.com"}, // 1
		{"localId": "phoneUser1", "phoneNumber": "+15555550122", "disabled": true, "createdAt": 1486581015000,
			"providerUserInfo": []map[string]any{{"providerId": "phone"}}}, // 2
		{"localId": "badEmail", "email": "nope"},            // 3
		{"localId": "badType", "emailVerified": "yes"},      // 4
		{"localId": "dupEmail", "email": "FAY@example.com"}, // 5
		{"localId": "urlSafe", "email": "url@example.com", "passwordHash": urlSafe(firebaseOf(t, "url password", []byte{0xfb, 0xff})),
			"salt": urlSafe(b64([]byte{0xfb, 0xff}))}, // 6
		{"localId": "noSalt", "email": "nosalt@example.com", "passwordHash": firebaseOf(t, "x", salt)}, // 7
	}
	b, err := json.MarshalIndent(map[string]any{"kind": map[string]any{"nested": []any{1, []any{2}}}, "users": users}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b), []string{"users[1]", "users[3]", "users[4]", "users[5]", "users[7]"}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func urlSafe(s string) string { return strings.NewReplacer("+", "-", "/", "_").Replace(s) }

func TestImportFirebase(t *testing.T) {
	data, bad := firebaseFile(t)
	eachEngine(t, func(t *testing.T, e *env) {
		p := e.project(t, "p")
		r := e.importData(t, p, "firebase", data, Options{Firebase: fbHash}, false)
		wantStats(t, r, 3, 0, len(bad))
		wantErrorsAt(t, r, bad...)
		if r.stats.Identities != 1 || r.stats.AdminMetadata != 1 {
			t.Errorf("identities %d, admin metadata %d; want 1 and 1", r.stats.Identities, r.stats.AdminMetadata)
		}
		for pos, want := range map[string]string{"users[1]": `"localId"`, "users[3]": "`email`", "users[4]": "`emailVerified`",
			"users[5]": "already belongs to user Lr8KxqBwTzYd2fN1sJp4hV7mQ0c3", "users[7]": "`salt`"} {
			if got := r.problemAt(pos); !strings.Contains(got, want) {
				t.Errorf("problem at %s = %q; want %q", pos, got, want)
			}
		}
		fay := e.user(t, p, "Lr8KxqBwTzYd2fN1sJp4hV7mQ0c3")
		if fay.Name != "Fay" || !fay.EmailVerification || fay.Hash != "scryptMod" || string(fay.Prefs) != "{}" ||
			!fay.Registration.Equal(time.UnixMilli(1486581015000)) {
			t.Errorf("fay = %+v", fay)
		}
		phone := e.user(t, p, "phoneUser1")
		if phone.Status || phone.Phone != "+15555550122" || !phone.Registration.Equal(time.UnixMilli(1486581015000)) {
			t.Errorf("phone user = %+v", phone)
		}
		for email, pw := range map[string]string{"fay@example.com": "fay password", "url@example.com": "url password"} {
			if err := e.signIn(p, email, pw); err != nil {
				t.Errorf("sign in %s: %v", email, err)
			}
		}
		wantStats(t, e.importData(t, p, "firebase", data, Options{Firebase: fbHash}, false), 0, 3, len(bad))
	})
}

func TestFirebaseFileErrors(t *testing.T) {
	read := func(data string, h FirebaseHash) (rows int, err error) {
		src, err := NewSource("firebase", strings.NewReader(data), Options{Firebase: h})
		if err != nil {
			return 0, err
		}
		for {
			if _, err := src.Next(); err != nil {
				if errors.Is(err, io.EOF) {
					return rows, nil
				}
				return rows, err
			}
			rows++
		}
	}
	noKey := FirebaseHash{Rounds: 8, MemCost: 14}
	cases := []struct {
		name, data string
		h          FirebaseHash
		rows       int
		err        string
	}{
		{"empty users", `{"users": []}`, noKey, 0, ""},
		{"no users", `{"other": 1}`, noKey, 0, ""},
		{"no hashes need no key", `{"users": [{"localId": "a"}, {"localId": "b"}]}`, noKey, 2, ""},
		{"a hash needs the key", `{"users": [{"localId": "a"}, {"localId": "b", "passwordHash": "AAAA", "salt": "AA=="}]}`, noKey, 1, "users[1] has a password hash: pass"},
		{"not an object", `[{"localId": "a"}]`, noKey, 0, `must be {"users": [...]}`},
		{"users not an array", `{"users": {}}`, noKey, 0, `"users" is not an array`},
		{"broken JSON stops", `{"users": [{"localId": "a"}, {"localId": ]}`, noKey, 1, "users[1]: the file is not valid JSON from here on"},
		{"rounds", `{"users": []}`, FirebaseHash{SignerKey: fbHash.SignerKey, SaltSeparator: "Bw==", Rounds: 9, MemCost: 14}, 0, "rounds 9 and mem_cost 14"},
		{"mem_cost", `{"users": []}`, FirebaseHash{Rounds: 8, MemCost: 15}, 0, "Gatehouse verifies Firebase's scrypt with rounds 8 and mem_cost 14 only"},
		{"short key", `{"users": []}`, FirebaseHash{SignerKey: "AAAA", SaltSeparator: "Bw==", Rounds: 8, MemCost: 14}, 0, "at least 16 bytes"},
		{"no separator", `{"users": []}`, FirebaseHash{SignerKey: fbHash.SignerKey, Rounds: 8, MemCost: 14}, 0, "salt separator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := read(c.data, c.h)
			if rows != c.rows || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
				t.Errorf("read = %d rows, %v; want %d, %q", rows, err, c.rows, c.err)
			}
		})
	}
}

func TestGzipAndUnknownFormat(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(`{"user_id": "auth0|a1", "email": "a1@example.com"}` + "\n"))
	zw.Close()
	src, err := NewSource("auth0", &z, Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := src.Next()
	if err != nil || row.Err != nil || row.User.ID != "a1" || row.User.Email != "a1@example.com" {
		t.Fatalf("gzip row = %+v, %v", row, err)
	}
	if _, err := src.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last row: %v", err)
	}
	if _, err := NewSource("okta", strings.NewReader(""), Options{}); err == nil || !strings.Contains(err.Error(), "appwrite, auth0, firebase") {
		t.Errorf("unknown format: %v", err)
	}
}

func TestIDFrom(t *testing.T) {
	for in, want := range map[string]string{"abc": "abc", "a.b-c_d": "a.b-c_d", "": "", strings.Repeat("a", 36): strings.Repeat("a", 36)} {
		if got := idFrom(in); got != want {
			t.Errorf("idFrom(%q) = %q", in, got)
		}
	}
	for _, in := range []string{"_abc", "a|b", strings.Repeat("a", 37), "jane@corp.example"} {
		got := idFrom(in)
		if len(got) != 20 || got != idFrom(in) || got == in {
			t.Errorf("idFrom(%q) = %q; want a stable 20-digit id", in, got)
		}
	}
}
