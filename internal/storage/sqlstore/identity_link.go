package sqlstore

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// AddIdentity adds a provider identity to its user together with the
// change's logs, notices and undo tokens, so the identity is never added
// without its notice.
func (s *Store) AddIdentity(ctx context.Context, i *storage.Identity, w *storage.LinkWork) error {
	return s.inTx(ctx, func(q querier) error {
		if err := s.lockForLink(ctx, q, i.ProjectID, i.UserID, true); err != nil {
			return err
		}
		if i.ProviderEmail != "" && i.ProviderEmailVerified {
			if err := s.lockEmail(ctx, q, i.ProjectID, i.ProviderEmail); err != nil {
				return err
			}
			if err := emailFree(ctx, q, i.ProjectID, i.ProviderEmail, i.UserID); err != nil {
				return err
			}
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO identities (`+identityCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			identityArgs(i)...); err != nil {
			return fmt.Errorf("insert identity: %w", err)
		}
		if err := addLogs(ctx, q, w); err != nil {
			return err
		}
		return s.finishLinkWork(ctx, q, i.ProjectID, i.UserID, w)
	})
}

// RemoveIdentity takes a provider identity back from userID with w's
// work (the undo of AddIdentity: it redeems the undo token and ends the
// sessions opened since).
func (s *Store) RemoveIdentity(ctx context.Context, projectID, userID, provider, providerUID string, w *storage.LinkWork) error {
	return s.inTx(ctx, func(q querier) error {
		if err := s.redeemUndo(ctx, q, projectID, w); err != nil {
			return err
		}
		if err := s.lockForLink(ctx, q, projectID, userID, false); err != nil {
			return err
		}
		res, err := q.ExecContext(ctx, `DELETE FROM identities WHERE project_id = $1 AND user_id = $2 AND provider = $3 AND provider_uid = $4`,
			projectID, userID, provider, providerUID)
		if err != nil {
			return fmt.Errorf("remove identity: %w", err)
		}
		if err := affected(res); err != nil {
			return err // removed or moved meanwhile
		}
		if err := addLogs(ctx, q, w); err != nil {
			return err
		}
		return s.finishLinkWork(ctx, q, projectID, userID, w)
	})
}
