package password

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// childEnv makes this test binary act as the hashing child (see TestMain).
const childEnv = "GATEHOUSE_TEST_HASH_CHILD=1"

func TestMain(m *testing.M) {
	switch os.Getenv("GATEHOUSE_TEST_HASH_CHILD") {
	case "1":
		if err := ServeChild(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	case "other-protocol": // a newer or older binary
		os.Stdout.WriteString(`{"protocol":"gatehouse-hash/0"}` + "\n")
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childHasher is a Hasher whose work runs in a child made of this binary.
func childHasher(t *testing.T, p Params, workers int) *Hasher {
	t.Helper()
	h := NewHasher(p, workers)
	h.UseChild([]string{os.Args[0]}, []string{childEnv}, nil)
	t.Cleanup(func() { h.child.close() })
	return h
}

func TestChildHashVerify(t *testing.T) {
	h := childHasher(t, fast, 2)
	ctx := context.Background()
	stored, err := h.Hash(ctx, "correct horse")
	if err != nil || !strings.HasPrefix(stored, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("Hash = %q, %v", stored, err)
	}
	if h.child.running() == nil {
		t.Fatal("the hash was not computed in a child")
	}
	// What the child made verifies in-process, and the other way round.
	local := NewHasher(fast, 1)
	if ok, rehash, err := local.Verify(ctx, "argon2", stored, nil, "correct horse"); !ok || rehash || err != nil {
		t.Fatalf("in-process Verify of the child's hash = %v %v %v", ok, rehash, err)
	}
	own, _ := local.Hash(ctx, "battery staple")
	if ok, _, err := h.Verify(ctx, "argon2", own, nil, "battery staple"); !ok || err != nil {
		t.Fatalf("child Verify = %v %v", ok, err)
	}
	if ok, _, _ := h.Verify(ctx, "argon2", own, nil, "wrong"); ok {
		t.Fatal("the child verified a wrong password")
	}
	// Imported kinds and the rehash flag cross over too.
	if ok, rehash, err := h.Verify(ctx, "md5", "5f4dcc3b5aa765d61d8327deb882cf99", nil, "password"); !ok || !rehash || err != nil {
		t.Fatalf("md5 = %v %v %v", ok, rehash, err)
	}
	// So do the sentinel errors.
	if _, _, err := h.Verify(ctx, "argon2", "$argon2id$v=19$nonsense", nil, "x"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("malformed: %v", err)
	}
	if _, _, err := h.Verify(ctx, "des", "abc", nil, "x"); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("unsupported: %v", err)
	}
}

func TestChildConcurrent(t *testing.T) {
	h := childHasher(t, fast, 3)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "pw-" + strconv.Itoa(i)
			stored, err := h.Hash(ctx, pw)
			if err != nil {
				t.Error(err)
				return
			}
			if ok, _, err := h.Verify(ctx, "argon2", stored, nil, pw); !ok || err != nil {
				t.Errorf("%s: %v %v", pw, ok, err)
			}
		}()
	}
	wg.Wait()
}

// TestChildLowPriority: every thread of the child runs at nice 19, the
// server's own threads do not.
func TestChildLowPriority(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("thread priorities are read from /proc")
	}
	h := childHasher(t, fast, 1)
	if _, err := h.Hash(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	pid := h.child.running().cmd.Process.Pid
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if n := niceOf(t, "/proc/"+strconv.Itoa(pid)+"/task/"+task.Name()+"/stat"); n != 19 {
			t.Errorf("child thread %s runs at nice %d", task.Name(), n)
		}
	}
	// The parent's threads keep their priority.
	own, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	normal := 0
	for _, task := range own {
		if niceOf(t, "/proc/self/task/"+task.Name()+"/stat") == 0 {
			normal++
		}
	}
	if normal != len(own) {
		t.Errorf("%d of the parent's %d threads were lowered too", len(own)-normal, len(own))
	}
}

