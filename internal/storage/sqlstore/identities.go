package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const identityCols = `project_id, id, user_id, provider, provider_uid, provider_email, provider_email_verified, provider_access_token,
	provider_access_token_expiry, provider_refresh_token, profile_data, created_at, updated_at`

func scanIdentity(sc interface{ Scan(...any) error }) (*storage.Identity, error) {
	var i storage.Identity
	var exp, cr, up int64
	var profile string
	if err := sc.Scan(&i.ProjectID, &i.ID, &i.UserID, &i.Provider, &i.ProviderUID, &i.ProviderEmail, &i.ProviderEmailVerified,
		&i.ProviderAccessToken, &exp, &i.ProviderRefreshToken, &profile, &cr, &up); err != nil {
		return nil, notFound(err)
	}
	if profile != "" {
		i.ProfileData = json.RawMessage(profile)
	}
	i.ProviderAccessTokenExpiry, i.CreatedAt, i.UpdatedAt = fromMicros(exp), fromMicros(cr), fromMicros(up)
	return &i, nil
}

func identityArgs(i *storage.Identity) []any {
	return []any{i.ProjectID, i.ID, i.UserID, i.Provider, i.ProviderUID, i.ProviderEmail, i.ProviderEmailVerified, i.ProviderAccessToken,
		micros(i.ProviderAccessTokenExpiry), i.ProviderRefreshToken, string(i.ProfileData), micros(i.CreatedAt), micros(i.UpdatedAt)}
}

func (s *Store) CreateIdentity(ctx context.Context, i *storage.Identity) error {
	return s.inTx(ctx, func(q querier) error {
		if i.ProviderEmail != "" && (i.ProviderEmailVerified || i.Provider == wayEmail) {
			if err := s.lockEmail(ctx, q, i.ProjectID, i.ProviderEmail); err != nil {
				return err
			}
			if err := emailFree(ctx, q, i.ProjectID, i.ProviderEmail, i.UserID); err != nil {
				return err
			}
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO identities (`+identityCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			identityArgs(i)...); err != nil {
			return fmt.Errorf("insert identity: %w", err)
		}
		return nil
	})
}

func (s *Store) GetIdentity(ctx context.Context, projectID, id string) (*storage.Identity, error) {
	row, err := s.queryRow(ctx, `SELECT `+identityCols+` FROM identities WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return nil, err
	}
	return scanIdentity(row)
}

func (s *Store) IdentityByProvider(ctx context.Context, projectID, provider, uid string) (*storage.Identity, error) {
	row, err := s.queryRow(ctx, `SELECT `+identityCols+` FROM identities WHERE project_id = $1 AND provider = $2 AND provider_uid = $3`,
		projectID, provider, uid)
	if err != nil {
		return nil, err
	}
	return scanIdentity(row)
}

func (s *Store) IdentityEmailOwner(ctx context.Context, projectID, email, except string) (string, error) {
	var uid string
	row, err := s.queryRow(ctx, `SELECT user_id FROM identities WHERE project_id = $1 AND provider_email = $2 AND user_id <> $3 AND `+
		reservingIdentity+` LIMIT 1`, projectID, email, except, true, wayEmail)
	if err != nil {
		return "", err
	}
	if err := row.Scan(&uid); err != nil {
		return "", notFound(err)
	}
	return uid, nil
}

func (s *Store) ListIdentities(ctx context.Context, projectID, userID string, page storage.Page) ([]*storage.Identity, int, error) {
	return s.FindIdentities(ctx, projectID, userID, storage.ListQuery{Page: query.Page{Limit: page.Limit, Offset: page.Offset}})
}

func (s *Store) UpdateIdentity(ctx context.Context, projectID, id string, fn func(*storage.Identity) error) (*storage.Identity, error) {
	var out *storage.Identity
	err := s.inTx(ctx, func(q querier) error {
		i, err := scanIdentity(q.QueryRowContext(ctx, `SELECT `+identityCols+` FROM identities WHERE project_id = $1 AND id = $2`+s.forUpdate(), projectID, id))
		if err != nil {
			return err
		}
		if err := fn(i); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE identities SET user_id = $3, provider_email = $4, provider_email_verified = $5,
			provider_access_token = $6, provider_access_token_expiry = $7, provider_refresh_token = $8, profile_data = $9, updated_at = $10
			WHERE project_id = $1 AND id = $2`, projectID, id, i.UserID, i.ProviderEmail, i.ProviderEmailVerified, i.ProviderAccessToken,
			micros(i.ProviderAccessTokenExpiry), i.ProviderRefreshToken, string(i.ProfileData), micros(i.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update identity: %w", err)
		}
		out = i
		return nil
	})
	return out, err
}

func (s *Store) DeleteIdentity(ctx context.Context, projectID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM identities WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return fmt.Errorf("delete identity: %w", err)
	}
	return affected(res)
}

func (s *Store) DeleteIdentityIf(ctx context.Context, projectID, id string, keep func(*storage.User, *storage.Identity, []*storage.Identity) error) error {
	return s.inTx(ctx, func(q querier) error {
		var userID string
		if err := q.QueryRowContext(ctx, `SELECT user_id FROM identities WHERE project_id = $1 AND id = $2`, projectID, id).Scan(&userID); err != nil {
			return notFound(err)
		}
		// The user's row is the lock every change of its ways in takes
		// (UpdateUser, linking); the identities are read after it.
		u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE project_id = $1 AND id = $2 AND deleted_at = 0`+s.forUpdate(),
			projectID, userID))
		if err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT `+identityCols+` FROM identities WHERE project_id = $1 AND user_id = $2 ORDER BY created_at, id`,
			projectID, userID)
		if err != nil {
			return fmt.Errorf("read identities: %w", err)
		}
		var self *storage.Identity
		var rest []*storage.Identity
		for rows.Next() {
			i, err := scanIdentity(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if i.ID == id {
				self = i
			} else {
				rest = append(rest, i)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if self == nil {
			return storage.ErrNotFound // moved to another user or removed meanwhile
		}
		if err := keep(u, self, rest); err != nil {
			return err
		}
		res, err := q.ExecContext(ctx, `DELETE FROM identities WHERE project_id = $1 AND id = $2 AND user_id = $3`, projectID, id, userID)
		if err != nil {
			return fmt.Errorf("delete identity: %w", err)
		}
		return affected(res)
	})
}

func (s *Store) SaveOAuthState(ctx context.Context, idHash, projectID string, st *storage.OAuthState, expire time.Time) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if _, err := s.exec(ctx, `INSERT INTO oauth_states (id_hash, project_id, data, expire) VALUES ($1, $2, $3, $4)`,
		idHash, projectID, string(b), micros(expire)); err != nil {
		return fmt.Errorf("save oauth state: %w", err)
	}
	// Abandoned sign-ins leave states behind: the maintenance sweep
	// removes the expired ones (storage.SweepOAuthStates).
	return nil
}

func (s *Store) TakeOAuthState(ctx context.Context, idHash string, now time.Time) (string, *storage.OAuthState, error) {
	var project, data string
	err := s.w.QueryRowContext(ctx, s.rebind(`DELETE FROM oauth_states WHERE id_hash = $1 AND expire > $2 RETURNING project_id, data`),
		idHash, micros(now)).Scan(&project, &data)
	if err != nil {
		return "", nil, notFound(err)
	}
	var st storage.OAuthState
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return "", nil, fmt.Errorf("oauth state: %w", err)
	}
	return project, &st, nil
}
