package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const linkUndoCols = `secret_hash, project_id, change_id, kind, primary_id, secondary_id, provider, provider_uid, recipient, time, expire, used_at`

func (s *Store) GetLinkUndo(ctx context.Context, projectID, secretHash string) (*storage.LinkUndo, error) {
	row, err := s.queryRow(ctx, `SELECT `+linkUndoCols+` FROM link_undos WHERE secret_hash = $1 AND project_id = $2`, secretHash, projectID)
	if err != nil {
		return nil, err
	}
	var u storage.LinkUndo
	var at, exp, used int64
	if err := row.Scan(&u.SecretHash, &u.ProjectID, &u.ChangeID, &u.Kind, &u.PrimaryID, &u.SecondaryID, &u.Provider, &u.ProviderUID,
		&u.Recipient, &at, &exp, &used); err != nil {
		return nil, notFound(err)
	}
	u.Time, u.Expire, u.UsedAt = fromMicros(at), fromMicros(exp), fromMicros(used)
	return &u, nil
}

// lockForLink locks a user taking part in a link, an unlink or an undo,
// and refuses one being deleted or, when active is set, blocked.
func (s *Store) lockForLink(ctx context.Context, q querier, projectID, id string, active bool) error {
	var status bool
	var deleted int64
	err := q.QueryRowContext(ctx, `SELECT status, deleted_at FROM users WHERE project_id = $1 AND id = $2`+s.forUpdate(),
		projectID, id).Scan(&status, &deleted)
	switch {
	case err != nil:
		return notFound(err)
	case deleted != 0:
		return storage.ErrDeletionPending
	case active && !status:
		return storage.ErrBlocked
	}
	return nil
}

// redeemUndo spends the undo token w names, with every token of its
// change; ErrNotFound when it is unknown, spent or expired.
func (s *Store) redeemUndo(ctx context.Context, q querier, projectID string, w *storage.LinkWork) error {
	if w == nil || w.Redeem == "" {
		return nil
	}
	var change string
	at := micros(w.Now)
	err := q.QueryRowContext(ctx, `SELECT change_id FROM link_undos WHERE secret_hash = $1 AND project_id = $2`, w.Redeem, projectID).Scan(&change)
	if err != nil {
		return notFound(err)
	}
	// Lock every token of the change in one order, so redemptions racing
	// through different tokens of it queue up instead of deadlocking; the
	// rows read after the wait show the winner's change.
	rows, err := q.QueryContext(ctx, `SELECT secret_hash, used_at, expire FROM link_undos WHERE project_id = $1 AND change_id = $2
		ORDER BY secret_hash`+s.forUpdate(), projectID, change)
	if err != nil {
		return fmt.Errorf("lock undo tokens: %w", err)
	}
	live := false
	spent := false
	for rows.Next() {
		var hash string
		var used, expire int64
		if err := rows.Scan(&hash, &used, &expire); err != nil {
			rows.Close()
			return err
		}
		spent = spent || used != 0
		if hash == w.Redeem {
			live = expire > at
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if !live || spent {
		return storage.ErrNotFound
	}
	if _, err := q.ExecContext(ctx, `UPDATE link_undos SET used_at = $3 WHERE project_id = $1 AND change_id = $2`, projectID, change, at); err != nil {
		return fmt.Errorf("spend undo token: %w", err)
	}
	return nil
}

// addLogs writes the security log entries of a change.
func addLogs(ctx context.Context, q querier, w *storage.LinkWork) error {
	if w == nil {
		return nil
	}
	for _, l := range w.Logs {
		if _, err := q.ExecContext(ctx, `INSERT INTO logs (`+logCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			l.ProjectID, l.ID, l.UserID, l.Event, l.Mode, l.Actor, l.UserEmail, l.UserName, jsonText(l.Client), micros(l.Time)); err != nil {
			return fmt.Errorf("insert log: %w", err)
		}
	}
	return nil
}

// parkLogs sets the secondary's log aside under its id, held by the
// primary, along with the logs the secondary itself held.
func parkLogs(ctx context.Context, q querier, projectID, primaryID, secondaryID string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO linked_logs (project_id, id, user_id, holder_id, event, mode, actor, user_email, user_name, client, time)
		SELECT project_id, id, user_id, $3, event, mode, actor, user_email, user_name, client, time FROM logs
		WHERE project_id = $1 AND user_id = $2`, projectID, secondaryID, primaryID); err != nil {
		return fmt.Errorf("set log aside: %w", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE linked_logs SET holder_id = $3 WHERE project_id = $1 AND holder_id = $2`,
		projectID, secondaryID, primaryID); err != nil {
		return fmt.Errorf("hand logs over: %w", err)
	}
	return nil
}

// unparkLogs gives the log set aside for oldID back, under newID.
func unparkLogs(ctx context.Context, q querier, projectID, holderID, oldID, newID string) error {
	if oldID == "" {
		return nil
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO logs (`+logCols+`)
		SELECT project_id, id, $4, event, mode, actor, user_email, user_name, client, time FROM linked_logs
		WHERE project_id = $1 AND holder_id = $2 AND user_id = $3`, projectID, holderID, oldID, newID); err != nil {
		return fmt.Errorf("restore log: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM linked_logs WHERE project_id = $1 AND holder_id = $2 AND user_id = $3`,
		projectID, holderID, oldID); err != nil {
		return fmt.Errorf("restore log: %w", err)
	}
	return nil
}

// finishLinkWork ends the sessions an undo ends, keeps the new undo
// tokens and queues the notice mails.
func (s *Store) finishLinkWork(ctx context.Context, q querier, projectID, keptID string, w *storage.LinkWork) error {
	if w == nil {
		return nil
	}
	if !w.EndSessionsSince.IsZero() {
		if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE project_id = $1 AND user_id = $2 AND created_at >= $3`,
			projectID, keptID, micros(w.EndSessionsSince)); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
	}
	// Spent and expired tokens are left to the maintenance sweep, which
	// keeps them storage.LinkUndoKeep past their expiry.
	for _, u := range w.Undo {
		if u.ProjectID != projectID {
			return errors.New("undo token of another project")
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO link_undos (`+linkUndoCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			u.SecretHash, u.ProjectID, u.ChangeID, u.Kind, u.PrimaryID, u.SecondaryID, u.Provider, u.ProviderUID, u.Recipient,
			micros(u.Time), micros(u.Expire), micros(u.UsedAt)); err != nil {
			return fmt.Errorf("keep undo token: %w", err)
		}
	}
	for _, j := range w.Jobs {
		if err := s.enqueueTx(ctx, q, j); err != nil {
			return err
		}
	}
	return nil
}
