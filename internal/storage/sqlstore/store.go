// Package sqlstore implements storage.Store once for both SQLite (modernc,
// no cgo) and PostgreSQL (pgx). Queries are written in the subset both
// engines share, with $n placeholders; a thin dialect rewrites them for
// SQLite and recognises unique violations.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

var _ storage.Store = (*Store)(nil)

// Store is a storage.Store over database/sql.
type Store struct {
	engine string
	w      *sql.DB // writes and transactions (one connection on SQLite)
	r      *sql.DB // reads; the same pool as w on PostgreSQL

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // prepared once, keyed by query text

	// The session lookups, full and lite (sessionlite.go), run on
	// connections of their own: raw on SQLite, without database/sql
	// (rawlookup.go), and pg on PostgreSQL, through pgx itself
	// (pglookup.go).
	raw *rawLookups
	pg  *pgLookups

	// searchMissing is why PostgreSQL has no users search index (see
	// search.go), "" when it has one.
	searchMissing string
}

// Open connects to engine ("sqlite" or "postgres") at dsn, applies the
// migrations and prepares the hot queries.
func Open(ctx context.Context, engine, dsn string) (*Store, error) {
	s := &Store{engine: engine, stmts: map[string]*sql.Stmt{}}
	switch engine {
	case "sqlite":
		if err := s.openSQLite(dsn); err != nil {
			return nil, err
		}
	case "postgres":
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// Sized for a few cores: enough connections to keep PostgreSQL busy
		// while requests wait on the network, few enough that several nodes
		// stay under max_connections.
		n := 4 * runtime.GOMAXPROCS(0)
		if n < 8 {
			n = 8
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.w, s.r = db, db
	default:
		return nil, fmt.Errorf("unknown database engine %q", engine)
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrateOnce(ctx, dsn); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.checkSearchIndex(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prepare(ctx, dsn); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// readIdle is how long an idle SQLite read connection stays open.
const readIdle = 30 * time.Second

func (s *Store) openSQLite(path string) error {
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		// Every connection of the pools would open a database of its own.
		return fmt.Errorf("sqlite: %q: give the path of a file", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create database folder: %w", err)
		}
	}
	// WAL lets readers run beside the single writer; busy_timeout waits
	// for the write lock instead of failing; immediate transactions take
	// the write lock up front so two read-then-write transactions cannot
	// deadlock each other.
	base := sqliteURI(path, "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)"+
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)")
	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return fmt.Errorf("open sqlite: %w", err)
	}
	n := 2 * runtime.GOMAXPROCS(0)
	if n < 4 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	// A connection keeps its page cache and parsed schema while it is
	// open; one idle this long is closed, so a server at rest holds only
	// the writer and the session lookups' connections. The next burst
	// opens them again (well under a millisecond each).
	r.SetConnMaxIdleTime(readIdle)
	s.w, s.r = w, r
	return nil
}

// Engine names the database engine.
func (s *Store) Engine() string { return s.engine }

// Close releases the pools.
func (s *Store) Close() error {
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.mu.Unlock()
	if s.raw != nil {
		s.raw.close()
	}
	if s.pg != nil {
		s.pg.close()
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// rebind turns $n into SQLite's numbered ?n, which like $n may repeat.
func (s *Store) rebind(q string) string {
	if s.engine != "sqlite" {
		return q
	}
	return placeholder.ReplaceAllString(q, "?$1")
}

// isConflict reports whether err is a unique or primary key violation.
func isConflict(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isMissingParent reports whether err is a foreign key violation: the row
// a new row belongs to (its user, say) is gone.
func isMissingParent(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// querier is a pool or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmt returns query prepared on db, preparing it on first use, so every
// query is rebound and parsed once per process.
func (s *Store) stmt(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	key := query
	if db == s.r && s.r != s.w {
		key = "r:" + query
	}
	s.mu.Lock()
	st, ok := s.stmts[key]
	s.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, s.rebind(query))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	s.mu.Lock()
	if old, ok := s.stmts[key]; ok {
		st.Close()
		st = old
	} else {
		s.stmts[key] = st
	}
	s.mu.Unlock()
	return st, nil
}

// short is the context a short SQLite statement (a point read, a write,
// a transaction's) runs under: ctx, or an error if ctx has ended.
//
// The SQLite driver watches a cancellable context with a goroutine of its
// own for each statement, started and ended around it: two goroutine
// hand-offs, each of which wakes an idle thread, and on a machine busy
// hashing passwords every wake-up takes a core from the hashing child (a
// sign-in ran seven such statements). Short statements therefore run
// detached from cancellation; a request that has ended starts no new one.
// Single-row reads through queryRow are detached too, the few counts among
// them included (each over an indexed range); multi-row lists and
// searches, which can run long, keep ctx and stay cancellable.
// PostgreSQL's driver watches a context without a goroutine.
func (s *Store) short(ctx context.Context) (context.Context, error) {
	if s.engine != "sqlite" {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// exec runs a write outside a transaction.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, s.w, query)
	if err != nil {
		return nil, err
	}
	if ctx, err = s.short(ctx); err != nil {
		return nil, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil && isConflict(err) {
		return nil, fmt.Errorf("%w: %v", storage.ErrConflict, err)
	}
	return res, err
}

// queryRow runs a read on the read pool.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) (*sql.Row, error) {
	st, err := s.stmt(ctx, s.r, query)
	if err != nil {
		return nil, err
	}
	if ctx, err = s.short(ctx); err != nil {
		return nil, err
	}
	return st.QueryRowContext(ctx, args...), nil
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, s.r, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// txq wraps a transaction so queries inside it are rebound too.
type txq struct {
	tx     *sql.Tx
	s      *Store
	missed *[]string // SQLite statements to prepare once the transaction ends
}

func (t txq) ExecContext(ctx context.Context, q string, args ...any) (res sql.Result, err error) {
	if ctx, err = t.s.short(ctx); err != nil {
		return nil, err
	}
	if st := t.prepared(ctx, q); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = t.tx.ExecContext(ctx, t.s.rebind(q), args...)
	}
	if err != nil && isConflict(err) {
		return nil, fmt.Errorf("%w: %v", storage.ErrConflict, err)
	}
	return res, err
}

func (t txq) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx, err := t.s.short(ctx)
	if err != nil {
		return nil, err
	}
	if st := t.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.s.rebind(q), args...)
}

func (t txq) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	// A Row cannot carry short's error; an ended ctx makes the query fail.
	if c, err := t.s.short(ctx); err == nil {
		ctx = c
	}
	if st := t.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.s.rebind(q), args...)
}

// maxTxStmts bounds the statements transactions keep prepared, in case
// some query text is built per call.
const maxTxStmts = 256

// prepared is q prepared on SQLite's one write connection, for use in
// this transaction, or nil to run q as text. SQLite otherwise parses every
// statement of every transaction anew: a tenth of a sign-in's server CPU.
// PostgreSQL's driver keeps its own per-connection statement cache.
func (t txq) prepared(ctx context.Context, q string) *sql.Stmt {
	if t.s.engine != "sqlite" {
		return nil
	}
	t.s.mu.Lock()
	st, ok := t.s.stmts[q]
	full := len(t.s.stmts) >= maxTxStmts
	t.s.mu.Unlock()
	if !ok {
		// The write connection is this transaction's until it ends, so
		// the statement is prepared after it (see inTx).
		if !full && t.missed != nil {
			*t.missed = append(*t.missed, q)
		}
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}

// inTx runs fn in one transaction on the write pool, retrying a few times
// when PostgreSQL reports a serialization failure or deadlock.
func (s *Store) inTx(ctx context.Context, fn func(q querier) error) error {
	for attempt := 0; ; attempt++ {
		txCtx, err := s.short(ctx)
		if err != nil {
			return err
		}
		tx, err := s.w.BeginTx(txCtx, nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		var missed []string
		err = fn(txq{tx: tx, s: s, missed: &missed})
		if err == nil {
			err = tx.Commit()
			if err == nil {
				for _, q := range missed {
					s.stmt(ctx, s.w, q) // a failure shows when q runs as text
				}
				return nil
			}
			err = fmt.Errorf("commit: %w", err)
		} else {
			tx.Rollback()
		}
		var pe *pgconn.PgError
		if attempt < 3 && errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") {
			continue
		}
		return err
	}
}

// forUpdate locks a row read inside a transaction on PostgreSQL; SQLite's
// immediate transactions already hold the only write lock.
func (s *Store) forUpdate() string {
	if s.engine == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return storage.ErrNotFound
	}
	return err
}

func affected(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// micros stores a time as Unix microseconds, the zero time as 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// unmarshalList decodes a JSON array column; the common empty list skips
// the decoder, which matters on the session lookup of every request.
func unmarshalList[T any](raw string, dst *[]T) error {
	if raw == "[]" || raw == "" {
		*dst = nil
		return nil
	}
	return json.Unmarshal([]byte(raw), dst)
}

// nullable stores "" as NULL, for columns with unique indexes.
func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// likeEscape escapes a user's search text for LIKE ... ESCAPE '\'.
func likeEscape(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(v)
}
