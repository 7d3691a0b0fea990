package maintenance_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/maintenance"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// fakeStore holds a number of removable rows per kind and records the
// cutoffs and limits it was asked for.
type fakeStore struct {
	mu      sync.Mutex
	rows    map[storage.SweepKind]int
	cutoffs map[storage.SweepKind]time.Time
	calls   int
	block   bool // each call waits for its context to end
}

func (f *fakeStore) Sweep(ctx context.Context, kind storage.SweepKind, cutoff time.Time, limit int) (int, error) {
	if f.block {
		<-ctx.Done()
		return 0, ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.cutoffs[kind] = cutoff
	n := min(f.rows[kind], limit)
	f.rows[kind] -= n
	return n, nil
}

func TestSweepBatchesEveryKind(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := &fakeStore{rows: map[storage.SweepKind]int{storage.SweepSessions: 25, storage.SweepLogs: 10, storage.SweepTokens: 3},
		cutoffs: map[storage.SweepKind]time.Time{}}
	s := maintenance.New(f, slog.New(slog.DiscardHandler), maintenance.Options{Batch: 10, Pause: -1, LogRetention: 48 * time.Hour,
		Now: func() time.Time { return now }})
	counts, err := s.Sweep(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := maintenance.Counts{storage.SweepSessions: 25, storage.SweepLogs: 10, storage.SweepTokens: 3}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: removed %d, want %d", k, counts[k], n)
		}
	}
	// Sessions take 3 batches, logs 2 (the second finds none), every
	// other kind one.
	if wantCalls := 3 + 2 + len(storage.SweepKinds) - 2; f.calls != wantCalls {
		t.Errorf("%d calls, want %d", f.calls, wantCalls)
	}
	for kind, cut := range map[storage.SweepKind]time.Time{
		storage.SweepSessions:    now,
		storage.SweepLinkUndos:   now.Add(-storage.LinkUndoKeep),
		storage.SweepRateWindows: now.Add(-2 * time.Hour),
		storage.SweepDoneJobs:    now.Add(-maintenance.DefaultKeepDone),
		storage.SweepLogs:        now.Add(-48 * time.Hour),
		storage.SweepLinkedLogs:  now.Add(-48 * time.Hour),
	} {
		if !f.cutoffs[kind].Equal(cut) {
			t.Errorf("%s cut at %v, want %v", kind, f.cutoffs[kind], cut)
		}
	}
}

func TestLogsKeptForEver(t *testing.T) {
	f := &fakeStore{rows: map[storage.SweepKind]int{}, cutoffs: map[storage.SweepKind]time.Time{}}
	s := maintenance.New(f, slog.New(slog.DiscardHandler), maintenance.Options{Pause: -1})
	if _, err := s.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, k := range []storage.SweepKind{storage.SweepLogs, storage.SweepLinkedLogs} {
		if _, ok := f.cutoffs[k]; ok {
			t.Errorf("with no retention %s was swept", k)
		}
	}
}

// TestOneLogLinePerSweep: a sweep as the job runs it logs one INFO line
// with each kind's count and is observed once; one cut short by its
// budget still succeeds, and says so.
func TestOneLogLinePerSweep(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	f := &fakeStore{rows: map[storage.SweepKind]int{storage.SweepSessions: 7}, cutoffs: map[storage.SweepKind]time.Time{}}
	var observed []maintenance.Counts
	s := maintenance.New(f, log, maintenance.Options{Pause: -1, Observe: func(c maintenance.Counts) { observed = append(observed, c) }})
	if err := s.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=INFO") || !strings.Contains(lines[0], `msg="maintenance sweep"`) ||
		!strings.Contains(lines[0], " sessions=7 ") || !strings.Contains(lines[0], " tokens=0 ") || !strings.Contains(lines[0], " total=7") {
		t.Fatalf("log:\n%s", buf.String())
	}
	if len(observed) != 1 || observed[0][storage.SweepSessions] != 7 {
		t.Fatalf("observed %v", observed)
	}

	buf.Reset()
	blocked := &fakeStore{block: true, rows: map[storage.SweepKind]int{}, cutoffs: map[storage.SweepKind]time.Time{}}
	b := maintenance.New(blocked, log, maintenance.Options{Budget: 50 * time.Millisecond, Pause: -1})
	if err := b.Run(t.Context()); err != nil {
		t.Fatalf("a sweep past its budget failed: %v", err)
	}
	if !strings.Contains(buf.String(), "time budget") {
		t.Fatalf("log:\n%s", buf.String())
	}
}

// TestOneJobPerPeriod: every node names a period's sweep alike, and the
// next period's differently.
func TestOneJobPerPeriod(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := maintenance.New(nil, slog.New(slog.DiscardHandler), maintenance.Options{Interval: time.Hour})
	if s.JobID(at) != s.JobID(at.Add(59*time.Minute)) || s.JobID(at) == s.JobID(at.Add(time.Hour)) || s.JobID(at) == s.JobID(at.Add(-time.Second)) {
		t.Fatalf("ids %s %s %s", s.JobID(at), s.JobID(at.Add(59*time.Minute)), s.JobID(at.Add(time.Hour)))
	}
}
