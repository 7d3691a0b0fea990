package password

import (
	"bytes"
	"encoding/hex"
	"testing"

	"golang.org/x/crypto/argon2"
)

// TestArgon2RFC9106 checks the test vectors of RFC 9106, section 5: 32 KiB,
// 3 passes, 4 lanes, a 32-byte tag, password 32×0x01, salt 16×0x02, secret
// 8×0x03 and associated data 12×0x04.
func TestArgon2RFC9106(t *testing.T) {
	pw, salt := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 16)
	secret, data := bytes.Repeat([]byte{3}, 8), bytes.Repeat([]byte{4}, 12)
	for _, v := range []struct {
		typ  int
		name string
		tag  string
	}{
		{argon2d, "Argon2d", "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"},
		{argon2i, "Argon2i", "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8"},
		{argon2id, "Argon2id", "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"},
	} {
		got := argon2Key(v.typ, pw, salt, secret, data, 3, 32, 4, 32, nil, 0)
		if hex.EncodeToString(got) != v.tag {
			t.Errorf("%s = %x, want %s", v.name, got, v.tag)
		}
	}
}

// FuzzArgon2MatchesXCrypto compares the single-goroutine Argon2id and
// Argon2i with golang.org/x/crypto/argon2 over small parameters, tag
// lengths on both sides of 64 bytes (the two forms of H'), and a
// reused scratch memory.
func FuzzArgon2MatchesXCrypto(f *testing.F) {
	f.Add([]byte("password"), []byte("somesalt"), uint8(1), uint16(64), uint8(1), uint16(32), true)
	f.Add([]byte(""), []byte(""), uint8(2), uint16(8), uint8(2), uint16(4), false)
	f.Add([]byte("pw"), []byte("0123456789abcdef"), uint8(3), uint16(300), uint8(3), uint16(65), true)
	f.Add([]byte("x"), []byte("salt"), uint8(1), uint16(1), uint8(4), uint16(129), true)
	f.Add([]byte("long tag"), []byte("salt salt"), uint8(2), uint16(520), uint8(1), uint16(1000), false)
	var sc argon2Scratch
	f.Fuzz(func(t *testing.T, pw, salt []byte, tt uint8, m uint16, p uint8, keyLen uint16, id bool) {
		tt, m, p, keyLen = 1+tt%3, m%600, 1+p%4, 4+keyLen%1100
		typ, want := argon2i, argon2.Key
		if id {
			typ, want = argon2id, argon2.IDKey
		}
		w := want(pw, salt, uint32(tt), uint32(m), p, uint32(keyLen))
		if got := argon2Key(typ, pw, salt, nil, nil, uint32(tt), uint32(m), p, uint32(keyLen), &sc, 1024); !bytes.Equal(got, w) {
			t.Fatalf("t=%d m=%d p=%d len=%d id=%v:\n got %x\nwant %x", tt, m, p, keyLen, id, got, w)
		}
	})
}

func TestArgon2DefaultsMatchXCrypto(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes 19 MiB")
	}
	p := DefaultParams
	salt := []byte("0123456789abcdef")
	var sc argon2Scratch
	for i := 0; i < 2; i++ { // the second run reuses the memory
		got := argon2Key(argon2id, []byte("correct horse"), salt, nil, nil, p.Time, p.MemoryKiB, p.Threads, 32, &sc, p.MemoryKiB)
		if want := argon2.IDKey([]byte("correct horse"), salt, p.Time, p.MemoryKiB, p.Threads, 32); !bytes.Equal(got, want) {
			t.Fatalf("run %d: %x, want %x", i, got, want)
		}
	}
	if len(sc.blocks) != int(p.MemoryKiB) {
		t.Errorf("scratch kept %d blocks, want %d", len(sc.blocks), p.MemoryKiB)
	}
}

func BenchmarkArgon2Key(b *testing.B) {
	p := DefaultParams
	salt := make([]byte, 16)
	b.Run("own", func(b *testing.B) {
		var sc argon2Scratch
		for i := 0; i < b.N; i++ {
			argon2Key(argon2id, []byte("pw"), salt, nil, nil, p.Time, p.MemoryKiB, p.Threads, 32, &sc, p.MemoryKiB)
		}
	})
	b.Run("own-fresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			argon2Key(argon2id, []byte("pw"), salt, nil, nil, p.Time, p.MemoryKiB, p.Threads, 32, nil, 0)
		}
	})
	b.Run("xcrypto", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			argon2.IDKey([]byte("pw"), salt, p.Time, p.MemoryKiB, p.Threads, 32)
		}
	})
}
