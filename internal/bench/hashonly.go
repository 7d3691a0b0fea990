package bench

import (
	"context"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/gatehouse-auth/gatehouse/internal/password"
)

// hashOnly measures the rate sign-in and sign-up are bounded by: argon2id
// at the server's default parameters, computed in this process on
// GOMAXPROCS goroutines, with no HTTP and no database. Running it in the
// same run as signin compares the two under the same machine conditions.
// The server should be idle meanwhile; its CPU time is still reported.
func (r *runner) hashOnly(ctx context.Context) error {
	p := password.DefaultParams
	t := r.timing()
	n := runtime.GOMAXPROCS(0)
	start := time.Now()
	measureFrom := start.Add(t.warmup)
	end := measureFrom.Add(t.duration)
	workers := make([]*worker, n)
	var wg sync.WaitGroup
	for w := range n {
		wk := &worker{}
		workers[w] = wk
		wg.Add(1)
		go func() {
			defer wg.Done()
			salt := make([]byte, 16)
			for {
				begin := time.Now()
				if !begin.Before(end) || ctx.Err() != nil {
					return
				}
				argon2.IDKey([]byte("correct horse battery staple"), salt, p.Time, p.MemoryKiB, p.Threads, 32)
				done := time.Now()
				// A hash counts when it ends inside the window, so even
				// one slower than the whole window (under the race
				// detector) gives a rate.
				if done.Before(measureFrom) {
					continue
				}
				wk.lastDone = done
				wk.h.record(done.Sub(begin))
				wk.statuses[0]++
			}
		}()
	}
	time.Sleep(time.Until(measureFrom))
	s0, err := sample(r.o.pid)
	if err != nil {
		wg.Wait()
		return err
	}
	wg.Wait()
	s1, err := sample(r.o.pid)
	if err != nil {
		return err
	}
	ph := &phase{server: -1, client: s1.client - s0.client, machine: s1.machine - s0.machine}
	if r.o.pid != "" {
		ph.server = s1.server - s0.server
	}
	st := stats{name: ScenarioHashOnly, workers: n, errors: map[string]int64{}}
	var last time.Time
	for _, wk := range workers {
		st.h.merge(&wk.h)
		st.ok += wk.statuses[0]
		if wk.lastDone.After(last) {
			last = wk.lastDone
		}
	}
	st.window = last.Sub(measureFrom)
	if last.IsZero() { // no hash finished inside the window
		st.window = t.duration
	}
	ph.window = st.window
	ph.groups = []stats{st}
	r.rep.add(ScenarioHashOnly, ph, 0, true)
	return nil
}
