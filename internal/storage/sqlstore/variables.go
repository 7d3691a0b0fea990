package sqlstore

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const variableCols = `project_id, id, key, value, secret, created_at, updated_at`

func scanVariable(sc interface{ Scan(...any) error }) (*storage.Variable, error) {
	var v storage.Variable
	var created, updated int64
	if err := sc.Scan(&v.ProjectID, &v.ID, &v.Key, &v.Value, &v.Secret, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	v.CreatedAt, v.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &v, nil
}

func (s *Store) CreateVariable(ctx context.Context, v *storage.Variable, max int) error {
	return s.inTx(ctx, func(q querier) error {
		// Locking the project row makes concurrent creates count in turn.
		var id string
		if err := q.QueryRowContext(ctx, `SELECT id FROM projects WHERE id = $1`+s.forUpdate(), v.ProjectID).Scan(&id); err != nil {
			return notFound(err)
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM variables WHERE project_id = $1`, v.ProjectID).Scan(&n); err != nil {
			return fmt.Errorf("count variables: %w", err)
		}
		if n >= max {
			return storage.ErrLimit
		}
		_, err := q.ExecContext(ctx, `INSERT INTO variables (`+variableCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			v.ProjectID, v.ID, v.Key, v.Value, v.Secret, micros(v.CreatedAt), micros(v.UpdatedAt))
		if err != nil {
			return fmt.Errorf("insert variable: %w", err)
		}
		return nil
	})
}

func (s *Store) GetVariable(ctx context.Context, projectID, id string) (*storage.Variable, error) {
	row, err := s.queryRow(ctx, `SELECT `+variableCols+` FROM variables WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return nil, err
	}
	return scanVariable(row)
}

func (s *Store) ListVariables(ctx context.Context, projectID string, page storage.Page) ([]*storage.Variable, int, error) {
	var total int
	row, err := s.queryRow(ctx, `SELECT COUNT(*) FROM variables WHERE project_id = $1`, projectID)
	if err != nil {
		return nil, 0, err
	}
	if err := row.Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count variables: %w", err)
	}
	rows, err := s.query(ctx, `SELECT `+variableCols+` FROM variables WHERE project_id = $1
		ORDER BY created_at, id LIMIT $2 OFFSET $3`, projectID, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list variables: %w", err)
	}
	defer rows.Close()
	var out []*storage.Variable
	for rows.Next() {
		v, err := scanVariable(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, rows.Err()
}

func (s *Store) UpdateVariable(ctx context.Context, projectID, id string, fn func(*storage.Variable) error) (*storage.Variable, error) {
	var out *storage.Variable
	err := s.inTx(ctx, func(q querier) error {
		v, err := scanVariable(q.QueryRowContext(ctx, `SELECT `+variableCols+` FROM variables WHERE project_id = $1 AND id = $2`+s.forUpdate(), projectID, id))
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE variables SET key = $3, value = $4, secret = $5, updated_at = $6 WHERE project_id = $1 AND id = $2`,
			projectID, id, v.Key, v.Value, v.Secret, micros(v.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update variable: %w", err)
		}
		out = v
		return nil
	})
	return out, err
}

func (s *Store) DeleteVariable(ctx context.Context, projectID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM variables WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return fmt.Errorf("delete variable: %w", err)
	}
	return affected(res)
}
