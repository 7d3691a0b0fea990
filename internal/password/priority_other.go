//go:build !linux

package password

// lowerProcessPriority is a no-op where thread priorities cannot be set.
func lowerProcessPriority() {}
