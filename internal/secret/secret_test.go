package secret

import (
	"strings"
	"testing"
)

func TestID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		id := ID()
		if len(id) != 20 || strings.Trim(id, "0123456789abcdef") != "" {
			t.Fatalf("bad id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestHexAndHash(t *testing.T) {
	a, b := Hex(16), Hex(16)
	if len(a) != 32 || a == b {
		t.Fatalf("Hex(16) = %q, %q", a, b)
	}
	if Hash("abc") != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatal("Hash is not SHA-256 hex")
	}
	if !Equal(Hash(a), Hash(a)) || Equal(Hash(a), Hash(b)) {
		t.Fatal("Equal")
	}
}

func TestDigits(t *testing.T) {
	counts := make([]int, 10)
	for i := 0; i < 2000; i++ {
		d := Digits(6)
		if len(d) != 6 || strings.Trim(d, "0123456789") != "" {
			t.Fatalf("bad code %q", d)
		}
		for _, c := range d {
			counts[c-'0']++
		}
	}
	for i, c := range counts {
		if c < 900 || c > 1500 { // 1200 expected each
			t.Fatalf("digit %d drawn %d times of 12000", i, c)
		}
	}
}
