package password

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestLendProcessors(t *testing.T) {
	base := runtime.GOMAXPROCS(0)
	LendProcessors(2)
	defer LendProcessors(0)
	h := NewHasher(fast, 1)
	var during int
	if err := h.run(context.Background(), func(*argon2Scratch) { during = runtime.GOMAXPROCS(0) }); err != nil {
		t.Fatal(err)
	}
	if during != base+2 {
		t.Errorf("GOMAXPROCS while hashing = %d, want %d", during, base+2)
	}
	// Taken back after procsIdle without work; poll rather than time it.
	deadline := time.Now().Add(10 * time.Second)
	for runtime.GOMAXPROCS(0) != base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.GOMAXPROCS(0); n != base {
		t.Errorf("GOMAXPROCS after the pool went idle = %d, want %d", n, base)
	}
}
