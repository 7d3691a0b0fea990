package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const appCols = `project_id, id, name, description, client_uri, logo_uri, privacy_policy_url, terms_url, contacts, tagline,
	tags, labels, images, support_url, data_deletion_url, redirect_uris, post_logout_redirect_uris, enabled, type, device_flow,
	team_id, user_id, installation_scopes, installation_redirect_url, registered, created_at, updated_at`

func scanApp(sc interface{ Scan(...any) error }) (*storage.App, error) {
	var a storage.App
	var contacts, tags, labels, images, redirects, postLogout, instScopes string
	var created, updated int64
	if err := sc.Scan(&a.ProjectID, &a.ID, &a.Name, &a.Description, &a.ClientURI, &a.LogoURI, &a.PrivacyPolicyURL, &a.TermsURL,
		&contacts, &a.Tagline, &tags, &labels, &images, &a.SupportURL, &a.DataDeletionURL, &redirects, &postLogout, &a.Enabled,
		&a.Type, &a.DeviceFlow, &a.TeamID, &a.UserID, &instScopes, &a.InstallationRedirectURL, &a.Registered, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	for _, f := range []struct {
		text string
		to   *[]string
	}{{contacts, &a.Contacts}, {tags, &a.Tags}, {labels, &a.Labels}, {images, &a.Images}, {redirects, &a.RedirectURIs},
		{postLogout, &a.PostLogoutRedirectURIs}, {instScopes, &a.InstallationScopes}} {
		if err := json.Unmarshal([]byte(f.text), f.to); err != nil {
			return nil, fmt.Errorf("app %s: %w", a.ID, err)
		}
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &a, nil
}

// appArgs are an app's values in appCols order.
func appArgs(a *storage.App) []any {
	return []any{a.ProjectID, a.ID, a.Name, a.Description, a.ClientURI, a.LogoURI, a.PrivacyPolicyURL, a.TermsURL,
		jsonText(strs(a.Contacts)), a.Tagline, jsonText(strs(a.Tags)), jsonText(strs(a.Labels)), jsonText(strs(a.Images)),
		a.SupportURL, a.DataDeletionURL, jsonText(strs(a.RedirectURIs)), jsonText(strs(a.PostLogoutRedirectURIs)), a.Enabled,
		a.Type, a.DeviceFlow, a.TeamID, a.UserID, jsonText(strs(a.InstallationScopes)), a.InstallationRedirectURL, a.Registered,
		micros(a.CreatedAt), micros(a.UpdatedAt)}
}

// appList is GET /v1/apps.
var appList = &listSpec{
	table: "apps",
	cols:  appCols,
	columns: map[string]string{
		"$id": "id", "$createdAt": "created_at", "$updatedAt": "updated_at", "name": "name", "description": "description",
		"enabled": "enabled", "type": "type", "deviceFlow": "device_flow", "userId": "user_id", "teamId": "team_id",
		"clientUri": "client_uri", "labels": "labels",
	},
	times:    map[string]bool{"created_at": true, "updated_at": true},
	nullable: map[string]bool{},
	labels:   "labels",
	// A search looks for each word in the id, name and description.
	search: func(p string) string {
		return "(LOWER(id) LIKE " + p + ` ESCAPE '\' OR LOWER(name) LIKE ` + p + ` ESCAPE '\' OR LOWER(description) LIKE ` + p + ` ESCAPE '\')`
	},
	what: "apps",
}

func (s *Store) CreateApp(ctx context.Context, a *storage.App, max int) error {
	return s.inTx(ctx, func(q querier) error {
		// Locking the project row makes concurrent creates count in turn.
		var id string
		if err := q.QueryRowContext(ctx, `SELECT id FROM projects WHERE id = $1`+s.forUpdate(), a.ProjectID).Scan(&id); err != nil {
			return notFound(err)
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM apps WHERE project_id = $1 AND user_id = $2`,
			a.ProjectID, a.UserID).Scan(&n); err != nil {
			return fmt.Errorf("count apps: %w", err)
		}
		if n >= max {
			return storage.ErrLimit
		}
		_, err := q.ExecContext(ctx, `INSERT INTO apps (`+appCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
			$13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)`, appArgs(a)...)
		if err != nil {
			return fmt.Errorf("insert app: %w", err)
		}
		return nil
	})
}

func (s *Store) GetApp(ctx context.Context, projectID, id string) (*storage.App, error) {
	row, err := s.queryRow(ctx, `SELECT `+appCols+` FROM apps WHERE project_id = $1 AND id = $2`, projectID, id)
	if err != nil {
		return nil, err
	}
	return scanApp(row)
}

func (s *Store) ListApps(ctx context.Context, projectID, userID string, q storage.ListQuery) ([]*storage.App, int, error) {
	in := func(w *where) []string {
		conds := []string{"project_id = " + w.arg(projectID)}
		if userID != "" {
			conds = append(conds, "user_id = "+w.arg(userID))
		}
		return conds
	}
	return list(ctx, s, appList, in, q, scanApp)
}

func (s *Store) UpdateApp(ctx context.Context, projectID, id string, fn func(*storage.App) error) (*storage.App, error) {
	var out *storage.App
	err := s.inTx(ctx, func(q querier) error {
		a, err := scanApp(q.QueryRowContext(ctx, `SELECT `+appCols+` FROM apps WHERE project_id = $1 AND id = $2`+s.forUpdate(), projectID, id))
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
		// The project, id, owner and registration never change.
		a.ProjectID, a.ID = projectID, id
		args := appArgs(a)
		_, err = q.ExecContext(ctx, `UPDATE apps SET name = $3, description = $4, client_uri = $5, logo_uri = $6,
			privacy_policy_url = $7, terms_url = $8, contacts = $9, tagline = $10, tags = $11, labels = $12, images = $13,
			support_url = $14, data_deletion_url = $15, redirect_uris = $16, post_logout_redirect_uris = $17, enabled = $18,
			type = $19, device_flow = $20, team_id = $21, installation_scopes = $22, installation_redirect_url = $23,
			updated_at = $24 WHERE project_id = $1 AND id = $2`,
			append(args[:21:21], args[22], args[23], args[26])...)
		if err != nil {
			return fmt.Errorf("update app: %w", err)
		}
		out = a
		return nil
	})
	return out, err
}

func (s *Store) DeleteApp(ctx context.Context, projectID, id string) error {
	return s.inTx(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, `DELETE FROM app_credentials WHERE project_id = $1 AND app_id = $2`, projectID, id); err != nil {
			return fmt.Errorf("delete app credentials: %w", err)
		}
		res, err := q.ExecContext(ctx, `DELETE FROM apps WHERE project_id = $1 AND id = $2`, projectID, id)
		if err != nil {
			return fmt.Errorf("delete app: %w", err)
		}
		return affected(res)
	})
}

const credCols = `project_id, app_id, kind, id, secret_hash, hint, created_by_id, created_by_name, last_accessed_at, created_at, updated_at`

func scanCred(sc interface{ Scan(...any) error }) (*storage.AppCredential, error) {
	var c storage.AppCredential
	var accessed, created, updated int64
	if err := sc.Scan(&c.ProjectID, &c.AppID, &c.Kind, &c.ID, &c.SecretHash, &c.Hint, &c.CreatedByID, &c.CreatedByName,
		&accessed, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	c.LastAccessedAt, c.CreatedAt, c.UpdatedAt = fromMicros(accessed), fromMicros(created), fromMicros(updated)
	return &c, nil
}

func (s *Store) CreateAppCredential(ctx context.Context, c *storage.AppCredential, max int) error {
	return s.inTx(ctx, func(q querier) error {
		// Locking the app row makes concurrent creates count in turn.
		var id string
		if err := q.QueryRowContext(ctx, `SELECT id FROM apps WHERE project_id = $1 AND id = $2`+s.forUpdate(),
			c.ProjectID, c.AppID).Scan(&id); err != nil {
			return notFound(err)
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_credentials WHERE project_id = $1 AND app_id = $2 AND kind = $3`,
			c.ProjectID, c.AppID, c.Kind).Scan(&n); err != nil {
			return fmt.Errorf("count app credentials: %w", err)
		}
		if n >= max {
			return storage.ErrLimit
		}
		_, err := q.ExecContext(ctx, `INSERT INTO app_credentials (`+credCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.ProjectID, c.AppID, c.Kind, c.ID, c.SecretHash, c.Hint, c.CreatedByID, c.CreatedByName, micros(c.LastAccessedAt),
			micros(c.CreatedAt), micros(c.UpdatedAt))
		if err != nil {
			return fmt.Errorf("insert app credential: %w", err)
		}
		return nil
	})
}

func (s *Store) GetAppCredential(ctx context.Context, projectID, appID, kind, id string) (*storage.AppCredential, error) {
	row, err := s.queryRow(ctx, `SELECT `+credCols+` FROM app_credentials WHERE project_id = $1 AND app_id = $2 AND kind = $3 AND id = $4`,
		projectID, appID, kind, id)
	if err != nil {
		return nil, err
	}
	return scanCred(row)
}

func (s *Store) ListAppCredentials(ctx context.Context, projectID, kind string, appIDs []string) ([]*storage.AppCredential, error) {
	if len(appIDs) == 0 {
		return nil, nil
	}
	w := &where{}
	in := make([]string, len(appIDs))
	for i, id := range appIDs {
		in[i] = w.arg(id)
	}
	q := `SELECT ` + credCols + ` FROM app_credentials WHERE project_id = ` + w.arg(projectID) + ` AND kind = ` + w.arg(kind) +
		` AND app_id IN (` + strings.Join(in, ", ") + `) ORDER BY created_at, id`
	rows, err := s.r.QueryContext(ctx, s.rebind(q), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list app credentials: %w", err)
	}
	defer rows.Close()
	var out []*storage.AppCredential
	for rows.Next() {
		c, err := scanCred(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) DeleteAppCredential(ctx context.Context, projectID, appID, kind, id string) error {
	res, err := s.exec(ctx, `DELETE FROM app_credentials WHERE project_id = $1 AND app_id = $2 AND kind = $3 AND id = $4`,
		projectID, appID, kind, id)
	if err != nil {
		return fmt.Errorf("delete app credential: %w", err)
	}
	return affected(res)
}

func (s *Store) TouchAppCredential(ctx context.Context, projectID, appID, kind, id string, at time.Time) error {
	res, err := s.exec(ctx, `UPDATE app_credentials SET last_accessed_at = $5 WHERE project_id = $1 AND app_id = $2 AND kind = $3 AND id = $4`,
		projectID, appID, kind, id, micros(at))
	if err != nil {
		return fmt.Errorf("touch app credential: %w", err)
	}
	return affected(res)
}
