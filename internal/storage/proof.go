package storage

import "time"

// Proof is the redemption of something that proves an address of a user:
// a mailed or texted secret (SecretHash set), or a proof made elsewhere,
// such as a provider's verified email (SecretHash ""). The store spends
// the token, lets Apply decide what proving the address changes, and
// saves all of it in one transaction (see Store.ProveAddress).
type Proof struct {
	ProjectID  string
	UserID     string
	SecretHash string      // the token to spend; "" when the proof is no token
	Types      []TokenType // the token types this redemption accepts
	Now        time.Time
	// Apply runs inside the transaction with the user, locked, which it
	// edits in place (saved as UpdateUser saves it); the spent token (nil
	// without SecretHash); the user's identities; and how many sessions
	// the user has. It returns what else the proof removes. When it returns ErrNotFound the token stays
	// spent and nothing else changes; any other error rolls everything
	// back. It may run more than once and must not have side effects.
	Apply func(u *User, t *Token, ids []*Identity, sessions int) (*ProofWork, error)
}

// ProofWork is what proving an address removes besides the user's own
// fields, and what it writes, in the proof's transaction.
type ProofWork struct {
	EndSessions bool   // end the user's sessions...
	KeepSession string // ...except this one ("" keeps none)
	// DropIdentities are identities of the user to remove.
	DropIdentities []string
	// DropTokens withdraws every other outstanding token of the user.
	DropTokens bool
	// DropAuthenticators removes the user's MFA authenticators and open
	// challenges.
	DropAuthenticators bool
	Logs               []*Log // security log entries
	Jobs               []*Job // mails queued with the change
}
