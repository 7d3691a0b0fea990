package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pressly/goose/v3"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// The users search (GET /v1/users?search=) looks for each term in the
// id, email, phone and name: a LIKE '%term%' on four columns, which no
// B-tree index serves. Migration 00015 gives each engine a trigram index
// over those four columns, joined by a separator no stored value and no
// indexed term holds:
//
//   - PostgreSQL: a pg_trgm GIN index on searchExprPG. A term's condition
//     is that expression LIKE '%term%', which the index serves and which
//     equals the four-column condition (the term holds no separator, so a
//     match never spans two columns).
//   - SQLite: an FTS5 table with the trigram tokenizer, users_search, one
//     row per user with the user's rowid, kept in step by triggers. The
//     phrase "term" there finds a superset of the users that match (FTS5
//     folds case over all of Unicode, SQLite's LOWER and LIKE only over
//     ASCII), and the four-column condition stays, so the answer is
//     exactly today's.
//
// Trigrams need three characters: a shorter term keeps the four-column
// condition alone, and a search made only of such terms scans as before.

// searchSep separates the columns in the indexed text: the unit
// separator, a control character that validation keeps out of names,
// emails and searches.
const searchSep = "\x1f"

// searchExprPG is the text PostgreSQL's users_search index holds. A query
// must spell it exactly so for the planner to match it with the index.
const searchExprPG = `(LOWER(id) || E'\x1f' || LOWER(COALESCE(email, '')) || E'\x1f' || COALESCE(phone, '') || E'\x1f' || LOWER(name))`

// searchDocSQLite is the text users_search holds for the row r (new or a
// table name).
func searchDocSQLite(r string) string {
	return r + `.id || char(31) || COALESCE(` + r + `.email, '') || char(31) || COALESCE(` + r + `.phone, '') || char(31) || ` + r + `.name`
}

// searchFromSQLite is the FROM clause of a users list narrowed by
// users_search. CROSS JOIN makes SQLite read the FTS5 table first: it has
// no statistics (the server never runs ANALYZE) and would otherwise walk
// the project's users and test each against the FTS5 match.
const searchFromSQLite = `users_search CROSS JOIN users ON users.rowid = users_search.rowid`

// searchRows returns the rowids of the users matching cond (with args)
// among those users_search finds for match, at most MaxTotal of them, as
// a JSON array for searchPageFromSQLite.
func (s *Store) searchRows(ctx context.Context, cond string, args []any, match string) (found string, n int, err error) {
	args = append(args[:len(args):len(args)], match)
	rows, err := s.r.QueryContext(ctx, s.rebind(`SELECT users.rowid FROM `+searchFromSQLite+` WHERE `+cond+
		` AND users_search MATCH $`+strconv.Itoa(len(args))+` LIMIT `+strconv.Itoa(storage.MaxTotal)), args...)
	if err != nil {
		return "", 0, err
	}
	defer rows.Close()
	b := []byte{'['}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "", 0, err
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
		n++
	}
	if err := rows.Err(); err != nil {
		return "", 0, err
	}
	return string(append(b, ']')), n, nil
}

// searchPageFromSQLite is the FROM clause of a page of users among those
// whose rowids the JSON array p holds, read by rowid (CROSS JOIN, as in
// searchFromSQLite). The subquery names its one column: json_each's own
// include an id.
func searchPageFromSQLite(p string) string {
	return `(SELECT value AS found FROM json_each(` + p + `)) AS m CROSS JOIN users ON users.rowid = m.found`
}

// indexable reports whether the search index can look up term.
func indexable(term string) bool {
	return utf8.RuneCountInString(term) >= 3 && !strings.Contains(term, searchSep)
}

// ftsPhrase quotes term as an FTS5 phrase.
func ftsPhrase(term string) string {
	return `"` + strings.ReplaceAll(term, `"`, `""`) + `"`
}

// searchMigration is migration 00015: the users search index, built per
// engine, so written in Go. One set of SQL files cannot hold it: the two
// engines share no syntax for it.
func (s *Store) searchMigration() *goose.Migration {
	up, down := searchUpSQLite, searchDownSQLite
	if s.engine == "postgres" {
		up, down = func(ctx context.Context, tx *sql.Tx) error {
			var err error
			s.searchMissing, err = ensureSearchIndexPG(ctx, tx)
			return err
		}, searchDownPG
	}
	return goose.NewGoMigration(15, &goose.GoFunc{RunTx: up}, &goose.GoFunc{RunTx: down})
}

// searchUpSQLite creates users_search, fills it and adds the triggers
// that keep it in step. Its rowid is the user's: users has indexes, so
// neither VACUUM nor VACUUM INTO (the backups) renumbers its rows.
// Contentless: the table keeps only the index, and the rows' text stays
// in users.
func searchUpSQLite(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`CREATE VIRTUAL TABLE users_search USING fts5(doc, tokenize = 'trigram', content = '', contentless_delete = 1)`,
		`INSERT INTO users_search (rowid, doc) SELECT rowid, ` + searchDocSQLite("users") + ` FROM users`,
		`CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
			INSERT INTO users_search (rowid, doc) VALUES (new.rowid, ` + searchDocSQLite("new") + `);
		END`,
		`CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
			DELETE FROM users_search WHERE rowid = old.rowid;
		END`,
		// UpdateUser sets every column: only a change of the searched
		// ones touches the index.
		`CREATE TRIGGER users_search_update AFTER UPDATE OF id, email, phone, name ON users
		WHEN old.id IS NOT new.id OR old.email IS NOT new.email OR old.phone IS NOT new.phone OR old.name IS NOT new.name BEGIN
			DELETE FROM users_search WHERE rowid = old.rowid;
			INSERT INTO users_search (rowid, doc) VALUES (new.rowid, ` + searchDocSQLite("new") + `);
		END`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("users search index: %w", err)
		}
	}
	return nil
}

