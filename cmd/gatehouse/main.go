// Command gatehouse runs the Gatehouse account and identity server and its
// administrative commands.
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
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/httpapi"
	"github.com/gatehouse-auth/gatehouse/internal/password"
)

const usage = `Usage: gatehouse <command> [flags]

Commands:
  serve                 run the server (applies migrations first)
  migrate               apply database migrations and exit
  projects create       create a project
  keys create           create an API key for a project
  platforms add         register a web platform (hostname) for a project
  users import|export   move users in from Appwrite, Auth0 or Firebase, or out
  admins create|link|list|delete  manage the console's administrators
  backup                copy a running server's SQLite database to a file
  health                ask a running server's /v1/health (for container health checks)
  version               print the version
  bench                 drive a running server with load and report
  bench seed            fill a database with generated users and sessions
  bench sweep           time the maintenance sweep on a database (deletes what is due)

Run 'gatehouse <command> -h' for the flags of a command. Every server flag
can also be set as GATEHOUSE_<FLAG> in the environment.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(args[1:], stdout, stderr)
	case "migrate":
		err = migrate(args[1:], stderr)
	case "projects", "keys", "platforms":
		err = admin(args, stdout, stderr)
	case "users":
		err = users(args[1:], stdout, stderr)
	case "admins":
		err = adminsCmd(args[1:], stdout, stderr)
	case "backup":
		err = backup(args[1:], stdout, stderr)
	case "health":
		err = health(args[1:], stdout, stderr)
	case "bench":
		err = bench(args[1:], stdout)
	case "hash-worker":
		// The child serve starts for password hashing; it speaks JSON
		// lines on stdin and stdout and is not meant to be run by hand.
		err = password.ServeChild(os.Stdin, os.Stdout)
	case "version":
		fmt.Fprintln(stdout, versionLine())
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "gatehouse: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0 // the command's flags were shown, as asked
	}
	if err != nil {
		fmt.Fprintf(stderr, "gatehouse %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// newLogger logs JSON when stderr is not a terminal, text when it is.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(httpapi.WithRequestIDs(h))
}

func serve(args []string, stdout, stderr io.Writer) error {
	cfg, err := config.FromEnv("serve", args)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	if cfg.HashProcess {
		// Password hashing runs in a low-priority child of this binary
		// (see the password package), so a flood of sign-ins cannot take
		// the CPU session checks need.
		if exe, err := os.Executable(); err == nil {
			cfg.HashChild = []string{exe, "hash-worker"}
		} else {
			log.Warn("cannot find this binary; hashing passwords in-process", "err", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	engine, _, _ := cfg.Engine()
	srv, err := app.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	log.Info("gatehouse listening", "addr", srv.Addr, "database", engine, "rate_limits", cfg.RateLimits)
	if srv.AdminKey != "" {
		// Printed once, to the terminal or log collector of the first start;
		// only its hash is stored.
		fmt.Fprintf(stdout, "\nInstance admin key (shown once, store it now):\n\n    %s\n\n"+
			"Use it as X-Appwrite-Key with project \"console\".\n\n", srv.AdminKey)
	}
	select {
	case err := <-srv.Done():
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	return srv.Shutdown(context.Background())
}

func migrate(args []string, stderr io.Writer) error {
	cfg, err := config.FromEnv("migrate", args)
	if err != nil {
		return err
	}
	store, err := app.OpenStore(context.Background(), cfg)
	if err != nil {
		return err
	}
	engine, _, _ := cfg.Engine()
	fmt.Fprintf(stderr, "migrations applied (%s)\n", engine)
	return store.Close()
}

// splitList parses a comma-separated flag.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
