package password

import (
	"context"
	"errors"
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
	if ok, rehash, err := h.Verify(ctx, "argon2", stored, h.Options(), "correct horse"); !ok || rehash || err != nil {
		t.Fatalf("Verify = %v %v %v", ok, rehash, err)
	}
	if ok, rehash, err := h.Verify(ctx, "", stored, nil, "correct horse"); !ok || rehash || err != nil {
		t.Fatalf(`Verify with algo "" = %v %v %v`, ok, rehash, err)
	}
	if ok, _, _ := h.Verify(ctx, "argon2", stored, nil, "wrong horse"); ok {
		t.Fatal("wrong password verified")
	}
	// A hash made with other parameters verifies and asks to be upgraded.
	h2 := NewHasher(Params{MemoryKiB: 128, Time: 1, Threads: 1}, 1)
	if ok, rehash, _ := h2.Verify(ctx, "argon2", stored, nil, "correct horse"); !ok || !rehash {
		t.Fatal("old parameters not flagged for rehash")
	}
	if string(h.Options()) != `{"type":"argon2","memoryCost":64,"timeCost":1,"threads":1}` {
		t.Errorf("Options = %s", h.Options())
	}
}

func TestVerifyEmptyAndUnsupported(t *testing.T) {
	h := NewHasher(fast, 1)
	ctx := context.Background()
	if ok, rehash, err := h.Verify(ctx, "md5", "", nil, ""); ok || rehash || err != nil {
		t.Errorf("empty stored hash = %v %v %v", ok, rehash, err)
	}
	for _, algo := range []string{"plaintext", "sha1", "Bcrypt", "des"} {
		if ok, _, err := h.Verify(ctx, algo, "password", nil, "password"); ok || !errors.Is(err, ErrUnsupported) {
			t.Errorf("Verify(%q) = %v, %v; want ErrUnsupported", algo, ok, err)
		}
	}
}

func TestPoolBounded(t *testing.T) {
	h := NewHasher(fast, 1)
	release := make(chan struct{})
	busy := make(chan struct{})
	go h.run(context.Background(), func() { close(busy); <-release }) // occupy the only worker
	<-busy
	// The callers give up only when told to, after both were seen
	// waiting: a timeout of their own could end the wait before it is
	// observed, and the test would prove nothing.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if _, err := h.Hash(ctx, "pw"); !errors.Is(err, context.Canceled) {
			t.Errorf("hash ran beyond the pool size: %v", err)
		}
	}()
	go func() {
		defer wg.Done()
		// Even the cheapest verify waits for a slot.
		if _, _, err := h.Verify(ctx, "md5", "5f4dcc3b5aa765d61d8327deb882cf99", nil, "password"); !errors.Is(err, context.Canceled) {
			t.Errorf("verify ran beyond the pool size: %v", err)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for h.Waiting() != 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if w := h.Waiting(); w != 2 {
		t.Errorf("Waiting = %d, want 2", w)
	}
	cancel()
	wg.Wait()
	close(release)
	if h.Waiting() != 0 {
		t.Errorf("Waiting = %d after the callers gave up", h.Waiting())
	}
}
