package sqlstore

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func (s *Store) CountAuthEvent(ctx context.Context, projectID string, day int64, kind string) error {
	// One statement, so concurrent events of a day add up on both
	// engines.
	_, err := s.exec(ctx, `INSERT INTO auth_stats (project_id, day, kind, count) VALUES ($1, $2, $3, 1)
		ON CONFLICT (project_id, day, kind) DO UPDATE SET count = auth_stats.count + 1`, projectID, day, kind)
	if err != nil {
		if isMissingParent(err) {
			return storage.ErrNotFound
		}
		return fmt.Errorf("count auth event: %w", err)
	}
	return nil
}

func (s *Store) AuthStats(ctx context.Context, projectID string, from, to int64) ([]storage.AuthStat, error) {
	rows, err := s.query(ctx, `SELECT day, kind, count FROM auth_stats WHERE project_id = $1 AND day >= $2 AND day <= $3
		ORDER BY day, kind`, projectID, from, to)
	if err != nil {
		return nil, fmt.Errorf("list auth stats: %w", err)
	}
	defer rows.Close()
	var out []storage.AuthStat
	for rows.Next() {
		var st storage.AuthStat
		if err := rows.Scan(&st.Day, &st.Kind, &st.Count); err != nil {
			return nil, fmt.Errorf("scan auth stat: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
