package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The session lookup on PostgreSQL, through pgx's own interface.
//
// database/sql over pgx's stdlib adapter costs, per lookup, a Row and Rows
// with their locks, every value boxed into a driver.Value and converted
// again by reflection in Scan. pgx's native pool scans the binary values
// straight into the caller's variables and keeps each connection's
// statement prepared, so a lookup is one Bind/Execute round trip. It is a
// small pool beside the main one, used for nothing else.

// pgLookups runs the session lookups on a pgx pool.
type pgLookups struct {
	pool    *pgxpool.Pool
	queries [lookupKinds]string
}

func openPGLookups(ctx context.Context, dsn string, n int, queries [lookupKinds]string) (*pgLookups, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("session lookup pool: %w", err)
	}
	cfg.MaxConns = int32(n)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("session lookup pool: %w", err)
	}
	return &pgLookups{pool: pool, queries: queries}, nil
}

// query runs lookup k into dest, as Row.Scan would (sql.ErrNoRows when
// there is no row).
func (p *pgLookups) query(ctx context.Context, k lookupKind, dest []any, secretHash, projectID, userID string) error {
	err := p.pool.QueryRow(ctx, p.queries[k], secretHash, projectID, userID).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

func (p *pgLookups) close() { p.pool.Close() }
