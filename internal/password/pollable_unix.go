//go:build unix

package password

import (
	"os"
	"syscall"
)

// pollable returns f switched to non-blocking mode and served by Go's
// network poller.
//
// The child's stdin and stdout are pipes inherited in blocking mode, and a
// goroutine reading a blocking pipe holds its Go processor inside the read
// system call until the runtime's monitor takes it back, which an idle
// monitor does only every few milliseconds. With one processor per core,
// the child then hashed on one core for much of the time the reader
// waited for the next job (about 15% of the machine idle). Through the
// poller the reader parks like any goroutine and gives its processor up.
func pollable(f *os.File) *os.File {
	fd := int(f.Fd()) // Fd leaves f blocking; f itself is not used again
	if err := syscall.SetNonblock(fd, true); err != nil {
		return f
	}
	return os.NewFile(uintptr(fd), f.Name())
}
