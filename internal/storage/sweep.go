package storage

import (
	"context"
	"time"
)

// SweepKind names one kind of row the maintenance sweep removes once it
// has outlived its use.
type SweepKind string

// What a sweep removes, each dated by its own column; the cutoff passed
// to Sweep is the caller's to choose (see internal/maintenance).
const (
	SweepSessions    SweepKind = "sessions"    // sessions whose expire is before the cutoff
	SweepTokens      SweepKind = "tokens"      // one-time tokens (magic URLs, codes, recovery, verification) by expire
	SweepOAuthStates SweepKind = "oauthStates" // OAuth2 sign-ins in flight and suggested-link tokens, by expire
	SweepChallenges  SweepKind = "challenges"  // MFA challenges, by expire
	SweepLinkUndos   SweepKind = "linkUndos"   // "this wasn't me" tokens, by expire
	SweepRateWindows SweepKind = "rateWindows" // rate-limit counters, by the start of their window
	SweepDoneJobs    SweepKind = "doneJobs"    // jobs done, by when they finished; failed jobs stay
	SweepLogs        SweepKind = "logs"        // security log entries, by their time
	SweepLinkedLogs  SweepKind = "linkedLogs"  // log entries of merged accounts set aside, by their time

	// The OAuth2 server's rows, each by its expiry: grants, PAR handles,
	// codes and device requests; token families by their refresh
	// token's expiry; signing keys once every token they signed expired.
	SweepOAuth2Grants   SweepKind = "oauth2Grants"
	SweepOAuth2PARs     SweepKind = "oauth2Pars"
	SweepOAuth2Codes    SweepKind = "oauth2Codes"
	SweepOAuth2Devices  SweepKind = "oauth2Devices"
	SweepOAuth2Families SweepKind = "oauth2Families"
	SweepOAuth2Keys     SweepKind = "oauth2Keys"
)

// SweepKinds lists every SweepKind, in the order a sweep takes them.
var SweepKinds = []SweepKind{
	SweepSessions, SweepTokens, SweepOAuthStates, SweepChallenges, SweepLinkUndos,
	SweepRateWindows, SweepDoneJobs, SweepLogs, SweepLinkedLogs,
	SweepOAuth2Grants, SweepOAuth2PARs, SweepOAuth2Codes, SweepOAuth2Devices, SweepOAuth2Families, SweepOAuth2Keys,
}

// LinkUndoKeep is how long spent and expired undo tokens stay after their
// expiry, so a late click is told what happened rather than that the link
// is unknown: the sweep removes an undo token only this long after it
// expired.
const LinkUndoKeep = 30 * 24 * time.Hour

// MaintenanceStore removes rows that have outlived their use, a bounded
// batch at a time, so that no removal holds a lock for long.
type MaintenanceStore interface {
	// Sweep removes at most limit rows of kind dated before cutoff, in one
	// short transaction, and returns how many it removed. Rows locked by a
	// change in flight are passed over (PostgreSQL), left for the next
	// batch. An unknown kind is an error.
	Sweep(ctx context.Context, kind SweepKind, cutoff time.Time, limit int) (int, error)
}
