//go:build !unix

package password

import "os"

// pollable is f itself where pipes cannot be switched to the poller.
func pollable(f *os.File) *os.File { return f }
