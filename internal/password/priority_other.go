//go:build !linux

package password

// lowerPriority is a no-op where a thread's priority cannot be set alone.
func lowerPriority() {}
