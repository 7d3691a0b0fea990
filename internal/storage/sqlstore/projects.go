package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// InstanceValue returns the value stored under key, storing def first when
// there is none. Nodes racing on first start all read the winner's value.
func (s *Store) InstanceValue(ctx context.Context, key, def string) (string, error) {
	if _, err := s.exec(ctx, `INSERT INTO instance (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, def); err != nil {
		return "", fmt.Errorf("store instance value: %w", err)
	}
	var v string
	// Read on the write pool: the row may be newer than a reader's snapshot.
	if err := s.w.QueryRowContext(ctx, s.rebind(`SELECT value FROM instance WHERE key = $1`), key).Scan(&v); err != nil {
		return "", fmt.Errorf("read instance value: %w", err)
	}
	return v, nil
}

const projectCols = `id, name, team_id, description, settings, created_at, updated_at`

func scanProject(sc interface{ Scan(...any) error }) (*storage.Project, error) {
	var p storage.Project
	var settings string
	var created, updated int64
	if err := sc.Scan(&p.ID, &p.Name, &p.TeamID, &p.Description, &settings, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(settings), &p.Settings); err != nil {
		return nil, fmt.Errorf("project %s settings: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

func (s *Store) CreateProject(ctx context.Context, p *storage.Project) error {
	settings, err := json.Marshal(p.Settings)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO projects (`+projectCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		p.ID, p.Name, p.TeamID, p.Description, string(settings), micros(p.CreatedAt), micros(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert project: %w", err)
	}
	return nil
}

func (s *Store) GetProject(ctx context.Context, id string) (*storage.Project, error) {
	row, err := s.queryRow(ctx, `SELECT `+projectCols+` FROM projects WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	return scanProject(row)
}

func (s *Store) ListProjects(ctx context.Context, search string, page storage.Page) ([]*storage.Project, int, error) {
	pat := "%" + likeEscape(search) + "%"
	var total int
	// LOWER on both sides: LIKE ignores case on SQLite only.
	row, err := s.queryRow(ctx, `SELECT COUNT(*) FROM projects WHERE (LOWER(name) LIKE LOWER($1) ESCAPE '\' OR LOWER(id) LIKE LOWER($1) ESCAPE '\') AND id <> $2`,
		pat, storage.ConsoleProject)
	if err != nil {
		return nil, 0, err
	}
	if err := row.Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count projects: %w", err)
	}
	rows, err := s.query(ctx, `SELECT `+projectCols+` FROM projects WHERE (LOWER(name) LIKE LOWER($1) ESCAPE '\' OR LOWER(id) LIKE LOWER($1) ESCAPE '\')
		AND id <> $4 ORDER BY created_at, id LIMIT $2 OFFSET $3`, pat, page.Limit, page.Offset, storage.ConsoleProject)
	if err != nil {
		return nil, 0, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var out []*storage.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

func (s *Store) UpdateProject(ctx context.Context, id string, fn func(*storage.Project) error) (*storage.Project, error) {
	var out *storage.Project
	err := s.inTx(ctx, func(q querier) error {
		p, err := scanProject(q.QueryRowContext(ctx, `SELECT `+projectCols+` FROM projects WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		settings, err := json.Marshal(p.Settings)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE projects SET name = $2, team_id = $3, description = $4, settings = $5, updated_at = $6 WHERE id = $1`,
			p.ID, p.Name, p.TeamID, p.Description, string(settings), micros(p.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update project: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

func (s *Store) DeleteProject(ctx context.Context, id string) error {
	// Children without a cascade from projects go first, in one transaction.
	return s.inTx(ctx, func(q querier) error {
		for _, t := range []string{"logs", "sessions", "oauth_states", "users", "api_keys", "platforms", "variables", "passkey_ceremonies"} {
			if _, err := q.ExecContext(ctx, `DELETE FROM `+t+` WHERE project_id = $1`, id); err != nil {
				return fmt.Errorf("delete project %s: %w", t, err)
			}
		}
		res, err := q.ExecContext(ctx, `DELETE FROM projects WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete project: %w", err)
		}
		return affected(res)
	})
}
