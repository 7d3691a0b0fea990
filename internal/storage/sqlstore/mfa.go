package sqlstore

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const authCols = `project_id, user_id, type, secret, verified, last_step, created_at, updated_at`

func scanAuthenticator(sc interface{ Scan(...any) error }) (*storage.Authenticator, error) {
	var a storage.Authenticator
	var cr, up int64
	if err := sc.Scan(&a.ProjectID, &a.UserID, &a.Type, &a.Secret, &a.Verified, &a.LastStep, &cr, &up); err != nil {
		return nil, notFound(err)
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(cr), fromMicros(up)
	return &a, nil
}

func (s *Store) PutAuthenticator(ctx context.Context, a *storage.Authenticator) error {
	return s.inTx(ctx, func(q querier) error {
		if err := s.userExists(ctx, q, a.ProjectID, a.UserID); err != nil {
			return err
		}
		old, err := scanAuthenticator(q.QueryRowContext(ctx, `SELECT `+authCols+` FROM authenticators WHERE project_id = $1 AND user_id = $2 AND type = $3`,
			a.ProjectID, a.UserID, a.Type))
		switch {
		case err == nil && old.Verified:
			return storage.ErrConflict
		case err == nil:
			if _, err := q.ExecContext(ctx, `DELETE FROM authenticators WHERE project_id = $1 AND user_id = $2 AND type = $3`, a.ProjectID, a.UserID, a.Type); err != nil {
				return fmt.Errorf("replace authenticator: %w", err)
			}
		case err != storage.ErrNotFound:
			return err
		}
		_, err = q.ExecContext(ctx, `INSERT INTO authenticators (`+authCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			a.ProjectID, a.UserID, a.Type, a.Secret, a.Verified, a.LastStep, micros(a.CreatedAt), micros(a.UpdatedAt))
		if err != nil {
			return fmt.Errorf("insert authenticator: %w", err)
		}
		return nil
	})
}

func (s *Store) GetAuthenticator(ctx context.Context, projectID, userID, typ string) (*storage.Authenticator, error) {
	row, err := s.queryRow(ctx, `SELECT `+authCols+` FROM authenticators WHERE project_id = $1 AND user_id = $2 AND type = $3`, projectID, userID, typ)
	if err != nil {
		return nil, err
	}
	return scanAuthenticator(row)
}

func (s *Store) UpdateAuthenticator(ctx context.Context, projectID, userID, typ string, fn func(*storage.Authenticator) error) (*storage.Authenticator, error) {
	var out *storage.Authenticator
	err := s.inTx(ctx, func(q querier) error {
		a, err := scanAuthenticator(q.QueryRowContext(ctx, `SELECT `+authCols+` FROM authenticators WHERE project_id = $1 AND user_id = $2 AND type = $3`+s.forUpdate(),
			projectID, userID, typ))
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `UPDATE authenticators SET verified = $4, last_step = $5, updated_at = $6
			WHERE project_id = $1 AND user_id = $2 AND type = $3`, projectID, userID, typ, a.Verified, a.LastStep, micros(a.UpdatedAt)); err != nil {
			return fmt.Errorf("update authenticator: %w", err)
		}
		if typ == "totp" {
			if _, err := q.ExecContext(ctx, `UPDATE users SET totp = $3 WHERE project_id = $1 AND id = $2`, projectID, userID, a.Verified); err != nil {
				return fmt.Errorf("update user totp: %w", err)
			}
		}
		out = a
		return nil
	})
	return out, err
}

func (s *Store) DeleteAuthenticator(ctx context.Context, projectID, userID, typ string) error {
	return s.inTx(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `DELETE FROM authenticators WHERE project_id = $1 AND user_id = $2 AND type = $3`, projectID, userID, typ)
		if err != nil {
			return fmt.Errorf("delete authenticator: %w", err)
		}
		if err := affected(res); err != nil {
			return err
		}
		if typ == "totp" {
			if _, err := q.ExecContext(ctx, `UPDATE users SET totp = FALSE WHERE project_id = $1 AND id = $2`, projectID, userID); err != nil {
				return fmt.Errorf("update user totp: %w", err)
			}
		}
		return nil
	})
}

const challengeCols = `project_id, id, user_id, type, code_hash, attempts, expire, created_at`

func (s *Store) CreateChallenge(ctx context.Context, c *storage.Challenge) error {
	_, err := s.exec(ctx, `INSERT INTO challenges (`+challengeCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.ProjectID, c.ID, c.UserID, c.Type, c.CodeHash, c.Attempts, micros(c.Expire), micros(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert challenge: %w", err)
	}
	return nil
}

func (s *Store) GetChallenge(ctx context.Context, projectID, userID, id string) (*storage.Challenge, error) {
	row, err := s.queryRow(ctx, `SELECT `+challengeCols+` FROM challenges WHERE project_id = $1 AND user_id = $2 AND id = $3`, projectID, userID, id)
	if err != nil {
		return nil, err
	}
	var c storage.Challenge
	var exp, cr int64
	if err := row.Scan(&c.ProjectID, &c.ID, &c.UserID, &c.Type, &c.CodeHash, &c.Attempts, &exp, &cr); err != nil {
		return nil, notFound(err)
	}
	c.Expire, c.CreatedAt = fromMicros(exp), fromMicros(cr)
	return &c, nil
}

func (s *Store) FailChallenge(ctx context.Context, projectID, id string, max int) error {
	return s.inTx(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, `UPDATE challenges SET attempts = attempts + 1 WHERE project_id = $1 AND id = $2`, projectID, id); err != nil {
			return fmt.Errorf("count challenge attempt: %w", err)
		}
		_, err := q.ExecContext(ctx, `DELETE FROM challenges WHERE project_id = $1 AND id = $2 AND attempts >= $3`, projectID, id, max)
		return err
	})
}

func (s *Store) DeleteChallenge(ctx context.Context, projectID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM challenges WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return fmt.Errorf("delete challenge: %w", err)
	}
	return affected(res)
}
