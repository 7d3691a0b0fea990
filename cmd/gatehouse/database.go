package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
)

// openDatabase opens the database of an administrative command and says
// on stderr which one it is. A SQLite file that does not exist yet is made
// only when create is set: run from another folder, the default
// ./data/gatehouse.db is a new, empty database the running server never
// reads, and a project created there is silently lost.
func openDatabase(ctx context.Context, cfg config.Config, create bool, stderr io.Writer) (*sqlstore.Store, error) {
	engine, dsn, err := cfg.Engine()
	if err != nil {
		return nil, err
	}
	where := dsn
	if engine == "sqlite" {
		if abs, err := filepath.Abs(dsn); err == nil {
			where = abs
		}
		if _, err := os.Stat(dsn); errors.Is(err, fs.ErrNotExist) && !create {
			return nil, fmt.Errorf("no database at %s: point --database (or GATEHOUSE_DATABASE) at the server's, "+
				"or pass --create to make a new one there", where)
		}
	} else if u, err := url.Parse(dsn); err == nil {
		where = u.Redacted()
	}
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "database: %s %s\n", engine, where)
	return store, nil
}
