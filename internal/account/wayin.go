package account

import "github.com/gatehouse-auth/gatehouse/internal/storage"

// otherWayIn reports whether u can still sign in with none of the
// identities but rest: an email with a password, a verified email (email
// codes and magic links) or verified phone (SMS codes), or an identity
// that signs in. The project's auth methods are not consulted: a method
// turned off can be turned on again, a missing way in cannot be given
// back. An unverified address does not count, since it may not be the
// user's; a password without an email signs nothing in; an anonymous
// account merged in (WayAnonymous) keeps prefs, not a way in.
func otherWayIn(u *storage.User, rest []*storage.Identity) bool {
	switch {
	case u.Email != "" && u.PasswordHash != "":
		return true
	case u.Email != "" && u.EmailVerification:
		return true
	case u.Phone != "" && u.PhoneVerification:
		return true
	}
	for _, i := range rest {
		if i.Provider != WayAnonymous {
			return true
		}
	}
	return false
}
