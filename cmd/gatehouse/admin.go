package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// adminCommand is one of the CLI mirrors of the common console calls.
type adminCommand struct {
	usage string
	// flags declares the command's own flags on fs and returns what runs
	// it once they are parsed.
	flags func(fs *flag.FlagSet) func(ctx context.Context, svc *project.Service, stdout io.Writer) error
}

var adminCommands = map[string]adminCommand{
	"projects create": {"--name NAME [--id ID] [--team ID]", func(fs *flag.FlagSet) func(context.Context, *project.Service, io.Writer) error {
		id := fs.String("id", "unique()", "project id")
		name := fs.String("name", "", "project name (required)")
		team := fs.String("team", "", "team id")
		return func(ctx context.Context, svc *project.Service, stdout io.Writer) error {
			if *name == "" {
				return errors.New("--name is required")
			}
			p, err := svc.Create(ctx, *id, *name, *team)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "project %s created\n", p.ID)
			return nil
		}
	}},
	"keys create": {"--project ID --name NAME [--scopes LIST] [--expire DURATION]", func(fs *flag.FlagSet) func(context.Context, *project.Service, io.Writer) error {
		projectID := fs.String("project", "", "project id (required)")
		name := fs.String("name", "", "key name (required)")
		scopes := fs.String("scopes", "users.read,users.write,sessions.write,targets.read,targets.write", "comma-separated scopes")
		expire := fs.Duration("expire", 0, "key lifetime, e.g. 720h; 0 never expires")
		return func(ctx context.Context, svc *project.Service, stdout io.Writer) error {
			if *projectID == "" || *name == "" {
				return errors.New("--project and --name are required")
			}
			var exp time.Time
			if *expire > 0 {
				exp = time.Now().Add(*expire)
			}
			sc := splitList(*scopes)
			for _, s := range sc {
				if !project.KnownScopes[s] {
					return fmt.Errorf("unknown scope %q", s)
				}
			}
			k, raw, err := svc.CreateKey(ctx, *projectID, "unique()", *name, sc, exp)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "key %s created; its secret (shown once):\n%s\n", k.ID, raw)
			return nil
		}
	}},
	"platforms add": {"--project ID --hostname HOST [--name NAME]", func(fs *flag.FlagSet) func(context.Context, *project.Service, io.Writer) error {
		projectID := fs.String("project", "", "project id (required)")
		hostname := fs.String("hostname", "", "web hostname, e.g. app.example.com (required)")
		name := fs.String("name", "", "platform name (default: the hostname)")
		return func(ctx context.Context, svc *project.Service, stdout io.Writer) error {
			if *projectID == "" || *hostname == "" {
				return errors.New("--project and --hostname are required")
			}
			n := *name
			if n == "" {
				n = *hostname
			}
			pl := &storage.Platform{ProjectID: *projectID, Type: "web", Name: n, Hostname: *hostname}
			if err := svc.AddPlatform(ctx, pl); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "platform %s added for %s\n", pl.ID, pl.Hostname)
			return nil
		}
	}},
}

// admin runs the CLI mirrors of the common console calls directly against
// the database, so an operator can set up a project before any key exists.
func admin(args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		return errors.New("want: projects create | keys create | platforms add")
	}
	what := args[0] + " " + args[1]
	cmd, ok := adminCommands[what]
	if !ok {
		return fmt.Errorf("unknown command %q", what)
	}
	fs := flag.NewFlagSet(what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: gatehouse %s %s [--database DSN] [--create]\n\nFlags:\n", what, cmd.usage)
		fs.PrintDefaults()
	}
	database := fs.String("database", envOr("GATEHOUSE_DATABASE", config.Defaults().Database), "sqlite:PATH or postgres:// URL")
	create := fs.Bool("create", false, "make a new SQLite database file when none exists at --database")
	runIt := cmd.flags(fs)
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	cfg := config.Defaults()
	cfg.Database = *database
	ctx := context.Background()
	store, err := openDatabase(ctx, cfg, *create, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	return runIt(ctx, project.New(store, time.Now), stdout)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
