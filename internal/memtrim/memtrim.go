// Package memtrim hands the Go heap's free memory back to the operating
// system once the process goes quiet after work.
//
// A server at rest should be small, and Go does not make it so by
// itself: the collector runs when the heap has grown by GOGC since the
// last collection, so a process that stops allocating keeps a burst's
// garbage until the runtime's forced collection two minutes later, and
// the scavenger then returns the freed pages a little at a time. After a
// burst of sign-ins a quiet server held 30 MB of heap, most of it dead.
// Watching the allocation counter costs nothing on the request path:
// when a whole check interval allocated almost nothing, after enough was
// allocated since the last trim to be worth a collection, one
// debug.FreeOSMemory collects and returns every free page at once.
package memtrim

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Defaults of Options.
const (
	DefaultCheck = 10 * time.Second
	DefaultQuiet = 1 << 20
	DefaultWorth = 8 << 20
)

// Options tune Run. Zero fields take the defaults.
type Options struct {
	// Check is how often the allocation counter is read.
	Check time.Duration
	// Quiet: an interval that allocated fewer bytes than this is quiet.
	// An idle server still allocates a little (health checks, the job
	// queue's polls, the maintenance sweep's check).
	Quiet uint64
	// Worth: a trim waits until this many bytes were allocated since
	// the last one, so a server that stays quiet is not collected again
	// and again for nothing.
	Worth uint64
	// Allocated reads the bytes allocated so far (tests); default the
	// runtime's /gc/heap/allocs:bytes.
	Allocated func() uint64
	// Trim returns the memory; default debug.FreeOSMemory.
	Trim func()
	// Tick replaces the Check ticker (tests).
	Tick <-chan time.Time

	checked func() // after each check (tests)
}

// Run watches the process's allocations until ctx ends, trimming after
// each burst once the process has gone quiet.
func Run(ctx context.Context, o Options) {
	if o.Check <= 0 {
		o.Check = DefaultCheck
	}
	if o.Quiet == 0 {
		o.Quiet = DefaultQuiet
	}
	if o.Worth == 0 {
		o.Worth = DefaultWorth
	}
	if o.Allocated == nil {
		o.Allocated = heapAllocs
	}
	if o.Trim == nil {
		o.Trim = debug.FreeOSMemory
	}
	if o.Tick == nil {
		t := time.NewTicker(o.Check)
		defer t.Stop()
		o.Tick = t.C
	}
	last := o.Allocated()
	trimmed := last
	for {
		select {
		case <-ctx.Done():
			return
		case <-o.Tick:
		}
		now := o.Allocated()
		if now-last < o.Quiet && now-trimmed >= o.Worth {
			o.Trim()
			// The collection itself allocates a little; count from
			// after it.
			now = o.Allocated()
			trimmed = now
		}
		last = now
		if o.checked != nil {
			o.checked()
		}
	}
}

// heapAllocs is the cumulative count of bytes allocated on the heap.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
