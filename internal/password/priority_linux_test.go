package password

import (
	"context"
	"testing"

	"golang.org/x/sys/unix"
)

func TestWorkersRunAtLowerPriority(t *testing.T) {
	h := NewHasher(fast, 1)
	var nice int
	var err error
	h.run(context.Background(), func() { nice, err = unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid()) })
	// Getpriority returns 20 - nice on Linux.
	if err != nil || 20-nice != 19 {
		t.Fatalf("worker nice = %d (%v), want 19", 20-nice, err)
	}
}
