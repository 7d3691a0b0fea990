package password

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// lowerProcessPriority gives every thread of the process nice 19. Threads
// the runtime starts later are cloned from these and inherit it; the pass
// runs twice so a thread started during the first is caught.
func lowerProcessPriority() {
	for range 2 {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return
		}
		for _, t := range tasks {
			if tid, err := strconv.Atoi(t.Name()); err == nil {
				_ = unix.Setpriority(unix.PRIO_PROCESS, tid, 19)
			}
		}
	}
}
