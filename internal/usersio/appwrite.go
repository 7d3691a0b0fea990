package usersio

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// appwriteUser is the Users API's User, as GET /v1/users lists it to an
// API key: one line of the appwrite format, and what Export writes.
type appwriteUser struct {
	ID                string           `json:"$id"`
	CreatedAt         string           `json:"$createdAt"`
	UpdatedAt         string           `json:"$updatedAt"`
	Name              string           `json:"name"`
	Password          *string          `json:"password"` // the stored hash; null without a password
	Hash              string           `json:"hash"`
	HashOptions       json.RawMessage  `json:"hashOptions"`
	Registration      string           `json:"registration"`
	Status            bool             `json:"status"`
	Labels            []string         `json:"labels"`
	PasswordUpdate    string           `json:"passwordUpdate"`
	Email             string           `json:"email"`
	Phone             string           `json:"phone"`
	EmailVerification bool             `json:"emailVerification"`
	PhoneVerification bool             `json:"phoneVerification"`
	MFA               bool             `json:"mfa"`
	Prefs             json.RawMessage  `json:"prefs"`
	Targets           []appwriteTarget `json:"targets"`
	AccessedAt        string           `json:"accessedAt"`
}

type appwriteTarget struct {
	ID           string  `json:"$id"`
	CreatedAt    string  `json:"$createdAt"`
	UpdatedAt    string  `json:"$updatedAt"`
	Name         string  `json:"name"`
	UserID       string  `json:"userId"`
	ProviderID   *string `json:"providerId"`
	ProviderType string  `json:"providerType"`
	Identifier   string  `json:"identifier"`
	Expired      bool    `json:"expired"`
}

// appwriteHashOptions holds every hashOptions field an import needs:
// version for sha; salt and the costs for scrypt; salt, saltSeparator and
// signerKey for scryptMod. argon2 and bcrypt carry theirs in the hash.
type appwriteHashOptions struct {
	Version       string `json:"version"`
	Salt          string `json:"salt"`
	SaltSeparator string `json:"saltSeparator"`
	SignerKey     string `json:"signerKey"`
	CostCPU       int    `json:"costCpu"`
	CostMemory    int    `json:"costMemory"`
	CostParallel  int    `json:"costParallel"`
	Length        int    `json:"length"`
}

// appwriteNames renames the import routes' parameters to hashOptions
// fields in error messages.
var appwriteNames = map[string]string{
	"password": "password", "passwordVersion": "hashOptions.version", "passwordSalt": "hashOptions.salt",
	"passwordSaltSeparator": "hashOptions.saltSeparator", "passwordSignerKey": "hashOptions.signerKey",
	"passwordCpu": "hashOptions.costCpu", "passwordMemory": "hashOptions.costMemory",
	"passwordParallel": "hashOptions.costParallel", "passwordLength": "hashOptions.length",
}

// appwriteSource reads JSON lines of appwriteUser.
type appwriteSource struct {
	lines *lines
}

func (s *appwriteSource) Next() (Row, error) {
	line, pos, rowErr, err := s.lines.next()
	if err != nil {
		return Row{}, err
	}
	row := Row{Pos: pos, Err: rowErr}
	if rowErr == nil {
		row.User, row.Err = appwriteRow(line)
	}
	return row, nil
}

// appwriteRow maps one line. Carried over: id, email, phone, name, the
// password hash, labels, prefs, status, both verification flags and the
// registration date ($createdAt when registration is absent). Targets,
// MFA and dates of activity are not.
func appwriteRow(line []byte) (account.NewUser, error) {
	var in account.NewUser
	u := appwriteUser{Status: true} // absent means active
	if err := json.Unmarshal(line, &u); err != nil {
		return in, invalidJSON(err)
	}
	in.ID, in.Email, in.Phone, in.Name = u.ID, u.Email, u.Phone, u.Name
	if u.ID == "" {
		return in, apperr.Missing("$id")
	}
	if err := validate.UID("$id", u.ID); err != nil {
		return in, err
	}
	if err := checkUser(&in, [3]string{"email", "phone", "name"}); err != nil {
		return in, err
	}
	var err error
	if in.Labels, err = checkLabels(u.Labels); err != nil {
		return in, err
	}
	if in.Prefs, err = prefsFrom("prefs", u.Prefs); err != nil {
		return in, err
	}
	in.Blocked, in.EmailVerification, in.PhoneVerification = !u.Status, u.EmailVerification, u.PhoneVerification
	reg := u.Registration
	if reg == "" {
		reg = u.CreatedAt
	}
	if in.Registration, err = parseTime("registration", reg); err != nil {
		return in, err
	}
	if u.Password == nil || *u.Password == "" {
		return in, nil
	}
	if u.Hash == "" {
		return in, apperr.Missing("hash")
	}
	var o appwriteHashOptions
	if opts := bytes.TrimSpace(u.HashOptions); len(opts) > 0 && opts[0] == '{' {
		if err := json.Unmarshal(opts, &o); err != nil {
			return in, apperr.Invalid("hashOptions", "Value must be an object of strings and integers: "+err.Error())
		}
	}
	p := password.ImportParams{Version: o.Version, Salt: o.Salt, SaltSeparator: o.SaltSeparator, SignerKey: o.SignerKey,
		CPU: o.CostCPU, Memory: o.CostMemory, Parallel: o.CostParallel, Length: o.Length}
	return in, setHash(&in, u.Hash, *u.Password, p, appwriteNames)
}

// invalidJSON is the row error of a line that is not the JSON expected.
func invalidJSON(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return apperr.Invalid(te.Field, "Value must be of JSON type "+te.Type.String()+", not "+te.Value)
	}
	return apperr.Newf(apperr.ArgumentInvalid, "Invalid JSON: %v", err)
}

// userLine maps a stored user to its export line, exactly as the Users
// API shows it to an API key.
func userLine(u *storage.User) appwriteUser {
	m := appwriteUser{ID: u.ID, CreatedAt: when(u.CreatedAt), UpdatedAt: when(u.UpdatedAt), Name: u.Name, Hash: u.Hash,
		HashOptions: u.HashOptions, Registration: when(u.Registration), Status: u.Status, Labels: u.Labels,
		PasswordUpdate: when(u.PasswordUpdate), Email: u.Email, Phone: u.Phone, EmailVerification: u.EmailVerification,
		PhoneVerification: u.PhoneVerification, MFA: u.MFA, Prefs: u.Prefs, Targets: make([]appwriteTarget, len(u.Targets)),
		AccessedAt: when(u.AccessedAt)}
	if u.PasswordHash != "" {
		pw := u.PasswordHash
		m.Password = &pw
	}
	if len(m.HashOptions) == 0 {
		m.HashOptions = json.RawMessage("null")
	}
	if m.Labels == nil {
		m.Labels = []string{}
	}
	if p := string(m.Prefs); p == "" || p == "[]" || p == "null" {
		m.Prefs = json.RawMessage("{}")
	}
	for i, t := range u.Targets {
		m.Targets[i] = appwriteTarget{ID: t.ID, CreatedAt: when(t.CreatedAt), UpdatedAt: when(t.UpdatedAt), Name: t.Name,
			UserID: t.UserID, ProviderType: t.ProviderType, Identifier: t.Identifier, Expired: t.Expired}
		if t.ProviderID != "" {
			id := t.ProviderID
			m.Targets[i].ProviderID = &id
		}
	}
	return m
}
