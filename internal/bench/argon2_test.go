package bench

import (
	"context"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/gatehouse-auth/gatehouse/internal/password"
)

// BenchmarkArgon2idDefault is the hash-only rate that bounds sign-in and
// sign-up: argon2id at the server's defaults (m=19 MiB, t=2, p=1), one
// hash per goroutine, GOMAXPROCS goroutines. hashes/s is the whole
// machine's rate.
func BenchmarkArgon2idDefault(b *testing.B) {
	p := password.DefaultParams
	salt := make([]byte, 16)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			argon2.IDKey([]byte("correct horse battery staple"), salt, p.Time, p.MemoryKiB, p.Threads, 32)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// BenchmarkPasswordHasher is the same through the server's Hasher, with
// its pool of one slot per CPU.
func BenchmarkPasswordHasher(b *testing.B) {
	h := password.NewHasher(password.DefaultParams, 0)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}
