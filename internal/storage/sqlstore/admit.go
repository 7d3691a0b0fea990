package sqlstore

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// The rules a new user or identity must pass that no unique index can
// state: the project's users limit, and one email across users and
// identities (two tables). They are checked inside the inserting
// transaction. SQLite runs one write transaction at a time, so that is
// enough there; PostgreSQL runs them side by side under READ COMMITTED,
// so the transactions that could break a rule first take a lock naming it
// (the project row for the limit, an advisory lock per project and email
// for the email) and so see each other's rows.

// reservingIdentity is the condition (on $4 = true, $5 = wayEmail) for an
// identity whose provider_email holds the address: a provider vouched for
// it, or it is the own email of an account merged in by linking, which
// keeps signing in with its password. An email a provider did not verify
// reserves nothing: anyone may claim any address at such a provider, and
// the address's owner must still be able to sign up with it.
const reservingIdentity = `(provider_email_verified = $4 OR provider = $5)`

// wayEmail is account.WayEmail, the provider of a merged account's email.
const wayEmail = "email"

// lockEmail serializes the transactions that claim email in a project.
func (s *Store) lockEmail(ctx context.Context, q querier, projectID, email string) error {
	if s.engine != "postgres" || email == "" {
		return nil
	}
	if _, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "email "+projectID+" "+email); err != nil {
		return fmt.Errorf("lock email: %w", err)
	}
	return nil
}

// admitUser checks u against the users limit (0: none) and the emails of
// identities, in the transaction about to insert it.
func (s *Store) admitUser(ctx context.Context, q querier, u *storage.User, limit int) error {
	if limit > 0 {
		if s.engine == "postgres" {
			if _, err := q.ExecContext(ctx, `SELECT 1 FROM projects WHERE id = $1 FOR UPDATE`, u.ProjectID); err != nil {
				return fmt.Errorf("lock project: %w", err)
			}
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE project_id = $1 AND deleted_at = 0`, u.ProjectID).Scan(&n); err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		if n >= limit {
			return storage.ErrLimit
		}
	}
	if u.Email == "" {
		return nil
	}
	if err := s.lockEmail(ctx, q, u.ProjectID, u.Email); err != nil {
		return err
	}
	return emailFree(ctx, q, u.ProjectID, u.Email, u.ID)
}

// emailFree fails with ErrConflict when a user other than userID holds
// email as its own or through an identity that reserves it (see
// reservingIdentity).
func emailFree(ctx context.Context, q querier, projectID, email, userID string) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM users WHERE project_id = $1 AND email = $2 AND id <> $3) +
		(SELECT COUNT(*) FROM identities WHERE project_id = $1 AND provider_email = $2 AND user_id <> $3 AND `+reservingIdentity+`)`,
		projectID, email, userID, true, wayEmail).Scan(&n)
	if err != nil {
		return fmt.Errorf("check email: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("%w: email held by another user", storage.ErrConflict)
	}
	return nil
}
