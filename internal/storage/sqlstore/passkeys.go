package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// passkeyCols reads a passkey with its identity's user (alias p for
// passkeys, i for identities).
const passkeyCols = `p.project_id, p.identity_id, i.user_id, p.name, p.authenticator_type, p.user_handle, p.credential,
	p.last_used_at, p.created_at, p.updated_at`

const passkeyFrom = ` FROM passkeys p JOIN identities i ON i.project_id = p.project_id AND i.id = p.identity_id`

func scanPasskey(sc interface{ Scan(...any) error }) (*storage.Passkey, error) {
	var p storage.Passkey
	var cred string
	var used, cr, up int64
	if err := sc.Scan(&p.ProjectID, &p.ID, &p.UserID, &p.Name, &p.AuthenticatorType, &p.UserHandle, &cred, &used, &cr, &up); err != nil {
		return nil, notFound(err)
	}
	p.Credential = []byte(cred)
	p.LastUsedAt, p.CreatedAt, p.UpdatedAt = fromMicros(used), fromMicros(cr), fromMicros(up)
	return &p, nil
}

func (s *Store) AddPasskey(ctx context.Context, i *storage.Identity, p *storage.Passkey) error {
	return s.inTx(ctx, func(q querier) error {
		if err := s.lockForLink(ctx, q, i.ProjectID, i.UserID, true); err != nil {
			return err
		}
		return insertPasskey(ctx, q, i, p)
	})
}

func (s *Store) CreateUserWithPasskey(ctx context.Context, u *storage.User, limit int, i *storage.Identity, p *storage.Passkey) error {
	setTargets(u)
	return s.inTx(ctx, func(q querier) error {
		if err := s.insertNewUser(ctx, q, u, limit); err != nil {
			return err
		}
		return insertPasskey(ctx, q, i, p)
	})
}

func insertPasskey(ctx context.Context, q querier, i *storage.Identity, p *storage.Passkey) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO identities (`+identityCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		identityArgs(i)...); err != nil {
		return fmt.Errorf("insert identity: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO passkeys (project_id, identity_id, name, authenticator_type, user_handle, credential,
		last_used_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		p.ProjectID, p.ID, p.Name, p.AuthenticatorType, p.UserHandle, string(p.Credential), micros(p.LastUsedAt),
		micros(p.CreatedAt), micros(p.UpdatedAt)); err != nil {
		return fmt.Errorf("insert passkey: %w", err)
	}
	return nil
}

func (s *Store) GetPasskey(ctx context.Context, projectID, id string) (*storage.Passkey, error) {
	row, err := s.queryRow(ctx, `SELECT `+passkeyCols+passkeyFrom+` WHERE p.project_id = $1 AND p.identity_id = $2`, projectID, id)
	if err != nil {
		return nil, err
	}
	return scanPasskey(row)
}

func (s *Store) ListPasskeys(ctx context.Context, projectID, userID string) ([]*storage.Passkey, error) {
	rows, err := s.query(ctx, `SELECT `+passkeyCols+passkeyFrom+` WHERE i.project_id = $1 AND i.user_id = $2 AND i.provider = $3
		ORDER BY p.created_at, p.identity_id`, projectID, userID, "passkey")
	if err != nil {
		return nil, fmt.Errorf("list passkeys: %w", err)
	}
	defer rows.Close()
	var out []*storage.Passkey
	for rows.Next() {
		p, err := scanPasskey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) UpdatePasskey(ctx context.Context, projectID, id string, fn func(*storage.Passkey) error) (*storage.Passkey, error) {
	var out *storage.Passkey
	err := s.inTx(ctx, func(q querier) error {
		p, err := scanPasskey(q.QueryRowContext(ctx, `SELECT `+passkeyCols+passkeyFrom+` WHERE p.project_id = $1 AND p.identity_id = $2`+
			s.forUpdate(), projectID, id))
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `UPDATE passkeys SET name = $3, authenticator_type = $4, credential = $5, last_used_at = $6,
			updated_at = $7 WHERE project_id = $1 AND identity_id = $2`, projectID, id, p.Name, p.AuthenticatorType,
			string(p.Credential), micros(p.LastUsedAt), micros(p.UpdatedAt)); err != nil {
			return fmt.Errorf("update passkey: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

func (s *Store) SavePasskeyCeremony(ctx context.Context, c *storage.PasskeyCeremony) error {
	return s.inTx(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, `DELETE FROM passkey_ceremonies WHERE expire <= $1`, micros(c.CreatedAt)); err != nil {
			return fmt.Errorf("remove expired ceremonies: %w", err)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO passkey_ceremonies (project_id, challenge_hash, id, kind, user_id, data, expire, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ProjectID, c.ChallengeHash, c.ID, c.Kind, c.UserID, string(c.Data),
			micros(c.Expire), micros(c.CreatedAt)); err != nil {
			return fmt.Errorf("insert ceremony: %w", err)
		}
		return nil
	})
}

const ceremonyReturning = ` RETURNING project_id, challenge_hash, id, kind, user_id, data, expire, created_at`

func scanCeremony(row interface{ Scan(...any) error }) (*storage.PasskeyCeremony, error) {
	var c storage.PasskeyCeremony
	var data string
	var exp, cr int64
	if err := row.Scan(&c.ProjectID, &c.ChallengeHash, &c.ID, &c.Kind, &c.UserID, &data, &exp, &cr); err != nil {
		return nil, notFound(err)
	}
	c.Data, c.Expire, c.CreatedAt = []byte(data), fromMicros(exp), fromMicros(cr)
	return &c, nil
}

// The DELETE ... RETURNING makes the check and the use one statement: of
// callers racing with one challenge, one gets the row.
func (s *Store) TakePasskeyCeremony(ctx context.Context, projectID, challengeHash string, now time.Time) (*storage.PasskeyCeremony, error) {
	return scanCeremony(s.w.QueryRowContext(ctx, s.rebind(`DELETE FROM passkey_ceremonies WHERE project_id = $1 AND challenge_hash = $2
		AND expire > $3`+ceremonyReturning), projectID, challengeHash, micros(now)))
}

func (s *Store) TakePasskeyCeremonyByID(ctx context.Context, projectID, userID, id string, now time.Time) (*storage.PasskeyCeremony, error) {
	return scanCeremony(s.w.QueryRowContext(ctx, s.rebind(`DELETE FROM passkey_ceremonies WHERE project_id = $1 AND id = $2
		AND user_id = $3 AND expire > $4`+ceremonyReturning), projectID, id, userID, micros(now)))
}
