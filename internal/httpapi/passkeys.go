package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/passkey"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// methodPasskey is the auth method key of passkeys.
const methodPasskey = "passkey"

// maxCredential bounds a browser's WebAuthn answer (its JSON).
const maxCredential = 64 << 10

func (s *Server) passkeyRoutes() {
	// Adding a passkey is a change of the ways in: with MFA on it needs
	// a fresh second factor, as linking a provider does.
	add := route{scope: "account", needsSess: true, fresh: freshIfMFA, method: methodPasskey,
		limits: []ratelimit.Rule{perHour(20, "url:{url},userId:{userId}")}}
	s.handle("POST /v1/account/passkeys/registration", add, s.beginPasskeyRegistration)
	s.handle("PUT /v1/account/passkeys/registration", add, s.finishPasskeyRegistration)
	s.handle("GET /v1/account/passkeys", route{scope: "account", asTarget: true}, s.listMyPasskeys)
	s.handle("PATCH /v1/account/passkeys/{passkeyId}", route{scope: "account"}, s.renamePasskey)
	s.handle("DELETE /v1/account/passkeys/{passkeyId}", route{scope: "account", fresh: freshIfMFA}, s.deleteMyPasskey)

	// Signing in, like the other sign-in routes: guests only, rate
	// limited by address, and only while the method is on.
	options := route{scope: "sessions.write", guestOnly: true, method: methodPasskey, limits: []ratelimit.Rule{perHour(60, "url:{url},ip:{ip}")}}
	s.handle("POST /v1/account/sessions/passkey/options", options, s.beginPasskeySignIn)
	s.handle("POST /v1/account/sessions/passkey", route{scope: "sessions.write", guestOnly: true, method: methodPasskey,
		limits: []ratelimit.Rule{perHour(30, "url:{url},ip:{ip}")}}, s.finishPasskeySignIn)
	s.handle("POST /v1/account/passkeys/signup", route{scope: "sessions.write", guestOnly: true, method: methodPasskey,
		limits: []ratelimit.Rule{perHour(10, "url:{url},ip:{ip}")}}, s.beginPasskeySignUp)
	s.handle("PUT /v1/account/passkeys/signup", route{scope: "sessions.write", guestOnly: true, method: methodPasskey,
		limits: []ratelimit.Rule{perHour(10, "url:{url},ip:{ip}")}}, s.finishPasskeySignUp)

	// The browser module, for apps that load it from Gatehouse itself.
	s.handle("GET /v1/passkeys.js", route{noProject: true}, s.servePasskeysJS)

	read, write := route{scope: "users.read"}, route{scope: "users.write"}
	s.handle("GET /v1/users/{userId}/passkeys", read, s.withUser(s.listUserPasskeys))
	s.handle("DELETE /v1/users/{userId}/passkeys/{passkeyId}", write, s.withUser(s.deleteUserPasskey))
}

// passkeyOptionsModel is a ceremony's start: publicKey goes to
// navigator.credentials.create() or .get() (binary fields base64url).
type passkeyOptionsModel struct {
	ID        string          `json:"$id"`
	CreatedAt string          `json:"$createdAt"`
	Expire    string          `json:"expire"`
	PublicKey json.RawMessage `json:"publicKey"`
}

func optionsOf(o *passkey.Options) passkeyOptionsModel {
	return passkeyOptionsModel{ID: o.ID, CreatedAt: when(o.CreatedAt), Expire: when(o.Expire), PublicKey: o.PublicKey}
}

type passkeyModel struct {
	ID                string   `json:"$id"`
	CreatedAt         string   `json:"$createdAt"`
	UpdatedAt         string   `json:"$updatedAt"`
	UserID            string   `json:"userId"`
	Name              string   `json:"name"`
	AuthenticatorType string   `json:"authenticatorType"`
	AAGUID            string   `json:"aaguid"`
	BackupEligible    bool     `json:"backupEligible"`
	BackedUp          bool     `json:"backedUp"`
	Transports        []string `json:"transports"`
	LastUsedAt        string   `json:"lastUsedAt"`
}

func passkeyOf(p *storage.Passkey) passkeyModel {
	in := passkey.InfoOf(p)
	return passkeyModel{ID: p.ID, CreatedAt: when(p.CreatedAt), UpdatedAt: when(p.UpdatedAt), UserID: p.UserID, Name: p.Name,
		AuthenticatorType: p.AuthenticatorType, AAGUID: in.AAGUID, BackupEligible: in.BackupEligible, BackedUp: in.BackedUp,
		Transports: nonNil(in.Transports), LastUsedAt: when(p.LastUsedAt)}
}

type passkeyListModel struct {
	Total    int            `json:"total"`
	Passkeys []passkeyModel `json:"passkeys"`
}

// identityPasskeyModel is what an identity of provider passkey shows of
// its passkey.
type identityPasskeyModel struct {
	Name              string `json:"name"`
	AuthenticatorType string `json:"authenticatorType"`
}

// passkeyOfIdentity fills a passkey identity's model.
func (c *call) passkeyOfIdentity(id *storage.Identity) *identityPasskeyModel {
	if id.Provider != passkey.Provider {
		return nil
	}
	pk, err := c.s.Accounts.GetPasskey(c.ctx(), id.ProjectID, id.UserID, id.ID)
	if err != nil {
		return nil
	}
	return &identityPasskeyModel{Name: pk.Name, AuthenticatorType: pk.AuthenticatorType}
}

