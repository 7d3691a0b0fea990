//go:build !unix

package password

import (
	"io"
	"os"
)

// pollable is f itself where pipes cannot be switched to the poller.
func pollable(f *os.File) *os.File { return f }

// rawIO is f itself where pipes are not polled.
func rawIO(f *os.File) io.ReadWriter { return f }
