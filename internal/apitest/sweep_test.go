package apitest

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// sweepOptions make a server whose sweeps come once an hour of its clock,
// offered every few milliseconds of real time: moving the clock into the
// next hour brings a sweep at once, and nothing else does.
func sweepOptions() options {
	return options{sweepInterval: time.Hour, sweepCheck: 20 * time.Millisecond, metrics: true}
}

var sweepMetric = regexp.MustCompile(`(?m)^gatehouse_(sweeps_total|sweep_removed_rows_total\{kind="(\w+)"\}) (\S+)$`)

// sweepCounts reads the sweep metrics of s: "sweeps" is the number of
// sweeps run, every other key a kind's rows removed.
func sweepCounts(t *testing.T, s *server) map[string]int {
	t.Helper()
	res, err := http.Get("http://" + s.srv.MetricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	out := map[string]int{}
	for _, m := range sweepMetric.FindAllSubmatch(body, -1) {
		n, err := strconv.ParseFloat(string(m[3]), 64)
		if err != nil {
			t.Fatal(err)
		}
		key := string(m[2])
		if key == "" {
			key = "sweeps"
		}
		out[key] = int(n)
	}
	if _, ok := out["sweeps"]; !ok {
		t.Fatalf("no sweep metrics in\n%s", body)
	}
	return out
}

// waitSweeps waits until s has run at least n sweeps and returns its
// counts. A wait, not a timing: the deadline only ends a broken run.
func waitSweeps(t *testing.T, s *server, n int) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		c := sweepCounts(t, s)
		if c["sweeps"] >= n {
			return c
		}
		if ctx.Err() != nil {
			t.Fatalf("waited for sweep %d; metrics say %v", n, c)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSweepRemovesExpired: once the clock passes their expiry, the sweep
// removes sessions, tokens, MFA challenges and abandoned OAuth2 sign-ins
// (they are gone, not merely refused), and the live ones go on working.
func TestSweepRemovesExpired(t *testing.T) {
	eachClockedEngineWith(t, sweepOptions(), func(t *testing.T, s *server, clk *testClock) {
		before := waitSweeps(t, s, 1)["sweeps"] // the one offered at start

		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		mail := email()
		uid := c.signUp(mail, "correct horse")
		// Session A lives an hour, session B a year.
		c.setAuth("duration", map[string]any{"duration": 3600})
		a := s.client(t, c.project)
		sidA, _ := a.signIn(mail, "correct horse")
		c.setAuth("duration", map[string]any{"duration": 31536000})
		b := s.client(t, c.project)
		sidB, _ := b.signIn(mail, "correct horse")
		// Token 1 lives an hour, token 2 a day.
		tok := func(expire int) string {
			r := k.do("POST", "/users/"+uid+"/tokens", map[string]any{"expire": expire})
			expect(t, r, 201, "")
			return r.str(t, "secret")
		}
		secret1, secret2 := tok(3600), tok(86400)
		// An MFA challenge lives 15 minutes.
		m, mfaMail := mfaUser(t, s)
		emailChallenge(t, s, m, mfaMail)
		// An OAuth2 sign-in is started and abandoned.
		o, _ := oauthProject(t, s)
		start := s.base + "/v1/account/sessions/oauth2/oidc?project=" + o.project + "&success=" + url.QueryEscape("https://app.example.test/ok")
		if res := s.client(t, o.project).get(start); res.StatusCode/100 != 3 {
			t.Fatalf("OAuth2 start: %d", res.StatusCode)
		}

		clk.advance(2 * time.Hour)
		after := waitSweeps(t, s, before+1)
		for kind, want := range map[string]int{"sessions": 1, "tokens": 1, "challenges": 1, "oauthStates": 1} {
			if after[kind] != want {
				t.Errorf("%s removed: %d, want %d (%v)", kind, after[kind], want, after)
			}
		}

		// Only session B is left, and it works; A is gone.
		r := k.do("GET", "/users/"+uid+"/sessions", nil)
		expect(t, r, 200, "")
		var left []string
		for _, sess := range r.obj(t)["sessions"].([]any) {
			left = append(left, sess.(map[string]any)["$id"].(string))
		}
		if len(left) != 1 || left[0] != sidB {
			t.Fatalf("sessions left %v, want only %s (not %s)", left, sidB, sidA)
		}
		expect(t, b.do("GET", "/account", nil), 200, "")
		expect(t, a.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		// Token 2 still signs in; token 1 is gone.
		n := s.client(t, c.project)
		expect(t, n.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": secret1}), 401, "user_invalid_token")
		expect(t, n.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": secret2}), 201, "")
	})
}

// TestLogRetention: security log entries older than the retention (90
// days by default) are removed by the sweep, newer ones stay; with the
// retention 0 every entry stays.
func TestLogRetention(t *testing.T) {
	logIDs := func(t *testing.T, k *client, uid string) []string {
		t.Helper()
		r := k.do("GET", "/users/"+uid+"/logs", nil)
		expect(t, r, 200, "")
		var ids []string
		for _, l := range r.obj(t)["logs"].([]any) {
			l := l.(map[string]any)
			ids = append(ids, l["event"].(string)+"@"+l["time"].(string))
		}
		return ids
	}
	run := func(t *testing.T, s *server, clk *testClock, keep bool) {
		before := waitSweeps(t, s, 1)["sweeps"]
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read"))
		mail := email()
		uid := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		old := logIDs(t, k, uid)
		if len(old) == 0 {
			t.Fatal("no log entries to age")
		}

		clk.advance(89 * 24 * time.Hour)
		before = waitSweeps(t, s, before+1)["sweeps"]
		if got := logIDs(t, k, uid); len(got) != len(old) {
			t.Fatalf("after 89 days the log is %v, want %v", got, old)
		}
		clk.advance(2 * 24 * time.Hour)
		n := s.client(t, c.project)
		n.signIn(mail, "correct horse")
		after := waitSweeps(t, s, before+1)
		got := logIDs(t, k, uid)
		if keep {
			if len(got) != len(old)+1 || after["logs"] != 0 {
				t.Fatalf("kept for ever, the log is %v (removed %d), want %d entries", got, after["logs"], len(old)+1)
			}
			return
		}
		if len(got) != 1 || after["logs"] != len(old) {
			t.Fatalf("after 91 days the log is %v (removed %d), want only the new sign-in and %v gone", got, after["logs"], old)
		}
	}
	t.Run("90 days", func(t *testing.T) {
		eachClockedEngineWith(t, sweepOptions(), func(t *testing.T, s *server, clk *testClock) { run(t, s, clk, false) })
	})
	t.Run("kept for ever", func(t *testing.T) {
		o := sweepOptions()
		o.keepLogs = true
		eachClockedEngineWith(t, o, func(t *testing.T, s *server, clk *testClock) { run(t, s, clk, true) })
	})
}

// TestSweepOneNodePerPeriod: two nodes over one database both offer each
// hour's sweep, and each sweep runs on one of them only: the sweeps they
// ran add up to the sweep jobs done, one per hour of their shared clock.
func TestSweepOneNodePerPeriod(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			clk := &testClock{}
			o := sweepOptions()
			o.database, o.adminKey, o.clock = e.New(t), "shared_admin_key_"+strings.Repeat("s", 20), clk
			a := startServer(t, e, o)
			b := startServer(t, e, o)
			both := func() int { return sweepCounts(t, a)["sweeps"] + sweepCounts(t, b)["sweeps"] }
			waitFor(t, func() bool { return both() >= 1 })
			for range 3 {
				n := both()
				clk.advance(time.Hour)
				waitFor(t, func() bool { return both() >= n+1 })
			}
			r := a.admin(t).do("GET", "/gatehouse/jobs?state=done", nil)
			expect(t, r, 200, "")
			jobs := 0
			for _, j := range r.obj(t)["jobs"].([]any) {
				if j.(map[string]any)["kind"] == "maintenance.sweep" {
					jobs++
				}
			}
			// Four hours, or five when the wall clock passed an hour too.
			if ran := both(); ran != jobs || jobs < 4 || jobs > 5 {
				t.Fatalf("the nodes ran %d sweeps for %d sweep jobs; want one per hour, 4 or 5", ran, jobs)
			}
		})
	}
}

// waitFor waits until cond holds; the deadline only ends a broken run.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for !cond() {
		if ctx.Err() != nil {
			t.Fatal("waited in vain")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
