package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const targetCols = `project_id, id, user_id, name, provider_id, provider_type, identifier, expired, created_at, updated_at`

func scanTarget(sc interface{ Scan(...any) error }) (*storage.Target, error) {
	var t storage.Target
	var provider sql.NullString
	var created, updated int64
	if err := sc.Scan(&t.ProjectID, &t.ID, &t.UserID, &t.Name, &provider, &t.ProviderType, &t.Identifier, &t.Expired, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	t.ProviderID = provider.String
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// targetsJSON is the copy of a user's targets kept on the user row.
func targetsJSON(ts []storage.Target) string {
	if len(ts) == 0 {
		return "[]"
	}
	// Times as the targets table keeps them: microseconds, in UTC.
	ts = slices.Clone(ts)
	for i := range ts {
		ts[i].CreatedAt, ts[i].UpdatedAt = fromMicros(micros(ts[i].CreatedAt)), fromMicros(micros(ts[i].UpdatedAt))
	}
	b, err := json.Marshal(ts)
	if err != nil {
		panic(err) // plain strings, bools and times
	}
	return string(b)
}

func insertTarget(ctx context.Context, q querier, t *storage.Target) error {
	_, err := q.ExecContext(ctx, `INSERT INTO targets (`+targetCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ProjectID, t.ID, t.UserID, t.Name, nullable(t.ProviderID), t.ProviderType, t.Identifier, t.Expired,
		micros(t.CreatedAt), micros(t.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert target: %w", err)
	}
	return nil
}

func loadTargets(ctx context.Context, q querier, projectID, userID string) ([]storage.Target, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+targetCols+` FROM targets WHERE project_id = $1 AND user_id = $2 ORDER BY created_at, id`, projectID, userID)
	if err != nil {
		return nil, fmt.Errorf("load targets: %w", err)
	}
	defer rows.Close()
	var out []storage.Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// refreshTargets rewrites the user row's copy of its targets.
func refreshTargets(ctx context.Context, q querier, projectID, userID string) error {
	ts, err := loadTargets(ctx, q, projectID, userID)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `UPDATE users SET targets = $3 WHERE project_id = $1 AND id = $2`, projectID, userID, targetsJSON(ts))
	return err
}

// syncTarget moves the user's target of kind from old to cur (email or
// phone changed), creating or removing it as needed.
func syncTarget(ctx context.Context, q querier, u *storage.User, kind, old, cur string) error {
	if old == cur {
		return nil
	}
	if cur != "" {
		var n int
		err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM targets WHERE project_id = $1 AND provider_type = $2 AND identifier = $3`,
			u.ProjectID, kind, cur).Scan(&n)
		if err != nil {
			return fmt.Errorf("check target: %w", err)
		}
		if n > 0 {
			return storage.ErrTargetExists
		}
	}
	now := micros(u.UpdatedAt)
	if old != "" {
		var res sql.Result
		var err error
		if cur != "" {
			res, err = q.ExecContext(ctx, `UPDATE targets SET identifier = $5, updated_at = $6
				WHERE project_id = $1 AND user_id = $2 AND provider_type = $3 AND identifier = $4`, u.ProjectID, u.ID, kind, old, cur, now)
		} else {
			res, err = q.ExecContext(ctx, `DELETE FROM targets WHERE project_id = $1 AND user_id = $2 AND provider_type = $3 AND identifier = $4`,
				u.ProjectID, u.ID, kind, old)
		}
		if err != nil {
			return fmt.Errorf("move target: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 || cur == "" {
			return nil
		}
	}
	return insertTarget(ctx, q, &storage.Target{ProjectID: u.ProjectID, ID: secret.ID(), UserID: u.ID, ProviderType: kind,
		Identifier: cur, CreatedAt: u.UpdatedAt, UpdatedAt: u.UpdatedAt})
}

// userExists locks the user row for a target change.
func (s *Store) userExists(ctx context.Context, q querier, projectID, userID string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM users WHERE project_id = $1 AND id = $2 AND deleted_at = 0`+s.forUpdate(), projectID, userID).Scan(&one)
	return notFound(err)
}

func (s *Store) CreateTarget(ctx context.Context, t *storage.Target) error {
	return s.inTx(ctx, func(q querier) error {
		if err := s.userExists(ctx, q, t.ProjectID, t.UserID); err != nil {
			return err
		}
		// The user row is locked: no other insert can slip past the count.
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM targets WHERE project_id = $1 AND user_id = $2`, t.ProjectID, t.UserID).Scan(&n); err != nil {
			return fmt.Errorf("count targets: %w", err)
		}
		if n >= storage.MaxTargets {
			return storage.ErrLimit
		}
		if err := insertTarget(ctx, q, t); err != nil {
			return err
		}
		return refreshTargets(ctx, q, t.ProjectID, t.UserID)
	})
}

func (s *Store) GetTarget(ctx context.Context, projectID, userID, id string) (*storage.Target, error) {
	row, err := s.queryRow(ctx, `SELECT `+targetCols+` FROM targets WHERE project_id = $1 AND user_id = $2 AND id = $3`, projectID, userID, id)
	if err != nil {
		return nil, err
	}
	return scanTarget(row)
}

func (s *Store) ListTargets(ctx context.Context, projectID, userID string) ([]*storage.Target, error) {
	var out []*storage.Target
	err := func() error {
		rows, err := s.query(ctx, `SELECT `+targetCols+` FROM targets WHERE project_id = $1 AND user_id = $2 ORDER BY created_at, id`, projectID, userID)
		if err != nil {
			return fmt.Errorf("list targets: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTarget(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	}()
	return out, err
}

func (s *Store) UpdateTarget(ctx context.Context, projectID, userID, id string, fn func(*storage.Target) error) (*storage.Target, error) {
	var out *storage.Target
	err := s.inTx(ctx, func(q querier) error {
		if err := s.userExists(ctx, q, projectID, userID); err != nil {
			return err
		}
		t, err := scanTarget(q.QueryRowContext(ctx, `SELECT `+targetCols+` FROM targets WHERE project_id = $1 AND user_id = $2 AND id = $3`, projectID, userID, id))
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE targets SET name = $4, provider_id = $5, identifier = $6, expired = $7, updated_at = $8
			WHERE project_id = $1 AND user_id = $2 AND id = $3`, projectID, userID, id, t.Name, nullable(t.ProviderID), t.Identifier, t.Expired, micros(t.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update target: %w", err)
		}
		out = t
		return refreshTargets(ctx, q, projectID, userID)
	})
	return out, err
}

func (s *Store) DeleteTarget(ctx context.Context, projectID, userID, id string) error {
	return s.inTx(ctx, func(q querier) error {
		if err := s.userExists(ctx, q, projectID, userID); err != nil {
			return err
		}
		res, err := q.ExecContext(ctx, `DELETE FROM targets WHERE project_id = $1 AND user_id = $2 AND id = $3`, projectID, userID, id)
		if err != nil {
			return fmt.Errorf("delete target: %w", err)
		}
		if err := affected(res); err != nil {
			return err
		}
		return refreshTargets(ctx, q, projectID, userID)
	})
}
