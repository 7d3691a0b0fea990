package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const userCols = `project_id, id, name, email, phone, password_hash, hash, hash_options, password_update, password_history,
	registration, status, labels, email_verification, phone_verification, mfa, reset, prefs, accessed_at, created_at, updated_at, targets,
	totp, recovery_codes, impersonator` + userEmailCols

// userDest holds the scan targets of one user row.
type userDest struct {
	u                            storage.User
	email, phone, pw, hashOpts   sql.NullString
	history, labels, prefs, tgts string
	pwUpdate, reg, acc, cre, upd int64
	facts                        emailFactsDest
}

func (d *userDest) targets() []any {
	u := &d.u
	return []any{&u.ProjectID, &u.ID, &u.Name, &d.email, &d.phone, &d.pw, &u.Hash, &d.hashOpts, &d.pwUpdate, &d.history,
		&d.reg, &u.Status, &d.labels, &u.EmailVerification, &u.PhoneVerification, &u.MFA, &u.Reset, &d.prefs, &d.acc, &d.cre, &d.upd, &d.tgts,
		&u.TOTP, &u.RecoveryCodes, &u.Impersonator,
		// userEmailCols, in the same slice: one allocation.
		&d.facts.canonical, &d.facts.free, &d.facts.disposable, &d.facts.corporate, &d.facts.isCanonical}
}

func (d *userDest) finish() (*storage.User, error) {
	u := &d.u
	u.Email, u.Phone, u.PasswordHash = d.email.String, d.phone.String, d.pw.String
	u.EmailFacts = d.facts.record()
	if d.hashOpts.Valid {
		u.HashOptions = json.RawMessage(d.hashOpts.String)
	}
	if err := decodeStrings(d.history, &u.PasswordHistory); err != nil {
		return nil, fmt.Errorf("user password history: %w", err)
	}
	if err := decodeStrings(d.labels, &u.Labels); err != nil {
		return nil, fmt.Errorf("user labels: %w", err)
	}
	u.Prefs = json.RawMessage(d.prefs)
	if err := decodeTargets(d.tgts, &u.Targets); err != nil {
		return nil, fmt.Errorf("user targets: %w", err)
	}
	for i := range u.Targets {
		u.Targets[i].ProjectID = u.ProjectID
	}
	u.PasswordUpdate, u.Registration = fromMicros(d.pwUpdate), fromMicros(d.reg)
	u.AccessedAt, u.CreatedAt, u.UpdatedAt = fromMicros(d.acc), fromMicros(d.cre), fromMicros(d.upd)
	return u, nil
}

// decodeStrings decodes a JSON array of strings as json.Unmarshal does.
// The usual column (labels, factors, password history) holds strings with
// nothing to unescape, `["a","b"]`, and is split without the decoder;
// anything else goes to encoding/json.
func decodeStrings(raw string, dst *[]string) error {
	if raw == "[]" || raw == "" {
		*dst = nil
		return nil
	}
	if len(raw) >= 4 && raw[:2] == `["` && raw[len(raw)-2:] == `"]` {
		parts := strings.Split(raw[2:len(raw)-2], `","`)
		plain := true
		for _, p := range parts {
			plain = plain && utf8.ValidString(p)
			for i := 0; plain && i < len(p); i++ {
				plain = p[i] >= 0x20 && p[i] != '"' && p[i] != '\\'
			}
		}
		if plain {
			*dst = parts
			return nil
		}
	}
	return json.Unmarshal([]byte(raw), dst)
}

// targetsMemo remembers decoded target lists by their exact stored text,
// so the session lookup of an active user skips the JSON decoder. A hit
// returns what decoding the same text returns: nothing can be stale.
var targetsMemo = struct {
	sync.Mutex
	m map[string][]storage.Target
}{m: map[string][]storage.Target{}}

const (
	targetsMemoEntries = 4096
	targetsMemoLongest = 4096 // bytes of JSON text
)

func decodeTargets(raw string, dst *[]storage.Target) error {
	if raw == "[]" || raw == "" {
		return unmarshalList(raw, dst)
	}
	targetsMemo.Lock()
	known, ok := targetsMemo.m[raw]
	targetsMemo.Unlock()
	if ok {
		*dst = append([]storage.Target(nil), known...)
		return nil
	}
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		return err
	}
	if len(raw) <= targetsMemoLongest {
		targetsMemo.Lock()
		if len(targetsMemo.m) >= targetsMemoEntries {
			clear(targetsMemo.m)
		}
		targetsMemo.m[raw] = append([]storage.Target(nil), (*dst)...)
		targetsMemo.Unlock()
	}
	return nil
}

