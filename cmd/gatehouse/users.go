package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
	"github.com/gatehouse-auth/gatehouse/internal/usersio"
)

const usersUsage = `Usage:
  gatehouse users import --project ID --format appwrite|auth0|firebase [flags] FILE
  gatehouse users export --project ID [flags] FILE

import creates the users of FILE (JSON lines; for firebase the output of
firebase auth:export --format=json; gzip is read as well) in the project,
skipping users already there, so it can run again after a failure. export
writes the project's users as JSON lines in the appwrite format, with their
password hashes. FILE - is standard input or output.

Flags:
`

// users runs "gatehouse users import" and "gatehouse users export"
// directly against the database.
func users(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		fmt.Fprint(stderr, usersUsage)
		return errors.New("want: users import | users export")
	}
	what := args[0]
	fs := flag.NewFlagSet("users "+what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usersUsage)
		fs.PrintDefaults()
	}
	database := fs.String("database", envOr("GATEHOUSE_DATABASE", config.Defaults().Database), "sqlite:PATH or postgres:// URL")
	projectID := fs.String("project", "", "project id (required)")
	format := fs.String("format", "", "import: appwrite, auth0 or firebase (required)")
	verbose := fs.Bool("verbose", false, "import: also warn about each user that lost identities or metadata")
	var fb usersio.FirebaseHash
	fs.StringVar(&fb.SignerKey, "hash-key", "", "firebase: base64_signer_key of the project's password hash parameters")
	fs.StringVar(&fb.SaltSeparator, "salt-separator", "", "firebase: base64_salt_separator (usually Bw==)")
	fs.IntVar(&fb.Rounds, "rounds", usersio.FirebaseRounds, "firebase: rounds")
	fs.IntVar(&fb.MemCost, "mem-cost", usersio.FirebaseMemCost, "firebase: mem_cost")
	file, err := parseWithFile(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if *projectID == "" {
		return errors.New("--project is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := config.Defaults()
	cfg.Database = *database
	tty := isTerminal(stderr)
	if what == "export" {
		return usersExport(ctx, cfg, *projectID, file, stdout, stderr, tty)
	}
	if *format == "" {
		return errors.New("--format is required: appwrite, auth0 or firebase")
	}
	if *format == "firebase" {
		if err := fb.Check(); err != nil { // before reading anything
			return err
		}
	}
	in := io.Reader(os.Stdin)
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	src, err := usersio.NewSource(*format, in, usersio.Options{Firebase: fb})
	if err != nil {
		return err
	}
	store, p, err := openProject(ctx, cfg, *projectID, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	hasher := password.NewHasher(password.Params{MemoryKiB: cfg.HashMemoryKiB, Time: cfg.HashTime, Threads: cfg.HashThreads}, cfg.HashWorkers)
	// An import signs no JWTs: the key only completes the service.
	accounts := account.New(store, hasher, session.NewJWTs([]byte(secret.Hex(32)), time.Now), time.Now, log)

	m := usersio.NewMeter(stderr, tty, time.Now)
	im := &usersio.Importer{Store: store, Accounts: accounts, Project: p, Verbose: *verbose,
		Actor:  account.Actor{Mode: "admin", Name: "gatehouse users import"},
		Report: func(pr usersio.Problem) { m.Println(pr.String()) },
	}
	im.Progress = func(st usersio.Stats) {
		m.Show(st.Rows, func() string {
			return fmt.Sprintf("%d rows: imported %d, skipped %d, failed %d", st.Rows, st.Imported, st.Skipped, st.Failed)
		})
	}
	st, err := im.Run(ctx, src)
	took := m.Done()
	fmt.Fprintf(stdout, "%s (%d rows in %s, %s)\n", st, st.Rows, took.Round(time.Millisecond), usersio.Rate(st.Rows, took))
	for _, note := range st.Notes() {
		fmt.Fprintln(stdout, note)
	}
	const again = "run the same command again to carry on: users already imported are skipped"
	switch {
	case errors.Is(err, context.Canceled):
		return errors.New("import interrupted; " + again)
	case err != nil:
		return fmt.Errorf("import stopped: %w; %s", err, again)
	case st.Failed > 0:
		return fmt.Errorf("%d of %d rows failed", st.Failed, st.Rows)
	}
	return nil
}

func usersExport(ctx context.Context, cfg config.Config, projectID, file string, stdout, stderr io.Writer, tty bool) error {
	store, _, err := openProject(ctx, cfg, projectID, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	out, summary := stdout, stdout
	var tmp *os.File
	if file == "-" {
		summary = stderr // keep standard output for the users
	} else {
		// Write next to FILE and rename at the end, so FILE is never half
		// written; CreateTemp makes it readable by its owner only, as
		// password hashes should be.
		if tmp, err = os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp"); err != nil {
			return err
		}
		defer os.Remove(tmp.Name()) // fails harmlessly after the rename
		defer tmp.Close()
		out = tmp
	}
	m := usersio.NewMeter(stderr, tty, time.Now)
	n, err := usersio.Export(ctx, store, projectID, out, func(n int) {
		m.Show(n, func() string { return fmt.Sprintf("%d users exported", n) })
	})
	took := m.Done()
	if err != nil {
		return fmt.Errorf("export stopped after %d users: %w", n, err)
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), file); err != nil {
			return err
		}
	}
	fmt.Fprintf(summary, "exported %d users (in %s, %s)\n", n, took.Round(time.Millisecond), usersio.Rate(n, took))
	return nil
}

// openProject opens the database and loads the project.
func openProject(ctx context.Context, cfg config.Config, id string, stderr io.Writer) (*sqlstore.Store, *storage.Project, error) {
	store, err := openDatabase(ctx, cfg, false, stderr)
	if err != nil {
		return nil, nil, err
	}
	p, err := store.GetProject(ctx, id)
	if err != nil {
		store.Close()
		if errors.Is(err, storage.ErrNotFound) {
			return nil, nil, fmt.Errorf("project %q not found", id)
		}
		return nil, nil, err
	}
	return store, p, nil
}

// parseWithFile parses flags placed before or after the one FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return "", errors.New("want exactly one FILE (- for standard input or output)")
	}
	return files[0], nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
