package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const sessionCols = `project_id, id, user_id, secret_hash, provider, provider_uid, provider_access_token,
	provider_access_token_expiry, provider_refresh_token, client, factors, mfa_updated_at, expire, created_at, updated_at`

type sessionDest struct {
	s                           storage.Session
	client, factors             string
	tokExp, mfaUpd, exp, cr, up int64
}

func (d *sessionDest) targets() []any {
	s := &d.s
	return []any{&s.ProjectID, &s.ID, &s.UserID, &s.SecretHash, &s.Provider, &s.ProviderUID, &s.ProviderAccessToken,
		&d.tokExp, &s.ProviderRefreshToken, &d.client, &d.factors, &d.mfaUpd, &d.exp, &d.cr, &d.up}
}

func (d *sessionDest) finish() (*storage.Session, error) {
	s := &d.s
	if d.client != "" && d.client != "{}" {
		if err := json.Unmarshal([]byte(d.client), &s.Client); err != nil {
			return nil, fmt.Errorf("session client: %w", err)
		}
	}
	if err := decodeStrings(d.factors, &s.Factors); err != nil {
		return nil, fmt.Errorf("session factors: %w", err)
	}
	s.ProviderAccessTokenExpiry, s.MFAUpdatedAt = fromMicros(d.tokExp), fromMicros(d.mfaUpd)
	s.Expire, s.CreatedAt, s.UpdatedAt = fromMicros(d.exp), fromMicros(d.cr), fromMicros(d.up)
	return s, nil
}

func scanSession(sc interface{ Scan(...any) error }) (*storage.Session, error) {
	var d sessionDest
	if err := sc.Scan(d.targets()...); err != nil {
		return nil, notFound(err)
	}
	return d.finish()
}

func sessionArgs(s *storage.Session) []any {
	return []any{s.ProjectID, s.ID, s.UserID, s.SecretHash, s.Provider, s.ProviderUID, s.ProviderAccessToken,
		micros(s.ProviderAccessTokenExpiry), s.ProviderRefreshToken, jsonText(s.Client), jsonText(strs(s.Factors)),
		micros(s.MFAUpdatedAt), micros(s.Expire), micros(s.CreatedAt), micros(s.UpdatedAt)}
}

// prefixed turns "a, b" into "p.a, p.b".
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// lookupCols are the columns of each session lookup: session (s) and user
// (u). The full one leaves out the device fields: authenticating never
// shows them, and decoding them was a tenth of the lookup's cost.
var lookupCols = [lookupKinds]string{
	lookupFull: strings.Replace(prefixed("s", sessionCols), "s.client", "'{}'", 1) + ", " + prefixed("u", userCols),
	lookupLite: liteCols,
}

// lookupSQL is a session lookup reading cols: one row by the secret's
// hash, bound to the project and the user the session string names.
func (s *Store) lookupSQL(cols string) string {
	return s.rebind(`SELECT ` + cols + `
		FROM sessions s JOIN users u ON u.project_id = s.project_id AND u.id = s.user_id
		WHERE s.secret_hash = $1 AND s.project_id = $2 AND s.user_id = $3 AND u.id = $3`)
}

// prepare readies the session lookups on connections of their own:
// pglookup.go on PostgreSQL, rawlookup.go on SQLite. dsn is the one Open
// was given.
func (s *Store) prepare(ctx context.Context, dsn string) error {
	var err error
	if s.engine == "postgres" {
		// One batch in flight per core (see pglookup.go).
		s.pg, err = openPGLookups(ctx, dsn, runtime.GOMAXPROCS(0), lookupCols)
		return err
	}
	var queries [lookupKinds]string
	for k, cols := range lookupCols {
		queries[k] = s.lookupSQL(cols)
	}
	if s.raw, err = openRawLookups(dsn, runtime.GOMAXPROCS(0)+1, queries); err != nil {
		return fmt.Errorf("prepare session lookup: %w", err)
	}
	return nil
}

// lookup runs session lookup k into dest.
func (s *Store) lookup(k lookupKind, dest []any, secretHash, projectID, userID string) error {
	if s.raw != nil {
		return s.raw.query(k, dest, secretHash, projectID, userID)
	}
	return s.pg.query(k, dest, secretHash, projectID, userID)
}

func (s *Store) SessionBySecret(ctx context.Context, projectID, userID, secretHash string) (*storage.Session, *storage.User, error) {
	var sd sessionDest
	var ud userDest
	dest := append(sd.targets(), ud.targets()...)
	if err := s.lookup(lookupFull, dest, secretHash, projectID, userID); err != nil {
		return nil, nil, notFound(err)
	}
	sess, err := sd.finish()
	if err != nil {
		return nil, nil, err
	}
	u, err := ud.finish()
	if err != nil {
		return nil, nil, err
	}
	return sess, u, nil
}

