// Package maintenance removes what has outlived its use, so a server that
// has run for years stays as small and as fast as on its first day:
// expired sessions, tokens, OAuth2 states (suggested-link tokens among
// them), MFA challenges and undo tokens, rate-limit windows that ended,
// done jobs, and security log entries older than the retention period.
//
// The sweep is a job on the durable queue (internal/jobs). Every node
// with job workers offers the sweep of the current period under an id
// made from the period's start; the id is unique, so the first offer
// stores the job, the others are refused, and one worker of one node runs
// it. Each kind is removed in bounded batches, each batch one short
// DELETE (storage.MaintenanceStore), with a pause between batches so
// sign-ins waiting for the database get their turn.
package maintenance

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/jobs"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// JobKind is the kind of the sweep's job.
const JobKind = "maintenance.sweep"

// Defaults of Options.
const (
	DefaultInterval     = time.Hour
	DefaultBatch        = 1000
	DefaultPause        = 20 * time.Millisecond
	DefaultBudget       = 90 * time.Second
	DefaultKeepDone     = 24 * time.Hour
	DefaultLogRetention = 90 * 24 * time.Hour
)

// Options tune a Sweeper. Zero values mean the defaults, except
// LogRetention, where 0 keeps the security log for ever; a negative Pause
// means none.
type Options struct {
	// Interval is the time between sweeps, on the Now clock.
	Interval time.Duration
	// Check is how often, in real time, this node offers the current
	// period's sweep; default Interval, at most a minute.
	Check time.Duration
	// Batch is the most rows one DELETE removes.
	Batch int
	// Pause is the wait between two batches.
	Pause time.Duration
	// Budget is the longest one sweep runs; what is left waits for the
	// next. It stays under the job runner's attempt timeout.
	Budget time.Duration
	// KeepDone is how long done jobs stay for the admin listing.
	KeepDone time.Duration
	// LogRetention is how long security log entries stay; 0 keeps them.
	LogRetention time.Duration
	// Now is the clock that dates expiry; nil is the wall clock.
	Now func() time.Time
	// Observe, when set, is given the counts of each sweep (for metrics).
	Observe func(Counts)
}

// Counts is how many rows of each kind a sweep removed.
type Counts map[storage.SweepKind]int

// Sweeper runs the sweep and offers it to the job queue each period.
type Sweeper struct {
	store  storage.MaintenanceStore
	log    *slog.Logger
	opts   Options
	runner *jobs.Runner

	mu   sync.Mutex
	stop context.CancelFunc
	done chan struct{}
}

