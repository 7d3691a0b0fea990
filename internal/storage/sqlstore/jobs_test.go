package sqlstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// jobStores opens n stores on one fresh database of engine e, like n nodes
// sharing it, closed when the test ends.
func jobStores(t *testing.T, e testdb.Engine, n int) []*Store {
	t.Helper()
	dsn := e.New(t)
	if e.Name == "sqlite" {
		dsn = strings.TrimPrefix(dsn, "sqlite:")
	}
	var out []*Store
	for range n {
		st, err := Open(context.Background(), e.Name, dsn)
		if err != nil {
			t.Fatalf("open %s: %v", e.Name, err)
		}
		t.Cleanup(func() { st.Close() })
		out = append(out, st)
	}
	return out
}

func enqueue(t *testing.T, s *Store, j *storage.Job) *storage.Job {
	t.Helper()
	if err := s.EnqueueJob(t.Context(), j); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return j
}

func claim(t *testing.T, s *Store, worker string, kinds []string, now time.Time, lease time.Duration) *storage.Job {
	t.Helper()
	j, err := s.ClaimJob(t.Context(), worker, kinds, now, lease)
	if err != nil {
		t.Fatalf("claim by %s at %v: %v", worker, now, err)
	}
	return j
}

func noClaim(t *testing.T, s *Store, worker string, kinds []string, now time.Time) {
	t.Helper()
	j, err := s.ClaimJob(t.Context(), worker, kinds, now, time.Minute)
	if !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("claim by %s at %v = %+v, %v; want ErrNotFound", worker, now, j, err)
	}
}

func jobIn(t *testing.T, s *Store, state, id string) *storage.Job {
	t.Helper()
	list, _, err := s.ListJobs(t.Context(), state, storage.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range list {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("job %s not listed as %q", id, state)
	return nil
}

func TestJobs(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Run("EnqueueClaimComplete", func(t *testing.T) { testJobLifecycle(t, jobStores(t, e, 1)[0]) })
			t.Run("RetryThenFail", func(t *testing.T) { testJobRetry(t, jobStores(t, e, 1)[0]) })
			t.Run("LeaseExpiry", func(t *testing.T) { testJobLease(t, jobStores(t, e, 1)[0]) })
			t.Run("EnqueueInTransaction", func(t *testing.T) { testJobTx(t, jobStores(t, e, 1)[0]) })
			t.Run("ClaimOnce", func(t *testing.T) { testJobClaimOnce(t, jobStores(t, e, 2)) })
		})
	}
}

func testJobLifecycle(t *testing.T, s *Store) {
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Microsecond)
	j := enqueue(t, s, &storage.Job{Kind: "a", Payload: []byte(`{"userId":"u1"}`), RunAt: now})
	if j.ID == "" || j.State != storage.JobQueued || j.MaxAttempts != storage.DefaultJobMaxAttempts {
		t.Fatalf("enqueued %+v", j)
	}
	if err := s.EnqueueJob(ctx, &storage.Job{ID: j.ID, Kind: "a"}); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("enqueue with a taken id: %v", err)
	}
	if err := s.EnqueueJob(ctx, &storage.Job{Kind: "a", Payload: []byte(`{`)}); err == nil {
		t.Fatal("enqueue with a broken payload succeeded")
	}
	noClaim(t, s, "w1", nil, now.Add(-time.Second)) // not due yet
	noClaim(t, s, "w1", []string{"b"}, now)         // not a kind it runs
	got := claim(t, s, "w1", []string{"b", "a"}, now, time.Minute)
	if got.ID != j.ID || got.State != storage.JobRunning || got.Attempts != 1 || got.LockedBy != "w1" ||
		!got.LockedUntil.Equal(now.Add(time.Minute)) || string(got.Payload) != `{"userId":"u1"}` || !got.RunAt.Equal(now) {
		t.Fatalf("claimed %+v", got)
	}
	noClaim(t, s, "w2", nil, now.Add(30*time.Second)) // leased

	if err := s.CompleteJob(ctx, j.ID, "w2"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("complete by another worker: %v", err)
	}
	if err := s.CompleteJob(ctx, j.ID, "w1"); err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteJob(ctx, j.ID, "w1"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("complete twice: %v", err)
	}
	if d := jobIn(t, s, storage.JobDone, j.ID); d.LockedBy != "" || !d.LockedUntil.IsZero() || d.Attempts != 1 {
		t.Fatalf("done job %+v", d)
	}
	noClaim(t, s, "w1", nil, now.Add(time.Hour))

	if n, err := s.Sweep(ctx, storage.SweepDoneJobs, now.Add(-time.Hour), 100); err != nil || n != 0 {
		t.Fatalf("prune of nothing old = %d, %v", n, err)
	}
	if n, err := s.Sweep(ctx, storage.SweepDoneJobs, time.Now().Add(time.Hour), 100); err != nil || n != 1 {
		t.Fatalf("prune = %d, %v", n, err)
	}
	if list, total, err := s.ListJobs(ctx, "", storage.Page{Limit: 10}); err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("after prune: %d jobs, total %d, %v", len(list), total, err)
	}
}

