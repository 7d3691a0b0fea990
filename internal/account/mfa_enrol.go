package account

import (
	"context"
	"slices"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// enrolFactor records on the caller's session a factor it set up itself
// (an authenticator just verified, or the factors counted when MFA is
// turned on), so the session does not lock itself out. Unlike a completed
// challenge (addFactor) it leaves mfaUpdatedAt alone: setting a factor up
// proves nothing about who holds the session, so it never makes the
// session fresh for removing a factor or reading recovery codes. Appwrite
// 1.6-1.8 do the same.
func (s *Service) enrolFactor(ctx context.Context, c *Caller, factor string) error {
	if c.Session == nil || c.ByJWT {
		return nil
	}
	sess, err := s.store.UpdateSession(ctx, c.User.ProjectID, c.User.ID, c.Session.ID, func(sess *storage.Session) error {
		if !slices.Contains(sess.Factors, factor) {
			sess.Factors = append(sess.Factors, factor)
			sess.UpdatedAt = s.nowUTC()
		}
		return nil
	})
	if err == nil {
		c.Session = sess
	}
	return err
}
