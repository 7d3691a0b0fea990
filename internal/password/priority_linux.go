package password

import "golang.org/x/sys/unix"

// lowerPriority gives the calling OS thread the lowest CPU share (nice
// 19). On Linux the priority set for a thread id applies to that thread
// alone, so the rest of the server keeps its share.
func lowerPriority() {
	// Failing leaves the thread at normal priority: slower requests under
	// a sign-in flood, nothing worse.
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 19)
}
