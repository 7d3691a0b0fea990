package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/admins"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const adminsUsage = `Usage:
  gatehouse admins create --email EMAIL [--name NAME] [--public-url URL]
  gatehouse admins link --email EMAIL [--public-url URL]
  gatehouse admins list
  gatehouse admins delete --email EMAIL

The console's administrators (docs/console.md). create makes one and
prints a one-time link, good for an hour, that sets its password; link
prints a new one (for a lost password). Links point at --public-url
(GATEHOUSE_PUBLIC_URL, else the default listen address). delete ends the
administrator's sessions at once.

Flags:
`

// adminsCmd runs "gatehouse admins ..." directly against the database.
func adminsCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, adminsUsage)
		return errors.New("want: admins create | link | list | delete")
	}
	what := args[0]
	fs := flag.NewFlagSet("admins "+what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, adminsUsage)
		fs.PrintDefaults()
	}
	database := fs.String("database", envOr("GATEHOUSE_DATABASE", config.Defaults().Database), "sqlite:PATH or postgres:// URL")
	create := fs.Bool("create", false, "make a new SQLite database file when none exists at --database")
	email := fs.String("email", "", "the administrator's email")
	name := fs.String("name", "", "create: the administrator's name")
	public := fs.String("public-url", envOr("GATEHOUSE_PUBLIC_URL", defaultPublicURL()), "the instance's external base URL, for the link")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch what {
	case "create", "link", "delete":
		if *email == "" {
			return errors.New("--email is required")
		}
	case "list":
	default:
		fmt.Fprint(stderr, adminsUsage)
		return fmt.Errorf("unknown command admins %q", what)
	}
	cfg := config.Defaults()
	cfg.Database = *database
	ctx := context.Background()
	store, err := openDatabase(ctx, cfg, *create, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	hasher := password.NewHasher(password.Params{MemoryKiB: cfg.HashMemoryKiB, Time: cfg.HashTime, Threads: cfg.HashThreads}, 1)
	defer hasher.Close()
	// The CLI signs no JWTs: the key only completes the service.
	accounts := account.New(store, hasher, session.NewJWTs([]byte(secret.Hex(32)), time.Now), time.Now, log)
	projects := project.New(store, time.Now)
	if _, err := projects.EnsureConsole(ctx); err != nil {
		return err
	}
	svc := admins.New(accounts, projects, store)
	actor := account.Actor{Mode: "admin", Name: "gatehouse admins " + what}
	switch what {
	case "create":
		u, l, err := svc.Create(ctx, *email, *name, *public, actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "admin %s (%s) created; sign-in link (one use, until %s):\n%s\n", u.ID, u.Email,
			l.Expire.Format(time.RFC3339), l.URL)
	case "link":
		u, err := svc.ByEmail(ctx, *email)
		if err != nil {
			return err
		}
		l, err := svc.NewLink(ctx, u, *public, actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "sign-in link for %s (one use, until %s):\n%s\n", u.Email, l.Expire.Format(time.RFC3339), l.URL)
	case "delete":
		u, err := svc.ByEmail(ctx, *email)
		if err != nil {
			return err
		}
		if err := svc.Delete(ctx, u, actor); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "admin %s (%s) deleted\n", u.ID, u.Email)
	case "list":
		for offset := 0; ; offset += adminsPage {
			list, _, err := svc.List(ctx, storage.UserQuery{Page: query.Page{Limit: adminsPage, Offset: offset}})
			if err != nil {
				return err
			}
			for _, u := range list {
				state := "active"
				switch {
				case !u.Status:
					state = "blocked"
				case u.PasswordHash == "":
					state = "no password yet"
				}
				fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, state)
			}
			if len(list) < adminsPage {
				return nil
			}
		}
	}
	return nil
}

// defaultPublicURL is the base URL of a server on the default address.
func defaultPublicURL() string {
	_, port, err := net.SplitHostPort(config.Defaults().Addr)
	if err != nil {
		return "http://localhost"
	}
	return "http://localhost:" + port
}

// adminsPage is how many administrators list reads at a time.
const adminsPage = 100