func scanUser(sc interface{ Scan(...any) error }) (*storage.User, error) {
	var d userDest
	if err := sc.Scan(d.targets()...); err != nil {
		return nil, notFound(err)
	}
	return d.finish()
}

func userArgs(u *storage.User) []any {
	var hashOpts any
	if len(u.HashOptions) > 0 {
		hashOpts = string(u.HashOptions)
	}
	prefs := string(u.Prefs)
	if prefs == "" {
		prefs = "{}"
	}
	return append([]any{u.ProjectID, u.ID, u.Name, nullable(u.Email), nullable(u.Phone), nullable(u.PasswordHash), u.Hash, hashOpts,
		micros(u.PasswordUpdate), jsonText(strs(u.PasswordHistory)), micros(u.Registration), u.Status, jsonText(strs(u.Labels)),
		u.EmailVerification, u.PhoneVerification, u.MFA, u.Reset, prefs, micros(u.AccessedAt), micros(u.CreatedAt), micros(u.UpdatedAt),
		targetsJSON(u.Targets), u.TOTP, u.RecoveryCodes, u.Impersonator}, emailFactsArgs(u.EmailFacts)...)
}

func (s *Store) CreateUser(ctx context.Context, u *storage.User) error {
	return s.CreateUserWithin(ctx, u, 0)
}

func (s *Store) CreateUserWithin(ctx context.Context, u *storage.User, limit int) error {
	setTargets(u)
	return s.inTx(ctx, func(q querier) error { return s.insertNewUser(ctx, q, u, limit) })
}

// setTargets gives a new user the email and sms targets of its address.
func setTargets(u *storage.User) {
	u.Targets = nil
	for _, t := range []struct{ kind, id string }{{"email", u.Email}, {"sms", u.Phone}} {
		if t.id != "" {
			u.Targets = append(u.Targets, storage.Target{ProjectID: u.ProjectID, ID: secret.ID(), UserID: u.ID,
				ProviderType: t.kind, Identifier: t.id, CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt})
		}
	}
}

// insertNewUser is CreateUserWithin inside the caller's transaction.
func (s *Store) insertNewUser(ctx context.Context, q querier, u *storage.User, limit int) error {
	if err := s.admitUser(ctx, q, u, limit); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES (`+userValues+`)`, userArgs(u)...); err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	for i := range u.Targets {
		if err := insertTarget(ctx, q, &u.Targets[i]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) GetUser(ctx context.Context, projectID, id string) (*storage.User, error) {
	row, err := s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE project_id = $1 AND id = $2 AND deleted_at = 0`, projectID, id)
	if err != nil {
		return nil, err
	}
	return scanUser(row)
}

func (s *Store) GetUserForJWT(ctx context.Context, projectID, id string) (*storage.User, time.Time, error) {
	row, err := s.queryRow(ctx, `SELECT `+userCols+`, jwts_revoked_at FROM users WHERE project_id = $1 AND id = $2 AND deleted_at = 0`, projectID, id)
	if err != nil {
		return nil, time.Time{}, err
	}
	var d userDest
	var revoked int64
	if err := row.Scan(append(d.targets(), &revoked)...); err != nil {
		return nil, time.Time{}, notFound(err)
	}
	u, err := d.finish()
	if err != nil {
		return nil, time.Time{}, err
	}
	return u, fromMicros(revoked), nil
}

func (s *Store) UserByEmail(ctx context.Context, projectID, email string) (*storage.User, error) {
	row, err := s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE project_id = $1 AND email = $2 AND deleted_at = 0`, projectID, email)
	if err != nil {
		return nil, err
	}
	return scanUser(row)
}

func (s *Store) UserByPhone(ctx context.Context, projectID, phone string) (*storage.User, error) {
	row, err := s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE project_id = $1 AND phone = $2 AND deleted_at = 0`, projectID, phone)
	if err != nil {
		return nil, err
	}
	return scanUser(row)
}

