package account

import (
	"context"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// signedUp records a user that made itself (sign-up, anonymous, a
// passwordless or OAuth2 first sign-in): its log entry and the day's
// count.
func (s *Service) signedUp(ctx context.Context, u *storage.User, a Actor) {
	s.audit(ctx, u, "user.create", a)
	s.countEvent(ctx, u.ProjectID, storage.StatSignUp)
}

// statDay is the day number of t: days since the Unix epoch, UTC.
func statDay(t time.Time) int64 { return t.UTC().Unix() / 86400 }

// countEvent adds one to today's count of kind; a failure is logged, not
// returned: the event itself happened.
func (s *Service) countEvent(ctx context.Context, projectID, kind string) {
	if err := s.store.CountAuthEvent(ctx, projectID, statDay(s.now()), kind); err != nil {
		s.log.WarnContext(ctx, "count auth event", "project", projectID, "kind", kind, "err", err)
	}
}

// DayStats are one day's counts of a project's sign-in events.
type DayStats struct {
	Day                            time.Time // midnight UTC
	SignUps, SignIns, FailedSignIn int64
}

// Stats returns the counts of the last days days, oldest first, today
// included, with a zero row for a day without events, and the project's
// number of users.
func (s *Service) Stats(ctx context.Context, projectID string, days int) ([]DayStats, int, error) {
	to := statDay(s.now())
	from := to - int64(days) + 1
	list, err := s.store.AuthStats(ctx, projectID, from, to)
	if err != nil {
		return nil, 0, err
	}
	users, err := s.store.CountUsers(ctx, projectID)
	if err != nil {
		return nil, 0, err
	}
	out := make([]DayStats, days)
	for i := range out {
		out[i].Day = time.Unix((from+int64(i))*86400, 0).UTC()
	}
	for _, st := range list {
		d := &out[st.Day-from]
		switch st.Kind {
		case storage.StatSignUp:
			d.SignUps = st.Count
		case storage.StatSignIn:
			d.SignIns = st.Count
		case storage.StatSignInFailed:
			d.FailedSignIn = st.Count
		}
	}
	return out, users, nil
}
