package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// BulkRows are rows written together by BulkInsert: users (with the
// targets they carry), their sessions and their log entries.
type BulkRows struct {
	Users    []*storage.User
	Sessions []*storage.Session
	Logs     []*storage.Log
}

// Len is how many rows r writes, targets included.
func (r *BulkRows) Len() int {
	n := len(r.Sessions) + len(r.Logs)
	for _, u := range r.Users {
		n += 1 + len(u.Targets)
	}
	return n
}

// PrepareBulk readies the store for a large load (`gatehouse bench
// seed`): on SQLite the writer gets a page cache of about 1 GB, so index
// pages stay in memory between transactions, and writes no longer wait
// for the disk (a crash during the load may lose it, which a generated
// database can afford). Only use it on a store opened for the load.
func (s *Store) PrepareBulk(ctx context.Context) error {
	if s.engine != "sqlite" {
		return nil
	}
	for _, p := range []string{"PRAGMA cache_size = -1000000", "PRAGMA synchronous = OFF"} {
		if _, err := s.w.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}

// BulkInsert writes rows in one transaction, in the stored format the
// store's own writes use, without the checks those make (limits, session
// trimming): the caller vouches that users are new and every session and
// log belongs to a user of rows or of the database. SQLite gets multi-row
// INSERTs, PostgreSQL COPY, with foreign-key triggers off for the
// transaction when the role may turn them off (the rows are consistent by
// construction).
func (s *Store) BulkInsert(ctx context.Context, rows *BulkRows) error {
	var targets [][]any
	users := make([][]any, len(rows.Users))
	for i, u := range rows.Users {
		users[i] = userArgs(u)
		for j := range u.Targets {
			t := &u.Targets[j]
			targets = append(targets, []any{t.ProjectID, t.ID, t.UserID, t.Name, nullable(t.ProviderID), t.ProviderType,
				t.Identifier, t.Expired, micros(t.CreatedAt), micros(t.UpdatedAt)})
		}
	}
	sessions := make([][]any, len(rows.Sessions))
	for i, se := range rows.Sessions {
		sessions[i] = sessionArgs(se)
	}
	logs := make([][]any, len(rows.Logs))
	for i, l := range rows.Logs {
		logs[i] = []any{l.ProjectID, l.ID, l.UserID, l.Event, l.Mode, l.Actor, l.UserEmail, l.UserName, jsonText(l.Client), micros(l.Time)}
	}
	tables := []struct {
		name, cols string
		rows       [][]any
	}{
		{"users", userCols, users}, {"targets", targetCols, targets},
		{"sessions", sessionCols, sessions}, {"logs", logCols, logs},
	}
	if s.engine == "postgres" {
		conn, err := s.w.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			tx, err := pc.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			// Only a superuser may; without it each row's keys are checked.
			if _, err := tx.Exec(ctx, "SAVEPOINT fk"); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
				if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT fk"); err != nil {
					return err
				}
			}
			for _, t := range tables {
				if len(t.rows) == 0 {
					continue
				}
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, splitCols(t.cols), pgx.CopyFromRows(t.rows)); err != nil {
					return fmt.Errorf("copy %s: %w", t.name, err)
				}
			}
			return tx.Commit(ctx)
		})
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range tables {
		if err := insertMany(ctx, tx, t.name, t.cols, t.rows); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func splitCols(cols string) []string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = strings.TrimSpace(c)
	}
	return parts
}

// insertMany inserts rows with as few multi-row INSERTs as SQLite's
// limit of 32,766 parameters a statement allows.
func insertMany(ctx context.Context, tx *sql.Tx, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := 32766 / width
	var stmt *sql.Stmt
	stmtRows := 0
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, per*width)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		if stmtRows != len(chunk) {
			if stmt != nil {
				stmt.Close()
			}
			var b strings.Builder
			b.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
			// Plain "?": the driver looks up every numbered parameter's
			// name, which takes time quadratic in their number.
			for i := range chunk {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('(')
				for j := 0; j < width; j++ {
					if j > 0 {
						b.WriteByte(',')
					}
					b.WriteByte('?')
				}
				b.WriteByte(')')
			}
			var err error
			if stmt, err = tx.PrepareContext(ctx, b.String()); err != nil {
				return fmt.Errorf("insert %s: %w", table, err)
			}
			stmtRows = len(chunk)
		}
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}

// AnalyzeAfterBulk refreshes PostgreSQL's planner statistics of the tables
// BulkInsert fills, as autovacuum would soon after such a load. SQLite
// is left as the server leaves it: it never runs ANALYZE.
func (s *Store) AnalyzeAfterBulk(ctx context.Context) error {
	if s.engine != "postgres" {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, "ANALYZE users, targets, sessions, logs"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
