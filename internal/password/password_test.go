package password

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

var fast = Params{MemoryKiB: 64, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h := NewHasher(fast, 2)
	ctx := context.Background()
	stored, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q", stored)
	}
	if ok, rehash, err := h.Verify(ctx, "argon2", stored, "correct horse"); !ok || rehash || err != nil {
		t.Fatalf("Verify = %v %v %v", ok, rehash, err)
	}
	if ok, _, _ := h.Verify(ctx, "argon2", stored, "wrong horse"); ok {
		t.Fatal("wrong password verified")
	}
	// A hash made with other parameters verifies and asks to be upgraded.
	h2 := NewHasher(Params{MemoryKiB: 128, Time: 1, Threads: 1}, 1)
	if ok, rehash, _ := h2.Verify(ctx, "argon2", stored, "correct horse"); !ok || !rehash {
		t.Fatal("old parameters not flagged for rehash")
	}
}

func TestMalformed(t *testing.T) {
	h := NewHasher(fast, 1)
	for _, s := range []string{"x", "$argon2id$v=19$m=64$a$b", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$aGFzaGhhc2g", "$bcrypt$"} {
		if ok, _, err := h.Verify(context.Background(), "argon2", s, "pw"); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v", s, ok, err)
		}
	}
}

func TestPoolBounded(t *testing.T) {
	h := NewHasher(fast, 1)
	h.slots <- struct{}{} // occupy the only slot
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := h.Hash(ctx, "pw"); err == nil {
			t.Error("hash ran beyond the pool size")
		}
	}()
	wg.Wait()
	<-h.slots
}

func FuzzVerifyArgon2(f *testing.F) {
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", "pw")
	f.Add("$argon2i$v=19$m=8,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, stored, plain string) {
		verifyArgon2(stored, plain) // must not panic or run away
	})
}