func (s *Store) UpdateUser(ctx context.Context, projectID, id string, fn func(*storage.User) error) (*storage.User, error) {
	var out *storage.User
	err := s.inTx(ctx, func(q querier) error {
		u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE project_id = $1 AND id = $2 AND deleted_at = 0`+s.forUpdate(), projectID, id))
		if err != nil {
			return err
		}
		oldEmail, oldPhone := u.Email, u.Phone
		if err := fn(u); err != nil {
			return err
		}
		if err := saveUser(ctx, q, u, oldEmail, oldPhone); err != nil {
			return err
		}
		out = u
		return nil
	})
	return out, err
}

// saveUser writes u, read in the same transaction with oldEmail and
// oldPhone: its targets follow its email and phone, and the tokens sent
// to an address it no longer has are withdrawn.
func saveUser(ctx context.Context, q querier, u *storage.User, oldEmail, oldPhone string) error {
	if err := syncTarget(ctx, q, u, "email", oldEmail, u.Email); err != nil {
		return err
	}
	if err := syncTarget(ctx, q, u, "sms", oldPhone, u.Phone); err != nil {
		return err
	}
	for _, c := range [][2]string{{oldEmail, u.Email}, {oldPhone, u.Phone}} {
		if c[0] == "" || c[0] == c[1] {
			continue
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM tokens WHERE project_id = $1 AND user_id = $2 AND address = $3`,
			u.ProjectID, u.ID, c[0]); err != nil {
			return fmt.Errorf("withdraw tokens of the old address: %w", err)
		}
	}
	if oldEmail != u.Email || oldPhone != u.Phone {
		var err error
		if u.Targets, err = loadTargets(ctx, q, u.ProjectID, u.ID); err != nil {
			return err
		}
	}
	a := userArgs(u)
	a = append(a[:19], a[20:]...) // every parameter must appear: drop created_at
	_, err := q.ExecContext(ctx, `UPDATE users SET name = $3, email = $4, phone = $5, password_hash = $6, hash = $7, hash_options = $8,
		password_update = $9, password_history = $10, registration = $11, status = $12, labels = $13, email_verification = $14,
		phone_verification = $15, mfa = $16, reset = $17, prefs = $18, accessed_at = $19, updated_at = $20, targets = $21,
		totp = $22, recovery_codes = $23,
		impersonator = $24, email_canonical = $25, email_is_free = $26, email_is_disposable = $27, email_is_corporate = $28,
		email_is_canonical = $29
		WHERE project_id = $1 AND id = $2`, a...)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return nil
}

func (s *Store) DeleteUser(ctx context.Context, projectID, id string) error {
	return s.inTx(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE users SET deleted_at = $3 WHERE project_id = $1 AND id = $2 AND deleted_at = 0`,
			projectID, id, micros(time.Now()))
		if err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		if err := affected(res); err != nil {
			return err
		}
		// Sessions end now, not when the clean-up runs.
		if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE project_id = $1 AND user_id = $2`, projectID, id); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		// The clean-up is queued in the same transaction: a crash cannot
		// lose it, and it runs on whichever node claims it.
		return s.enqueueTx(ctx, q, &storage.Job{Kind: storage.JobDeleteUser,
			Payload: json.RawMessage(jsonText(storage.DeleteUserJob{ProjectID: projectID, UserID: id}))})
	})
}

func (s *Store) PurgeUser(ctx context.Context, projectID, id string) error {
	return s.inTx(ctx, func(q querier) error {
		// Only a deleted user's rows go. The job may run late (retried
		// after failures) and find the id held by a live user, made after
		// the project was deleted and created again: not its to clean.
		var deletedAt int64
		err := q.QueryRowContext(ctx, `SELECT deleted_at FROM users WHERE project_id = $1 AND id = $2`+s.forUpdate(), projectID, id).Scan(&deletedAt)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && deletedAt == 0) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("purge user: %w", err)
		}
		// Rows that reference the user go first; the cascades would do it
		// too, but explicit deletes keep the order plain on both engines.
		for _, t := range []string{"sessions", "tokens", "targets", "identities", "authenticators", "challenges", "logs"} {
			if _, err := q.ExecContext(ctx, `DELETE FROM `+t+` WHERE project_id = $1 AND user_id = $2`, projectID, id); err != nil {
				return fmt.Errorf("purge %s: %w", t, err)
			}
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM users WHERE project_id = $1 AND id = $2 AND deleted_at <> 0`, projectID, id); err != nil {
			return fmt.Errorf("purge user: %w", err)
		}
		return nil
	})
}

func (s *Store) CountUsers(ctx context.Context, projectID string) (int, error) {
	var n int
	row, err := s.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE project_id = $1 AND deleted_at = 0`, projectID)
	if err != nil {
		return 0, err
	}
	if err := row.Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

func (s *Store) TouchUser(ctx context.Context, projectID, id string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE users SET accessed_at = $3 WHERE project_id = $1 AND id = $2`, projectID, id, micros(at))
	if err != nil {
		return fmt.Errorf("touch user: %w", err)
	}
	return nil
}
