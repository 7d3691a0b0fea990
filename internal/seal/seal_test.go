package seal

import (
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	b, err := New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	s := b.Seal("smtp password")
	if !strings.HasPrefix(s, prefix) || strings.Contains(s, "password") || s == b.Seal("smtp password") {
		t.Fatalf("sealed %q", s)
	}
	if got, err := b.Open(s); err != nil || got != "smtp password" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if got, _ := b.Open(""); got != "" || b.Seal("") != "" {
		t.Fatal("empty values")
	}
	other, _ := New([]byte("another key of some thirty-two b"))
	if _, err := other.Open(s); err == nil {
		t.Fatal("opened with another key")
	}
	for _, bad := range []string{"plain", prefix, prefix + "!!", s[:len(s)-2]} {
		if _, err := b.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("short key accepted")
	}
}

func FuzzOpen(f *testing.F) {
	b, _ := New([]byte("0123456789abcdef0123456789abcdef"))
	f.Add(b.Seal("x"))
	f.Add("gh1:AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		b.Open(s)
	})
}
