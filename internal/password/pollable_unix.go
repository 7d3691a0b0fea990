//go:build unix

package password

import (
	"os"
	"syscall"
)

// pollable takes f over and returns it switched to non-blocking mode and
// served by Go's network poller: a duplicate of its descriptor, f itself
// being closed (its finalizer would otherwise close the descriptor under
// the new file, or a later one given the same number).
//
// The child's stdin and stdout are pipes inherited in blocking mode, and a
// goroutine reading a blocking pipe holds its Go processor inside the read
// system call until the runtime's monitor takes it back, which an idle
// monitor does only every few milliseconds. With one processor per core,
// the child then hashed on one core for much of the time the reader
// waited for the next job (about 15% of the machine idle). Through the
// poller the reader parks like any goroutine and gives its processor up.
func pollable(f *os.File) *os.File {
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return f
	}
	// Non-blocking mode belongs to the pipe end both descriptors share; f
	// is closed below and never used blocking again.
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return f
	}
	syscall.CloseOnExec(fd)
	p := os.NewFile(uintptr(fd), f.Name())
	f.Close()
	return p
}
