package password

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Hashing in a child process.
//
// Argon2 is the one CPU-heavy thing Gatehouse does, and a flood of
// sign-ins must not slow the session checks every other request makes.
// Lowering the priority of the pool's threads is not enough in-process:
// x/crypto's argon2 computes each segment on a new goroutine, which Go
// runs on any thread, so most of the work escapes the lowered threads and
// also takes the Go processors session checks need. A child process of the
// same binary, with every one of its threads at the lowest priority, puts
// all of it where the operating system can rank it below the server, and
// leaves the server's processors alone. The pool still bounds how many
// hashes run at once; each caller hands its job to the child and waits.
//
// The two speak JSON lines over the child's stdin and stdout. A child that
// dies or cannot start costs nothing but priority: the job is computed
// in-process, and the next job starts a new child (at most one attempt
// per childRetry).
//
// A child left idle for ChildIdle is retired: argon2's buffers (19 MiB a
// hash by default) stay in a Go process's heap long after the burst that
// needed them, and even an idle child's mapped binary costs more than a
// server at rest should hold. The next job starts a new child, which
// costs a few milliseconds next to the hash itself.

// childRequest is one job for the child.
type childRequest struct {
	ID      uint64          `json:"id"`
	Op      string          `json:"op"` // "hash" or "verify"
	Plain   string          `json:"plain"`
	Algo    string          `json:"algo,omitempty"`
	Stored  string          `json:"stored,omitempty"`
	Options json.RawMessage `json:"options,omitempty"`
	Params  Params          `json:"params"` // new hashes' parameters
}

// childResponse is the child's answer; Kind names a sentinel error.
type childResponse struct {
	ID     uint64 `json:"id"`
	Out    string `json:"out,omitempty"`
	OK     bool   `json:"ok,omitempty"`
	Rehash bool   `json:"rehash,omitempty"`
	Err    string `json:"err,omitempty"`
	Kind   string `json:"kind,omitempty"` // "malformed", "unsupported" or ""
}

// childRetry spaces attempts to start a child after one failed.
const childRetry = 5 * time.Second

// ChildIdle is how long a hashing child may wait without a job before it
// is retired.
const ChildIdle = 15 * time.Second

// errNoChild means the job must be computed in-process.
var errNoChild = errors.New("password: no hashing child")

// UseChild makes h compute in a child process started as argv (normally
// this binary with the hash-worker command) with extra environment env.
// Call it once, before h is used.
//
// The child computes workers hashes at a time, and the pool keeps twice
// that many in flight, so the next job already waits in the child when one
// ends: on a loaded machine the round trip through the server would
// otherwise leave a core idle after every hash.
func (h *Hasher) UseChild(argv, env []string, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	env = append(env[:len(env):len(env)], childWorkersEnv+"="+strconv.Itoa(h.workers))
	h.child = &childPool{argv: argv, env: env, log: log, idle: ChildIdle}
	h.slots = make(chan struct{}, 2*h.workers)
	// Start it now, from the binary the server started from; later
	// restarts check the protocol (see start). Unused, it is retired
	// after ChildIdle like any other.
	go func() {
		if p, err := h.child.hold(); err == nil {
			h.child.release(p)
		}
	}()
}

// SetChildIdle changes how long an idle child lives (for tests). Call it
// after UseChild, before h is used.
func (h *Hasher) SetChildIdle(d time.Duration) {
	if h.child != nil {
		h.child.mu.Lock()
		h.child.idle = d
		h.child.mu.Unlock()
	}
}

// childWorkersEnv tells the child how many hashes to compute at once.
const childWorkersEnv = "GATEHOUSE_HASH_CHILD_WORKERS"

// childPool owns the current child, starting one when needed.
type childPool struct {
	argv, env []string
	log       *slog.Logger

	mu       sync.Mutex
	cur      *childProc
	failedAt time.Time
	closed   bool
	idle     time.Duration // retire the child after this long without a job
	busy     int           // jobs handed to cur and not yet answered
	idleGen  uint64        // bumped whenever cur gets busy or is replaced
}

// childProc is one running child.
type childProc struct {
	cmd  *exec.Cmd
	in   io.Closer
	wmu  sync.Mutex
	enc  *json.Encoder
	pmu  sync.Mutex
	next uint64
	wait map[uint64]chan childResponse
	dead chan struct{}
}

