package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const logCols = `project_id, id, user_id, event, mode, actor, user_email, user_name, client, time`

func (s *Store) AddLog(ctx context.Context, l *storage.Log) error {
	return addLog(ctx, s.exec, l)
}

// addLog inserts l with exec: the store's own or a transaction's.
func addLog(ctx context.Context, exec func(context.Context, string, ...any) (sql.Result, error), l *storage.Log) error {
	_, err := exec(ctx, `INSERT INTO logs (`+logCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		l.ProjectID, l.ID, l.UserID, l.Event, l.Mode, l.Actor, l.UserEmail, l.UserName, jsonText(l.Client), micros(l.Time))
	if err != nil {
		return fmt.Errorf("insert log: %w", err)
	}
	return nil
}

func (s *Store) ListLogs(ctx context.Context, projectID, userID string, page storage.Page) ([]*storage.Log, int, error) {
	var total int
	row, err := s.queryRow(ctx, `SELECT COUNT(*) FROM logs WHERE project_id = $1 AND user_id = $2`, projectID, userID)
	if err != nil {
		return nil, 0, err
	}
	if err := row.Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count logs: %w", err)
	}
	rows, err := s.query(ctx, `SELECT `+logCols+` FROM logs WHERE project_id = $1 AND user_id = $2
		ORDER BY time DESC, id DESC LIMIT $3 OFFSET $4`, projectID, userID, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list logs: %w", err)
	}
	defer rows.Close()
	var out []*storage.Log
	for rows.Next() {
		var l storage.Log
		var client string
		var t int64
		if err := rows.Scan(&l.ProjectID, &l.ID, &l.UserID, &l.Event, &l.Mode, &l.Actor, &l.UserEmail, &l.UserName, &client, &t); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(client), &l.Client); err != nil {
			return nil, 0, fmt.Errorf("log client: %w", err)
		}
		l.Time = fromMicros(t)
		out = append(out, &l)
	}
	return out, total, rows.Err()
}

func (s *Store) HitCounter(ctx context.Context, key string, window time.Time, limit int) (int, error) {
	w := window.Unix()
	// The WHERE clause stops counting at the limit, so a flood cannot grow
	// the counter; no row back means the limit was already reached.
	row, err := s.stmt(ctx, s.w, `INSERT INTO rate_counters (key, window_start, count) VALUES ($1, $2, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1 WHERE rate_counters.count < $3
		RETURNING count`)
	if err != nil {
		return 0, err
	}
	var n int
	if err := row.QueryRowContext(ctx, key, w, limit).Scan(&n); err != nil {
		if notFound(err) == storage.ErrNotFound {
			return limit, nil
		}
		return 0, fmt.Errorf("hit counter: %w", err)
	}
	// Windows that ended are removed by the maintenance sweep
	// (storage.SweepRateWindows), in batches, off the request path.
	return n - 1, nil
}
