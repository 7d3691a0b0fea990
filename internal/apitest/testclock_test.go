package apitest

import (
	"sync"
	"time"
)

// testClock is the wall clock plus an offset a test moves forward, so a
// test can see what an hour or a week later looks like without sleeping.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// advance moves the server's time forward by d.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}
