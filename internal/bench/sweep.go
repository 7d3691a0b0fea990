package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/maintenance"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// `gatehouse bench sweep` times the maintenance sweep on a database as it
// is (typically one `bench seed` filled, whose old sessions and security
// log are due): the first, full sweep with the server's batch size and
// pause but no time budget, then a second sweep that finds nothing, the
// cost every node pays each interval once the backlog is gone. It deletes
// rows: run it on a copy you can lose.

type sweepOptions struct {
	database  string
	batch     int
	pause     time.Duration
	retention time.Duration
}

// SweepReport is what `bench sweep` prints, as JSON.
type SweepReport struct {
	Engine    string         `json:"engine"`
	Batch     int            `json:"batch"`
	Pause     string         `json:"pause"`
	Retention string         `json:"retention"`
	Removed   map[string]int `json:"removed"`
	Total     int            `json:"total"`
	// Full is the first sweep's wall time, pauses included; Working
	// leaves the pauses out.
	Full    string  `json:"full"`
	Working string  `json:"working"`
	RowsPS  float64 `json:"rowsPerSecond"`
	// Empty is the second sweep's time: nothing left to remove.
	Empty string `json:"empty"`
}

func parseSweepFlags(args []string, out io.Writer) (sweepOptions, error) {
	var o sweepOptions
	fs := flag.NewFlagSet("bench sweep", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.database, "database", os.Getenv("GATEHOUSE_DATABASE"), "sqlite:PATH or postgres:// URL (default $GATEHOUSE_DATABASE); rows are deleted")
	fs.IntVar(&o.batch, "batch", maintenance.DefaultBatch, "rows one DELETE removes, as the server's sweep")
	fs.DurationVar(&o.pause, "pause", maintenance.DefaultPause, "wait between two batches, as the server's sweep")
	fs.DurationVar(&o.retention, "log-retention", maintenance.DefaultLogRetention, "security log retention (0 keeps the log)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.batch <= 0 || o.pause < 0 || o.retention < 0 {
		return o, errors.New("batch must be positive, pause and log-retention not negative")
	}
	return o, nil
}

// Sweep is `gatehouse bench sweep`.
func Sweep(args []string, stdout io.Writer) error {
	o, err := parseSweepFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx := context.Background()
	store, engine, err := openStore(ctx, o.database)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := timeSweeps(ctx, store, o)
	if err != nil {
		return err
	}
	rep.Engine = engine
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// timeSweeps runs the full sweep and then the empty one.
func timeSweeps(ctx context.Context, store storage.MaintenanceStore, o sweepOptions) (*SweepReport, error) {
	pause := o.pause
	if pause == 0 {
		pause = -1 // maintenance.Options: negative means none
	}
	opts := maintenance.Options{Batch: o.batch, Pause: pause, LogRetention: o.retention,
		Budget: 24 * time.Hour}
	sw := maintenance.New(store, slog.New(slog.DiscardHandler), opts)
	start := time.Now()
	counts, err := sw.Sweep(ctx)
	full := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	rep := &SweepReport{Batch: o.batch, Pause: o.pause.String(), Retention: o.retention.String(),
		Removed: map[string]int{}, Full: full.Round(time.Millisecond).String()}
	batches := 0
	for _, k := range storage.SweepKinds {
		rep.Removed[string(k)] = counts[k]
		rep.Total += counts[k]
		batches += counts[k]/o.batch + 1
	}
	// Each kind's loop pauses before every batch but the very first.
	working := full - time.Duration(batches-1)*o.pause
	rep.Working = working.Round(time.Millisecond).String()
	if working > 0 {
		rep.RowsPS = float64(rep.Total) / working.Seconds()
	}
	start = time.Now()
	if _, err := sw.Sweep(ctx); err != nil {
		return nil, fmt.Errorf("second sweep: %w", err)
	}
	rep.Empty = time.Since(start).Round(time.Microsecond).String()
	return rep, nil
}
