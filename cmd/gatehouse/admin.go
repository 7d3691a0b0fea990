package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// admin runs the CLI mirrors of the common console calls directly against
// the database, so an operator can set up a project before any key exists.
func admin(args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		return errors.New("want: projects create | keys create | platforms add")
	}
	what := args[0] + " " + args[1]
	fs := flag.NewFlagSet(what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", envOr("GATEHOUSE_DATABASE", config.Defaults().Database), "sqlite:PATH or postgres:// URL")
	id := fs.String("id", "unique()", "project id (projects create)")
	name := fs.String("name", "", "name")
	team := fs.String("team", "", "team id (projects create)")
	projectID := fs.String("project", "", "project id (keys create, platforms add)")
	scopes := fs.String("scopes", "users.read,users.write,sessions.write,targets.read,targets.write", "comma-separated scopes (keys create)")
	expire := fs.Duration("expire", 0, "key lifetime, e.g. 720h; 0 never expires (keys create)")
	hostname := fs.String("hostname", "", "web hostname, e.g. app.example.com (platforms add)")
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	cfg := config.Defaults()
	cfg.Database = *database
	ctx := context.Background()
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := project.New(store, time.Now)
	switch what {
	case "projects create":
		if *name == "" {
			return errors.New("--name is required")
		}
		p, err := svc.Create(ctx, *id, *name, *team)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "project %s created\n", p.ID)
	case "keys create":
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
	case "platforms add":
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
	default:
		return fmt.Errorf("unknown command %q", what)
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
