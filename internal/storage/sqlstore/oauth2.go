package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// The OAuth2 server's state (migration 00017). Every query is keyed by
// project_id first.

var _ storage.OAuth2Store = (*Store)(nil)

type scanner interface{ Scan(...any) error }

func listJSON(v []string) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (s *Store) ListOAuth2Keys(ctx context.Context, projectID string) ([]*storage.OAuth2Key, error) {
	rows, err := s.query(ctx, `SELECT project_id, generation, kid, private_key, created_at, activates_at, expires_at
		FROM oauth2_keys WHERE project_id = $1 ORDER BY generation`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list oauth2 keys: %w", err)
	}
	defer rows.Close()
	var out []*storage.OAuth2Key
	for rows.Next() {
		var k storage.OAuth2Key
		var c, a, e int64
		if err := rows.Scan(&k.ProjectID, &k.Generation, &k.KID, &k.PrivateKey, &c, &a, &e); err != nil {
			return nil, fmt.Errorf("scan oauth2 key: %w", err)
		}
		k.CreatedAt, k.ActivatesAt, k.ExpiresAt = fromMicros(c), fromMicros(a), fromMicros(e)
		out = append(out, &k)
	}
	return out, rows.Err()
}

func (s *Store) AddOAuth2Key(ctx context.Context, k *storage.OAuth2Key, olderExpireAt time.Time) error {
	return s.inTx(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO oauth2_keys (project_id, generation, kid, private_key, created_at, activates_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			k.ProjectID, k.Generation, k.KID, k.PrivateKey, micros(k.CreatedAt), micros(k.ActivatesAt), micros(k.ExpiresAt))
		if err != nil {
			return fmt.Errorf("insert oauth2 key: %w", err)
		}
		if olderExpireAt.IsZero() {
			return nil
		}
		_, err = q.ExecContext(ctx, `UPDATE oauth2_keys SET expires_at = $3
			WHERE project_id = $1 AND generation < $2 AND expires_at = 0`, k.ProjectID, k.Generation, micros(olderExpireAt))
		if err != nil {
			return fmt.Errorf("expire older oauth2 keys: %w", err)
		}
		return nil
	})
}

// Grants.

const grantCols = `project_id, id, user_id, session_id, client_id, device_id, request, scopes, resources,
	authorization_details, prompt, redirect_uri, auth_time, created_at, updated_at, expires_at`

func scanGrant(sc scanner) (*storage.OAuth2Grant, error) {
	var g storage.OAuth2Grant
	var scopes, resources string
	var at, c, u, e int64
	if err := sc.Scan(&g.ProjectID, &g.ID, &g.UserID, &g.SessionID, &g.ClientID, &g.DeviceID, &g.Request, &scopes, &resources,
		&g.AuthorizationDetails, &g.Prompt, &g.RedirectURI, &at, &c, &u, &e); err != nil {
		return nil, notFound(err)
	}
	if err := errors.Join(unmarshalList(scopes, &g.Scopes), unmarshalList(resources, &g.Resources)); err != nil {
		return nil, fmt.Errorf("decode oauth2 grant: %w", err)
	}
	g.AuthTime, g.CreatedAt, g.UpdatedAt, g.ExpiresAt = fromMicros(at), fromMicros(c), fromMicros(u), fromMicros(e)
	return &g, nil
}

