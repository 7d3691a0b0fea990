// Package bench is `gatehouse bench`: a load tool that drives a running
// Gatehouse on this machine and reports throughput, latency percentiles,
// errors by status and the server's CPU time per request.
//
// It only talks to loopback addresses, and every run is bounded in time.
// The tool sets up what it needs through the API: a project (with the
// instance admin key), users and sessions. Scenarios:
//
//   - account-get: GET /v1/account with a valid session.
//   - signin: POST /v1/account/sessions/email for pre-created users.
//   - signup: POST /v1/account with a fresh email each time.
//   - ceiling: the same GET, sent to a bare net/http handler in this
//     process that returns a JSON body of the same size: the most any
//     handler could do on this machine with this client.
//   - hash-only: argon2id at the server's default cost, computed in this
//     process on every CPU with no HTTP or database: the rate that bounds
//     signin and signup, measured under the same machine conditions.
//   - account-get-under-signin-flood: GET /v1/account latency first alone,
//     then while another group of workers floods sign-ins.
//   - users-email, users-status, users-search, users-cursor: GET /v1/users
//     with an API key: an equal filter on an email, an equal filter on
//     status (blocked users), a search for a surname, and the newest
//     first after a cursor. They need a database filled by `gatehouse
//     bench seed`, whose manifest (--seeded) names the key and the values.
//
// `gatehouse bench seed` (seed.go) fills a database with generated users,
// sessions and log entries for these runs.
//
// Latencies go into per-worker log-linear histograms (HdrHistogram's
// layout, under 0.8% error), merged at the end.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Scenario names, in the order `all` runs them.
const (
	ScenarioCeiling    = "ceiling"
	ScenarioAccountGet = "account-get"
	ScenarioSignin     = "signin"
	ScenarioSignup     = "signup"
	ScenarioFlood      = "account-get-under-signin-flood"
	ScenarioHashOnly   = "hash-only"

	ScenarioUsersEmail  = "users-email"
	ScenarioUsersStatus = "users-status"
	ScenarioUsersSearch = "users-search"
	ScenarioUsersCursor = "users-cursor"
)

// listScenarios need a seeded database; `all` leaves them out.
var listScenarios = []string{ScenarioUsersEmail, ScenarioUsersStatus, ScenarioUsersSearch, ScenarioUsersCursor}

var allScenarios = []string{ScenarioCeiling, ScenarioAccountGet, ScenarioHashOnly, ScenarioSignin, ScenarioSignup, ScenarioFlood}

// Limits that keep a run bounded.
const (
	maxPhase   = 5 * time.Minute // warm-up plus duration of one phase
	maxWorkers = 1024
)

// options are the flags of a run.
type options struct {
	url          string
	scenarios    []string
	duration     time.Duration
	warmup       time.Duration
	concurrency  int
	readers      int
	users        int
	adminKey     string
	project      string
	pid          string
	json         bool
	ceilingBytes int
	seeded       string // manifest of `bench seed`
	key          string // API key for the list scenarios
}

