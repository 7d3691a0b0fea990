package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Report is the outcome of a run; --json prints it as it is.
type Report struct {
	URL          string   `json:"url"`
	Duration     string   `json:"duration"`
	Warmup       string   `json:"warmup"`
	Concurrency  int      `json:"concurrency"`
	Readers      int      `json:"readers"`
	CPUs         int      `json:"cpus"`
	GOMAXPROCS   int      `json:"gomaxprocs"`
	ServerPID    string   `json:"serverPid,omitempty"`
	CeilingBytes int      `json:"ceilingBytes,omitempty"`
	Rows         []Row    `json:"rows"`
	Notes        []string `json:"notes,omitempty"`
}

// Row is one group of workers in one measured window. Latencies are in
// microseconds; requests counts every response in the window, errors too.
type Row struct {
	Scenario string           `json:"scenario"`
	Name     string           `json:"name"`
	Workers  int              `json:"workers"`
	Requests int64            `json:"requests"`
	Seconds  float64          `json:"seconds"`
	OKPerSec float64          `json:"okPerSec"`
	MeanUS   float64          `json:"meanUs"`
	P50US    float64          `json:"p50Us"`
	P90US    float64          `json:"p90Us"`
	P99US    float64          `json:"p99Us"`
	MaxUS    float64          `json:"maxUs"`
	Errors   map[string]int64 `json:"errors"`
	FirstErr string           `json:"firstError,omitempty"`
	// Server CPU time (user+system, from /proc) per request of the
	// window, and how many cores it kept busy on average. Empty without
	// --pid; per request only when the window had one kind of request.
	ServerCPUUSPerReq *float64 `json:"serverCpuUsPerReq,omitempty"`
	ServerCores       *float64 `json:"serverCores,omitempty"`
	// The same for this process (for the ceiling, client and server; for
	// hash-only, the hashing).
	ClientCPUUSPerReq *float64 `json:"clientCpuUsPerReq,omitempty"`
	// Cores kept busy by everything else on the machine during the
	// window (other processes, the kernel's own work, hypervisor steal):
	// load the tool did not make. Needs --pid, except for the ceiling.
	OtherCores *float64 `json:"otherCores,omitempty"`
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// add appends group gi of p. perRequest says the window held one kind of
// request, so CPU time per request means something.
func (rep *Report) add(scenario string, p *phase, gi int, perRequest bool) {
	g := &p.groups[gi]
	var total int64
	for _, o := range p.groups {
		total += int64(o.h.n)
	}
	row := Row{Scenario: scenario, Name: g.name, Workers: g.workers, Requests: int64(g.h.n),
		Seconds: g.window.Seconds(), MeanUS: us(g.h.mean()),
		P50US: us(g.h.quantile(.50)), P90US: us(g.h.quantile(.90)), P99US: us(g.h.quantile(.99)),
		MaxUS: us(time.Duration(g.h.max)), Errors: g.errors, FirstErr: g.firstErr}
	if g.window > 0 {
		row.OKPerSec = float64(g.ok) / g.window.Seconds()
	}
	if p.server >= 0 && p.window > 0 {
		cores := p.server.Seconds() / p.window.Seconds()
		row.ServerCores = &cores
		if perRequest && total > 0 {
			v := us(p.server) / float64(total)
			row.ServerCPUUSPerReq = &v
		}
	}
	if perRequest && total > 0 {
		v := us(p.client) / float64(total)
		row.ClientCPUUSPerReq = &v
	}
	if p.window > 0 && (p.server >= 0 || scenario == ScenarioCeiling) {
		v := (p.machine - p.client - max(p.server, 0)).Seconds() / p.window.Seconds()
		row.OtherCores = &v
	}
	rep.Rows = append(rep.Rows, row)
}

func (rep *Report) row(name string) *Row {
	for i := range rep.Rows {
		if rep.Rows[i].Name == name {
			return &rep.Rows[i]
		}
	}
	return nil
}

// pooled is the rate of all rows named name together (successes over
// their summed windows), and how many there were.
func (rep *Report) pooled(name string) (rate float64, n int) {
	var ok, secs float64
	for _, r := range rep.Rows {
		if r.Name == name {
			ok += r.OKPerSec * r.Seconds
			secs += r.Seconds
			n++
		}
	}
	if secs > 0 {
		rate = ok / secs
	}
	return rate, n
}

// compare notes how rows named a compare with rows named b. A scenario
// listed several times, alternating with the other (--scenario
// hash-only,signin,hash-only,signin...), is pooled: the machine's speed
// drifts between windows minutes apart, and alternating short windows
// puts both under the same drift.
func (rep *Report) compare(a, b, what, unit, format string) {
	ra, na := rep.pooled(a)
	rb, nb := rep.pooled(b)
	if na == 0 || nb == 0 || rb <= 0 {
		return
	}
	note := fmt.Sprintf("%s runs at %.1f%% of %s ("+format+" of "+format+" %s)", a, 100*ra/rb, what, ra, rb, unit)
	if na > 1 || nb > 1 {
		note += fmt.Sprintf(", pooled over %d and %d windows", na, nb)
	}
	rep.Notes = append(rep.Notes, note)
}

// notes compares rows with each other: the server against the ceiling,
// sign-ins against bare hashing, and latency during the flood against
// latency alone.
func (rep *Report) notes() {
	rep.compare(ScenarioAccountGet, ScenarioCeiling, "the ceiling", "req/s", "%.0f")
	rep.compare(ScenarioSignin, ScenarioHashOnly, "the hash-only rate", "per second", "%.1f")
	if i, f := rep.row("account-get (idle)"), rep.row("account-get (flood)"); i != nil && f != nil && i.P99US > 0 && i.P50US > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("during the sign-in flood, account-get p99 is %.2fx its idle p99 (%.2f vs %.2f ms), p50 %.2fx (%.2f vs %.2f ms)",
			f.P99US/i.P99US, f.P99US/1000, i.P99US/1000, f.P50US/i.P50US, f.P50US/1000, i.P50US/1000))
	}
	if rep.CeilingBytes > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("ceiling body: %d bytes; its client CPU includes its in-process server", rep.CeilingBytes))
	}
}

func ms(v float64) string { return fmt.Sprintf("%.2f", v/1000) }

func opt(v *float64, format string) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf(format, *v)
}

// table writes the report as aligned plain text.
func (rep *Report) table(w io.Writer) error {
	fmt.Fprintf(w, "gatehouse bench: %s, %s per scenario after %s warm-up, %d CPUs (GOMAXPROCS %d)\n\n",
		rep.URL, rep.Duration, rep.Warmup, rep.CPUs, rep.GOMAXPROCS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tworkers\trequests\tok/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\tsrv CPU µs/req\tsrv cores\tcli CPU µs/req\tother cores\t")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			r.Name, r.Workers, r.Requests, r.OKPerSec, ms(r.P50US), ms(r.P90US), ms(r.P99US), ms(r.MaxUS),
			errorList(r.Errors), opt(r.ServerCPUUSPerReq, "%.0f"), opt(r.ServerCores, "%.2f"), opt(r.ClientCPUUSPerReq, "%.0f"), opt(r.OtherCores, "%.2f"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rep.Rows {
		if r.FirstErr != "" {
			fmt.Fprintf(w, "\n%s: first network error: %s", r.Name, r.FirstErr)
		}
	}
	if len(rep.Notes) > 0 {
		fmt.Fprintln(w)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "\n%s", n)
	}
	_, err := fmt.Fprintln(w)
	return err
}
