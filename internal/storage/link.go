package storage

import (
	"errors"
	"time"
)

// Refusals of a link, an unlink or an undo, found inside its transaction.
var (
	// ErrBlocked: one of the accounts is blocked.
	ErrBlocked = errors.New("storage: user blocked")
	// ErrDeletionPending: one of the accounts was deleted and waits for
	// its clean-up (PurgeUser).
	ErrDeletionPending = errors.New("storage: user deletion pending")
)

// Undo kinds: what a LinkUndo takes back.
const (
	UndoLink   = "link"
	UndoUnlink = "unlink"
	// UndoIdentity takes back a provider identity a signed-in user added
	// to its account (PrimaryID; SecondaryID is empty).
	UndoIdentity = "identity"
)

// LinkUndo is one "this wasn't me" token, mailed after a link or an
// unlink. Only the hash of its secret is kept. The tokens of one change
// (one per address mailed) share ChangeID, and spending one spends all.
type LinkUndo struct {
	SecretHash string
	ProjectID  string
	ChangeID   string
	Kind       string // UndoLink or UndoUnlink
	// PrimaryID is the account that was kept: the one merged into (link)
	// or the one an identity left (unlink).
	PrimaryID string
	// SecondaryID is the other one: the merged account's old id (link) or
	// the split-out user (unlink).
	SecondaryID string
	// Provider and ProviderUID name one way in the secondary brought with
	// it (link), which finds its identities again.
	Provider    string
	ProviderUID string
	Recipient   string    // the address this token was mailed to
	Time        time.Time // when the change was made
	Expire      time.Time
	UsedAt      time.Time // zero until the change is undone
}

// LinkWork is what a link, an unlink or an undo writes besides the
// accounts themselves, in the same transaction.
type LinkWork struct {
	Logs []*Log      // security log entries, of both accounts
	Undo []*LinkUndo // the tokens of the notice mails
	Jobs []*Job      // the notice mails, queued with the change
	// Redeem, when set, is the hash of the undo token this change carries
	// out: the change is made only if the token is unused and unexpired at
	// Now, and all the tokens of its change are spent with it; otherwise
	// ErrNotFound and nothing changes.
	Redeem string
	Now    time.Time
	// EndSessionsSince, when set, ends the sessions of the account kept
	// that were created at or after it (the undo of a link).
	EndSessionsSince time.Time
}
