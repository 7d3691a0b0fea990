package secret

import "testing"

func TestKeyed(t *testing.T) {
	a, err := NewKeyed([]byte("instance key one, 32 characters!"), "short secrets v1")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := NewKeyed([]byte("instance key one, 32 characters!"), "short secrets v1")
	otherKey, _ := NewKeyed([]byte("instance key two, 32 characters!"), "short secrets v1")
	otherLabel, _ := NewKeyed([]byte("instance key one, 32 characters!"), "something else")
	h := a.Hash("123456")
	if len(h) != 64 || h != again.Hash("123456") {
		t.Fatalf("Hash = %q, not a stable 64-character hex value", h)
	}
	for name, other := range map[string]string{
		"plain SHA-256":   Hash("123456"),
		"another code":    a.Hash("123457"),
		"another key":     otherKey.Hash("123456"),
		"another label":   otherLabel.Hash("123456"),
		"the key's bytes": Hash("instance key one, 32 characters!123456"),
	} {
		if h == other {
			t.Errorf("keyed hash equals that of %s", name)
		}
	}
}
