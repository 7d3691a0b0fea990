package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// The job queue. One table serves both engines. A claim is one UPDATE of
// the next due row: on PostgreSQL its subquery takes the row with FOR
// UPDATE SKIP LOCKED, so nodes claiming together take different jobs; on
// SQLite it runs in an immediate transaction, which holds the database's
// only write lock, so two processes on one file cannot take the same job.
//
// Done jobs stay for the admin listing until the maintenance sweep
// removes them (Sweep, storage.SweepDoneJobs).

var _ storage.JobStore = (*Store)(nil)

const jobCols = `id, kind, payload, state, attempts, max_attempts, run_at, locked_until, locked_by, last_error, created_at, updated_at`

const insertJob = `INSERT INTO jobs (` + jobCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

func scanJob(sc interface{ Scan(...any) error }) (*storage.Job, error) {
	var j storage.Job
	var payload string
	var runAt, lockedUntil, created, updated int64
	if err := sc.Scan(&j.ID, &j.Kind, &payload, &j.State, &j.Attempts, &j.MaxAttempts, &runAt, &lockedUntil,
		&j.LockedBy, &j.LastError, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	j.Payload = json.RawMessage(payload)
	j.RunAt, j.LockedUntil = fromMicros(runAt), fromMicros(lockedUntil)
	j.CreatedAt, j.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &j, nil
}

// newJob fills in what j leaves empty and returns the insert arguments.
func newJob(j *storage.Job) ([]any, error) {
	if j.Kind == "" {
		return nil, errors.New("enqueue job: no kind")
	}
	if len(j.Payload) == 0 {
		j.Payload = json.RawMessage(`{}`)
	}
	if !json.Valid(j.Payload) {
		return nil, fmt.Errorf("enqueue job %s: payload is not JSON", j.Kind)
	}
	now := time.Now().UTC()
	if j.ID == "" {
		j.ID = secret.ID()
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = storage.DefaultJobMaxAttempts
	}
	if j.RunAt.IsZero() {
		j.RunAt = now
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = now
	}
	if j.UpdatedAt.IsZero() {
		j.UpdatedAt = j.CreatedAt
	}
	j.State, j.Attempts, j.LockedUntil, j.LockedBy, j.LastError = storage.JobQueued, 0, time.Time{}, "", ""
	return []any{j.ID, j.Kind, string(j.Payload), j.State, j.Attempts, j.MaxAttempts, micros(j.RunAt), int64(0), "", "",
		micros(j.CreatedAt), micros(j.UpdatedAt)}, nil
}

func (s *Store) EnqueueJob(ctx context.Context, j *storage.Job) error {
	args, err := newJob(j)
	if err != nil {
		return err
	}
	if _, err := s.exec(ctx, insertJob, args...); err != nil {
		return fmt.Errorf("enqueue job: %w", err)
	}
	return nil
}

// enqueueTx stores j as EnqueueJob does, inside the caller's transaction:
// the job exists if and only if the rest of the transaction commits.
func (s *Store) enqueueTx(ctx context.Context, q querier, j *storage.Job) error {
	args, err := newJob(j)
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, insertJob, args...); err != nil {
		return fmt.Errorf("enqueue job: %w", err)
	}
	return nil
}

// dueJobs is the WHERE clause of jobs due at $1, limited to kinds with
// parameters from $2 on. The query text depends only on how many kinds
// there are, so each worker's queries are prepared once.
func dueJobs(kinds []string) (string, []any) {
	where := `((state = 'queued' AND run_at <= $1) OR (state = 'running' AND locked_until <= $1))`
	if len(kinds) == 0 {
		return where, nil
	}
	ph := make([]string, len(kinds))
	args := make([]any, len(kinds))
	for i, k := range kinds {
		ph[i] = "$" + strconv.Itoa(i+2)
		args[i] = k
	}
	return where + ` AND kind IN (` + strings.Join(ph, ", ") + `)`, args
}

func (s *Store) ClaimJob(ctx context.Context, worker string, kinds []string, now time.Time, lease time.Duration) (*storage.Job, error) {
	where, kindArgs := dueJobs(kinds)
	at := micros(now)
	// Idle workers poll often; a read on the read pool keeps them from
	// taking the write lock (SQLite) or row locks (PostgreSQL) for nothing.
	row, err := s.queryRow(ctx, `SELECT id FROM jobs WHERE `+where+` LIMIT 1`, append([]any{at}, kindArgs...)...)
	if err != nil {
		return nil, err
	}
	var id string
	if err := row.Scan(&id); err != nil {
		if err = notFound(err); errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("peek jobs: %w", err)
	}

	n := len(kindArgs) + 1
	skip := ""
	if s.engine == "postgres" {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	claim := `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $` + strconv.Itoa(n+1) +
		`, locked_until = $` + strconv.Itoa(n+2) + `, updated_at = $1
		WHERE id = (SELECT id FROM jobs WHERE ` + where + ` ORDER BY run_at, id LIMIT 1` + skip + `)
		RETURNING ` + jobCols
	args := append(append([]any{at}, kindArgs...), worker, micros(now.Add(lease)))
	var j *storage.Job
	err = s.inTx(ctx, func(q querier) error {
		var err error
		j, err = scanJob(q.QueryRowContext(ctx, claim, args...))
		return err
	})
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, err // another worker took it between the peek and the claim
		}
		return nil, fmt.Errorf("claim job: %w", err)
	}
	return j, nil
}

func (s *Store) CompleteJob(ctx context.Context, id, worker string) error {
	res, err := s.exec(ctx, `UPDATE jobs SET state = 'done', locked_until = 0, locked_by = '', updated_at = $3
		WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, micros(time.Now()))
	if err != nil {
		return fmt.Errorf("complete job: %w", err)
	}
	return affected(res)
}

func (s *Store) FailJob(ctx context.Context, id, worker string, errText string, retryAt time.Time, final bool) error {
	now := micros(time.Now())
	var q string
	args := []any{id, worker, errText, now}
	if final {
		q = `UPDATE jobs SET state = 'failed', last_error = $3, locked_until = 0, locked_by = '', updated_at = $4
			WHERE id = $1 AND locked_by = $2 AND state = 'running'`
	} else {
		q = `UPDATE jobs SET state = 'queued', run_at = $5, last_error = $3, locked_until = 0, locked_by = '', updated_at = $4
			WHERE id = $1 AND locked_by = $2 AND state = 'running'`
		args = append(args, micros(retryAt))
	}
	res, err := s.exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("fail job: %w", err)
	}
	return affected(res)
}

func (s *Store) ListJobs(ctx context.Context, state string, page storage.Page) ([]*storage.Job, int, error) {
	count, list := `SELECT COUNT(*) FROM jobs`, `SELECT `+jobCols+` FROM jobs ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`
	var args []any
	if state != "" {
		count, list = `SELECT COUNT(*) FROM jobs WHERE state = $1`,
			`SELECT `+jobCols+` FROM jobs WHERE state = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`
		args = []any{state}
	}
	var total int
	row, err := s.queryRow(ctx, count, args...)
	if err != nil {
		return nil, 0, err
	}
	if err := row.Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count jobs: %w", err)
	}
	rows, err := s.query(ctx, list, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var out []*storage.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, total, rows.Err()
}

func (s *Store) RetryJob(ctx context.Context, id string) error {
	now := micros(time.Now())
	res, err := s.exec(ctx, `UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, updated_at = $2
		WHERE id = $1 AND state = 'failed'`, id, now)
	if err != nil {
		return fmt.Errorf("retry job: %w", err)
	}
	return affected(res)
}
