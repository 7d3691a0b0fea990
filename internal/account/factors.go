package account

import (
	"slices"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// factorKind groups a session's factors by what they prove. An email
// code, a magic link and a provider sign-in all rest on the same thing,
// the mailbox or the provider account behind the address, so they are
// one kind: a second factor must be of another one. (Appwrite counts
// entries, so an OAuth2 session, factors ["email","oauth2"], passes MFA
// at once, and an email challenge makes it fresh.)
func factorKind(f string) string {
	if f == "oauth2" {
		return "email"
	}
	return f
}

// FactorKinds counts the kinds of factors among factors.
func FactorKinds(factors []string) int {
	var kinds []string
	for _, f := range factors {
		if k := factorKind(f); !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return len(kinds)
}

// firstProof is the kind of factor a session was signed in with.
func firstProof(factors []string) string {
	if len(factors) == 0 {
		return ""
	}
	return factorKind(factors[0])
}

// ChallengeCounts refuses a challenge of factor on the caller's session
// when it is of the kind the session was signed in with: it would prove
// nothing new, so it counts neither as the second factor nor as fresh
// (an email code on a session opened by an email code, a magic link or
// a provider's verified email).
func (s *Service) ChallengeCounts(c *Caller, factor string) error {
	f, ok := normalFactor(factor)
	if !ok || c.Session == nil || c.ByJWT {
		return nil // an unknown factor is refused where it is read
	}
	if first := firstProof(c.Session.Factors); first != "" && factorKind(f) == first {
		return apperr.Invalid("factor", "This session was signed in through "+first+"; complete a challenge of another kind of factor")
	}
	return nil
}

// mfaSatisfiable reports whether u could pass MFA at all once it is on:
// some sign-in and challenge of two different kinds among its password,
// authenticator, verified email and verified phone. Without two kinds
// every session would lock itself out (a provider-only account whose one
// other factor is its email). The session turning MFA on may itself be
// of one kind only (opened by an email code): it then completes a
// challenge of another kind, or the user signs in with the password.
func mfaSatisfiable(u *storage.User, f Factors) bool {
	var kinds []string
	if u.PasswordHash != "" {
		kinds = append(kinds, "password")
	}
	for _, x := range []struct {
		on     bool
		factor string
	}{{f.TOTP, "totp"}, {f.Email, "email"}, {f.Phone, "phone"}, {f.Passkey, FactorPasskey}} {
		if x.on {
			kinds = append(kinds, x.factor)
		}
	}
	return FactorKinds(kinds) >= 2
}