func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(out)
	var scen string
	var pid int
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "base URL of the running server (loopback only)")
	fs.StringVar(&scen, "scenario", "all", "comma-separated scenarios, or all: "+strings.Join(allScenarios, ", "))
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per scenario (per phase for the flood)")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured load before each measurement")
	fs.IntVar(&o.concurrency, "concurrency", 32, "workers per scenario; in the flood, the sign-in workers")
	fs.IntVar(&o.readers, "readers", 8, "GET /v1/account workers in the flood scenario")
	fs.IntVar(&o.users, "users", 0, "users signed in by the signin scenarios (0: one per worker)")
	fs.StringVar(&o.adminKey, "admin-key", os.Getenv("GATEHOUSE_ADMIN_KEY"),
		"instance admin key, to create the project (default $GATEHOUSE_ADMIN_KEY; without it the project must exist)")
	fs.StringVar(&o.project, "project", "bench", "project id to use")
	fs.IntVar(&pid, "pid", 0, "server process id, to report its CPU time per request from /proc")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	fs.IntVar(&o.ceilingBytes, "ceiling-bytes", 674, "ceiling body size when no server is set up (else the real body's size)")
	fs.StringVar(&o.seeded, "seeded", "", "manifest written by `gatehouse bench seed`: its project, API key, sessions and query values")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if pid > 0 {
		o.pid = strconv.Itoa(pid)
	}
	var errs []error
	if _, err := checkLoopback(o.url); err != nil {
		errs = append(errs, err)
	}
	o.url = strings.TrimRight(o.url, "/")
	for _, s := range strings.Split(scen, ",") {
		switch s = strings.TrimSpace(s); {
		case s == "all":
			o.scenarios = append(o.scenarios, allScenarios...)
		case contains(allScenarios, s), contains(listScenarios, s):
			o.scenarios = append(o.scenarios, s)
		default:
			errs = append(errs, fmt.Errorf("scenario: unknown %q", s))
		}
	}
	if o.duration <= 0 || o.warmup < 0 || o.duration+o.warmup > maxPhase {
		errs = append(errs, fmt.Errorf("duration: want warm-up plus duration above 0 and at most %s", maxPhase))
	}
	for name, n := range map[string]int{"concurrency": o.concurrency, "readers": o.readers} {
		if n < 1 || n > maxWorkers {
			errs = append(errs, fmt.Errorf("%s: want 1 to %d, got %d", name, maxWorkers, n))
		}
	}
	if o.users == 0 && o.concurrency > 0 {
		o.users = o.concurrency
	}
	if o.users < 1 || o.users > 10000 {
		errs = append(errs, fmt.Errorf("users: want 1 to 10000, got %d", o.users))
	}
	if o.ceilingBytes < 16 || o.ceilingBytes > 1<<20 {
		errs = append(errs, fmt.Errorf("ceiling-bytes: want 16 to 1048576, got %d", o.ceilingBytes))
	}
	return o, errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Run parses args as the flags of `gatehouse bench`, runs the chosen