func searchDownSQLite(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`DROP TRIGGER users_search_update`, `DROP TRIGGER users_search_delete`, `DROP TRIGGER users_search_insert`,
		`DROP TABLE users_search`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// The extension stays: it is the database's, and others may use it.
func searchDownPG(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DROP INDEX IF EXISTS users_search`)
	return err
}

// trgmLock is the transaction-level advisory lock under which
// ensureSearchIndexPG creates the extension: CREATE EXTENSION IF NOT
// EXISTS in two sessions at once fails in one of them, and a database
// may hold several Gatehouse schemas migrating at the same moment.
const trgmLock = 0x67617465_74726700 // "gatetrg\0"

// ensureSearchIndexPG creates the users_search index on PostgreSQL, and
// the pg_trgm extension it needs when the database lacks it. When the
// extension cannot be had (the role may not create it, or the server
// does not ship it), it returns why, and no error: the search then scans
// the users as it did before 00015, and every start tries again (see
// docs/deploy.md). It runs in tx, which it leaves usable.
func ensureSearchIndexPG(ctx context.Context, tx *sql.Tx) (missing string, err error) {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(trgmLock)); err != nil {
		return "", fmt.Errorf("users search index: %w", err)
	}
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT to_regclass('users_search') IS NOT NULL`).Scan(&exists); err != nil {
		return "", fmt.Errorf("users search index: %w", err)
	}
	if exists {
		return "", nil
	}
	schema, err := trgmSchema(ctx, tx)
	if err != nil {
		return "", err
	}
	if schema == "" {
		// public, where extensions usually live, if the role may create
		// objects there; else the first schema of the search path (as a
		// plain CREATE EXTENSION does), Gatehouse's own.
		create := `CREATE EXTENSION IF NOT EXISTS pg_trgm`
		var public bool
		if err := tx.QueryRowContext(ctx, `SELECT to_regnamespace('public') IS NOT NULL AND has_schema_privilege('public', 'CREATE')`).
			Scan(&public); err != nil {
			return "", fmt.Errorf("users search index: %w", err)
		}
		if public {
			create += ` SCHEMA public`
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT trgm`); err != nil {
			return "", fmt.Errorf("users search index: %w", err)
		}
		if _, cerr := tx.ExecContext(ctx, create); cerr != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT trgm`); err != nil {
				return "", errors.Join(cerr, err)
			}
			return "create extension pg_trgm: " + cerr.Error(), nil
		}
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT trgm`); err != nil {
			return "", fmt.Errorf("users search index: %w", err)
		}
		if schema, err = trgmSchema(ctx, tx); err != nil {
			return "", err
		}
	}
	// The operator class is named with its schema, which need not be on
	// the search path; LIKE is the built-in operator whatever the schema.
	if _, err := tx.ExecContext(ctx, `CREATE INDEX users_search ON users USING gin (`+searchExprPG+` `+
		quoteIdent(schema)+`.gin_trgm_ops)`); err != nil {
		return "", fmt.Errorf("users search index: %w", err)
	}
	// With the default 100-value histogram of the indexed text, a word
	// in 0.4% of the users (4,000 of a million) usually appears in no
	// sampled value, and the planner takes it for a rare one: it sorted
	// all 4,000 matches, read at random, for a page that walking the
	// list's order finds among 6,000 neighbouring rows. A finer
	// histogram (ANALYZE then samples 300,000 rows) tells them apart.
	if _, err := tx.ExecContext(ctx, `ALTER INDEX users_search ALTER COLUMN 1 SET STATISTICS 1000`); err != nil {
		return "", fmt.Errorf("users search index: %w", err)
	}
	return "", nil
}

// trgmSchema is the schema pg_trgm is installed in, "" when it is not.
func trgmSchema(ctx context.Context, tx *sql.Tx) (string, error) {
	var schema string
	err := tx.QueryRowContext(ctx, `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'pg_trgm'`).Scan(&schema)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("users search index: %w", err)
	}
	return schema, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// checkSearchIndex runs at every start on PostgreSQL, after the
// migrations: when 00015 left no index (pg_trgm was missing), it tries
// again, so an operator who installs the extension gets the index at the
// next start. SearchIndexMissing says why it is still missing.
func (s *Store) checkSearchIndex(ctx context.Context) error {
	if s.engine != "postgres" || s.searchMissing != "" {
		return nil // SQLite always has it; 00015 has just tried
	}
	var ready bool
	err := s.w.QueryRowContext(ctx, `SELECT to_regclass('users_search') IS NOT NULL`).Scan(&ready)
	if err != nil {
		return fmt.Errorf("users search index: %w", err)
	}
	if ready {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	missing, err := ensureSearchIndexPG(ctx, tx)
	if err != nil {
		return err
	}
	s.searchMissing = missing
	return tx.Commit()
}

// SearchIndexMissing is why the users search has no index and scans the
// table (PostgreSQL without pg_trgm), "" when it has one.
func (s *Store) SearchIndexMissing() string { return s.searchMissing }
