package password

import (
	"runtime"
	"sync"
	"time"
)

// procs lends Go processors to the pool's workers while they hash.
//
// A worker computing a hash holds one of Go's processors (a P) for tens
// of milliseconds. With GOMAXPROCS equal to the cores, two hashing
// workers hold every P and each step of a session check waits behind
// them in Go's scheduler, whatever the threads' priorities. Raising
// GOMAXPROCS by the number of workers gives the rest of the server its
// processors back, but extra processors cost CPU on every request while
// they are idle (more threads spinning and waking, about 30% more
// server CPU per GET on 2 cores). So the extra processors exist only
// while hashing goes on: the first job raises GOMAXPROCS, and it returns
// to its old value once no job has run for procsIdle.
var procs struct {
	mu     sync.Mutex
	lend   int // extra processors while hashing; 0: never change GOMAXPROCS
	base   int // GOMAXPROCS when not hashing
	busy   int // jobs running
	raised bool
	lower  *time.Timer
}

// procsIdle is how long the pool must stay idle before its processors
// are taken back; a sign-in flood keeps them.
const procsIdle = 500 * time.Millisecond

// LendProcessors makes every Hasher raise GOMAXPROCS by extra (normally
// its number of workers) while any of them hashes, from the GOMAXPROCS of
// the moment. Call it once, before serving; 0 turns the lending off.
func LendProcessors(extra int) {
	procs.mu.Lock()
	defer procs.mu.Unlock()
	if procs.raised {
		runtime.GOMAXPROCS(procs.base)
		procs.raised = false
	}
	procs.lend = max(extra, 0)
	procs.base = runtime.GOMAXPROCS(0)
}

// procsBusy counts a job starting (+1) or ending (-1).
func procsBusy(delta int) {
	procs.mu.Lock()
	defer procs.mu.Unlock()
	procs.busy += delta
	if procs.lend == 0 {
		return
	}
	if procs.busy > 0 && !procs.raised {
		runtime.GOMAXPROCS(procs.base + procs.lend)
		procs.raised = true
		return
	}
	if procs.busy == 0 && procs.raised {
		if procs.lower == nil {
			procs.lower = time.AfterFunc(procsIdle, lowerProcs)
		} else {
			procs.lower.Reset(procsIdle)
		}
	}
}

func lowerProcs() {
	procs.mu.Lock()
	defer procs.mu.Unlock()
	if procs.busy == 0 && procs.raised {
		runtime.GOMAXPROCS(procs.base)
		procs.raised = false
	}
}
