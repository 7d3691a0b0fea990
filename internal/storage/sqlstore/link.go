package sqlstore

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func (s *Store) MergeUser(ctx context.Context, projectID, primaryID, secondaryID string, profile []byte, extra []*storage.Identity, w *storage.LinkWork) error {
	if primaryID == secondaryID {
		return fmt.Errorf("%w: a user cannot be merged into itself", storage.ErrConflict)
	}
	return s.inTx(ctx, func(q querier) error {
		if err := s.redeemUndo(ctx, q, projectID, w); err != nil {
			return err
		}
		// Lock both users in a fixed order, so two links of the same pair
		// cannot deadlock.
		first, second := primaryID, secondaryID
		if second < first {
			first, second = second, first
		}
		for _, id := range []string{first, second} {
			if err := s.lockForLink(ctx, q, projectID, id, true); err != nil {
				return err
			}
		}
		// Both users still exist: each gets its entry first, then the
		// secondary's log is set aside with it.
		if err := addLogs(ctx, q, w); err != nil {
			return err
		}
		if err := parkLogs(ctx, q, projectID, primaryID, secondaryID); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `UPDATE identities SET user_id = $3, profile_data = $4 WHERE project_id = $1 AND user_id = $2`,
			projectID, secondaryID, primaryID, string(profile)); err != nil {
			return fmt.Errorf("move identities: %w", err)
		}
		// The secondary goes first so its email and phone are free for
		// the identities that keep them reserved.
		for _, t := range []string{"sessions", "tokens", "targets", "authenticators", "challenges", "logs"} {
			if _, err := q.ExecContext(ctx, `DELETE FROM `+t+` WHERE project_id = $1 AND user_id = $2`, projectID, secondaryID); err != nil {
				return fmt.Errorf("remove secondary %s: %w", t, err)
			}
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM users WHERE project_id = $1 AND id = $2`, projectID, secondaryID); err != nil {
			return fmt.Errorf("remove secondary: %w", err)
		}
		for _, i := range extra {
			if _, err := q.ExecContext(ctx, `INSERT INTO identities (`+identityCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				identityArgs(i)...); err != nil {
				return fmt.Errorf("add identity: %w", err)
			}
		}
		return s.finishLinkWork(ctx, q, projectID, primaryID, w)
	})
}

func (s *Store) SplitIdentity(ctx context.Context, fromID, oldID string, u *storage.User, move, drop []string, w *storage.LinkWork) error {
	return s.inTx(ctx, func(q querier) error {
		if err := s.redeemUndo(ctx, q, u.ProjectID, w); err != nil {
			return err
		}
		if err := s.lockForLink(ctx, q, u.ProjectID, fromID, false); err != nil {
			return err
		}
		for _, id := range drop {
			res, err := q.ExecContext(ctx, `DELETE FROM identities WHERE project_id = $1 AND id = $2 AND user_id = $3`, u.ProjectID, id, fromID)
			if err != nil {
				return fmt.Errorf("drop identity: %w", err)
			}
			if err := affected(res); err != nil {
				return err // moved or removed meanwhile
			}
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES (`+userValues+`)`, userArgs(u)...); err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		for i := range u.Targets {
			if err := insertTarget(ctx, q, &u.Targets[i]); err != nil {
				return err
			}
		}
		for _, id := range move {
			res, err := q.ExecContext(ctx, `UPDATE identities SET user_id = $3, profile_data = '' WHERE project_id = $1 AND id = $2 AND user_id = $4`,
				u.ProjectID, id, u.ID, fromID)
			if err != nil {
				return fmt.Errorf("move identity: %w", err)
			}
			if err := affected(res); err != nil {
				return err
			}
		}
		if err := unparkLogs(ctx, q, u.ProjectID, fromID, oldID, u.ID); err != nil {
			return err
		}
		if err := addLogs(ctx, q, w); err != nil {
			return err
		}
		return s.finishLinkWork(ctx, q, u.ProjectID, fromID, w)
	})
}