// niceOf reads the nice value (field 19) of a /proc stat file.
func niceOf(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The command name (field 2) may hold spaces; fields restart after ')'.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	n, err := strconv.Atoi(fields[16])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestChildLost: when the child dies, jobs are computed in-process and a
// new child is started later.
func TestChildLost(t *testing.T) {
	h := childHasher(t, fast, 1)
	ctx := context.Background()
	if _, err := h.Hash(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	first := h.child.running()
	first.cmd.Process.Kill()
	<-first.dead
	stored, err := h.Hash(ctx, "b")
	if err != nil || !strings.HasPrefix(stored, "$argon2id$") {
		t.Fatalf("after the child died: %q %v", stored, err)
	}
	if ok, _, err := h.Verify(ctx, "argon2", stored, nil, "b"); !ok || err != nil {
		t.Fatalf("verify after the child died: %v %v", ok, err)
	}
	// After the retry interval a new child takes over.
	h.child.mu.Lock()
	h.child.failedAt = time.Now().Add(-childRetry)
	h.child.mu.Unlock()
	if _, err := h.Hash(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if p := h.child.running(); p == nil || p == first {
		t.Fatal("no new child after the retry interval")
	}
}

// TestChildCannotStart: a child that cannot be started is no failure.
func TestChildCannotStart(t *testing.T) {
	h := NewHasher(fast, 1)
	h.UseChild([]string{"/nonexistent/gatehouse"}, nil, nil)
	stored, err := h.Hash(context.Background(), "pw")
	if err != nil || !strings.HasPrefix(stored, "$argon2id$") {
		t.Fatalf("Hash = %q, %v", stored, err)
	}
}

// BenchmarkHashers compares hashing at the default cost in-process and in
// the child, with as many callers as workers.
func BenchmarkHashers(b *testing.B) {
	for _, mode := range []string{"in-process", "child"} {
		b.Run(mode, func(b *testing.B) {
			h := NewHasher(DefaultParams, 0)
			if mode == "child" {
				h.UseChild([]string{os.Args[0]}, []string{childEnv}, nil)
				defer h.Close()
			}
			ctx := context.Background()
			b.SetParallelism(4) // a queue of callers, as under load
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
						b.Error(err)
					}
				}
			})
		})
	}
}

// TestChildOtherProtocol: a child binary that speaks another protocol (one
// replaced on disk by an upgrade) is not used; hashing goes on in-process.
func TestChildOtherProtocol(t *testing.T) {
	h := NewHasher(fast, 1)
	h.UseChild([]string{os.Args[0]}, []string{"GATEHOUSE_TEST_HASH_CHILD=other-protocol"}, nil)
	t.Cleanup(h.Close)
	stored, err := h.Hash(context.Background(), "pw")
	if err != nil || !strings.HasPrefix(stored, "$argon2id$") {
		t.Fatalf("Hash = %q, %v", stored, err)
	}
	if ok, _, err := h.Verify(context.Background(), "argon2", stored, nil, "pw"); !ok || err != nil {
		t.Fatalf("Verify = %v, %v", ok, err)
	}
	if h.child.running() != nil {
		t.Fatal("a child of another protocol was used")
	}
}

// TestChildRetiredWhenIdle: a child that has had no job for the idle time
// exits, and the next job starts a new one. Without the retirement the
// first child would still be the running one.
func TestChildRetiredWhenIdle(t *testing.T) {
	h := childHasher(t, fast, 1)
	h.SetChildIdle(50 * time.Millisecond)
	ctx := context.Background()
	if _, err := h.Hash(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	first := h.child.running()
	if first == nil {
		t.Fatal("no child after a hash")
	}
	select {
	case <-first.dead:
	case <-time.After(10 * time.Second):
		t.Fatal("an idle child was not retired")
	}
	if p := h.child.running(); p != nil {
		t.Fatal("a retired child is still the running one")
	}
	if _, err := h.Hash(ctx, "two"); err != nil {
		t.Fatal(err)
	}
	second := h.child.running()
	if second == nil || second == first {
		t.Fatalf("the next job did not start a new child (%p, first %p)", second, first)
	}
}

// TestChildBusyNotRetired: a retirement timed while the child was idle
// does not end it once a job has started on it. The job here is timed
// first, so that the idle time is a third of it and a stale timer would
// fire in the middle of the next job.
func TestChildBusyNotRetired(t *testing.T) {
	slow := Params{MemoryKiB: 32 * 1024, Time: 2, Threads: 1}
	h := childHasher(t, slow, 1)
	h.SetChildIdle(time.Hour)
	ctx := context.Background()
	start := time.Now()
	if _, err := h.Hash(ctx, "warm"); err != nil {
		t.Fatal(err)
	}
	job := time.Since(start)
	first := h.child.running()
	if first == nil {
		t.Fatal("no child after a hash")
	}
	h.SetChildIdle(job / 3)
	for i := 0; i < 3; i++ {
		if _, err := h.Hash(ctx, "busy "+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if p := h.child.running(); p != first {
			t.Fatalf("job %d: the child was retired while it had work", i)
		}
	}
}
