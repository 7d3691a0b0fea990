package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func (s *Store) CreateToken(ctx context.Context, t *storage.Token) error {
	_, err := s.exec(ctx, `INSERT INTO tokens (project_id, id, user_id, type, secret_hash, short_secret, expire, created_at, address, session_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ProjectID, t.ID, t.UserID, int(t.Type), t.SecretHash, t.Short, micros(t.Expire), micros(t.CreatedAt), t.Address, t.SessionID)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	return nil
}

func (s *Store) ConsumeToken(ctx context.Context, projectID, userID, secretHash string, types []storage.TokenType, now time.Time) (*storage.Token, error) {
	return spendToken(ctx, s.w, s.rebind, projectID, userID, secretHash, types, now)
}

// spendToken deletes and returns a live token; q is the pool or a
// transaction, rebind the dialect's (identity inside a transaction, whose
// querier rebinds itself).
func spendToken(ctx context.Context, q querier, rebind func(string) string, projectID, userID, secretHash string, types []storage.TokenType,
	now time.Time) (*storage.Token, error) {
	if len(types) == 0 {
		return nil, storage.ErrNotFound
	}
	in := make([]string, len(types))
	for i, t := range types {
		in[i] = strconv.Itoa(int(t))
	}
	// DELETE ... RETURNING makes the check and the use one statement: of
	// two racing redemptions only one gets the row.
	row := q.QueryRowContext(ctx, rebind(`DELETE FROM tokens WHERE project_id = $1 AND user_id = $2 AND secret_hash = $3
		AND expire > $4 AND type IN (`+strings.Join(in, ", ")+`) RETURNING id, type, short_secret, expire, created_at, address, session_id`),
		projectID, userID, secretHash, micros(now))
	t := &storage.Token{ProjectID: projectID, UserID: userID, SecretHash: secretHash}
	var typ int
	var exp, created int64
	if err := row.Scan(&t.ID, &typ, &t.Short, &exp, &created, &t.Address, &t.SessionID); err != nil {
		return nil, notFound(err)
	}
	t.Type, t.Expire, t.CreatedAt = storage.TokenType(typ), fromMicros(exp), fromMicros(created)
	return t, nil
}

func (s *Store) FailTokens(ctx context.Context, projectID, userID string, maxAttempts int) error {
	return s.inTx(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, `UPDATE tokens SET attempts = attempts + 1 WHERE project_id = $1 AND user_id = $2
			AND short_secret = $3`, projectID, userID, true); err != nil {
			return fmt.Errorf("count token attempt: %w", err)
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM tokens WHERE project_id = $1 AND user_id = $2 AND short_secret = $3
			AND attempts >= $4`, projectID, userID, true, maxAttempts); err != nil {
			return fmt.Errorf("withdraw tokens: %w", err)
		}
		return nil
	})
}

func (s *Store) DeleteTokens(ctx context.Context, projectID, userID string, typ storage.TokenType) error {
	var err error
	if typ == 0 {
		_, err = s.exec(ctx, `DELETE FROM tokens WHERE project_id = $1 AND user_id = $2`, projectID, userID)
	} else {
		_, err = s.exec(ctx, `DELETE FROM tokens WHERE project_id = $1 AND user_id = $2 AND type = $3`, projectID, userID, int(typ))
	}
	if err != nil {
		return fmt.Errorf("delete tokens: %w", err)
	}
	return nil
}
