package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/jobs"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// database returns the engine name and DSN of a fresh database of e.
func database(t *testing.T, e testdb.Engine) string {
	dsn := e.New(t)
	if e.Name == "sqlite" {
		dsn = strings.TrimPrefix(dsn, "sqlite:")
	}
	return dsn
}

// open opens a store on dsn: each call is one more node.
func open(t *testing.T, e testdb.Engine, dsn string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), e.Name, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// logBuffer collects JSON log lines from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// records returns the log records at level.
func (b *logBuffer) records(t *testing.T, level string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["level"] == level {
			out = append(out, m)
		}
	}
	return out
}

func newLog() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// fast are options that keep tests quick.
func fast(o jobs.Options) jobs.Options {
	o.Poll = 5 * time.Millisecond
	o.MinBackoff = time.Millisecond
	o.MaxBackoff = 4 * time.Millisecond
	return o
}

// start starts r and stops it when the test ends.
func start(t *testing.T, r *jobs.Runner) {
	r.Start(t.Context())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// waitJob waits until job id is in state and returns it.
func waitJob(t *testing.T, s storage.JobStore, id, state string) *storage.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		list, _, err := s.ListJobs(context.Background(), state, storage.Page{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range list {
			if j.ID == id {
				return j
			}
		}
		if time.Now().After(deadline) {
			all, _, _ := s.ListJobs(context.Background(), "", storage.Page{Limit: 1000})
			for _, j := range all {
				if j.ID == id {
					t.Fatalf("job %s is %s after %d attempts (%s), want %s", id, j.State, j.Attempts, j.LastError, state)
				}
			}
			t.Fatalf("job %s not found", id)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type userPayload struct {
	UserID string `json:"userId"`
}

func TestRunner(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Run("RunsJobs", func(t *testing.T) { testRuns(t, e) })
			t.Run("RetryThenFail", func(t *testing.T) { testRetryThenFail(t, e) })
			t.Run("PermanentAndPanic", func(t *testing.T) { testPermanentAndPanic(t, e) })
			t.Run("Restart", func(t *testing.T) { testRestart(t, e) })
			t.Run("CrashedWorker", func(t *testing.T) { testCrashedWorker(t, e) })
			t.Run("TwoNodesRunEachJobOnce", func(t *testing.T) { testTwoNodes(t, e) })
			t.Run("StopWaits", func(t *testing.T) { testStopWaits(t, e) })
			t.Run("StopDeadline", func(t *testing.T) { testStopDeadline(t, e) })
		})
	}
}

func testRuns(t *testing.T, e testdb.Engine) {
	s := open(t, e, database(t, e))
	log, _ := newLog()
	r := jobs.New(s, log, fast(jobs.Options{}))
	got := make(chan string, 10)
	r.Register("greet", func(ctx context.Context, payload json.RawMessage) error {
		var p userPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return jobs.Permanent(err)
		}
		got <- p.UserID
		return nil
	})
	start(t, r)

	j, err := r.Enqueue(t.Context(), "greet", userPayload{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	if j.ID == "" || j.MaxAttempts != storage.DefaultJobMaxAttempts {
		t.Fatalf("enqueued %+v", j)
	}
	select {
	case id := <-got:
		if id != "u1" {
			t.Fatalf("handler got %q", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("job did not run")
	}
	if d := waitJob(t, s, j.ID, storage.JobDone); d.Attempts != 1 {
		t.Fatalf("done job %+v", d)
	}

	// A job for later waits; a fixed id makes enqueueing idempotent.
	later, err := r.Enqueue(t.Context(), "greet", userPayload{UserID: "u2"}, jobs.At(time.Now().Add(time.Hour)), jobs.WithID("once"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Enqueue(t.Context(), "greet", userPayload{UserID: "u2"}, jobs.WithID("once")); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("enqueue with a taken id: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if q := waitJob(t, s, later.ID, storage.JobQueued); q.Attempts != 0 {
		t.Fatalf("job for later %+v", q)
	}
	select {
	case id := <-got:
		t.Fatalf("job for later ran early for %s", id)
	default:
	}
}

func testRetryThenFail(t *testing.T, e testdb.Engine) {
	s := open(t, e, database(t, e))
	log, logs := newLog()
	r := jobs.New(s, log, fast(jobs.Options{MaxAttempts: 3}))
	var calls atomic.Int32
	fail := atomic.Bool{}
	fail.Store(true)
	r.Register("mail", func(ctx context.Context, payload json.RawMessage) error {
		calls.Add(1)
		if fail.Load() {
			return fmt.Errorf("smtp: connection refused (call %d)", calls.Load())
		}
		return nil
	})
	start(t, r)

	j, err := r.Enqueue(t.Context(), "mail", map[string]string{"userId": "u-7f3a"})
	if err != nil {
		t.Fatal(err)
	}
	f := waitJob(t, s, j.ID, storage.JobFailed)
	if f.Attempts != 3 || f.LastError != "smtp: connection refused (call 3)" || calls.Load() != 3 {
		t.Fatalf("failed job %+v after %d calls", f, calls.Load())
	}
	// The admin listing shows it.
	list, total, err := s.ListJobs(t.Context(), storage.JobFailed, storage.Page{Limit: 10})
	if err != nil || total != 1 || list[0].ID != j.ID {
		t.Fatalf("failed jobs %+v, total %d, %v", list, total, err)
	}
	// So does the log: retries at warn, the final failure at error, with
	// kind, id and error but not the payload.
	if w := logs.records(t, "WARN"); len(w) != 2 {
		t.Errorf("%d warnings, want 2 (one per retry): %s", len(w), logs)
	}
	errs := logs.records(t, "ERROR")
	if len(errs) != 1 {
		t.Fatalf("%d errors logged, want 1: %s", len(errs), logs)
	}
	if m := errs[0]; m["kind"] != "mail" || m["job"] != j.ID || m["err"] != f.LastError {
		t.Errorf("error record %v", m)
	}
	if strings.Contains(logs.String(), "u-7f3a") {
		t.Errorf("payload logged: %s", logs)
	}

	// An admin retries it once the cause is fixed.
	fail.Store(false)
	if err := s.RetryJob(t.Context(), j.ID); err != nil {
		t.Fatal(err)
	}
	if d := waitJob(t, s, j.ID, storage.JobDone); d.Attempts != 1 {
		t.Fatalf("retried job %+v", d)
	}
}

func testPermanentAndPanic(t *testing.T, e testdb.Engine) {
	s := open(t, e, database(t, e))
	log, logs := newLog()
	r := jobs.New(s, log, fast(jobs.Options{}))
	r.Register("bad", func(ctx context.Context, payload json.RawMessage) error {
		return jobs.Permanent(errors.New("no such project"))
	})
	var panics atomic.Int32
	r.Register("panics", func(ctx context.Context, payload json.RawMessage) error {
		if panics.Add(1) == 1 {
			panic("nil map")
		}
		return nil
	})
	start(t, r)

	bad, err := r.Enqueue(t.Context(), "bad", nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := waitJob(t, s, bad.ID, storage.JobFailed); f.Attempts != 1 || f.LastError != "no such project" {
		t.Fatalf("permanent failure %+v", f)
	}
	p, err := r.Enqueue(t.Context(), "panics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := waitJob(t, s, p.ID, storage.JobDone); d.Attempts != 2 || d.LastError != "panic: nil map" {
		t.Fatalf("job after a panic %+v", d)
	}
	if !strings.Contains(logs.String(), "job handler panicked") {
		t.Errorf("panic not logged: %s", logs)
	}
}

// testRestart: a job accepted before a crash runs after the restart.
func testRestart(t *testing.T, e testdb.Engine) {
	dsn := database(t, e)
	before, err := sqlstore.Open(t.Context(), e.Name, dsn)
	if err != nil {
		t.Fatal(err)
	}
	j := &storage.Job{Kind: "cleanup", Payload: json.RawMessage(`{"userId":"u1"}`)}
	if err := before.EnqueueJob(t.Context(), j); err != nil {
		t.Fatal(err)
	}
	before.Close() // the process dies here

	after := open(t, e, dsn)
	log, _ := newLog()
	r := jobs.New(after, log, fast(jobs.Options{}))
	ran := make(chan struct{}, 1)
	r.Register("cleanup", func(ctx context.Context, payload json.RawMessage) error {
		ran <- struct{}{}
		return nil
	})
	start(t, r)
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("job accepted before the restart did not run")
	}
	waitJob(t, after, j.ID, storage.JobDone)
}

// testCrashedWorker: a worker claims a job and dies mid-run; once its
// lease expires another node runs the job.
func testCrashedWorker(t *testing.T, e testdb.Engine) {
	dsn := database(t, e)
	crashed, survivor := open(t, e, dsn), open(t, e, dsn)
	// j has an attempt left; last was on its last attempt.
	j := &storage.Job{Kind: "cleanup", MaxAttempts: 2}
	last := &storage.Job{Kind: "cleanup", MaxAttempts: 1}
	for _, job := range []*storage.Job{j, last} {
		if err := crashed.EnqueueJob(t.Context(), job); err != nil {
			t.Fatal(err)
		}
		if _, err := crashed.ClaimJob(t.Context(), "crashed#1", []string{"cleanup", "other"}, time.Now(), time.Minute); err != nil {
			t.Fatal(err)
		}
	}

	log, logs := newLog()
	var skew atomic.Int64 // how far this node's clock is ahead
	o := fast(jobs.Options{Timeout: time.Second})
	o.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	r := jobs.New(survivor, log, o)
	var calls atomic.Int32
	r.Register("cleanup", func(ctx context.Context, payload json.RawMessage) error {
		calls.Add(1)
		return nil
	})
	start(t, r)
	time.Sleep(50 * time.Millisecond)
	if calls.Load() != 0 {
		t.Fatal("job ran while another worker held its lease")
	}
	skew.Store(int64(2 * time.Minute))
	if d := waitJob(t, survivor, j.ID, storage.JobDone); d.Attempts != 2 || calls.Load() != 1 {
		t.Fatalf("job after the crash %+v, %d calls", d, calls.Load())
	}

	// A job whose last attempt was abandoned fails without running again.
	f := waitJob(t, survivor, last.ID, storage.JobFailed)
	if calls.Load() != 1 || !strings.HasPrefix(f.LastError, "abandoned") {
		t.Fatalf("abandoned job %+v, %d calls", f, calls.Load())
	}
	if len(logs.records(t, "ERROR")) != 1 {
		t.Errorf("abandoned job not logged as an error: %s", logs)
	}
}

// testTwoNodes: two runners on two stores over one database run 200 jobs,
// each exactly once.
func testTwoNodes(t *testing.T, e testdb.Engine) {
	const n = 200
	dsn := database(t, e)
	var counts [n]atomic.Int32
	handler := func(ctx context.Context, payload json.RawMessage) error {
		var p struct{ N int }
		if err := json.Unmarshal(payload, &p); err != nil {
			return jobs.Permanent(err)
		}
		counts[p.N].Add(1)
		return nil
	}
	var nodes []*jobs.Runner
	var store storage.JobStore
	for i := range 2 {
		s := open(t, e, dsn)
		store = s
		log, _ := newLog()
		r := jobs.New(s, log, fast(jobs.Options{Workers: 4, WorkerID: fmt.Sprintf("node%d", i)}))
		r.Register("count", handler)
		nodes = append(nodes, r)
	}
	for i := range n {
		if _, err := nodes[i%2].Enqueue(t.Context(), "count", map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range nodes {
		start(t, r)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, done, err := store.ListJobs(t.Context(), storage.JobDone, storage.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if done == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d jobs done", done, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, r := range nodes {
		if err := r.Stop(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for i := range counts {
		if c := counts[i].Load(); c != 1 {
			t.Errorf("job %d ran %d times", i, c)
		}
	}
	list, _, err := store.ListJobs(t.Context(), storage.JobDone, storage.Page{Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range list {
		if j.Attempts != 1 {
			t.Errorf("job %s took %d attempts", j.ID, j.Attempts)
		}
	}
}

// testStopWaits: Stop lets a running job finish before returning.
func testStopWaits(t *testing.T, e testdb.Engine) {
	s := open(t, e, database(t, e))
	log, _ := newLog()
	r := jobs.New(s, log, fast(jobs.Options{}))
	started, release := make(chan struct{}), make(chan struct{})
	var cancelled atomic.Bool
	r.Register("slow", func(ctx context.Context, payload json.RawMessage) error {
		close(started)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			cancelled.Store(true)
			return ctx.Err()
		}
	})
	r.Start(t.Context())
	j, err := r.Enqueue(t.Context(), "slow", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- r.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned with a job running: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not return after the job finished")
	}
	if cancelled.Load() {
		t.Error("a graceful stop cancelled the running job")
	}
	waitJob(t, s, j.ID, storage.JobDone)
	// Stopped means stopped: nothing more runs.
	next, err := r.Enqueue(t.Context(), "slow", nil)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	waitJob(t, s, next.ID, storage.JobQueued)
}

// testStopDeadline: when Stop's context ends first, the running handler is
// cancelled and its job queued again for any node.
func testStopDeadline(t *testing.T, e testdb.Engine) {
	s := open(t, e, database(t, e))
	log, _ := newLog()
	r := jobs.New(s, log, fast(jobs.Options{MinBackoff: time.Hour}))
	started := make(chan struct{})
	r.Register("stuck", func(ctx context.Context, payload json.RawMessage) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	r.Start(t.Context())
	j, err := r.Enqueue(t.Context(), "stuck", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := r.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want a deadline error", err)
	}
	q := waitJob(t, s, j.ID, storage.JobQueued)
	if q.Attempts != 1 || q.RunAt.After(time.Now()) || q.LockedBy != "" {
		t.Fatalf("interrupted job %+v", q)
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempt int
		want    time.Duration
	}{
		{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {8, 128 * time.Second},
		{10, 8*time.Minute + 32*time.Second}, {11, 10 * time.Minute}, {1000, 10 * time.Minute},
	} {
		for range 50 {
			d := jobs.Backoff(c.attempt, time.Second, 10*time.Minute)
			if d > c.want || d < c.want*3/4 {
				t.Fatalf("Backoff(%d) = %v, want %v less up to a quarter", c.attempt, d, c.want)
			}
		}
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	log, _ := newLog()
	r := jobs.New(nil, log, jobs.Options{})
	h := func(context.Context, json.RawMessage) error { return nil }
	r.Register("a", h)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	r.Register("a", h)
}

// A runner with no handlers must not claim, and so fail, other nodes' jobs.
func TestRunnerWithoutHandlersClaimsNothing(t *testing.T) {
	e := testdb.Engines()[0]
	s := open(t, e, database(t, e))
	log, _ := newLog()
	r := jobs.New(s, log, fast(jobs.Options{}))
	start(t, r)
	j, err := r.Enqueue(t.Context(), "elsewhere", nil)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if q := waitJob(t, s, j.ID, storage.JobQueued); q.Attempts != 0 {
		t.Fatalf("job %+v", q)
	}
}
