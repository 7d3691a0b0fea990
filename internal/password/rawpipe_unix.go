//go:build unix

package password

import (
	"io"
	"os"
	"syscall"
	"unsafe"
)

// rawPipe reads and writes a pollable pipe with raw system calls: the
// child's job and answer lines, without telling the Go runtime a system
// call is under way.
//
// In the child both Go processors are busy hashing, so when an ordinary
// read or write of the pipe is slow to return (its thread preempted by the
// server, which runs at a higher priority) the runtime's monitor takes the
// processor back and hands it to another thread. Every such hand-off also
// puts the monitor into its fastest polling (every 20 µs for a
// millisecond or more), and each of its wake-ups preempts a hashing thread:
// on the 2-core bench machine the child's own monitor caused about 40% of
// the preemptions its hashing threads suffered. A non-blocking pipe never
// blocks in the kernel, so nothing needs taking back: waiting is left to
// the network poller through RawConn, as for any pollable file.
type rawPipe struct {
	rc syscall.RawConn
}

// rawIO returns f (a pollable file, see pollable) read and written with
// raw system calls, or f itself if it has no raw connection.
func rawIO(f *os.File) io.ReadWriter {
	rc, err := f.SyscallConn()
	if err != nil {
		return f
	}
	return rawPipe{rc}
}

func (p rawPipe) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	var n uintptr
	var errno syscall.Errno
	err := p.rc.Read(func(fd uintptr) bool {
		for {
			n, _, errno = syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
			switch errno {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // wait in the poller, then call again
			}
			return true
		}
	})
	switch {
	case err != nil:
		return 0, err
	case errno != 0:
		return 0, os.NewSyscallError("read", errno)
	case n == 0:
		return 0, io.EOF
	}
	return int(n), nil
}

func (p rawPipe) Write(b []byte) (int, error) {
	done := 0
	var errno syscall.Errno
	err := p.rc.Write(func(fd uintptr) bool {
		for done < len(b) {
			n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&b[done])), uintptr(len(b)-done))
			switch e {
			case 0:
				done += int(n)
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false // the pipe is full: wait until it drains
			default:
				errno = e
				return true
			}
		}
		return true
	})
	if err == nil && errno != 0 {
		err = os.NewSyscallError("write", errno)
	}
	return done, err
}