func (s *Store) CreateOAuth2Grant(ctx context.Context, g *storage.OAuth2Grant) error {
	_, err := s.exec(ctx, `INSERT INTO oauth2_grants (`+grantCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		g.ProjectID, g.ID, g.UserID, g.SessionID, g.ClientID, g.DeviceID, g.Request, listJSON(g.Scopes), listJSON(g.Resources),
		g.AuthorizationDetails, g.Prompt, g.RedirectURI, micros(g.AuthTime), micros(g.CreatedAt), micros(g.UpdatedAt), micros(g.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert oauth2 grant: %w", err)
	}
	return nil
}

func (s *Store) GetOAuth2Grant(ctx context.Context, projectID, id string, now time.Time) (*storage.OAuth2Grant, error) {
	row, err := s.queryRow(ctx, `SELECT `+grantCols+` FROM oauth2_grants WHERE project_id = $1 AND id = $2 AND expires_at > $3`,
		projectID, id, micros(now))
	if err != nil {
		return nil, err
	}
	return scanGrant(row)
}

func (s *Store) TakeOAuth2Grant(ctx context.Context, projectID, userID, id string, now time.Time) (*storage.OAuth2Grant, error) {
	var g *storage.OAuth2Grant
	err := s.inTx(ctx, func(q querier) (err error) {
		g, err = scanGrant(q.QueryRowContext(ctx, `DELETE FROM oauth2_grants WHERE project_id = $1 AND user_id = $2 AND id = $3
			AND expires_at > $4 RETURNING `+grantCols, projectID, userID, id, micros(now)))
		return err
	})
	return g, err
}

// Pushed authorization requests.

func scanPAR(sc scanner) (*storage.OAuth2PAR, error) {
	var p storage.OAuth2PAR
	var c, e int64
	if err := sc.Scan(&p.ProjectID, &p.HandleHash, &p.ClientID, &p.Request, &c, &e); err != nil {
		return nil, notFound(err)
	}
	p.CreatedAt, p.ExpiresAt = fromMicros(c), fromMicros(e)
	return &p, nil
}

const parCols = `project_id, handle_hash, client_id, request, created_at, expires_at`

func (s *Store) CreateOAuth2PAR(ctx context.Context, p *storage.OAuth2PAR) error {
	_, err := s.exec(ctx, `INSERT INTO oauth2_pars (`+parCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ProjectID, p.HandleHash, p.ClientID, p.Request, micros(p.CreatedAt), micros(p.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert oauth2 par: %w", err)
	}
	return nil
}

func (s *Store) GetOAuth2PAR(ctx context.Context, projectID, handleHash string, now time.Time) (*storage.OAuth2PAR, error) {
	row, err := s.queryRow(ctx, `SELECT `+parCols+` FROM oauth2_pars WHERE project_id = $1 AND handle_hash = $2 AND expires_at > $3`,
		projectID, handleHash, micros(now))
	if err != nil {
		return nil, err
	}
	return scanPAR(row)
}

func (s *Store) TakeOAuth2PAR(ctx context.Context, projectID, handleHash string, now time.Time) (*storage.OAuth2PAR, error) {
	var p *storage.OAuth2PAR
	err := s.inTx(ctx, func(q querier) (err error) {
		p, err = scanPAR(q.QueryRowContext(ctx, `DELETE FROM oauth2_pars WHERE project_id = $1 AND handle_hash = $2 AND expires_at > $3
			RETURNING `+parCols, projectID, handleHash, micros(now)))
		return err
	})
	return p, err
}

// Consents.

const consentCols = `project_id, id, user_id, client_id, cimd, scopes, resources, authorization_details, created_at, updated_at`

func scanConsent(sc scanner) (*storage.OAuth2Consent, error) {
	var c storage.OAuth2Consent
	var scopes, resources string
	var cr, up int64
	if err := sc.Scan(&c.ProjectID, &c.ID, &c.UserID, &c.ClientID, &c.CIMD, &scopes, &resources, &c.AuthorizationDetails, &cr, &up); err != nil {
		return nil, notFound(err)
	}
	if err := errors.Join(unmarshalList(scopes, &c.Scopes), unmarshalList(resources, &c.Resources)); err != nil {
		return nil, fmt.Errorf("decode oauth2 consent: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(cr), fromMicros(up)
	return &c, nil
}

func (s *Store) SaveOAuth2Consent(ctx context.Context, c *storage.OAuth2Consent) (*storage.OAuth2Consent, error) {
	// One statement for both cases, so two approvals racing for the same
	// user and client end with one consent.
	var out *storage.OAuth2Consent
	err := s.inTx(ctx, func(q querier) (err error) {
		out, err = scanConsent(q.QueryRowContext(ctx, `INSERT INTO oauth2_consents (`+consentCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (project_id, user_id, client_id) DO UPDATE SET scopes = excluded.scopes, resources = excluded.resources,
			authorization_details = excluded.authorization_details, updated_at = excluded.updated_at
			RETURNING `+consentCols,
			c.ProjectID, c.ID, c.UserID, c.ClientID, c.CIMD, listJSON(c.Scopes), listJSON(c.Resources), c.AuthorizationDetails,
			micros(c.CreatedAt), micros(c.UpdatedAt)))
		return err
	})
	return out, err
}

func (s *Store) GetOAuth2Consent(ctx context.Context, projectID, userID, id string) (*storage.OAuth2Consent, error) {
	row, err := s.queryRow(ctx, `SELECT `+consentCols+` FROM oauth2_consents WHERE project_id = $1 AND user_id = $2 AND id = $3`,
		projectID, userID, id)
	if err != nil {
		return nil, err
	}
	return scanConsent(row)
}

func (s *Store) OAuth2ConsentFor(ctx context.Context, projectID, userID, clientID string) (*storage.OAuth2Consent, error) {
	row, err := s.queryRow(ctx, `SELECT `+consentCols+` FROM oauth2_consents WHERE project_id = $1 AND user_id = $2 AND client_id = $3`,
		projectID, userID, clientID)
	if err != nil {
		return nil, err
	}
	return scanConsent(row)
}

func (s *Store) ListOAuth2Consents(ctx context.Context, projectID, userID string, page storage.Page) ([]*storage.OAuth2Consent, int, error) {
	var total int
	row, err := s.queryRow(ctx, `SELECT COUNT(*) FROM oauth2_consents WHERE project_id = $1 AND user_id = $2`, projectID, userID)
	if err != nil {
		return nil, 0, err
	}
	if err := row.Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count oauth2 consents: %w", err)
	}
	rows, err := s.query(ctx, `SELECT `+consentCols+` FROM oauth2_consents WHERE project_id = $1 AND user_id = $2
		ORDER BY created_at, id LIMIT $3 OFFSET $4`, projectID, userID, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list oauth2 consents: %w", err)
	}
	defer rows.Close()
	var out []*storage.OAuth2Consent
	for rows.Next() {
		c, err := scanConsent(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

func (s *Store) DeleteOAuth2Consent(ctx context.Context, projectID, userID, id string) error {
	// The families (and their used refresh hashes) go by ON DELETE CASCADE.
	res, err := s.exec(ctx, `DELETE FROM oauth2_consents WHERE project_id = $1 AND user_id = $2 AND id = $3`, projectID, userID, id)
	if err != nil {
		return fmt.Errorf("delete oauth2 consent: %w", err)
	}
	return affected(res)
}

// Codes.

const codeCols = `project_id, code_hash, client_id, user_id, consent_id, session_id, redirect_uri, scopes, resources,
	authorization_details, code_challenge, nonce, auth_time, amr, created_at, expires_at, used_at, family_id`

func scanCode(sc scanner) (*storage.OAuth2Code, error) {
	var c storage.OAuth2Code
	var scopes, resources, amr string
	var at, cr, e, u int64
	if err := sc.Scan(&c.ProjectID, &c.CodeHash, &c.ClientID, &c.UserID, &c.ConsentID, &c.SessionID, &c.RedirectURI, &scopes, &resources,
		&c.AuthorizationDetails, &c.CodeChallenge, &c.Nonce, &at, &amr, &cr, &e, &u, &c.FamilyID); err != nil {
		return nil, notFound(err)
	}
	if err := errors.Join(unmarshalList(scopes, &c.Scopes), unmarshalList(resources, &c.Resources), unmarshalList(amr, &c.AMR)); err != nil {
		return nil, fmt.Errorf("decode oauth2 code: %w", err)
	}
	c.AuthTime, c.CreatedAt, c.ExpiresAt, c.UsedAt = fromMicros(at), fromMicros(cr), fromMicros(e), fromMicros(u)
	return &c, nil
}

func (s *Store) CreateOAuth2Code(ctx context.Context, c *storage.OAuth2Code) error {
	_, err := s.exec(ctx, `INSERT INTO oauth2_codes (`+codeCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		c.ProjectID, c.CodeHash, c.ClientID, c.UserID, c.ConsentID, c.SessionID, c.RedirectURI, listJSON(c.Scopes), listJSON(c.Resources),
		c.AuthorizationDetails, c.CodeChallenge, c.Nonce, micros(c.AuthTime), listJSON(c.AMR), micros(c.CreatedAt), micros(c.ExpiresAt),
		micros(c.UsedAt), c.FamilyID)
	if err != nil {
		return fmt.Errorf("insert oauth2 code: %w", err)
	}
	return nil
}

func (s *Store) RedeemOAuth2Code(ctx context.Context, projectID, codeHash string, now time.Time, mint func(*storage.OAuth2Code) (*storage.OAuth2Family, error)) (*storage.OAuth2Code, error) {
	var out *storage.OAuth2Code
	reused := false
	err := s.inTx(ctx, func(q querier) error {
		reused = false
		c, err := scanCode(q.QueryRowContext(ctx, `SELECT `+codeCols+` FROM oauth2_codes WHERE project_id = $1 AND code_hash = $2 AND expires_at > $3`+s.forUpdate(),
			projectID, codeHash, micros(now)))
		if err != nil {
			return err
		}
		out = c
		if !c.UsedAt.IsZero() {
			// A replay: the tokens the first redemption minted may be in
			// the wrong hands, so their family goes (RFC 9700 4.5).
			reused = true
			if c.FamilyID == "" {
				return nil
			}
			if _, err := q.ExecContext(ctx, `DELETE FROM oauth2_families WHERE project_id = $1 AND id = $2`, projectID, c.FamilyID); err != nil {
				return fmt.Errorf("revoke oauth2 family: %w", err)
			}
			return nil
		}
		f, err := mint(c)
		if err != nil {
			return err
		}
		if err := insertFamily(ctx, q, f); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE oauth2_codes SET used_at = $3, family_id = $4 WHERE project_id = $1 AND code_hash = $2`,
			projectID, codeHash, micros(now), f.ID)
		if err != nil {
			return fmt.Errorf("spend oauth2 code: %w", err)
		}
		c.UsedAt, c.FamilyID = fromMicros(micros(now)), f.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	if reused {
		return out, storage.ErrReused
	}
	return out, nil
}

// Families.

const familyCols = `project_id, id, consent_id, user_id, client_id, public_client, session_id, scopes, resources, authorization_details,
	auth_time, amr, refresh_hash, refresh_expires_at, access_jti, access_expires_at, created_at, updated_at`

func scanFamily(sc scanner) (*storage.OAuth2Family, error) {
	var f storage.OAuth2Family
	var scopes, resources, amr string
	var at, re, ae, c, u int64
	if err := sc.Scan(&f.ProjectID, &f.ID, &f.ConsentID, &f.UserID, &f.ClientID, &f.PublicClient, &f.SessionID, &scopes, &resources,
		&f.AuthorizationDetails, &at, &amr, &f.RefreshHash, &re, &f.AccessJTI, &ae, &c, &u); err != nil {
		return nil, notFound(err)
	}
	if err := errors.Join(unmarshalList(scopes, &f.Scopes), unmarshalList(resources, &f.Resources), unmarshalList(amr, &f.AMR)); err != nil {
		return nil, fmt.Errorf("decode oauth2 family: %w", err)
	}
	f.AuthTime, f.RefreshExpiresAt, f.AccessExpiresAt, f.CreatedAt, f.UpdatedAt = fromMicros(at), fromMicros(re), fromMicros(ae), fromMicros(c), fromMicros(u)
	return &f, nil
}

// insertFamily adds a family under its consent; ErrNotFound when the
// consent was withdrawn meanwhile (a code or device request outliving
// it gives nothing).
func insertFamily(ctx context.Context, q querier, f *storage.OAuth2Family) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM oauth2_consents WHERE project_id = $1 AND id = $2 AND user_id = $3`,
		f.ProjectID, f.ConsentID, f.UserID).Scan(&one)
	if err != nil {
		return notFound(err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO oauth2_families (`+familyCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		f.ProjectID, f.ID, f.ConsentID, f.UserID, f.ClientID, f.PublicClient, f.SessionID, listJSON(f.Scopes), listJSON(f.Resources),
		f.AuthorizationDetails, micros(f.AuthTime), listJSON(f.AMR), f.RefreshHash, micros(f.RefreshExpiresAt), f.AccessJTI,
		micros(f.AccessExpiresAt), micros(f.CreatedAt), micros(f.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert oauth2 family: %w", err)
	}
	return nil
}

func (s *Store) RotateOAuth2Refresh(ctx context.Context, projectID, oldHash string, now time.Time, fn func(*storage.OAuth2Family) error) (*storage.OAuth2Family, error) {
	var out *storage.OAuth2Family
	reused := false
	err := s.inTx(ctx, func(q querier) error {
		reused = false
		f, err := scanFamily(q.QueryRowContext(ctx, `SELECT `+familyCols+` FROM oauth2_families WHERE project_id = $1 AND refresh_hash = $2`+s.forUpdate(),
			projectID, oldHash))
		if errors.Is(err, storage.ErrNotFound) {
			var fid string
			err := q.QueryRowContext(ctx, `SELECT family_id FROM oauth2_refresh_used WHERE project_id = $1 AND token_hash = $2`, projectID, oldHash).Scan(&fid)
			if err != nil {
				return notFound(err)
			}
			// Reuse: one of two holders of this lineage is not the client.
			if _, err := q.ExecContext(ctx, `DELETE FROM oauth2_families WHERE project_id = $1 AND id = $2`, projectID, fid); err != nil {
				return fmt.Errorf("revoke oauth2 family: %w", err)
			}
			reused = true
			return nil
		}
		if err != nil {
			return err
		}
		if !f.RefreshExpiresAt.After(now) {
			return storage.ErrNotFound
		}
		if err := fn(f); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO oauth2_refresh_used (project_id, token_hash, family_id) VALUES ($1, $2, $3)`,
			projectID, oldHash, f.ID); err != nil {
			return fmt.Errorf("remember oauth2 refresh: %w", err)
		}
		_, err = q.ExecContext(ctx, `UPDATE oauth2_families SET refresh_hash = $3, refresh_expires_at = $4, access_jti = $5,
			access_expires_at = $6, updated_at = $7 WHERE project_id = $1 AND id = $2`,
			projectID, f.ID, f.RefreshHash, micros(f.RefreshExpiresAt), f.AccessJTI, micros(f.AccessExpiresAt), micros(f.UpdatedAt))
		if err != nil {
			return fmt.Errorf("rotate oauth2 refresh: %w", err)
		}
		out = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	if reused {
		return nil, storage.ErrReused
	}
	return out, nil
}

func (s *Store) OAuth2FamilyByAccess(ctx context.Context, projectID, jti string, now time.Time) (*storage.OAuth2Family, error) {
	row, err := s.queryRow(ctx, `SELECT f.project_id, f.id, f.consent_id, f.user_id, f.client_id, f.public_client, f.session_id, f.scopes,
		f.resources, f.authorization_details, f.auth_time, f.amr, f.refresh_hash, f.refresh_expires_at, f.access_jti, f.access_expires_at,
		f.created_at, f.updated_at
		FROM oauth2_families f JOIN users u ON u.project_id = f.project_id AND u.id = f.user_id
		WHERE f.project_id = $1 AND f.access_jti = $2 AND f.access_expires_at > $3 AND u.status = $4 AND u.deleted_at = 0`, projectID, jti, micros(now), true)
	if err != nil {
		return nil, err
	}
	return scanFamily(row)
}

func (s *Store) OAuth2FamilyByRefresh(ctx context.Context, projectID, hash string) (*storage.OAuth2Family, error) {
	row, err := s.queryRow(ctx, `SELECT `+familyCols+` FROM oauth2_families WHERE project_id = $1 AND refresh_hash = $2`, projectID, hash)
	if err != nil {
		return nil, err
	}
	return scanFamily(row)
}

func (s *Store) GetOAuth2Family(ctx context.Context, projectID, id string) (*storage.OAuth2Family, error) {
	row, err := s.queryRow(ctx, `SELECT `+familyCols+` FROM oauth2_families WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return nil, err
	}
	return scanFamily(row)
}

func (s *Store) ListOAuth2Families(ctx context.Context, projectID, consentID string, page storage.Page) ([]*storage.OAuth2Family, int, error) {
	var total int
	row, err := s.queryRow(ctx, `SELECT COUNT(*) FROM oauth2_families WHERE project_id = $1 AND consent_id = $2`, projectID, consentID)
	if err != nil {
		return nil, 0, err
	}
	if err := row.Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count oauth2 families: %w", err)
	}
	rows, err := s.query(ctx, `SELECT `+familyCols+` FROM oauth2_families WHERE project_id = $1 AND consent_id = $2
		ORDER BY created_at, id LIMIT $3 OFFSET $4`, projectID, consentID, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list oauth2 families: %w", err)
	}
	defer rows.Close()
	var out []*storage.OAuth2Family
	for rows.Next() {
		f, err := scanFamily(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, f)
	}
	return out, total, rows.Err()
}

func (s *Store) DeleteOAuth2Family(ctx context.Context, projectID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM oauth2_families WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return fmt.Errorf("delete oauth2 family: %w", err)
	}
	return affected(res)
}

// Device requests.

const deviceCols = `project_id, id, device_hash, user_code_hash, client_id, scopes, resources, authorization_details, status,
	user_id, consent_id, session_id, auth_time, amr, interval_seconds, last_poll_at, created_at, expires_at`

func scanDevice(sc scanner) (*storage.OAuth2Device, error) {
	var d storage.OAuth2Device
	var scopes, resources, amr string
	var at, lp, c, e int64
	if err := sc.Scan(&d.ProjectID, &d.ID, &d.DeviceHash, &d.UserCodeHash, &d.ClientID, &scopes, &resources, &d.AuthorizationDetails, &d.Status,
		&d.UserID, &d.ConsentID, &d.SessionID, &at, &amr, &d.Interval, &lp, &c, &e); err != nil {
		return nil, notFound(err)
	}
	if err := errors.Join(unmarshalList(scopes, &d.Scopes), unmarshalList(resources, &d.Resources), unmarshalList(amr, &d.AMR)); err != nil {
		return nil, fmt.Errorf("decode oauth2 device: %w", err)
	}
	d.AuthTime, d.LastPollAt, d.CreatedAt, d.ExpiresAt = fromMicros(at), fromMicros(lp), fromMicros(c), fromMicros(e)
	return &d, nil
}

func (s *Store) CreateOAuth2Device(ctx context.Context, d *storage.OAuth2Device) error {
	_, err := s.exec(ctx, `INSERT INTO oauth2_devices (`+deviceCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		d.ProjectID, d.ID, d.DeviceHash, d.UserCodeHash, d.ClientID, listJSON(d.Scopes), listJSON(d.Resources), d.AuthorizationDetails,
		d.Status, d.UserID, d.ConsentID, d.SessionID, micros(d.AuthTime), listJSON(d.AMR), d.Interval, micros(d.LastPollAt),
		micros(d.CreatedAt), micros(d.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert oauth2 device: %w", err)
	}
	return nil
}

func (s *Store) OAuth2DeviceByUserCode(ctx context.Context, projectID, userCodeHash string, now time.Time) (*storage.OAuth2Device, error) {
	row, err := s.queryRow(ctx, `SELECT `+deviceCols+` FROM oauth2_devices WHERE project_id = $1 AND user_code_hash = $2 AND expires_at > $3`,
		projectID, userCodeHash, micros(now))
	if err != nil {
		return nil, err
	}
	return scanDevice(row)
}

func (s *Store) saveDevice(ctx context.Context, q querier, d *storage.OAuth2Device) error {
	_, err := q.ExecContext(ctx, `UPDATE oauth2_devices SET scopes = $3, resources = $4, authorization_details = $5, status = $6,
		user_id = $7, consent_id = $8, session_id = $9, auth_time = $10, amr = $11, interval_seconds = $12, last_poll_at = $13
		WHERE project_id = $1 AND id = $2`,
		d.ProjectID, d.ID, listJSON(d.Scopes), listJSON(d.Resources), d.AuthorizationDetails, d.Status, d.UserID, d.ConsentID,
		d.SessionID, micros(d.AuthTime), listJSON(d.AMR), d.Interval, micros(d.LastPollAt))
	if err != nil {
		return fmt.Errorf("update oauth2 device: %w", err)
	}
	return nil
}

func (s *Store) UpdateOAuth2Device(ctx context.Context, projectID, id string, now time.Time, fn func(*storage.OAuth2Device) error) (*storage.OAuth2Device, error) {
	var out *storage.OAuth2Device
	err := s.inTx(ctx, func(q querier) error {
		d, err := scanDevice(q.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM oauth2_devices WHERE project_id = $1 AND id = $2 AND expires_at > $3`+s.forUpdate(),
			projectID, id, micros(now)))
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
		out = d
		return s.saveDevice(ctx, q, d)
	})
	return out, err
}

func (s *Store) PollOAuth2Device(ctx context.Context, projectID, deviceHash string, now time.Time, fn func(*storage.OAuth2Device) (*storage.OAuth2Family, error)) (*storage.OAuth2Family, error) {
	var out *storage.OAuth2Family
	var verdict error
	err := s.inTx(ctx, func(q querier) error {
		out, verdict = nil, nil
		d, err := scanDevice(q.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM oauth2_devices WHERE project_id = $1 AND device_hash = $2`+s.forUpdate(),
			projectID, deviceHash))
		if err != nil {
			return err
		}
		f, ferr := fn(d)
		if ferr != nil {
			// The poll itself is recorded (slow_down counts from it).
			verdict = ferr
			return s.saveDevice(ctx, q, d)
		}
		if f == nil {
			return s.saveDevice(ctx, q, d)
		}
		if err := insertFamily(ctx, q, f); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM oauth2_devices WHERE project_id = $1 AND id = $2`, projectID, d.ID); err != nil {
			return fmt.Errorf("delete oauth2 device: %w", err)
		}
		out = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, verdict
}