func testJobRetry(t *testing.T, s *Store) {
	ctx := t.Context()
	now := time.Now().UTC()
	j := enqueue(t, s, &storage.Job{Kind: "a", MaxAttempts: 2, RunAt: now})
	other := enqueue(t, s, &storage.Job{Kind: "b", RunAt: now.Add(time.Hour)})

	claim(t, s, "w1", nil, now, time.Minute)
	if err := s.FailJob(ctx, j.ID, "w2", "not mine", now, false); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("fail by another worker: %v", err)
	}
	if err := s.FailJob(ctx, j.ID, "w1", "smtp: timeout", now.Add(time.Second), false); err != nil {
		t.Fatal(err)
	}
	if q := jobIn(t, s, storage.JobQueued, j.ID); q.LastError != "smtp: timeout" || q.Attempts != 1 || q.LockedBy != "" {
		t.Fatalf("queued again: %+v", q)
	}
	noClaim(t, s, "w1", []string{"a"}, now.Add(500*time.Millisecond)) // backing off
	if got := claim(t, s, "w1", nil, now.Add(time.Second), time.Minute); got.ID != j.ID || got.Attempts != 2 {
		t.Fatalf("second claim %+v", got)
	}
	if err := s.FailJob(ctx, j.ID, "w1", "smtp: refused", time.Time{}, true); err != nil {
		t.Fatal(err)
	}
	noClaim(t, s, "w1", []string{"a"}, now.Add(time.Hour))

	list, total, err := s.ListJobs(ctx, storage.JobFailed, storage.Page{Limit: 10})
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("failed jobs: %d, total %d, %v", len(list), total, err)
	}
	if f := list[0]; f.ID != j.ID || f.State != storage.JobFailed || f.Attempts != 2 || f.LastError != "smtp: refused" {
		t.Fatalf("failed job %+v", f)
	}
	if _, total, _ := s.ListJobs(ctx, "", storage.Page{Limit: 1}); total != 2 {
		t.Fatalf("all jobs: total %d", total)
	}
	if list, _, _ := s.ListJobs(ctx, "", storage.Page{Limit: 1, Offset: 1}); len(list) != 1 || list[0].ID != j.ID {
		t.Fatalf("second page %+v (newest first: %s then %s)", list, other.ID, j.ID)
	}

	if err := s.RetryJob(ctx, other.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("retry of a queued job: %v", err)
	}
	if err := s.RetryJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RetryJob(ctx, j.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("retry twice: %v", err)
	}
	if got := claim(t, s, "w1", []string{"a"}, time.Now().Add(time.Second), time.Minute); got.ID != j.ID || got.Attempts != 1 {
		t.Fatalf("claim after retry %+v", got)
	}
}

// testJobLease simulates a worker that crashes mid-run: it claims with a
// short lease and never reports back.
func testJobLease(t *testing.T, s *Store) {
	ctx := t.Context()
	now := time.Now().UTC()
	j := enqueue(t, s, &storage.Job{Kind: "a", MaxAttempts: 2, RunAt: now})
	claim(t, s, "crashed", nil, now, time.Second)
	noClaim(t, s, "w2", nil, now.Add(500*time.Millisecond))
	got := claim(t, s, "w2", nil, now.Add(time.Second), time.Second)
	if got.ID != j.ID || got.Attempts != 2 || got.LockedBy != "w2" {
		t.Fatalf("claim after the lease expired %+v", got)
	}
	if err := s.CompleteJob(ctx, j.ID, "crashed"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("complete by the worker that lost its lease: %v", err)
	}
	// w2 dies too, on the last attempt: the job comes back once more with
	// Attempts past MaxAttempts, for the runner to fail without running it.
	got = claim(t, s, "w3", nil, now.Add(3*time.Second), time.Second)
	if got.Attempts != 3 || got.Attempts <= got.MaxAttempts {
		t.Fatalf("claim of an exhausted job %+v", got)
	}
	if err := s.FailJob(ctx, j.ID, "w3", "abandoned", time.Time{}, true); err != nil {
		t.Fatal(err)
	}
	jobIn(t, s, storage.JobFailed, j.ID)
}

func testJobTx(t *testing.T, s *Store) {
	ctx := t.Context()
	rolledBack := &storage.Job{Kind: storage.JobDeleteUser, Payload: []byte(`{"projectId":"p","userId":"u"}`)}
	errAbort := errors.New("abort")
	err := s.inTx(ctx, func(q querier) error {
		if err := s.enqueueTx(ctx, q, rolledBack); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatal(err)
	}
	committed := &storage.Job{Kind: storage.JobDeleteUser, Payload: []byte(`{"projectId":"p","userId":"u"}`)}
	if err := s.inTx(ctx, func(q querier) error { return s.enqueueTx(ctx, q, committed) }); err != nil {
		t.Fatal(err)
	}
	list, total, err := s.ListJobs(ctx, "", storage.Page{Limit: 10})
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != committed.ID || list[0].ID == rolledBack.ID {
		t.Fatalf("jobs after one rollback and one commit: %+v, total %d, %v", list, total, err)
	}
}

// testJobClaimOnce has workers on two stores (two nodes) race for the
// same jobs: each job must be claimed exactly once.
func testJobClaimOnce(t *testing.T, nodes []*Store) {
	ctx := t.Context()
	const jobs, workers = 200, 8
	now := time.Now()
	for range jobs {
		enqueue(t, nodes[0], &storage.Job{Kind: "a", RunAt: now})
	}
	var mu sync.Mutex
	claims := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		s, name := nodes[w%len(nodes)], "w"+string(rune('a'+w))
		wg.Go(func() {
			for {
				j, err := s.ClaimJob(ctx, name, []string{"a"}, time.Now(), time.Hour)
				if errors.Is(err, storage.ErrNotFound) {
					return
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				claims[j.ID]++
				mu.Unlock()
				if err := s.CompleteJob(ctx, j.ID, name); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(claims) != jobs {
		t.Errorf("%d of %d jobs claimed", len(claims), jobs)
	}
	for id, n := range claims {
		if n != 1 {
			t.Errorf("job %s claimed %d times", id, n)
		}
	}
	if _, total, _ := nodes[1].ListJobs(ctx, storage.JobDone, storage.Page{Limit: 1}); total != jobs {
		t.Errorf("%d jobs done, want %d", total, jobs)
	}
}
