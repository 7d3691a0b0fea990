package httpapi

import (
	"encoding/json"
	"strconv"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/locale"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Wire models, in Appwrite's field order. They are separate from the
// storage records so the wire can stay fixed while storage changes.

type accountModel struct {
	ID                string   `json:"$id"`
	CreatedAt         string   `json:"$createdAt"`
	UpdatedAt         string   `json:"$updatedAt"`
	Name              string   `json:"name"`
	Registration      string   `json:"registration"`
	Status            bool     `json:"status"`
	Labels            []string `json:"labels"`
	PasswordUpdate    string   `json:"passwordUpdate"`
	Email             string   `json:"email"`
	Phone             string   `json:"phone"`
	EmailVerification bool     `json:"emailVerification"`
	emailFields
	PhoneVerification bool            `json:"phoneVerification"`
	MFA               bool            `json:"mfa"`
	Prefs             json.RawMessage `json:"prefs"`
	Targets           []targetModel   `json:"targets"`
	AccessedAt        string          `json:"accessedAt"`
	// Since format 1.9.0; empty (left out) for older formats, see shape.
	Impersonator       json.RawMessage `json:"impersonator,omitempty"`
	ImpersonatorUserID json.RawMessage `json:"impersonatorUserId,omitempty"`
}

// emailFields are Appwrite 1.9's email* fields of the User and Account
// models: what the email policies made of the address when it was set,
// null for users whose email was set before (or who have none).
type emailFields struct {
	EmailCanonical    *string `json:"emailCanonical"`
	EmailIsFree       *bool   `json:"emailIsFree"`
	EmailIsDisposable *bool   `json:"emailIsDisposable"`
	EmailIsCorporate  *bool   `json:"emailIsCorporate"`
	EmailIsCanonical  *bool   `json:"emailIsCanonical"`
}

func emailFieldsOf(f *storage.EmailFacts) emailFields {
	if f == nil {
		return emailFields{}
	}
	return emailFields{EmailCanonical: &f.Canonical, EmailIsFree: &f.Free, EmailIsDisposable: &f.Disposable,
		EmailIsCorporate: &f.Corporate, EmailIsCanonical: &f.IsCanonical}
}

func (f *emailFields) appendJSON(b []byte) []byte {
	b = append(b, `,"emailCanonical":`...)
	if f.EmailCanonical == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(b, *f.EmailCanonical)
	}
	for _, v := range []struct {
		name string
		v    *bool
	}{{`,"emailIsFree":`, f.EmailIsFree}, {`,"emailIsDisposable":`, f.EmailIsDisposable},
		{`,"emailIsCorporate":`, f.EmailIsCorporate}, {`,"emailIsCanonical":`, f.EmailIsCanonical}} {
		b = append(b, v.name...)
		if v.v == nil {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendBool(b, *v.v)
		}
	}
	return b
}