// credentialParam reads the browser's answer: a JSON object (the
// PublicKeyCredential's toJSON()), or that object as a JSON string.
func (c *call) credentialParam(name string) ([]byte, error) {
	raw, ok := c.p.raw(name)
	if !ok {
		return nil, apperr.Missing(name)
	}
	if len(raw) > maxCredential {
		return nil, apperr.Invalid(name, "Value is too long")
	}
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, apperr.Invalid(name, "Value must be a WebAuthn credential")
		}
		raw = []byte(s)
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, apperr.Invalid(name, "Value must be a WebAuthn credential")
	}
	return raw, nil
}

// passkeyName reads an optional passkey name.
func (c *call) passkeyName(required bool) (string, error) {
	name, sent, err := c.p.str("name")
	if err != nil {
		return "", err
	}
	if !sent {
		if required {
			return "", apperr.Missing("name")
		}
		return "", nil
	}
	return name, validate.Text("name", name, 1, 128)
}

func (s *Server) beginPasskeyRegistration(c *call) error {
	o, err := s.Accounts.BeginPasskeyRegistration(c.ctx(), c.project.Project, c.user())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, optionsOf(o))
}

func (s *Server) finishPasskeyRegistration(c *call) error {
	name, err := c.passkeyName(false)
	if err != nil {
		return err
	}
	body, err := c.credentialParam("credential")
	if err != nil {
		return err
	}
	pk, err := s.Accounts.FinishPasskeyRegistration(c.ctx(), c.project.Project, c.user(), name, body, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, passkeyOf(pk))
}

func (s *Server) passkeyList(c *call, userID string) error {
	list, err := s.Accounts.ListPasskeys(c.ctx(), c.project.ID, userID)
	if err != nil {
		return err
	}
	out := passkeyListModel{Total: len(list), Passkeys: make([]passkeyModel, len(list))}
	for i, p := range list {
		out.Passkeys[i] = passkeyOf(p)
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) listMyPasskeys(c *call) error { return s.passkeyList(c, c.user().ID) }

func (c *call) passkeyID() (string, error) {
	id := c.r.PathValue("passkeyId")
	return id, validate.UID("passkeyId", id)
}

func (s *Server) renamePasskey(c *call) error {
	id, err := c.passkeyID()
	if err != nil {
		return err
	}
	name, err := c.passkeyName(true)
	if err != nil {
		return err
	}
	pk, err := s.Accounts.RenamePasskey(c.ctx(), c.user(), id, name, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, passkeyOf(pk))
}

func (s *Server) deleteMyPasskey(c *call) error {
	id, err := c.passkeyID()
	if err != nil {
		return err
	}
	if err := s.Accounts.DeletePasskey(c.ctx(), c.user(), id, c.actor()); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) beginPasskeySignIn(c *call) error {
	email, sent, err := c.p.str("email")
	if err != nil {
		return err
	}
	if sent && email != "" {
		if err := validate.Email("email", email); err != nil {
			return err
		}
	}
	o, err := s.Accounts.BeginPasskeySignIn(c.ctx(), c.project.Project, email)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, optionsOf(o))
}

func (s *Server) finishPasskeySignIn(c *call) error {
	body, err := c.credentialParam("credential")
	if err != nil {
		return err
	}
	ns, err := s.Accounts.SignInPasskey(c.ctx(), c.project.Project, body, c.actor())
	if err != nil {
		return err
	}
	return c.sessionCreated(ns)
}

func (s *Server) beginPasskeySignUp(c *call) error {
	userID, sent, err := c.p.str("userId")
	if err != nil {
		return err
	}
	if sent && userID != "unique()" {
		if err := validate.CustomID("userId", userID); err != nil {
			return err
		}
	}
	name, err := c.passkeyName(false)
	if err != nil {
		return err
	}
	email, sent, err := c.p.str("email")
	if err != nil {
		return err
	}
	if sent && email != "" {
		if err := validate.Email("email", email); err != nil {
			return err
		}
	}
	o, err := s.Accounts.BeginPasskeySignUp(c.ctx(), c.project.Project, userID, name, email)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, optionsOf(o))
}

func (s *Server) finishPasskeySignUp(c *call) error {
	name, sent, err := c.p.str("passkeyName")
	if err != nil {
		return err
	}
	if sent {
		if err := validate.Text("passkeyName", name, 1, 128); err != nil {
			return err
		}
	}
	body, err := c.credentialParam("credential")
	if err != nil {
		return err
	}
	ns, err := s.Accounts.SignUpPasskey(c.ctx(), c.project.Project, name, body, c.actor())
	if err != nil {
		return err
	}
	return c.sessionCreated(ns)
}

func (s *Server) listUserPasskeys(c *call, u *storage.User) error { return s.passkeyList(c, u.ID) }

func (s *Server) deleteUserPasskey(c *call, u *storage.User) error {
	id, err := c.passkeyID()
	if err != nil {
		return err
	}
	if err := s.Accounts.DeletePasskey(c.ctx(), u, id, c.actor()); err != nil {
		return err
	}
	return c.noContent()
}

// passkeyChallengeModel is an MFA challenge of factor passkey: the
// challenge model with the options for navigator.credentials.get().
type passkeyChallengeModel struct {
	challengeModel
	PublicKey json.RawMessage `json:"publicKey"`
}
