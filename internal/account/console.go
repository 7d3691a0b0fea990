package account

import (
	"context"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// CreateSetPasswordToken issues a recovery token for u that is not
// mailed: the console's one-time sign-in link for a new administrator
// (or one who lost the password), handed to whoever created it. Redeemed
// through PUT /account/recovery, it sets the password once, within
// RecoveryLifetime; only its hash is stored.
func (s *Service) CreateSetPasswordToken(ctx context.Context, u *storage.User, a Actor) (*NewToken, error) {
	return s.createTokenFor(ctx, u, storage.TokenRecovery, secret.Hex(32), RecoveryLifetime, u.Email, "", a)
}

// Audit writes an entry in u's security log; a failure is logged, not
// returned. The console writes one in an administrator's own log for each
// change it makes through the Projects or Users API.
func (s *Service) Audit(ctx context.Context, u *storage.User, event string, a Actor) {
	s.audit(ctx, u, event, a)
}
