package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
)

const backupUsage = `Usage: gatehouse backup --to FILE [--database sqlite:PATH] [--force]

Writes a consistent copy of the SQLite database to FILE while the server
keeps running: every account whose sign-up was answered before the backup
started is in it. The copy goes to a temporary file next to FILE and is
renamed once whole. Restore by starting a server on it
(GATEHOUSE_DATABASE=sqlite:FILE). For PostgreSQL use pg_dump.

Flags:
`

// backup runs "gatehouse backup".
func backup(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, backupUsage)
		fs.PrintDefaults()
	}
	database := fs.String("database", envOr("GATEHOUSE_DATABASE", config.Defaults().Database), "sqlite:PATH of the database to copy")
	to := fs.String("to", "", "file to write the backup to (required)")
	force := fs.Bool("force", false, "replace FILE if it exists")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (the file goes after --to)", fs.Arg(0))
	}
	if *to == "" {
		return errors.New("--to FILE is required")
	}
	cfg := config.Defaults()
	cfg.Database = *database
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if engine, dsn, err := cfg.Engine(); err == nil && engine == "sqlite" {
		if abs, err := filepath.Abs(dsn); err == nil {
			dsn = abs
		}
		fmt.Fprintf(stderr, "database: sqlite %s\n", dsn)
	}
	info, err := app.Backup(ctx, cfg, *to, *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (%d bytes, %d users, schema version %d)\n",
		info.Path, info.Bytes, info.Users, info.SchemaVersion)
	return nil
}
