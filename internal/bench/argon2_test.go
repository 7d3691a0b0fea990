package bench

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/gatehouse-auth/gatehouse/internal/password"
)

// BenchmarkArgon2idDefault is the hash-only rate that bounds sign-in and
// sign-up: argon2id at the server's defaults (m=19 MiB, t=2, p=1), one
// hash per goroutine, GOMAXPROCS goroutines. hashes/s is the whole
// machine's rate; cpu-ms/op is CPU time per hash (from /proc, so it
// holds even when other processes share the cores).
func BenchmarkArgon2idDefault(b *testing.B) {
	p := password.DefaultParams
	salt := make([]byte, 16)
	b.ReportAllocs()
	cpu := startCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			argon2.IDKey([]byte("correct horse battery staple"), salt, p.Time, p.MemoryKiB, p.Threads, 32)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	cpu.report(b)
}

// BenchmarkPasswordHasher is the same through the server's Hasher, with
// its pool of one slot per CPU.
func BenchmarkPasswordHasher(b *testing.B) {
	h := password.NewHasher(password.DefaultParams, 0)
	ctx := context.Background()
	b.ReportAllocs()
	cpu := startCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	cpu.report(b)
}

// cpuMark is this process's CPU time at the start of a benchmark.
type cpuMark struct {
	t  time.Duration
	ok bool
}

func startCPU() cpuMark {
	t, err := cpuTime("self")
	return cpuMark{t, err == nil}
}

// report adds cpu-ms/op, the CPU time each operation took, if /proc
// could be read.
func (m cpuMark) report(b *testing.B) {
	t, err := cpuTime("self")
	if !m.ok || err != nil || b.N == 0 {
		return
	}
	b.ReportMetric(float64(t-m.t)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