// scenarios one after another and writes the report to stdout.
func Run(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "seed" {
		return Seed(args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "sweep" {
		return Sweep(args[1:], stdout)
	}
	o, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var man *Manifest
	if o.seeded != "" {
		if man, err = readManifest(o.seeded); err != nil {
			return err
		}
		o.project, o.key = man.Project, man.Key
	}
	ctx := context.Background()
	r := &runner{o: o, rep: &Report{
		URL: o.url, Duration: o.duration.String(), Warmup: o.warmup.String(),
		Concurrency: o.concurrency, Readers: o.readers, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		ServerPID: o.pid,
	}}
	tr := newTransport(max(o.concurrency, o.readers) + o.concurrency)
	defer tr.CloseIdleConnections()
	r.tr = tr
	r.api = &api{base: o.url, project: o.project, tr: tr, runID: newRunID()}
	r.man = man
	for _, s := range o.scenarios {
		if err := r.scenario(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	r.rep.notes()
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r.rep)
	}
	return r.rep.table(stdout)
}

// runner holds what scenarios of one run share.
type runner struct {
	o   options
	tr  *http.Transport
	api *api
	rep *Report

	projectReady bool
	readers      []benchUser // users with sessions, for GET /v1/account
	signers      []benchUser // users without sessions, for sign-in
	bodySize     int         // size of a GET /v1/account body
	man          *Manifest   // of a seeded database, or nil
}

func (r *runner) timing() timing { return timing{warmup: r.o.warmup, duration: r.o.duration} }

// oneProcessor drives a low-rate scenario (sign-in, sign-up: each request
// hashes a password) from one Go processor. Tens of requests a second need
// no more, and with a second processor idle the Go scheduler wakes a
// thread for nearly every response: on this machine each wake-up preempts
// the server's hashing, so the tool would slow what it measures. wrk, the
// usual reference, likewise serves its connections from an event loop
// per thread.
func oneProcessor(fn func() (*phase, error)) (*phase, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	return fn()
}

func (r *runner) scenario(ctx context.Context, name string) error {
	switch name {
	case ScenarioCeiling:
		return r.ceiling(ctx)
	case ScenarioAccountGet:
		if err := r.needReaders(ctx, r.o.concurrency); err != nil {
			return err
		}
		p, err := drive(ctx, r.tr, []group{{r.accountGet(r.o.url), r.o.concurrency}}, r.timing(), r.o.pid)
		if err != nil {
			return err
		}
		r.rep.add(name, p, 0, true)
	case ScenarioSignin:
		if err := r.needSigners(ctx); err != nil {
			return err
		}
		p, err := oneProcessor(func() (*phase, error) {
			return drive(ctx, r.tr, []group{{r.signin(), r.o.concurrency}}, r.timing(), r.o.pid)
		})
		if err != nil {
			return err
		}
		r.rep.add(name, p, 0, true)
	case ScenarioSignup:
		if err := r.needProject(ctx); err != nil {
			return err
		}
		p, err := oneProcessor(func() (*phase, error) {
			return drive(ctx, r.tr, []group{{r.signup(), r.o.concurrency}}, r.timing(), r.o.pid)
		})
		if err != nil {
			return err
		}
		r.rep.add(name, p, 0, true)
	case ScenarioFlood:
		return r.flood(ctx)
	case ScenarioHashOnly:
		return r.hashOnly(ctx)
	case ScenarioUsersEmail, ScenarioUsersStatus, ScenarioUsersSearch, ScenarioUsersCursor:
		if r.man == nil {
			return errors.New("needs --seeded: the manifest of `gatehouse bench seed`")
		}
		p, err := drive(ctx, r.tr, []group{{r.usersList(name), r.o.concurrency}}, r.timing(), r.o.pid)
		if err != nil {
			return err
		}
		r.rep.add(name, p, 0, true)
	}
	return nil
}

func (r *runner) needProject(ctx context.Context) error {
	if r.projectReady {
		return nil
	}
	if r.o.adminKey != "" {
		if err := r.api.ensureProject(ctx, r.o.adminKey); err != nil {
			return err
		}
	}
	r.projectReady = true
	return nil
}

// needReaders makes sure n users with sessions exist.
func (r *runner) needReaders(ctx context.Context, n int) error {
	if len(r.readers) >= n {
		return nil
	}
	if err := r.needProject(ctx); err != nil {
		return err
	}
	if r.man != nil {
		// The seeded sessions, spread over the whole table.
		if len(r.man.SessionStrings) == 0 {
			return errors.New("the manifest holds no live session")
		}
		r.readers = r.readers[:0]
		for _, s := range r.man.SessionStrings {
			r.readers = append(r.readers, benchUser{session: s})
		}
		body, err := r.api.accountBody(ctx, r.readers[0].session)
		if err != nil {
			return err
		}
		r.bodySize = len(body)
		return nil
	}
	users, err := r.api.createUsers(ctx, "reader", len(r.readers), n, true)
	if err != nil {
		return err
	}
	r.readers = append(r.readers, users...)
	body, err := r.api.accountBody(ctx, r.readers[0].session)
	if err != nil {
		return err
	}
	r.bodySize = len(body)
	return nil
}

// needSigners makes the users the sign-in workers sign in. They are apart
// from the readers: each sign-in trims the user's oldest sessions to the
// project's limit, which would end the readers' sessions.
func (r *runner) needSigners(ctx context.Context) error {
	if len(r.signers) > 0 {
		return nil
	}
	if err := r.needProject(ctx); err != nil {
		return err
	}
	users, err := r.api.createUsers(ctx, "signin", 0, r.o.users, false)
	if err != nil {
		return err
	}
	r.signers = users
	return nil
}

// accountGet sends GET /v1/account to base, worker w with session w, or
// when there are more sessions than workers (a seeded database), worker w
// going through them from its own offset. Each worker reuses one request
// (it has no body) for as long as ctx, the run's context, stays the same.
func (r *runner) accountGet(base string) target {
	workers := max(r.o.concurrency, r.o.readers)
	reqs := make([]*http.Request, workers)
	return target{name: ScenarioAccountGet, status: http.StatusOK,
		next: func(ctx context.Context, w, seq int) *http.Request {
			if reqs[w] == nil || reqs[w].Context() != ctx {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/account", nil)
				req.Header.Set("X-Appwrite-Project", r.o.project)
				if len(r.readers) > 0 {
					req.Header.Set("X-Appwrite-Session", r.readers[w%len(r.readers)].session)
				}
				reqs[w] = req
			}
			if len(r.readers) > workers {
				reqs[w].Header["X-Appwrite-Session"] = []string{r.readers[(w+seq*workers)%len(r.readers)].session}
			}
			return reqs[w]
		}}
}

func (r *runner) post(ctx context.Context, path string, body []byte) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, r.o.url+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Appwrite-Project", r.o.project)
	return req
}

// signin signs in the pre-made users in turn, each worker starting at its
// own offset.
func (r *runner) signin() target {
	bodies := make([][]byte, len(r.signers))
	for i, u := range r.signers {
		bodies[i], _ = json.Marshal(r.api.signinBody(u.email))
	}
	return target{name: ScenarioSignin, status: http.StatusCreated,
		next: func(ctx context.Context, w, seq int) *http.Request {
			return r.post(ctx, "/v1/account/sessions/email", bodies[(w+seq*r.o.concurrency)%len(bodies)])
		}}
}

// signup creates a user with a new email on every request.
func (r *runner) signup() target {
	return target{name: ScenarioSignup, status: http.StatusCreated,
		next: func(ctx context.Context, w, seq int) *http.Request {
			b, _ := json.Marshal(r.api.signupBody(r.api.email("signup"+strconv.Itoa(w), seq)))
			return r.post(ctx, "/v1/account", b)
		}}
}

// ceiling serves a fixed JSON body of the account's size from this
// process and drives it exactly as account-get drives the server.
func (r *runner) ceiling(ctx context.Context) error {
	size := r.o.ceilingBytes
	if len(r.o.scenarios) > 1 || r.o.scenarios[0] != ScenarioCeiling {
		// Learn the real size when the run talks to a server anyway.
		if err := r.needReaders(ctx, r.o.concurrency); err != nil {
			return err
		}
		size = r.bodySize
	}
	body := ceilingBody(size)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("ceiling listener: %w", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write(body)
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	p, err := drive(ctx, r.tr, []group{{r.accountGet("http://" + ln.Addr().String()), r.o.concurrency}}, r.timing(), "")
	if err != nil {
		return err
	}
	p.groups[0].name = ScenarioCeiling
	r.rep.add(ScenarioCeiling, p, 0, true)
	r.rep.CeilingBytes = size
	return nil
}

// ceilingBody is a JSON object of exactly n bytes (n >= 10).
func ceilingBody(n int) []byte {
	return []byte(`{"pad":"` + strings.Repeat("x", n-10) + `"}`)
}

// flood measures GET /v1/account with --readers workers twice: alone, and
// while --concurrency workers sign in as fast as the server lets them.
func (r *runner) flood(ctx context.Context) error {
	if err := r.needReaders(ctx, r.o.readers); err != nil {
		return err
	}
	if err := r.needSigners(ctx); err != nil {
		return err
	}
	get := r.accountGet(r.o.url)
	idle, err := drive(ctx, r.tr, []group{{get, r.o.readers}}, r.timing(), r.o.pid)
	if err != nil {
		return err
	}
	idle.groups[0].name = "account-get (idle)"
	r.rep.add(ScenarioFlood, idle, 0, true)
	busy, err := drive(ctx, r.tr, []group{{get, r.o.readers}, {r.signin(), r.o.concurrency}}, r.timing(), r.o.pid)
	if err != nil {
		return err
	}
	busy.groups[0].name = "account-get (flood)"
	busy.groups[1].name = "signin (flood)"
	r.rep.add(ScenarioFlood, busy, 0, false)
	r.rep.add(ScenarioFlood, busy, 1, false)
	return nil
}
