// Package jobs runs background work from a durable queue in the database
// (storage.JobStore), never from in-memory goroutines alone: a job accepted
// before a crash runs after the restart, and with several nodes on one
// database each job is claimed by one worker at a time.
//
// A claim is a lease. When a worker dies mid-job its lease runs out and
// another worker runs the job again, so handlers must be idempotent: doing
// the work twice, or finishing work a previous attempt half did, must be
// harmless. Failed attempts are retried with exponential backoff; after
// MaxAttempts the job is failed for good, logged at error level, and kept
// for the admin listing (storage.JobStore.ListJobs) until an admin retries
// it. Done jobs are removed by the maintenance sweep (internal/maintenance).
// Payloads hold ids only: they are stored in clear and never logged.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Handler does the work of one kind of job. It gets the job's payload and
// a context that ends after Options.Timeout or on a forced stop. A nil
// error completes the job; any other error fails this attempt, and one
// wrapped by Permanent fails the job for good.
type Handler func(ctx context.Context, payload json.RawMessage) error

// Options tune a Runner. Zero values mean the defaults.
type Options struct {
	Workers     int           // jobs run at once by this runner; default 2
	Poll        time.Duration // wait between claims when idle; default 250ms
	Timeout     time.Duration // longest one attempt may run; default 2 minutes
	MaxAttempts int           // attempts of a job enqueued here; default storage.DefaultJobMaxAttempts
	MinBackoff  time.Duration // wait before the first retry; default 1s, doubling each time
	MaxBackoff  time.Duration // longest wait between retries; default 10 minutes
	Now         func() time.Time
	// WorkerID names this runner in the jobs table; default host/pid/random.
	// Each worker adds "#n".
	WorkerID string
}

// leaseMargin is how long a claim outlives Timeout, so a worker records
// the outcome of an attempt before anyone else may claim the job.
const leaseMargin = 30 * time.Second

// stopGrace is how long Stop waits, once its context has ended and
// handlers are cancelled, for them to return and their outcome to be saved.
const stopGrace = 2 * time.Second

// maxErrorText bounds the error text kept with a job.
const maxErrorText = 2000

func (o *Options) defaults() {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = storage.DefaultJobMaxAttempts
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.WorkerID == "" {
		host, _ := os.Hostname()
		o.WorkerID = host + "/" + strconv.Itoa(os.Getpid()) + "/" + secret.Hex(3)
	}
}

// Runner claims jobs of the kinds registered with it and runs them.
type Runner struct {
	store    storage.JobStore
	log      *slog.Logger
	opts     Options
	handlers map[string]Handler
	kinds    []string
	wake     chan struct{}

	mu       sync.Mutex
	started  bool
	stopPoll context.CancelFunc // ends claiming
	stopRun  context.CancelFunc // cancels running handlers
	done     chan struct{}      // closed when every worker has returned
}

// New returns a runner over store. Register handlers, then Start it.
func New(store storage.JobStore, log *slog.Logger, opts Options) *Runner {
	opts.defaults()
	return &Runner{store: store, log: log, opts: opts, handlers: map[string]Handler{}, wake: make(chan struct{}, 1)}
}

// Register sets the handler of kind. It panics after Start or when kind
// already has one: both are wiring mistakes.
func (r *Runner) Register(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		panic("jobs: Register after Start")
	}
	if _, ok := r.handlers[kind]; ok {
		panic("jobs: kind " + kind + " registered twice")
	}
	r.handlers[kind] = h
	r.kinds = append(r.kinds, kind)
}

// EnqueueOption adjusts a job before it is stored.
type EnqueueOption func(*storage.Job)

// At delays the job's first run until t.
func At(t time.Time) EnqueueOption { return func(j *storage.Job) { j.RunAt = t } }

// MaxAttempts overrides Options.MaxAttempts for one job.
func MaxAttempts(n int) EnqueueOption { return func(j *storage.Job) { j.MaxAttempts = n } }

// WithID gives the job a fixed id, so enqueueing the same work twice fails
// with storage.ErrConflict instead of queueing it twice.
func WithID(id string) EnqueueOption { return func(j *storage.Job) { j.ID = id } }

// Enqueue stores a job of kind with payload encoded as JSON and returns it.
// Any node whose runner registered kind may run it. Work that must happen
// if and only if a database change commits is enqueued by the store in
// that change's transaction instead.
func (r *Runner) Enqueue(ctx context.Context, kind string, payload any, opts ...EnqueueOption) (*storage.Job, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	j := &storage.Job{Kind: kind, Payload: b, MaxAttempts: r.opts.MaxAttempts, RunAt: r.opts.Now()}
	for _, o := range opts {
		o(j)
	}
	if err := r.store.EnqueueJob(ctx, j); err != nil {
		return nil, err
	}
	select {
	case r.wake <- struct{}{}: // an idle worker here looks now, not at its next poll
	default:
	}
	return j, nil
}

