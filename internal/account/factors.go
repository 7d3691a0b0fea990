package account

import (
	"slices"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
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

// passesWithMFA reports whether the caller's session would still pass
// once MFA is on and f's factors are counted on it, as SetMFA does: a
// session left with one kind of factor would lock itself out.
func (s *Service) passesWithMFA(c *Caller, f Factors) bool {
	if c.Session == nil || c.ByJWT {
		return true
	}
	all := slices.Clone(c.Session.Factors)
	for _, x := range []struct {
		on     bool
		factor string
	}{{f.TOTP, "totp"}, {f.Email, "email"}, {f.Phone, "phone"}} {
		if x.on {
			all = append(all, x.factor)
		}
	}
	return FactorKinds(all) >= 2
}
