//go:build !unix

package sqlstore

import "sync"

// fileLocks stands in for a file lock where flock does not exist: it
// keeps one process's stores from migrating one file together, not two
// processes.
var fileLocks sync.Map

func lockFile(path string) (unlock func(), err error) {
	mu, _ := fileLocks.LoadOrStore(path, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock, nil
}