// Start launches the workers. They run until Stop: ctx gives its values
// only, so a cancelled start-up or signal context does not cut jobs short.
// Start panics when called twice.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		panic("jobs: Start called twice")
	}
	r.started = true
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	pollCtx, stopPoll := context.WithCancel(runCtx)
	r.stopRun, r.stopPoll, r.done = stopRun, stopPoll, make(chan struct{})
	var wg sync.WaitGroup
	// A runner without handlers claims nothing: claiming with no kinds
	// would take jobs of every kind.
	for i := range r.opts.Workers * min(len(r.kinds), 1) {
		worker := r.opts.WorkerID + "#" + strconv.Itoa(i+1)
		wg.Go(func() { r.work(pollCtx, runCtx, worker) })
	}
	go func() {
		wg.Wait()
		close(r.done)
	}()
}

// Stop stops claiming jobs and waits for the running ones to finish. When
// ctx ends first it cancels their handlers, waits a moment for them to
// return, and returns ctx's error; a job cut short is queued again at once,
// or, if its worker could not say so, runs again when its lease expires.
// Stop may be called more than once; before Start it does nothing.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	started := r.started
	r.mu.Unlock()
	if !started {
		return nil
	}
	r.stopPoll()
	select {
	case <-r.done:
		r.stopRun()
		return nil
	case <-ctx.Done():
	}
	r.stopRun()
	select {
	case <-r.done:
	case <-time.After(stopGrace):
	}
	return fmt.Errorf("stop jobs: %w", ctx.Err())
}

// work claims and runs jobs until pollCtx ends.
func (r *Runner) work(pollCtx, runCtx context.Context, worker string) {
	lease := r.opts.Timeout + leaseMargin
	for {
		j, err := r.store.ClaimJob(pollCtx, worker, r.kinds, r.opts.Now(), lease)
		if err == nil {
			r.run(runCtx, worker, j)
			continue // more may be due: look again at once
		}
		if pollCtx.Err() != nil {
			return
		}
		wait := r.opts.Poll
		if !errors.Is(err, storage.ErrNotFound) {
			r.log.Warn("claim job", "worker", worker, "err", err)
			wait = max(wait, time.Second)
		}
		t := time.NewTimer(wait)
		select {
		case <-pollCtx.Done():
			t.Stop()
			return
		case <-r.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// run runs one claimed job and records its outcome.
func (r *Runner) run(ctx context.Context, worker string, j *storage.Job) {
	log := r.log.With("kind", j.Kind, "job", j.ID, "attempt", j.Attempts, "worker", worker)
	var err error
	switch h := r.handlers[j.Kind]; {
	case j.Attempts > j.MaxAttempts:
		err = Permanent(errors.New("abandoned: the worker running its last attempt stopped before finishing"))
	case h == nil: // ClaimJob only returns registered kinds
		err = Permanent(fmt.Errorf("no handler for kind %q", j.Kind))
	default:
		err = r.call(ctx, log, h, j.Payload)
	}
	// The outcome is saved even when a forced stop cancelled the handler.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err == nil {
		if err := r.store.CompleteJob(sctx, j.ID, worker); err != nil {
			// ErrNotFound: the lease ran out and another worker took the job.
			log.Warn("complete job", "err", err)
		}
		return
	}
	text := err.Error()
	if len(text) > maxErrorText {
		text = text[:maxErrorText]
	}
	final := j.Attempts >= j.MaxAttempts || errors.Is(err, errPermanent)
	var delay time.Duration
	if ctx.Err() != nil {
		final = false // stopped, not failed: let any node take it now
	} else if !final {
		delay = Backoff(j.Attempts, r.opts.MinBackoff, r.opts.MaxBackoff)
	}
	var retryAt time.Time
	if !final {
		retryAt = r.opts.Now().Add(delay)
	}
	if err := r.store.FailJob(sctx, j.ID, worker, text, retryAt, final); err != nil {
		log.Warn("record job failure", "err", err, "job_err", text)
		return
	}
	if final {
		log.Error("job failed", "err", text, "max_attempts", j.MaxAttempts)
	} else {
		log.Warn("job attempt failed", "err", text, "retry_in", delay)
	}
}

// call runs h with the attempt's deadline, turning a panic into an error.
func (r *Runner) call(ctx context.Context, log *slog.Logger, h Handler, payload json.RawMessage) (err error) {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			log.Error("job handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, payload)
}

// Backoff is the wait after a job's attempt-th failed attempt: first,
// then doubling up to limit, less up to a quarter at random so jobs that
// failed together do not all retry together.
func Backoff(attempt int, first, limit time.Duration) time.Duration {
	d := first
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	if d > limit {
		d = limit
	}
	return d - rand.N(d/4+1)
}

var errPermanent = errors.New("permanent")

type permanent struct{ err error }

func (p *permanent) Error() string        { return p.err.Error() }
func (p *permanent) Unwrap() error        { return p.err }
func (p *permanent) Is(target error) bool { return target == errPermanent }

// Permanent marks err as one retrying cannot fix, such as a payload that
// does not decode: the job fails for good at once. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanent{err: err}
}