// New returns a sweeper over store.
func New(store storage.MaintenanceStore, log *slog.Logger, opts Options) *Sweeper {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Check <= 0 {
		opts.Check = min(opts.Interval, time.Minute)
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if opts.Pause < 0 {
		opts.Pause = 0
	} else if opts.Pause == 0 {
		opts.Pause = DefaultPause
	}
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	if opts.KeepDone <= 0 {
		opts.KeepDone = DefaultKeepDone
	}
	if opts.LogRetention < 0 {
		opts.LogRetention = 0
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Sweeper{store: store, log: log, opts: opts}
}

// Cutoffs returns, for each kind swept at now, the date before which its
// rows go. The security log is left out when it is kept for ever.
func (s *Sweeper) Cutoffs(now time.Time) map[storage.SweepKind]time.Time {
	c := map[storage.SweepKind]time.Time{
		storage.SweepSessions:    now,
		storage.SweepTokens:      now,
		storage.SweepOAuthStates: now,
		storage.SweepChallenges:  now,
		storage.SweepLinkUndos:   now.Add(-storage.LinkUndoKeep),
		storage.SweepRateWindows: now.Add(-ratelimit.MaxWindow),
		storage.SweepDoneJobs:    now.Add(-s.opts.KeepDone),

		storage.SweepOAuth2Grants:   now,
		storage.SweepOAuth2PARs:     now,
		storage.SweepOAuth2Codes:    now,
		storage.SweepOAuth2Devices:  now,
		storage.SweepOAuth2Families: now,
		storage.SweepOAuth2Keys:     now,
	}
	if s.opts.LogRetention > 0 {
		c[storage.SweepLogs] = now.Add(-s.opts.LogRetention)
		c[storage.SweepLinkedLogs] = now.Add(-s.opts.LogRetention)
	}
	return c
}

// errBudget ends a sweep that ran out of its time.
var errBudget = errors.New("sweep budget spent")

// Sweep removes, kind by kind, every row that has outlived its use, a
// batch at a time, until none is left or the budget is spent (the rest
// is left for the next sweep). It returns what it removed; the error of
// the store, if any, comes with the counts so far.
func (s *Sweeper) Sweep(ctx context.Context) (Counts, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, s.opts.Budget, errBudget)
	defer cancel()
	cutoffs := s.Cutoffs(s.opts.Now())
	counts := Counts{}
	first := true
	for _, kind := range storage.SweepKinds {
		cutoff, ok := cutoffs[kind]
		if !ok {
			continue
		}
		for {
			if !first && s.opts.Pause > 0 {
				t := time.NewTimer(s.opts.Pause)
				select {
				case <-ctx.Done():
					t.Stop()
				case <-t.C:
				}
			}
			first = false
			if ctx.Err() != nil {
				return counts, context.Cause(ctx)
			}
			n, err := s.store.Sweep(ctx, kind, cutoff, s.opts.Batch)
			counts[kind] += n
			if err != nil {
				if ctx.Err() != nil {
					return counts, context.Cause(ctx)
				}
				return counts, err
			}
			if n < s.opts.Batch {
				break
			}
		}
	}
	return counts, nil
}

// handle is the job.
func (s *Sweeper) handle(ctx context.Context, _ json.RawMessage) error { return s.Run(ctx) }

// Run is one sweep as the job runs it: swept, logged on one INFO line
// with every kind's count, and observed. A sweep cut short by its budget
// succeeds: the next one goes on where it stopped.
func (s *Sweeper) Run(ctx context.Context) error {
	start := time.Now()
	counts, err := s.Sweep(ctx)
	if s.opts.Observe != nil {
		s.opts.Observe(counts)
	}
	attrs := []any{"took", time.Since(start).Round(time.Millisecond)}
	total := 0
	for _, k := range storage.SweepKinds {
		attrs = append(attrs, string(k), counts[k])
		total += counts[k]
	}
	attrs = append(attrs, "total", total)
	switch {
	case errors.Is(err, errBudget):
		s.log.Info("maintenance sweep stopped at its time budget; the next sweep goes on", attrs...)
		return nil
	case err != nil:
		s.log.Warn("maintenance sweep failed", append(attrs, "err", err)...)
		return err
	}
	s.log.Info("maintenance sweep", attrs...)
	return nil
}

// Register makes r run the sweep. Call it before r starts.
func (s *Sweeper) Register(r *jobs.Runner) {
	s.runner = r
	r.Register(JobKind, s.handle)
}

// JobID is the id of the sweep of the period holding now: the same on
// every node, so only one of them stores it.
func (s *Sweeper) JobID(now time.Time) string {
	step := s.opts.Interval.Microseconds()
	if step <= 0 {
		step = 1
	}
	at := now.UnixMicro()
	return "sweep-" + strconv.FormatInt(at-at%step, 10)
}

// offer enqueues the current period's sweep unless a node already did.
// Each node offers each period once (last remembers it), so a refused
// offer, which PostgreSQL logs as a unique violation, comes once a period.
func (s *Sweeper) offer(ctx context.Context, last *string) {
	id := s.JobID(s.opts.Now())
	if id == *last {
		return
	}
	_, err := s.runner.Enqueue(ctx, JobKind, struct{}{}, jobs.WithID(id), jobs.MaxAttempts(3))
	switch {
	case err == nil || errors.Is(err, storage.ErrConflict):
		*last = id
	case ctx.Err() == nil:
		s.log.Warn("offer maintenance sweep", "err", err)
	}
}

// Start offers each period's sweep to the queue until Stop. Register
// first. Start panics when called twice.
func (s *Sweeper) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runner == nil {
		panic("maintenance: Start before Register")
	}
	if s.stop != nil {
		panic("maintenance: Start called twice")
	}
	ctx, s.stop = context.WithCancel(context.WithoutCancel(ctx))
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.opts.Check)
		defer t.Stop()
		last := ""
		for {
			s.offer(ctx, &last)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop ends the offers; a sweep already queued or running is the job
// runner's to finish. Before Start it does nothing.
func (s *Sweeper) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop == nil {
		return
	}
	s.stop()
	<-s.done
}
