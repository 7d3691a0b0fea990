//go:build !linux

package password

// lowerPriority is a no-op where a thread's priority cannot be set alone.
func lowerPriority() {}

// lowerProcessPriority is a no-op where thread priorities cannot be set.
func lowerProcessPriority() {}