// do runs req in the child and returns its answer, or errNoChild.
func (c *childPool) do(req childRequest) (childResponse, error) {
	p, err := c.hold()
	if err != nil {
		return childResponse{}, err
	}
	defer c.release(p)
	ch := make(chan childResponse, 1)
	p.pmu.Lock()
	p.next++
	req.ID = p.next
	p.wait[req.ID] = ch
	p.pmu.Unlock()
	p.wmu.Lock()
	err = p.enc.Encode(req)
	p.wmu.Unlock()
	if err != nil {
		c.lost(p, err)
		return childResponse{}, errNoChild
	}
	select {
	case r := <-ch:
		return r, nil
	case <-p.dead:
		return childResponse{}, errNoChild
	}
}

// hold returns the running child, starting one if there is none, and
// counts a job on it until release.
func (c *childPool) hold() (*childProc, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := c.getLocked()
	if err != nil {
		return nil, err
	}
	c.busy++
	c.idleGen++ // a retirement already timed no longer applies
	return p, nil
}

// release ends a job counted by hold. The child's last job arms its
// retirement.
func (c *childPool) release(p *childProc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != p {
		return // retired or lost meanwhile; its count went with it
	}
	c.busy--
	if c.busy > 0 || c.idle <= 0 {
		return
	}
	c.idleGen++
	gen := c.idleGen
	time.AfterFunc(c.idle, func() { c.retire(p, gen) })
}

// retire ends p if it is still the child and nothing used it since the
// timer that calls this was armed: closing its input makes it exit.
func (c *childPool) retire(p *childProc, gen uint64) {
	c.mu.Lock()
	if c.cur != p || c.busy > 0 || c.idleGen != gen {
		c.mu.Unlock()
		return
	}
	c.cur = nil
	c.idleGen++
	c.mu.Unlock()
	c.log.Debug("password hashing child retired after being idle", "idle", c.idle)
	p.in.Close()
}

// getLocked returns the running child, starting one if there is none.
func (c *childPool) getLocked() (*childProc, error) {
	if c.cur != nil {
		return c.cur, nil
	}
	if c.closed {
		return nil, errNoChild
	}
	if !c.failedAt.IsZero() && time.Since(c.failedAt) < childRetry {
		return nil, errNoChild
	}
	p, err := c.start()
	if err != nil {
		c.failedAt = time.Now()
		c.log.Warn("password hashing child did not start; hashing in-process", "err", err)
		return nil, errNoChild
	}
	c.cur = p
	c.busy = 0
	return p, nil
}

func (c *childPool) start() (*childProc, error) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// The child first names its protocol: a binary replaced on disk since
	// the server started (an upgrade in progress) may speak another one,
	// and is then not used.
	dec := json.NewDecoder(bufio.NewReader(out))
	hello := make(chan error, 1)
	go func() {
		var h childHello
		err := dec.Decode(&h)
		if err == nil && h.Protocol != childProtocol {
			err = fmt.Errorf("child speaks %q, want %q", h.Protocol, childProtocol)
		}
		hello <- err
	}()
	select {
	case err = <-hello:
	case <-time.After(10 * time.Second):
		err = errors.New("child did not answer")
	}
	if err != nil {
		cmd.Process.Kill()
		go cmd.Wait()
		return nil, err
	}
	p := &childProc{cmd: cmd, in: in, enc: json.NewEncoder(in), wait: map[uint64]chan childResponse{}, dead: make(chan struct{})}
	go c.read(p, dec)
	return p, nil
}

// childProtocol names this version of the jobs' JSON; bump it when the
// requests or responses change meaning.
const childProtocol = "gatehouse-hash/1"

// childHello is the child's first line.
type childHello struct {
	Protocol string `json:"protocol"`
}