func (s *Store) CreateSession(ctx context.Context, sess *storage.Session, max int, l *storage.Log) ([]string, error) {
	var removed []string
	err := s.inTx(ctx, func(q querier) error {
		removed = removed[:0]
		if max > 0 && s.engine == "postgres" {
			// Lock the user so concurrent sign-ins trim one after another,
			// each seeing the sessions the others made.
			if _, err := q.ExecContext(ctx, `SELECT 1 FROM users WHERE project_id = $1 AND id = $2 FOR UPDATE`, sess.ProjectID, sess.UserID); err != nil {
				return fmt.Errorf("lock user: %w", err)
			}
		}
		_, err := q.ExecContext(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			sessionArgs(sess)...)
		if isMissingParent(err) {
			return storage.ErrNotFound // the user was merged or deleted meanwhile
		}
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		if l != nil {
			// In the same transaction: a sign-in costs one commit, and no
			// session exists without its log entry.
			if err := addLog(ctx, q.ExecContext, l); err != nil {
				return err
			}
		}
		if max <= 0 {
			return nil
		}
		// Keep the newest max sessions; the one just made is always among them.
		// SQLite needs a LIMIT before OFFSET; -1 means none.
		limit := " LIMIT -1"
		if s.engine == "postgres" {
			limit = ""
		}
		rows, err := q.QueryContext(ctx, `SELECT id FROM sessions WHERE project_id = $1 AND user_id = $2 AND id <> $3
			ORDER BY created_at DESC, id DESC`+limit+` OFFSET $4`, sess.ProjectID, sess.UserID, sess.ID, max-1)
		if err != nil {
			return fmt.Errorf("find old sessions: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			removed = append(removed, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range removed {
			if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE project_id = $1 AND id = $2`, sess.ProjectID, id); err != nil {
				return fmt.Errorf("remove old session: %w", err)
			}
		}
		return nil
	})
	return removed, err
}

func (s *Store) GetSession(ctx context.Context, projectID, userID, id string) (*storage.Session, error) {
	row, err := s.queryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE project_id = $1 AND user_id = $2 AND id = $3`, projectID, userID, id)
	if err != nil {
		return nil, err
	}
	return scanSession(row)
}

func (s *Store) ListSessions(ctx context.Context, projectID, userID string) ([]*storage.Session, error) {
	rows, err := s.query(ctx, `SELECT `+sessionCols+` FROM sessions WHERE project_id = $1 AND user_id = $2 ORDER BY created_at, id`, projectID, userID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []*storage.Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, rows.Err()
}

func (s *Store) UpdateSession(ctx context.Context, projectID, userID, id string, fn func(*storage.Session) error) (*storage.Session, error) {
	var out *storage.Session
	err := s.inTx(ctx, func(q querier) error {
		sess, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE project_id = $1 AND user_id = $2 AND id = $3`+s.forUpdate(),
			projectID, userID, id))
		if err != nil {
			return err
		}
		if err := fn(sess); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE sessions SET provider_access_token = $3, provider_access_token_expiry = $4, provider_refresh_token = $5,
			client = $6, factors = $7, mfa_updated_at = $8, expire = $9, updated_at = $10 WHERE project_id = $1 AND id = $2`,
			sess.ProjectID, sess.ID, sess.ProviderAccessToken, micros(sess.ProviderAccessTokenExpiry), sess.ProviderRefreshToken,
			jsonText(sess.Client), jsonText(strs(sess.Factors)), micros(sess.MFAUpdatedAt), micros(sess.Expire), micros(sess.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		out = sess
		return nil
	})
	return out, err
}

func (s *Store) DeleteSession(ctx context.Context, projectID, userID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE project_id = $1 AND user_id = $2 AND id = $3`, projectID, userID, id)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return affected(res)
}

func (s *Store) DeleteSessions(ctx context.Context, projectID, userID, keep string, at time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE project_id = $1 AND user_id = $2 AND id <> $3`, projectID, userID, keep)
		if err != nil {
			return fmt.Errorf("delete sessions: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		// Never backwards: a node whose clock lags must not revive JWTs
		// another node's revocation voided.
		if _, err := q.ExecContext(ctx, `UPDATE users SET jwts_revoked_at = $3
			WHERE project_id = $1 AND id = $2 AND jwts_revoked_at < $3`, projectID, userID, micros(at)); err != nil {
			return fmt.Errorf("revoke jwts: %w", err)
		}
		return nil
	})
	return int(n), err
}
