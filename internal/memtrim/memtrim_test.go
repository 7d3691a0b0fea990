package memtrim

import (
	"context"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

// run starts Run with a counter the test sets and a tick it sends, and
// returns a step function: set the counter to allocated, tick once, and
// report how many trims there have been.
func run(t *testing.T) func(allocated uint64) int {
	t.Helper()
	var counter atomic.Uint64
	var trims atomic.Int64
	tick := make(chan time.Time)
	checked := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Run(ctx, Options{Quiet: 100, Worth: 1000, Tick: tick, Allocated: counter.Load,
			Trim: func() { trims.Add(1) }, checked: func() { checked <- struct{}{} }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func(allocated uint64) int {
		counter.Store(allocated)
		tick <- time.Time{}
		<-checked
		return int(trims.Load())
	}
}

// TestTrimsOnceAfterABurst: busy intervals are left alone, the first
// quiet one after a burst trims, and quiet ones after it do not trim
// again until another burst.
func TestTrimsOnceAfterABurst(t *testing.T) {
	step := run(t)
	for i, c := range []struct {
		allocated uint64
		trims     int
	}{
		{0, 0},       // quiet, but nothing to trim
		{500, 0},     // busy
		{2000, 0},    // busy: 1,500 in the interval
		{2000, 1},    // quiet after 2,000: trims
		{2050, 1},    // quiet, but only 50 since the trim
		{2050, 1},    // still
		{2500, 1},    // busy
		{3100, 1},    // busy: 1,050 since the trim, but not quiet
		{3150, 2},    // quiet: trims again
		{3150, 2},    // and only once
		{1 << 40, 2}, // a huge burst in one interval is busy
	} {
		if got := step(c.allocated); got != c.trims {
			t.Fatalf("step %d (allocated %d): %d trims, want %d", i, c.allocated, got, c.trims)
		}
	}
}

// TestDefaultTrimReturnsMemory: with the runtime's own counter and
// debug.FreeOSMemory, a quiet process after a burst of garbage has the
// garbage collected and its pages returned, where the collector (turned
// off here, as it is in effect for a process that allocates nothing)
// would have kept them.
func TestDefaultTrimReturnsMemory(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	debug.FreeOSMemory()
	for range 64 {
		garbage = append(garbage, make([]byte, 256<<10))
	}
	garbage = nil
	objects, released := read("/memory/classes/heap/objects:bytes"), read("/memory/classes/heap/released:bytes")
	tick := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Run(ctx, Options{Tick: tick})
	deadline := time.Now().Add(10 * time.Second)
	for read("/memory/classes/heap/objects:bytes") > objects-12<<20 ||
		read("/memory/classes/heap/released:bytes") < released+12<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("heap objects %d bytes (%d after the burst), released %d (%d after the burst): the garbage stayed",
				read("/memory/classes/heap/objects:bytes"), objects, read("/memory/classes/heap/released:bytes"), released)
		}
		tick <- time.Time{}
	}
}

// garbage holds the burst until it is dropped: a package variable, so
// the compiler cannot keep the allocations off the heap.
var garbage [][]byte

func read(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
