package httpapi

import (
	"testing"
	"time"
)

// FuzzWhen: when writes what time.Format writes with Appwrite's layout,
// for any instant in any zone.
func FuzzWhen(f *testing.F) {
	for _, t := range []time.Time{time.Unix(0, 0), time.Unix(1_700_000_000, 999_999_999),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC)} {
		f.Add(t.Unix(), int64(t.Nanosecond()), 0)
	}
	f.Add(int64(1_700_000_000), int64(5_000_000), -9*3600)
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int) {
		tm := time.Unix(sec, nsec).In(time.FixedZone("z", offset%(26*3600)))
		if tm.IsZero() {
			return
		}
		if got, want := when(tm), tm.UTC().Format(timeFormat); got != want {
			t.Fatalf("when(%v) = %q, want %q", tm, got, want)
		}
	})
}

func TestWhenZero(t *testing.T) {
	if got := when(time.Time{}); got != "" {
		t.Fatalf("when(zero) = %q", got)
	}
}
