package httpapi

import (
	"net/http"
	"slices"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// MaxKeyScopes bounds the scopes of one key, as Appwrite 1.9 does.
const MaxKeyScopes = 200

// readScopes reads a key's scopes: known ones, repeats dropped. Not sent
// (the console SDK may send null) is none: a key without scopes can
// still call public routes.
func readScopes(c *call) ([]string, error) {
	scopes, _, err := c.p.strings("scopes")
	if err != nil {
		return nil, err
	}
	if len(scopes) > MaxKeyScopes {
		return nil, apperr.Invalid("scopes", "Value must be an array of at most 200 scopes")
	}
	out := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		if !project.KnownScopes[sc] {
			return nil, apperr.Invalid("scopes", "Value must be an array of known scopes")
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out, nil
}

// readKey reads name, scopes and expire of a key.
func readKey(c *call) (name string, scopes []string, expire time.Time, err error) {
	if name, err = c.p.required("name"); err != nil {
		return
	}
	if err = validate.Text("name", name, 1, 128); err != nil {
		return
	}
	if scopes, err = readScopes(c); err != nil {
		return
	}
	if v, ok, e := c.p.str("expire"); e != nil {
		err = e
	} else if ok && v != "" {
		if expire, err = parseTime(v); err != nil {
			err = apperr.Invalid("expire", "Value must be valid date in ISO 8601 format.")
		}
	}
	return
}

// parseTime accepts the ISO 8601 forms the SDKs and people send.
func parseTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, timeFormat, "2006-01-02T15:04:05.000Z0700", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, apperr.Invalid("expire", "invalid date")
}

// createKey makes a standard key. Only the instance admin may (the
// console's route): a key never mints a lasting key, whatever its scopes,
// as in Appwrite 2.0 (key_creation_denied).
func (s *Server) createKey(c *call) error {
	if c.key != nil {
		return apperr.Newf(apperr.KeyCreationDenied, "API keys cannot create API keys; create them with the instance admin key.")
	}
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	keyID, sent, err := c.p.str("keyId")
	if err != nil {
		return err
	}
	if !sent {
		keyID = "unique()"
	}
	if err := validate.CustomID("keyId", keyID); err != nil {
		return err
	}
	name, scopes, expire, err := readKey(c)
	if err != nil {
		return err
	}
	k, raw, err := s.Projects.CreateKey(c.ctx(), pid, keyID, name, scopes, expire)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, keyOf(k, raw))
}

// createEphemeralKey signs a key that lives duration seconds (1-3600) and
// is stored nowhere. A key caller gives only scopes it holds and no life
// past its own (project.MayGrant); an ephemeral key makes none.
func (s *Server) createEphemeralKey(c *call) error {
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	scopes, err := readScopes(c)
	if err != nil {
		return err
	}
	d, sent, err := c.p.integer("duration", 1, int64(project.MaxEphemeral/time.Second))
	if err != nil {
		return err
	}
	if !sent {
		if c.own {
			return apperr.Missing("duration")
		}
		d = 900 // the console's JWT default
	}
	if _, err := s.Projects.Get(c.ctx(), pid); err != nil {
		return err
	}
	expire := s.Now().UTC().Add(time.Duration(d) * time.Second)
	if c.key != nil && !c.key.Ephemeral && !c.key.Expire.IsZero() && c.key.Expire.Before(expire) {
		expire = c.key.Expire
	}
	if err := project.MayGrant(c.key, scopes, expire); err != nil {
		return err
	}
	k, secret, err := s.Projects.EphemeralKey(pid, scopes, expire)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, ephemeralKeyOf(c, k, secret))
}

// keySchema is what a key list may filter on.
var keySchema = query.Schema{"name": query.String, "expire": query.Datetime, "accessedAt": query.Datetime,
	"scopes": query.StringArray}

func (s *Server) listKeys(c *call) error {
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	lq, err := readMemList(c, keySchema)
	if err != nil {
		return err
	}
	list, err := s.Projects.Keys(c.ctx(), pid)
	if err != nil {
		return err
	}
	page, total, err := memList(lq, list, func(k *storage.Key, attr string) string {
		switch attr {
		case "$id":
			return k.ID
		case "$createdAt":
			return when(k.CreatedAt)
		case "$updatedAt":
			return when(k.UpdatedAt)
		case "name":
			return k.Name
		case "expire":
			return when(k.Expire)
		case "accessedAt":
			return when(k.AccessedAt)
		case "scopes":
			return arrayValue(k.Scopes)
		}
		return ""
	}, func(k *storage.Key) string { return k.ID })
	if err != nil {
		return err
	}
	out := keyListModel{Total: total, Keys: make([]keyModel, len(page))}
	for i, k := range page {
		out.Keys[i] = keyOf(k, "")
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) getKey(c *call) error {
	pid, id, err := c.childParams("keyId")
	if err != nil {
		return err
	}
	k, err := s.Projects.Key(c.ctx(), pid, id)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, keyOf(k, ""))
}

// updateKey changes a key's name, scopes and expiry; a key caller only
// within what it holds itself (project.MayGrant).
func (s *Server) updateKey(c *call) error {
	pid, id, err := c.childParams("keyId")
	if err != nil {
		return err
	}
	name, scopes, expire, err := readKey(c)
	if err != nil {
		return err
	}
	if err := project.MayGrant(c.key, scopes, expire); err != nil {
		return err
	}
	k, err := s.Projects.UpdateKey(c.ctx(), pid, id, func(k *storage.Key) error {
		k.Name, k.Scopes, k.Expire = name, scopes, expire
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, keyOf(k, ""))
}

func (s *Server) deleteKey(c *call) error {
	pid, id, err := c.childParams("keyId")
	if err != nil {
		return err
	}
	if err := s.Projects.DeleteKey(c.ctx(), pid, id); err != nil {
		return err
	}
	return c.noContent()
}
