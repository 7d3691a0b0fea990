package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func (s *Store) ProveAddress(ctx context.Context, pr *storage.Proof) (*storage.User, *storage.Token, error) {
	var out *storage.User
	var spent *storage.Token
	refused := false
	err := s.inTx(ctx, func(q querier) error {
		refused = false
		// The user is locked first: a concurrent email change waits for
		// the proof, or the proof reads the changed address.
		u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE project_id = $1 AND id = $2 AND deleted_at = 0`+s.forUpdate(),
			pr.ProjectID, pr.UserID))
		if err != nil {
			return err
		}
		var t *storage.Token
		if pr.SecretHash != "" {
			if t, err = spendToken(ctx, q, func(q string) string { return q }, pr.ProjectID, pr.UserID, pr.SecretHash, pr.Types, pr.Now); err != nil {
				return err
			}
		}
		ids, err := userIdentities(ctx, q, pr.ProjectID, pr.UserID)
		if err != nil {
			return err
		}
		var sessions int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE project_id = $1 AND user_id = $2`,
			pr.ProjectID, pr.UserID).Scan(&sessions); err != nil {
			return fmt.Errorf("count sessions: %w", err)
		}
		oldEmail, oldPhone := u.Email, u.Phone
		w, err := pr.Apply(u, t, ids, sessions)
		if errors.Is(err, storage.ErrNotFound) {
			// Refused: the token stays spent, nothing else changes.
			refused, spent = true, t
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.proofWork(ctx, q, u, w, pr.Now); err != nil {
			return err
		}
		if err := saveUser(ctx, q, u, oldEmail, oldPhone); err != nil {
			return err
		}
		out, spent = u, t
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if refused {
		return nil, spent, storage.ErrNotFound
	}
	return out, spent, nil
}

// userIdentities reads all of a user's identities inside a transaction.
func userIdentities(ctx context.Context, q querier, projectID, userID string) ([]*storage.Identity, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+identityCols+` FROM identities WHERE project_id = $1 AND user_id = $2 ORDER BY created_at, id`,
		projectID, userID)
	if err != nil {
		return nil, fmt.Errorf("list identities: %w", err)
	}
	defer rows.Close()
	var out []*storage.Identity
	for rows.Next() {
		i, err := scanIdentity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// proofWork removes what w names, for u.
func (s *Store) proofWork(ctx context.Context, q querier, u *storage.User, w *storage.ProofWork, now time.Time) error {
	if w == nil {
		return nil
	}
	if w.EndSessions {
		if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE project_id = $1 AND user_id = $2 AND id <> $3`,
			u.ProjectID, u.ID, w.KeepSession); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		// What ends every other session ends the session-less JWTs too
		// (see DeleteSessions), never moving the instant backwards.
		if _, err := q.ExecContext(ctx, `UPDATE users SET jwts_revoked_at = $3
			WHERE project_id = $1 AND id = $2 AND jwts_revoked_at < $3`, u.ProjectID, u.ID, micros(now)); err != nil {
			return fmt.Errorf("revoke jwts: %w", err)
		}
	}
	for _, id := range w.DropIdentities {
		if _, err := q.ExecContext(ctx, `DELETE FROM identities WHERE project_id = $1 AND id = $2 AND user_id = $3`,
			u.ProjectID, id, u.ID); err != nil {
			return fmt.Errorf("drop identity: %w", err)
		}
	}
	if w.DropTokens {
		if _, err := q.ExecContext(ctx, `DELETE FROM tokens WHERE project_id = $1 AND user_id = $2`, u.ProjectID, u.ID); err != nil {
			return fmt.Errorf("withdraw tokens: %w", err)
		}
	}
	if w.DropAuthenticators {
		for _, table := range []string{"authenticators", "challenges"} {
			if _, err := q.ExecContext(ctx, `DELETE FROM `+table+` WHERE project_id = $1 AND user_id = $2`, u.ProjectID, u.ID); err != nil {
				return fmt.Errorf("remove %s: %w", table, err)
			}
		}
	}
	if err := addLogs(ctx, q, &storage.LinkWork{Logs: w.Logs}); err != nil {
		return err
	}
	for _, j := range w.Jobs {
		if err := s.enqueueTx(ctx, q, j); err != nil {
			return err
		}
	}
	return nil
}
