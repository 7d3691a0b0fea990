//go:build unix

package password

import (
	"bytes"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

// rawPair is a blocking pipe, as a child inherits it, with each end made
// pollable and wrapped in rawIO.
func rawPair(t *testing.T) (r, w io.ReadWriter, closeW func()) {
	t.Helper()
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	rf := pollable(os.NewFile(uintptr(fds[0]), "r"))
	wf := pollable(os.NewFile(uintptr(fds[1]), "w"))
	t.Cleanup(func() { rf.Close(); wf.Close() })
	return rawIO(rf), rawIO(wf), func() { wf.Close() }
}

// TestRawPipeWaits: a read of an empty pipe waits in the poller until
// data comes, and a write bigger than the pipe's buffer waits until a
// reader drains it; every byte arrives in order, then EOF.
func TestRawPipeWaits(t *testing.T) {
	r, w, closeW := rawPair(t)
	if _, ok := r.(rawPipe); !ok {
		t.Fatalf("rawIO gave %T, want rawPipe", r)
	}
	got := make(chan []byte, 1)
	go func() {
		b, err := io.ReadAll(r)
		if err != nil {
			t.Errorf("ReadAll: %v", err)
		}
		got <- b
	}()
	time.Sleep(20 * time.Millisecond)                        // the reader now waits on an empty pipe
	want := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB: many times a pipe's buffer
	if n, err := w.Write(want); n != len(want) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	closeW()
	select {
	case b := <-got:
		if !bytes.Equal(b, want) {
			t.Fatalf("read %d bytes, not the %d written", len(b), len(want))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the reader never saw EOF")
	}
}

// TestRawPipeErrors: writing to a pipe whose reader is gone fails with
// EPIPE instead of hanging, and a closed file reports os.ErrClosed.
func TestRawPipeErrors(t *testing.T) {
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	rf := pollable(os.NewFile(uintptr(fds[0]), "r"))
	wf := pollable(os.NewFile(uintptr(fds[1]), "w"))
	defer wf.Close()
	rf.Close()
	if _, err := rawIO(wf).Write([]byte("x")); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("Write without a reader = %v, want EPIPE", err)
	}
	if _, err := rawIO(rf).Read(make([]byte, 1)); err == nil {
		t.Error("Read of a closed file succeeded")
	}
}
