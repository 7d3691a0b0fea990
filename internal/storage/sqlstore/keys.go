package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const platformCols = `project_id, id, type, name, key, store, hostname, created_at, updated_at`

func scanPlatform(sc interface{ Scan(...any) error }) (*storage.Platform, error) {
	var p storage.Platform
	var created, updated int64
	if err := sc.Scan(&p.ProjectID, &p.ID, &p.Type, &p.Name, &p.Key, &p.Store, &p.Hostname, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

func (s *Store) CreatePlatform(ctx context.Context, p *storage.Platform) error {
	_, err := s.exec(ctx, `INSERT INTO platforms (`+platformCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		p.ProjectID, p.ID, p.Type, p.Name, p.Key, p.Store, p.Hostname, micros(p.CreatedAt), micros(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert platform: %w", err)
	}
	return nil
}

func (s *Store) GetPlatform(ctx context.Context, projectID, id string) (*storage.Platform, error) {
	row, err := s.queryRow(ctx, `SELECT `+platformCols+` FROM platforms WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return nil, err
	}
	return scanPlatform(row)
}

func (s *Store) ListPlatforms(ctx context.Context, projectID string) ([]*storage.Platform, error) {
	rows, err := s.query(ctx, `SELECT `+platformCols+` FROM platforms WHERE project_id = $1 ORDER BY created_at, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list platforms: %w", err)
	}
	defer rows.Close()
	var out []*storage.Platform
	for rows.Next() {
		p, err := scanPlatform(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) UpdatePlatform(ctx context.Context, projectID, id string, fn func(*storage.Platform) error) (*storage.Platform, error) {
	var out *storage.Platform
	err := s.inTx(ctx, func(q querier) error {
		p, err := scanPlatform(q.QueryRowContext(ctx, `SELECT `+platformCols+` FROM platforms WHERE project_id = $1 AND id = $2`+s.forUpdate(), projectID, id))
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE platforms SET name = $3, key = $4, store = $5, hostname = $6, updated_at = $7 WHERE project_id = $1 AND id = $2`,
			projectID, id, p.Name, p.Key, p.Store, p.Hostname, micros(p.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update platform: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

func (s *Store) DeletePlatform(ctx context.Context, projectID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM platforms WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return fmt.Errorf("delete platform: %w", err)
	}
	return affected(res)
}

const keyCols = `project_id, id, name, scopes, expire, secret_hash, prefix, accessed_at, sdks, created_at, updated_at`

func scanKey(sc interface{ Scan(...any) error }) (*storage.Key, error) {
	var k storage.Key
	var scopes, sdks string
	var expire, accessed, created, updated int64
	if err := sc.Scan(&k.ProjectID, &k.ID, &k.Name, &scopes, &expire, &k.SecretHash, &k.Prefix, &accessed, &sdks, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(scopes), &k.Scopes); err != nil {
		return nil, fmt.Errorf("key scopes: %w", err)
	}
	if err := json.Unmarshal([]byte(sdks), &k.SDKs); err != nil {
		return nil, fmt.Errorf("key sdks: %w", err)
	}
	k.Expire, k.AccessedAt = fromMicros(expire), fromMicros(accessed)
	k.CreatedAt, k.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &k, nil
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with slices of strings and plain structs
	}
	return string(b)
}

func strs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func (s *Store) CreateKey(ctx context.Context, k *storage.Key) error {
	_, err := s.exec(ctx, `INSERT INTO api_keys (`+keyCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		k.ProjectID, k.ID, k.Name, jsonText(strs(k.Scopes)), micros(k.Expire), k.SecretHash, k.Prefix,
		micros(k.AccessedAt), jsonText(strs(k.SDKs)), micros(k.CreatedAt), micros(k.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert key: %w", err)
	}
	return nil
}

func (s *Store) GetKey(ctx context.Context, projectID, id string) (*storage.Key, error) {
	row, err := s.queryRow(ctx, `SELECT `+keyCols+` FROM api_keys WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return nil, err
	}
	return scanKey(row)
}

func (s *Store) KeyBySecretHash(ctx context.Context, hash string) (*storage.Key, error) {
	row, err := s.queryRow(ctx, `SELECT `+keyCols+` FROM api_keys WHERE secret_hash = $1`, hash)
	if err != nil {
		return nil, err
	}
	return scanKey(row)
}

func (s *Store) ListKeys(ctx context.Context, projectID string) ([]*storage.Key, error) {
	rows, err := s.query(ctx, `SELECT `+keyCols+` FROM api_keys WHERE project_id = $1 ORDER BY created_at, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()
	var out []*storage.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (s *Store) UpdateKey(ctx context.Context, projectID, id string, fn func(*storage.Key) error) (*storage.Key, error) {
	var out *storage.Key
	err := s.inTx(ctx, func(q querier) error {
		k, err := scanKey(q.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys WHERE project_id = $1 AND id = $2`+s.forUpdate(), projectID, id))
		if err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE api_keys SET name = $3, scopes = $4, expire = $5, accessed_at = $6, sdks = $7, updated_at = $8
			WHERE project_id = $1 AND id = $2`,
			projectID, id, k.Name, jsonText(strs(k.Scopes)), micros(k.Expire), micros(k.AccessedAt), jsonText(strs(k.SDKs)), micros(k.UpdatedAt))
		if err != nil {
			return fmt.Errorf("update key: %w", err)
		}
		out = k
		return nil
	})
	return out, err
}

func (s *Store) DeleteKey(ctx context.Context, projectID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM api_keys WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return fmt.Errorf("delete key: %w", err)
	}
	return affected(res)
}
