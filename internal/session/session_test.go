package session

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestEncodeDecode(t *testing.T) {
	s := Encode("u1", "abc")
	if s != base64.StdEncoding.EncodeToString([]byte(`{"id":"u1","secret":"abc"}`)) {
		t.Fatalf("Encode = %q", s)
	}
	c, ok := Decode(s)
	if !ok || c.ID != "u1" || c.Secret != "abc" {
		t.Fatalf("Decode = %+v %v", c, ok)
	}
	for _, bad := range []string{"", "!!!", base64.StdEncoding.EncodeToString([]byte(`{"id":"u1"}`)), base64.StdEncoding.EncodeToString([]byte(`[]`))} {
		if _, ok := Decode(bad); ok {
			t.Errorf("Decode(%q) accepted", bad)
		}
	}
}

func TestJWT(t *testing.T) {
	now := time.Unix(1_700_000_000, 123_456_789)
	j := NewJWTs([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
	tok, err := j.Sign("p1", "u1", "s1", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c, err := j.Verify(tok, "p1")
	if err != nil || c.UserID != "u1" || c.SessionID != "s1" || c.ProjectID != "p1" {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
	// The issue time survives to the microsecond (not rounded, not to the
	// nanosecond).
	if want := now.Truncate(time.Microsecond); !c.IssuedAt.Equal(want) {
		t.Fatalf("iat %v, want %v", c.IssuedAt, want)
	}
	// The wire form stays Appwrite's, plus projectId and iat.
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if want := `{"userId":"u1","sessionId":"s1","projectId":"p1","iat":1700000000.123456,"exp":1700000900}`; string(payload) != want {
		t.Fatalf("payload %s, want %s", payload, want)
	}
	if _, err := j.Verify(tok, "p2"); err == nil {
		t.Fatal("token of p1 accepted in p2")
	}
	if _, err := j.Verify(tok, ""); err == nil {
		t.Fatal("token accepted without a project")
	}
	now = now.Add(16 * time.Minute)
	if _, err := j.Verify(tok, "p1"); err == nil {
		t.Fatal("expired token accepted")
	}
	other := NewJWTs([]byte("another key another key another k"), func() time.Time { return now.Add(-16 * time.Minute) })
	if _, err := other.Verify(tok, "p1"); err == nil {
		t.Fatal("token with another key accepted")
	}
}

// TestJWTNeedsProjectAndIat: a token signed with the right key but without
// Gatehouse's claims (as Appwrite or an older Gatehouse wrote them) is
// refused, as are malformed issue times.
func TestJWTNeedsProjectAndIat(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Unix(1_700_000_000, 0)
	j := NewJWTs(key, func() time.Time { return now })
	for _, claims := range []string{
		`{"userId":"u1","sessionId":"","exp":1700000900}`,
		`{"userId":"u1","sessionId":"","projectId":"p1","exp":1700000900}`,
		`{"userId":"u1","sessionId":"","iat":1700000000,"exp":1700000900}`,
		`{"userId":"u1","sessionId":"","projectId":"p1","iat":null,"exp":1700000900}`,
		`{"userId":"u1","sessionId":"","projectId":"p1","iat":"1700000000","exp":1700000900}`,
		`{"userId":"u1","sessionId":"","projectId":"p1","iat":1.7e9,"exp":1700000900}`,
		`{"userId":"u1","sessionId":"","projectId":"p1","iat":-1,"exp":1700000900}`,
		`{"userId":"u1","sessionId":"","projectId":"p1","iat":1700000000.1234567,"exp":1700000900}`,
	} {
		if _, err := j.Verify(signRaw(t, key, claims), "p1"); err == nil {
			t.Errorf("accepted %s", claims)
		}
	}
	ok := signRaw(t, key, `{"userId":"u1","sessionId":"","projectId":"p1","iat":1700000000,"exp":1700000900}`)
	if c, err := j.Verify(ok, "p1"); err != nil || !c.IssuedAt.Equal(now) {
		t.Fatalf("whole-second iat: %+v, %v", c, err)
	}
}

// signRaw signs a payload as it is, HS256.
func signRaw(t *testing.T, key []byte, payload string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(head, key)
	if err != nil {
		t.Fatal(err)
	}
	return head + "." + enc.EncodeToString(sig)
}

// FuzzMicroDate: reading never panics, accepts only what writing would
// produce for some instant (up to trailing zeros of the fraction), and a
// value read writes back to the same instant.
func FuzzMicroDate(f *testing.F) {
	for _, s := range []string{"1700000000.123456", "0", "1", "1.5", "01", "1.", ".5", "1e9", "-1", "null", `"1"`,
		"253402300799.999999", "253402300800", "99999999999999999999", "1.0000001", " 1", "1 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d MicroDate
		if err := d.UnmarshalJSON([]byte(s)); err != nil {
			return
		}
		out, err := d.MarshalJSON()
		if err != nil {
			t.Fatalf("%q read as %v, which does not write: %v", s, d.Time, err)
		}
		var back MicroDate
		if err := back.UnmarshalJSON(out); err != nil || !back.Equal(d.Time) {
			t.Fatalf("%q -> %s -> %v, %v", s, out, back.Time, err)
		}
		whole, frac, _ := strings.Cut(s, ".")
		if want := whole + "." + (frac + "000000")[:6]; string(out) != want {
			t.Fatalf("%q written back as %s, want %s", s, out, want)
		}
		if d.Nanosecond()%1000 != 0 {
			t.Fatalf("%q read below the microsecond: %v", s, d.Time)
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode("u", "s"))
	f.Add("eyJpZCI6MX0=")
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"id":"a\"b","secret":"s"}`)))
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"secret":"s","id":"u"}`)))
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"id":"u","secret":"s","id":"v"}`)))
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := Decode(s)
		if ok && (c.ID == "" || c.Secret == "") {
			t.Fatal("accepted empty credential")
		}
		// The fast reading of the canonical form agrees with the decoder.
		for _, raw := range [][]byte{[]byte(s), decoded(s)} {
			if id, secret, ok := canonical(raw); ok {
				var want Credential
				if err := json.Unmarshal(raw, &want); err != nil || want.ID != id || want.Secret != secret {
					t.Fatalf("canonical(%q) = %q, %q; the decoder: %+v, %v", raw, id, secret, want, err)
				}
			}
		}
	})
}

// decoded is s as standard base64, or nil.
func decoded(s string) []byte {
	b, _ := base64.StdEncoding.DecodeString(s)
	return b
}
