package storage

import "context"

// The kinds of AuthStat.
const (
	StatSignUp       = "signUp"       // a user made itself (not by a key)
	StatSignIn       = "signIn"       // a session began, by any way in but a key
	StatSignInFailed = "signInFailed" // a wrong email or password
)

// AuthStat is how many events of Kind a project saw on Day (days since
// the Unix epoch, UTC).
type AuthStat struct {
	Day   int64
	Kind  string
	Count int64
}

// StatsStore keeps daily counts of sign-in events per project.
type StatsStore interface {
	// CountAuthEvent adds one to the project's count of kind on day; a
	// project that does not exist is ErrNotFound.
	CountAuthEvent(ctx context.Context, projectID string, day int64, kind string) error
	// AuthStats returns the project's counts of days from to to,
	// inclusive, ordered by day and kind; days without events are left
	// out.
	AuthStats(ctx context.Context, projectID string, from, to int64) ([]AuthStat, error)
}
