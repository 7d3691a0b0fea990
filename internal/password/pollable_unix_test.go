//go:build unix

package password

import (
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestPollable: an inherited blocking pipe comes back served by the
// poller, which a read deadline proves (blocking files refuse deadlines),
// and a read waiting on it ends at the deadline instead of holding a
// thread in the kernel.
func TestPollable(t *testing.T) {
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil { // blocking, as a child inherits it
		t.Fatal(err)
	}
	r, w := os.NewFile(uintptr(fds[0]), "r"), os.NewFile(uintptr(fds[1]), "w")
	defer w.Close()
	if err := r.SetReadDeadline(time.Now()); !errors.Is(err, os.ErrNoDeadline) {
		t.Fatalf("a blocking pipe took a deadline: %v", err)
	}
	p := pollable(r)
	defer p.Close()
	if err := p.SetReadDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
		t.Fatalf("SetReadDeadline = %v; the pipe is not polled", err)
	}
	if _, err := p.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read = %v, want a deadline error", err)
	}
	p.SetReadDeadline(time.Time{})
	w.Write([]byte("x"))
	if n, err := p.Read(make([]byte, 1)); n != 1 || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
}
