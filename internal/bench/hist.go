package bench

import (
	"math"
	"math/bits"
	"time"
)

// A histogram of latencies in nanoseconds, laid out like HdrHistogram:
// values below 2^subBits get a bucket each; above that, every power of
// two is split into 2^(subBits-1) buckets of equal width, so a bucket is
// never wider than 1/128 of the values in it (under 0.8% error). Memory
// is fixed (about 43 KB) however long the run, and recording is a few
// integer operations with no allocation.
const (
	subBits  = 8
	subCount = 1 << subBits  // exact buckets 0..255 ns
	half     = subCount >> 1 // buckets per power of two above that
	maxShift = 40            // up to 2^48 ns, about 78 hours
	nBuckets = subCount + maxShift*half
)

// hist records latencies. It is not safe for concurrent use: each worker
// keeps its own and they are merged at the end.
type hist struct {
	counts [nBuckets]uint64
	n      uint64
	sum    uint64
	min    uint64
	max    uint64
}

func bucketOf(v uint64) int {
	if v < subCount {
		return int(v)
	}
	s := bits.Len64(v) - subBits // >= 1
	if s > maxShift {
		return nBuckets - 1
	}
	top := v >> s // in [half, subCount)
	return subCount + (s-1)*half + int(top-half)
}

// bucketHigh is the largest value that falls in bucket i.
func bucketHigh(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	j := i - subCount
	s := j/half + 1
	top := uint64(j%half + half)
	return (top+1)<<s - 1
}

func (h *hist) record(d time.Duration) {
	v := uint64(0)
	if d > 0 {
		v = uint64(d)
	}
	h.counts[bucketOf(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += v
}

func (h *hist) merge(o *hist) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// quantile returns the latency at or below which a fraction q (0..1) of
// the samples fall: the sample of rank ceil(q*n), reported as the top of
// its bucket (never below the true value, at most 0.8% above it) and
// never above the largest sample.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	if rank >= h.n {
		return time.Duration(h.max)
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(bucketHigh(i), h.max))
		}
	}
	return time.Duration(h.max)
}

func (h *hist) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / h.n)
}
