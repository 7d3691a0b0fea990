package account

import (
	"context"
	"errors"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Impersonation names the user a request asks to act as (Appwrite 1.9's
// X-Appwrite-Impersonate-User-* headers). The first non-empty field, in
// the order ID, Email, Phone, is the one used.
type Impersonation struct {
	ID, Email, Phone string
}

// IsSet reports whether the request asked to impersonate anyone.
func (im Impersonation) IsSet() bool { return im.ID != "" || im.Email != "" || im.Phone != "" }

// maxImpersonationValue bounds a value worth a lookup: no id, email or
// phone Gatehouse accepts is longer.
const maxImpersonationValue = 320

// Impersonate resolves the user c's operator asks to act as. It returns
// nil (and no error) when the request runs as c itself: the caller is not
// an impersonator, no target was named, the target is unknown or is the
// caller. The target is looked up only in the operator's own project,
// whatever the request says. A blocked target is user_blocked.
//
// The caller it returns carries the target as User and the operator as
// Operator, and no session: the operator's session is not the target's,
// so nothing can mistake one for the other ("current", JWTs, factors).
// The target's accessedAt is left as it is.
func (s *Service) Impersonate(ctx context.Context, c *Caller, im Impersonation) (*Caller, error) {
	if c == nil || c.Operator != nil || !c.User.Impersonator || !im.IsSet() {
		return nil, nil
	}
	pid := c.User.ProjectID
	var target *storage.User
	var err error
	switch {
	case im.ID != "":
		if len(im.ID) > maxImpersonationValue {
			return nil, nil
		}
		target, err = s.store.GetUser(ctx, pid, im.ID)
	case im.Email != "":
		if len(im.Email) > maxImpersonationValue {
			return nil, nil
		}
		target, err = s.store.UserByEmail(ctx, pid, strings.ToLower(im.Email))
	default:
		if len(im.Phone) > maxImpersonationValue {
			return nil, nil
		}
		target, err = s.store.UserByPhone(ctx, pid, im.Phone)
	}
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil // an unknown target is ignored, as in Appwrite
	}
	if err != nil {
		return nil, err
	}
	if target.ProjectID != pid || target.ID == c.User.ID {
		return nil, nil
	}
	if !target.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	return &Caller{User: target, Operator: c.User}, nil
}