type targetModel struct {
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

func prefsOf(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "[]" || string(raw) == "null" {
		return json.RawMessage("{}")
	}
	return raw
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func targetOf(t *storage.Target) targetModel {
	m := targetModel{ID: t.ID, CreatedAt: when(t.CreatedAt), UpdatedAt: when(t.UpdatedAt), Name: t.Name,
		UserID: t.UserID, ProviderType: t.ProviderType, Identifier: t.Identifier, Expired: t.Expired}
	if t.ProviderID != "" {
		id := t.ProviderID
		m.ProviderID = &id
	}
	return m
}

func targetsOf(u *storage.User) []targetModel {
	out := make([]targetModel, len(u.Targets))
	for i := range u.Targets {
		out[i] = targetOf(&u.Targets[i])
	}
	return out
}

func accountOf(u *storage.User) accountModel {
	return accountModel{
		ID: u.ID, CreatedAt: when(u.CreatedAt), UpdatedAt: when(u.UpdatedAt), Name: u.Name,
		Registration: when(u.Registration), Status: u.Status, Labels: nonNil(u.Labels),
		PasswordUpdate: when(u.PasswordUpdate), Email: u.Email, Phone: u.Phone,
		EmailVerification: u.EmailVerification, emailFields: emailFieldsOf(u.EmailFacts),
		PhoneVerification: u.PhoneVerification, MFA: u.MFA,
		Prefs: prefsOf(u.Prefs), Targets: targetsOf(u), AccessedAt: when(u.AccessedAt),
		Impersonator: jsonBool(u.Impersonator), ImpersonatorUserID: jsonNull,
	}
}

var (
	jsonNull  = json.RawMessage("null")
	jsonTrue  = json.RawMessage("true")
	jsonFalse = json.RawMessage("false")
)

func jsonBool(v bool) json.RawMessage {
	if v {
		return jsonTrue
	}
	return jsonFalse
}

type sessionModel struct {
	ID                        string `json:"$id"`
	CreatedAt                 string `json:"$createdAt"`
	UpdatedAt                 string `json:"$updatedAt"`
	UserID                    string `json:"userId"`
	Expire                    string `json:"expire"`
	Provider                  string `json:"provider"`
	ProviderUID               string `json:"providerUid"`
	ProviderAccessToken       string `json:"providerAccessToken"`
	ProviderAccessTokenExpiry string `json:"providerAccessTokenExpiry"`
	ProviderRefreshToken      string `json:"providerRefreshToken"`
	clientFields
	Current      bool     `json:"current"`
	Factors      []string `json:"factors"`
	Secret       string   `json:"secret"`
	MFAUpdatedAt string   `json:"mfaUpdatedAt"`
}

// providerSecret opens a sealed provider refresh token for an API key
// (or the instance admin); a client, signed in by session or JWT, gets it
// blank.
func (c *call) providerSecret(sealed string) string {
	if c.key == nil && !c.admin {
		return ""
	}
	return c.s.Accounts.Unseal(sealed)
}

// sessionOf renders a session. secret is "" except for the credential
// handed to an API-key caller at creation.
// OAuth2 provider tokens are kept sealed and opened for their owner.
func (c *call) sessionOf(s *storage.Session, current bool, secret string) sessionModel {
	return sessionModel{
		ID: s.ID, CreatedAt: when(s.CreatedAt), UpdatedAt: when(s.UpdatedAt), UserID: s.UserID, Expire: when(s.Expire),
		Provider: s.Provider, ProviderUID: s.ProviderUID, ProviderAccessToken: c.providerAccess(s.ProviderAccessToken, s.UserID),
		ProviderAccessTokenExpiry: when(s.ProviderAccessTokenExpiry), ProviderRefreshToken: c.providerSecret(s.ProviderRefreshToken),
		clientFields: c.clientOf(s.Client), Current: current, Factors: nonNil(s.Factors), Secret: secret, MFAUpdatedAt: when(s.MFAUpdatedAt),
	}
}

// clientFields are the device and address fields sessions and logs share.
type clientFields struct {
	IP                  string `json:"ip"`
	OSCode              string `json:"osCode"`
	OSName              string `json:"osName"`
	OSVersion           string `json:"osVersion"`
	ClientType          string `json:"clientType"`
	ClientCode          string `json:"clientCode"`
	ClientName          string `json:"clientName"`
	ClientVersion       string `json:"clientVersion"`
	ClientEngine        string `json:"clientEngine"`
	ClientEngineVersion string `json:"clientEngineVersion"`
	DeviceName          string `json:"deviceName"`
	DeviceBrand         string `json:"deviceBrand"`
	DeviceModel         string `json:"deviceModel"`
	CountryCode         string `json:"countryCode"`
	CountryName         string `json:"countryName"`
}

// clientOf writes a stored client, naming its country in the caller's
// language.
func (c *call) clientOf(cl storage.Client) clientFields {
	cc := cl.CountryCode
	if cc == "" || !locale.IsCountry(cc) {
		cc = locale.Unknown
	}
	return clientFields{IP: cl.IP, OSCode: cl.OSCode, OSName: cl.OSName, OSVersion: cl.OSVersion, ClientType: cl.ClientType,
		ClientCode: cl.ClientCode, ClientName: cl.ClientName, ClientVersion: cl.ClientVersion, ClientEngine: cl.ClientEngine,
		ClientEngineVersion: cl.ClientEngineVersion, DeviceName: cl.DeviceName, DeviceBrand: cl.DeviceBrand,
		DeviceModel: cl.DeviceModel, CountryCode: cc, CountryName: c.names().Country(cc)}
}

type logModel struct {
	Event     string `json:"event"`
	UserID    string `json:"userId"`
	UserEmail string `json:"userEmail"`
	UserName  string `json:"userName"`
	Mode      string `json:"mode"`
	UserType  string `json:"userType"` // Appwrite 1.9+
	Time      string `json:"time"`
	clientFields
}

// logOf renders a log entry. One written while an impersonator acted
// names the operator (Actor) as userId, as Appwrite's does.
func (c *call) logOf(l *storage.Log) logModel {
	uid, mode := l.UserID, l.Mode
	switch mode {
	case storage.LogModeImpersonated:
		uid, mode = l.Actor, "default"
	case storage.LogModeConsole:
		uid, mode = l.Actor, "admin"
	}
	return logModel{Event: l.Event, UserID: uid, UserEmail: l.UserEmail, UserName: l.UserName, Mode: mode,
		UserType: account.LogUserType(l), Time: when(l.Time), clientFields: c.clientOf(l.Client)}
}

type jwtModel struct {
	JWT string `json:"jwt"`
}

// MarshalJSON writes the account exactly as encoding/json would write the
// struct (same field order, escaping and compaction), without reflection:
// it is the body of GET /v1/account, the hottest route. Anything outside
// the plain cases (strings needing escapes, prefs with whitespace or
// non-ASCII bytes) goes through encoding/json itself.
func (m accountModel) MarshalJSON() ([]byte, error) {
	return m.appendJSON(make([]byte, 0, 768))
}

func (m *accountModel) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"$id":`...)
	b = appendString(b, m.ID)
	b = append(b, `,"$createdAt":`...)
	b = appendString(b, m.CreatedAt)
	b = append(b, `,"$updatedAt":`...)
	b = appendString(b, m.UpdatedAt)
	b = append(b, `,"name":`...)
	b = appendString(b, m.Name)
	b = append(b, `,"registration":`...)
	b = appendString(b, m.Registration)
	b = append(b, `,"status":`...)
	b = strconv.AppendBool(b, m.Status)
	b = append(b, `,"labels":`...)
	if m.Labels == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, l := range m.Labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, l)
		}
		b = append(b, ']')
	}
	b = append(b, `,"passwordUpdate":`...)
	b = appendString(b, m.PasswordUpdate)
	b = append(b, `,"email":`...)
	b = appendString(b, m.Email)
	b = append(b, `,"phone":`...)
	b = appendString(b, m.Phone)
	b = append(b, `,"emailVerification":`...)
	b = strconv.AppendBool(b, m.EmailVerification)
	b = m.emailFields.appendJSON(b)
	b = append(b, `,"phoneVerification":`...)
	b = strconv.AppendBool(b, m.PhoneVerification)
	b = append(b, `,"mfa":`...)
	b = strconv.AppendBool(b, m.MFA)
	b = append(b, `,"prefs":`...)
	var err error
	if b, err = appendRaw(b, m.Prefs); err != nil {
		return nil, err
	}
	b = append(b, `,"targets":`...)
	if m.Targets == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range m.Targets {
			if i > 0 {
				b = append(b, ',')
			}
			b = m.Targets[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"accessedAt":`...)
	b = appendString(b, m.AccessedAt)
	if len(m.Impersonator) > 0 {
		b = append(b, `,"impersonator":`...)
		if b, err = appendRaw(b, m.Impersonator); err != nil {
			return nil, err
		}
	}
	if len(m.ImpersonatorUserID) > 0 {
		b = append(b, `,"impersonatorUserId":`...)
		if b, err = appendRaw(b, m.ImpersonatorUserID); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func (t *targetModel) appendJSON(b []byte) []byte {
	b = append(b, `{"$id":`...)
	b = appendString(b, t.ID)
	b = append(b, `,"$createdAt":`...)
	b = appendString(b, t.CreatedAt)
	b = append(b, `,"$updatedAt":`...)
	b = appendString(b, t.UpdatedAt)
	b = append(b, `,"name":`...)
	b = appendString(b, t.Name)
	b = append(b, `,"userId":`...)
	b = appendString(b, t.UserID)
	b = append(b, `,"providerId":`...)
	if t.ProviderID == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(b, *t.ProviderID)
	}
	b = append(b, `,"providerType":`...)
	b = appendString(b, t.ProviderType)
	b = append(b, `,"identifier":`...)
	b = appendString(b, t.Identifier)
	b = append(b, `,"expired":`...)
	b = strconv.AppendBool(b, t.Expired)
	return append(b, '}')
}

// plainJSON reports whether c can appear in JSON text as it is, both in
// a string and outside one, with encoding/json's default HTML escaping:
// printable ASCII other than the quote, the backslash, <, > and &.
func plainJSON(c byte) bool {
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// appendString appends s as a JSON string, as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plainJSON(s[i]) {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendRaw appends a json.RawMessage as encoding/json writes one: nil as
// null, otherwise compacted and HTML-escaped. Text without whitespace,
// non-ASCII bytes or HTML characters is already in that form.
func appendRaw(b []byte, raw json.RawMessage) ([]byte, error) {
	if raw == nil {
		return append(b, "null"...), nil
	}
	for _, c := range raw {
		if c != '"' && c != '\\' && !plainJSON(c) || c == ' ' {
			out, err := json.Marshal(raw)
			if err != nil {
				return nil, err
			}
			return append(b, out...), nil
		}
	}
	if !json.Valid(raw) {
		_, err := json.Marshal(raw) // encoding/json's error for it
		return nil, err
	}
	return append(b, raw...), nil
}
