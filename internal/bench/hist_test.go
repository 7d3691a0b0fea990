package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketsAreContiguous(t *testing.T) {
	prev := -1
	for _, v := range []uint64{0, 1, 255, 256, 257, 511, 512, 1000, 1 << 20, 1<<20 + 1, 123456789, 1 << 40} {
		i := bucketOf(v)
		if i < prev {
			t.Fatalf("bucketOf(%d) = %d, below bucket %d of a smaller value", v, i, prev)
		}
		prev = i
		if hi := bucketHigh(i); hi < v {
			t.Fatalf("bucketHigh(bucketOf(%d)) = %d, below the value", v, hi)
		}
		if i > 0 && bucketHigh(i-1) >= v {
			t.Fatalf("value %d also fits bucket %d", v, i-1)
		}
	}
	for i := 1; i < nBuckets; i++ {
		if bucketOf(bucketHigh(i-1)+1) != i {
			t.Fatalf("bucket %d does not start right after bucket %d", i, i-1)
		}
	}
}

func TestQuantileExactBelow256ns(t *testing.T) {
	var h hist
	for v := 1; v <= 100; v++ {
		h.record(time.Duration(v))
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0, 1}, {0.01, 1}, {0.5, 50}, {0.9, 90}, {0.99, 99}, {0.991, 100}, {1, 100}} {
		if got := h.quantile(c.q); got != c.want {
			t.Errorf("quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if h.mean() != 50 { // 5050/100, truncated
		t.Errorf("mean = %v, want 50ns", h.mean())
	}
}

// TestQuantileMatchesSortedSamples checks the histogram against the exact
// order statistic of the same samples: never below, at most 1/128 above.
func TestQuantileMatchesSortedSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	samples := make([]time.Duration, 100000)
	var workers [4]hist
	for i := range samples {
		// Log-uniform from 1µs to about 1s, like real latencies.
		d := time.Duration(float64(time.Microsecond) * math.Pow(1e6, rng.Float64()))
		samples[i] = d
		workers[i%4].record(d)
	}
	var h hist
	for i := range workers {
		h.merge(&workers[i])
	}
	slices.Sort(samples)
	if h.n != uint64(len(samples)) || time.Duration(h.max) != samples[len(samples)-1] || time.Duration(h.min) != samples[0] {
		t.Fatalf("merged n=%d min=%d max=%d", h.n, h.min, h.max)
	}
	for _, q := range []float64{0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999} {
		exact := samples[int(math.Ceil(q*float64(len(samples))))-1]
		got := h.quantile(q)
		if got < exact || float64(got-exact) > float64(exact)/128 {
			t.Errorf("quantile(%v) = %v, exact %v", q, got, exact)
		}
	}
	if got := h.quantile(1); got != samples[len(samples)-1] {
		t.Errorf("quantile(1) = %v, want the max %v", got, samples[len(samples)-1])
	}
}

func TestQuantileEmptyAndHuge(t *testing.T) {
	var h hist
	if h.quantile(0.5) != 0 || h.mean() != 0 {
		t.Fatal("empty histogram should report 0")
	}
	h.record(-time.Second) // clock went backwards: counted as 0
	h.record(100 * 24 * time.Hour)
	if got := h.quantile(1); got != 100*24*time.Hour {
		t.Errorf("max = %v", got)
	}
	if got := h.quantile(0.5); got != 0 {
		t.Errorf("p50 = %v, want 0", got)
	}
}

func BenchmarkHistRecord(b *testing.B) {
	var h hist
	for i := range b.N {
		h.record(time.Duration(i&0xfffff) * time.Microsecond)
	}
}