// read delivers the child's answers until it ends.
func (c *childPool) read(p *childProc, dec *json.Decoder) {
	for {
		var r childResponse
		if err := dec.Decode(&r); err != nil {
			c.lost(p, err)
			return
		}
		p.pmu.Lock()
		ch := p.wait[r.ID]
		delete(p.wait, r.ID)
		p.pmu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// lost retires a child that failed: its waiting jobs go in-process and
// the next job starts a new child.
func (c *childPool) lost(p *childProc, err error) {
	c.mu.Lock()
	if c.cur == p {
		c.cur = nil
		c.busy = 0
		c.idleGen++
		c.failedAt = time.Now()
		c.log.Warn("password hashing child ended; hashing in-process until it is back", "err", err)
	}
	c.mu.Unlock()
	p.pmu.Lock()
	select {
	case <-p.dead:
	default:
		close(p.dead)
	}
	p.pmu.Unlock()
	if p.cmd.Process != nil {
		p.cmd.Process.Kill()
		go p.cmd.Wait()
	}
}

// running is the current child, if any.
func (c *childPool) running() *childProc {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

// close ends the child: closing its input makes it finish the jobs it has
// and exit. Later jobs run in-process.
func (c *childPool) close() {
	c.mu.Lock()
	p := c.cur
	c.cur, c.closed = nil, true
	c.mu.Unlock()
	if p == nil {
		return
	}
	p.in.Close()
	select {
	case <-p.dead:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
	}
}

// Close stops the hashing child, if there is one; hashing goes on
// in-process. For shutdown.
func (h *Hasher) Close() {
	if h.child != nil {
		h.child.close()
	}
}

// hashIn computes a new hash in the child, else in-process.
func (h *Hasher) hashIn(plain string) string {
	if h.child != nil {
		if r, err := h.child.do(childRequest{Op: "hash", Plain: plain, Params: h.p}); err == nil && r.Err == "" {
			return r.Out
		}
	}
	var out string
	h.compute(func() { out = hashArgon2id(plain, h.p) })
	return out
}

// verifyIn checks a stored hash in the child, else in-process.
func (h *Hasher) verifyIn(algo, stored string, options json.RawMessage, plain string) (ok, rehash bool, err error) {
	if h.child != nil {
		r, cerr := h.child.do(childRequest{Op: "verify", Plain: plain, Algo: algo, Stored: stored, Options: options, Params: h.p})
		if cerr == nil {
			return r.OK, r.Rehash, r.err()
		}
	}
	h.compute(func() { ok, rehash, err = verify(algo, stored, options, plain, h.p, &defaultLimits) })
	return ok, rehash, err
}

func (r childResponse) err() error {
	switch {
	case r.Err == "":
		return nil
	case r.Kind == "malformed":
		return fmt.Errorf("%w%s", ErrMalformed, strings.TrimPrefix(r.Err, ErrMalformed.Error()))
	case r.Kind == "unsupported":
		return fmt.Errorf("%w%s", ErrUnsupported, strings.TrimPrefix(r.Err, ErrUnsupported.Error()))
	}
	return errors.New(r.Err)
}

// ServeChild is the child's side: it lowers the priority of the whole
// process, then answers jobs from r on w until r ends (the server closed
// the pipe or exited). Jobs run concurrently; the server bounds how many.
func ServeChild(r io.Reader, w io.Writer) error {
	lowerProcessPriority()
	if f, ok := r.(*os.File); ok {
		r = rawIO(pollable(f))
	}
	if f, ok := w.(*os.File); ok {
		w = rawIO(pollable(f))
	}
	workers, err := strconv.Atoi(os.Getenv(childWorkersEnv))
	if err != nil || workers <= 0 {
		workers = runtime.NumCPU()
	}
	slots := make(chan struct{}, workers)
	var wmu sync.Mutex
	enc := json.NewEncoder(w)
	if err := enc.Encode(childHello{Protocol: childProtocol}); err != nil {
		return fmt.Errorf("hash-worker: write: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReader(r))
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		var req childRequest
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("hash-worker: read: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			resp := answer(req)
			<-slots
			wmu.Lock()
			defer wmu.Unlock()
			enc.Encode(resp)
		}()
	}
}

// answer computes one job.
func answer(req childRequest) childResponse {
	resp := childResponse{ID: req.ID}
	switch req.Op {
	case "hash":
		resp.Out = hashArgon2id(req.Plain, req.Params)
	case "verify":
		ok, rehash, err := verify(req.Algo, req.Stored, req.Options, req.Plain, req.Params, &defaultLimits)
		resp.OK, resp.Rehash = ok, rehash
		if err != nil {
			resp.Err = err.Error()
			switch {
			case errors.Is(err, ErrMalformed):
				resp.Kind = "malformed"
			case errors.Is(err, ErrUnsupported):
				resp.Kind = "unsupported"
			}
		}
	default:
		resp.Err = "unknown op " + req.Op
	}
	return resp
}
