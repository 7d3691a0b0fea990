package session

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
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
	now := time.Unix(1_700_000_000, 0)
	j := NewJWTs([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
	tok, err := j.Sign("u1", "s1", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c, err := j.Verify(tok)
	if err != nil || c.UserID != "u1" || c.SessionID != "s1" {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
	now = now.Add(16 * time.Minute)
	if _, err := j.Verify(tok); err == nil {
		t.Fatal("expired token accepted")
	}
	other := NewJWTs([]byte("another key another key another k"), func() time.Time { return now.Add(-16 * time.Minute) })
	if _, err := other.Verify(tok); err == nil {
		t.Fatal("token with another key accepted")
	}
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
