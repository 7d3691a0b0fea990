// Package passkey runs WebAuthn ceremonies for Gatehouse: it begins and
// finishes registrations and sign-ins through go-webauthn, keeps each
// ceremony's challenge single-use, short-lived and hashed, checks the
// origin and relying party against the project, and keeps the sign
// counter. What a passkey sign-in means (which user, which session) is
// the account package's decision.
package passkey

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Provider is the identity provider name of passkeys.
const Provider = "passkey"

// Lifetime is how long a ceremony's challenge stays good.
const Lifetime = 5 * time.Minute

// Ceremony kinds.
const (
	KindRegister = "register" // a signed-in user adds a passkey
	KindSignUp   = "signup"   // a new user signs up with a passkey only
	KindSignIn   = "signin"   // sign-in, discoverable or for one user
	KindMFA      = "mfa"      // a second factor of a signed-in user
)

// ErrCloned is wrapped by the error of a sign-in whose counter did not
// move forward.
var ErrCloned = errors.New("passkey: sign counter went backwards")

// Service runs the ceremonies.
type Service struct {
	store    storage.Store
	projects Projects
	now      func() time.Time
	log      *slog.Logger
}

// New returns a Service.
func New(store storage.Store, projects Projects, now func() time.Time, log *slog.Logger) *Service {
	return &Service{store: store, projects: projects, now: now, log: log}
}

func (s *Service) nowUTC() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Account is who a registration is for.
type Account struct {
	ID, Name, Email string
}

// Handle is the WebAuthn user handle of a user: derived from its ids, so
// a second passkey of the same account on one authenticator replaces the
// first rather than piling up, and holding no personal data.
func Handle(projectID, userID string) []byte {
	h := sha256.Sum256([]byte("gatehouse passkey user\x00" + projectID + "\x00" + userID))
	return h[:]
}

// user is a webauthn.User over one handle and some credentials.
type user struct {
	handle      []byte
	name, shown string
	creds       []webauthn.Credential
}

func (u *user) WebAuthnID() []byte                         { return u.handle }
func (u *user) WebAuthnName() string                       { return u.name }
func (u *user) WebAuthnDisplayName() string                { return u.shown }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// ceremonyData is what a ceremony keeps besides its challenge's hash.
type ceremonyData struct {
	Session webauthn.SessionData `json:"session"`
	// NewUserID is the id a sign-up's user is created with.
	NewUserID string `json:"newUserId,omitempty"`
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
}

// Options are a ceremony's public-key options for the browser.
type Options struct {
	ID        string
	CreatedAt time.Time
	Expire    time.Time
	PublicKey json.RawMessage // PublicKeyCredential{Creation,Request}Options, base64url binary fields
}

func (s *Service) lib(rp *RP, origin string) (*webauthn.WebAuthn, error) {
	if origin == "" {
		origin = "https://" + rp.ID // begin needs one; finish passes the checked one
	}
	return webauthn.New(&webauthn.Config{RPID: rp.ID, RPDisplayName: rp.Name, RPOrigins: []string{origin},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: Lifetime, TimeoutUVD: Lifetime},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: Lifetime, TimeoutUVD: Lifetime},
		}})
}

func uvOf(rp *RP) protocol.UserVerificationRequirement {
	if rp.UserVerification == "required" {
		return protocol.VerificationRequired
	}
	return protocol.VerificationPreferred
}

// save stores the ceremony under the hash of its challenge, with the
// challenge itself taken out.
func (s *Service) save(ctx context.Context, projectID, id, kind, userID string, d ceremonyData) (time.Time, time.Time, error) {
	now := s.nowUTC()
	challenge := d.Session.Challenge
	d.Session.Challenge = ""
	data, err := json.Marshal(d)
	if err != nil {
		return now, now, err
	}
	exp := now.Add(Lifetime)
	err = s.store.SavePasskeyCeremony(ctx, &storage.PasskeyCeremony{ProjectID: projectID, ID: id, ChallengeHash: secret.Hash(challenge),
		Kind: kind, UserID: userID, Data: data, Expire: exp, CreatedAt: now})
	return now, exp, err
}

// BeginRegistration starts adding a passkey for a (KindRegister) or
// for a new user (KindSignUp, a.ID the id it will get). existing are
// the user's passkeys, which the browser is told not to make again.
func (s *Service) BeginRegistration(ctx context.Context, projectID, kind string, a Account, existing []*storage.Passkey) (*Options, error) {
	rp, err := s.rp(ctx, projectID)
	if err != nil {
		return nil, err
	}
	w, err := s.lib(rp, "")
	if err != nil {
		return nil, err
	}
	name := a.Email
	if name == "" {
		name = a.Name
	}
	if name == "" {
		name = a.ID
	}
	shown := a.Name
	if shown == "" {
		shown = name
	}
	var exclude []protocol.CredentialDescriptor
	for _, p := range existing {
		if c, err := credentialOf(p); err == nil {
			exclude = append(exclude, c.Descriptor())
		}
	}
	creation, sd, err := w.BeginRegistration(&user{handle: Handle(projectID, a.ID), name: name, shown: shown},
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: uvOf(rp)}),
		webauthn.WithConveyancePreference(protocol.ConveyancePreference(rp.Attestation)),
		webauthn.WithExclusions(exclude))
	if err != nil {
		return nil, err
	}
	d := ceremonyData{Session: *sd}
	userID := a.ID
	if kind == KindSignUp {
		d.NewUserID, d.Name, d.Email, userID = a.ID, a.Name, a.Email, ""
	}
	id := secret.ID()
	created, exp, err := s.save(ctx, projectID, id, kind, userID, d)
	if err != nil {
		return nil, err
	}
	pk, err := json.Marshal(creation.Response)
	return &Options{ID: id, CreatedAt: created, Expire: exp, PublicKey: pk}, err
}

// Registered is a verified new credential.
type Registered struct {
	UserID            string // the sign-up's new user id, or the registering user's
	Name, Email       string // a sign-up's
	CredentialID      string // base64url
	UserHandle        string // base64url
	AuthenticatorType string
	Credential        []byte // the library's record, JSON
}

// FinishRegistration verifies the browser's answer to a registration of
// kind. For KindRegister the ceremony must be userID's.
func (s *Service) FinishRegistration(ctx context.Context, projectID, kind, userID string, body []byte) (*Registered, error) {
	parsed, err := protocol.ParseCredentialCreationResponseBytes(body)
	if err != nil {
		return nil, apperr.Wrap(apperr.PasskeyInvalid, err)
	}
	rp, err := s.rp(ctx, projectID)
	if err != nil {
		return nil, err
	}
	cd := parsed.Response.CollectedClientData
	c, d, err := s.take(ctx, projectID, cd.Challenge, kind)
	if err != nil {
		return nil, err
	}
	if kind == KindRegister && !secret.Equal(c.UserID, userID) {
		return nil, apperr.New(apperr.PasskeyInvalid)
	}
	origin, err := rp.checkOrigin(cd.Origin)
	if err != nil {
		return nil, err
	}
	w, err := s.lib(rp, origin)
	if err != nil {
		return nil, err
	}
	owner := c.UserID
	if kind == KindSignUp {
		owner = d.NewUserID
	}
	sd := d.Session
	sd.Challenge, sd.Expires = cd.Challenge, time.Time{} // the store enforced the lifetime
	cred, err := w.CreateCredential(&user{handle: Handle(projectID, owner)}, sd, parsed)
	if err != nil {
		return nil, apperr.Wrap(apperr.PasskeyInvalid, err)
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return nil, err
	}
	return &Registered{UserID: owner, Name: d.Name, Email: d.Email, CredentialID: b64(cred.ID),
		UserHandle: b64(Handle(projectID, owner)), AuthenticatorType: string(parsed.AuthenticatorAttachment), Credential: raw}, nil
}

// take spends the ceremony of the challenge the browser signed.
func (s *Service) take(ctx context.Context, projectID, challenge, kind string) (*storage.PasskeyCeremony, *ceremonyData, error) {
	bad := apperr.Newf(apperr.PasskeyInvalid, "The passkey challenge is unknown, used or expired. Start again.")
	if challenge == "" {
		return nil, nil, bad
	}
	c, err := s.store.TakePasskeyCeremony(ctx, projectID, secret.Hash(challenge), s.nowUTC())
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, err
	}
	if c.Kind != kind {
		return nil, nil, bad
	}
	var d ceremonyData
	if err := json.Unmarshal(c.Data, &d); err != nil {
		return nil, nil, err
	}
	return c, &d, nil
}

// BeginSignIn starts a sign-in. With userID set (the usernamed flow, or
// KindMFA) only creds may answer; without, any discoverable passkey of
// the project may (the browser offers its accounts, or fills them in
// with conditional mediation). id names the ceremony ("" for a new one).
func (s *Service) BeginSignIn(ctx context.Context, projectID, kind, id, userID string, creds []*storage.Passkey, fake []byte) (*Options, error) {
	rp, err := s.rp(ctx, projectID)
	if err != nil {
		return nil, err
	}
	w, err := s.lib(rp, "")
	if err != nil {
		return nil, err
	}
	opts := []webauthn.LoginOption{webauthn.WithUserVerification(uvOf(rp))}
	var allow []protocol.CredentialDescriptor
	for _, p := range creds {
		if c, err := credentialOf(p); err == nil {
			allow = append(allow, c.Descriptor())
		}
	}
	if len(fake) > 0 {
		// An email with no passkeys gets a credential that exists
		// nowhere, so the answer does not tell who has passkeys.
		allow = append(allow, protocol.CredentialDescriptor{Type: protocol.PublicKeyCredentialType, CredentialID: fake,
			Transport: []protocol.AuthenticatorTransport{protocol.Internal, protocol.Hybrid}})
	}
	if len(allow) > 0 {
		opts = append(opts, webauthn.WithAllowedCredentials(allow))
	}
	assertion, sd, err := w.BeginDiscoverableLogin(opts...)
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = secret.ID()
	}
	created, exp, err := s.save(ctx, projectID, id, kind, userID, ceremonyData{Session: *sd})
	if err != nil {
		return nil, err
	}
	pk, err := json.Marshal(assertion.Response)
	return &Options{ID: id, CreatedAt: created, Expire: exp, PublicKey: pk}, err
}

// Verified is a passkey that signed a challenge.
type Verified struct {
	Passkey      *storage.Passkey
	UserVerified bool
}

// FinishSignIn verifies the browser's answer to a sign-in of kind. For
// KindMFA the ceremony is the one named mfaID of userID; otherwise it is
// found by its challenge. A ceremony begun for a user accepts only that
// user's passkeys. The passkey's counter must move forward (ErrCloned).
func (s *Service) FinishSignIn(ctx context.Context, projectID, kind, userID, mfaID string, body []byte) (*Verified, error) {
	parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
	if err != nil {
		return nil, apperr.Wrap(apperr.PasskeyInvalid, err)
	}
	rp, err := s.rp(ctx, projectID)
	if err != nil {
		return nil, err
	}
	cd := parsed.Response.CollectedClientData
	var c *storage.PasskeyCeremony
	var d *ceremonyData
	if kind == KindMFA {
		c, d, err = s.takeMFA(ctx, projectID, userID, mfaID, cd.Challenge)
	} else {
		c, d, err = s.take(ctx, projectID, cd.Challenge, kind)
	}
	if err != nil {
		return nil, err
	}
	origin, err := rp.checkOrigin(cd.Origin)
	if err != nil {
		return nil, err
	}
	unknown := apperr.Newf(apperr.PasskeyInvalid, "This passkey is not registered in this project (it may have been deleted).")
	ident, err := s.store.IdentityByProvider(ctx, projectID, Provider, b64(parsed.RawID))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, unknown
	}
	if err != nil {
		return nil, err
	}
	pk, err := s.store.GetPasskey(ctx, projectID, ident.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, unknown
	}
	if err != nil {
		return nil, err
	}
	if c.UserID != "" && !secret.Equal(c.UserID, pk.UserID) {
		return nil, apperr.Newf(apperr.PasskeyInvalid, "This passkey is not one of the account's.")
	}
	cred, err := credentialOf(pk)
	if err != nil {
		return nil, err
	}
	handle, err := base64.RawURLEncoding.DecodeString(pk.UserHandle)
	if err != nil {
		return nil, err
	}
	w, err := s.lib(rp, origin)
	if err != nil {
		return nil, err
	}
	sd := d.Session
	sd.Challenge, sd.Expires, sd.UserID = cd.Challenge, time.Time{}, handle
	if len(sd.AllowedCredentialIDs) > 0 && !containsID(sd.AllowedCredentialIDs, parsed.RawID) {
		return nil, apperr.Newf(apperr.PasskeyInvalid, "This passkey was not asked for.")
	}
	sd.AllowedCredentialIDs = nil // checked above against the user's own list
	got, err := w.ValidateLogin(&user{handle: handle, creds: []webauthn.Credential{*cred}}, sd, parsed)
	if err != nil {
		return nil, apperr.Wrap(apperr.PasskeyInvalid, err)
	}
	counter := parsed.Response.AuthenticatorData.Counter
	now := s.nowUTC()
	saved, err := s.store.UpdatePasskey(ctx, projectID, pk.ID, func(p *storage.Passkey) error {
		cur, err := credentialOf(p)
		if err != nil {
			return err
		}
		// A counter that does not move forward means another copy of the
		// key signed meanwhile (both zero: an authenticator without one).
		if stored := cur.Authenticator.SignCount; (counter != 0 || stored != 0) && counter <= stored {
			return ErrCloned
		}
		cur.Authenticator.SignCount = counter
		cur.Flags = got.Flags
		raw, err := json.Marshal(cur)
		if err != nil {
			return err
		}
		p.Credential, p.LastUsedAt, p.UpdatedAt = raw, now, now
		return nil
	})
	if errors.Is(err, ErrCloned) {
		return &Verified{Passkey: pk}, apperr.Wrap(apperr.PasskeyCloned, ErrCloned)
	}
	if errors.Is(err, storage.ErrNotFound) {
		return nil, unknown // deleted while it signed
	}
	if err != nil {
		return nil, err
	}
	return &Verified{Passkey: saved, UserVerified: parsed.Response.AuthenticatorData.Flags.HasUserVerified()}, nil
}

// takeMFA spends the MFA ceremony id of userID; the challenge the browser
// signed must be the one it was given.
func (s *Service) takeMFA(ctx context.Context, projectID, userID, id, challenge string) (*storage.PasskeyCeremony, *ceremonyData, error) {
	bad := apperr.Newf(apperr.PasskeyInvalid, "The passkey challenge is unknown, used or expired. Start again.")
	c, err := s.store.TakePasskeyCeremonyByID(ctx, projectID, userID, id, s.nowUTC())
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, err
	}
	if c.Kind != KindMFA || challenge == "" || !secret.Equal(secret.Hash(challenge), c.ChallengeHash) {
		return nil, nil, bad
	}
	var d ceremonyData
	if err := json.Unmarshal(c.Data, &d); err != nil {
		return nil, nil, err
	}
	return c, &d, nil
}

func credentialOf(p *storage.Passkey) (*webauthn.Credential, error) {
	var c webauthn.Credential
	if err := json.Unmarshal(p.Credential, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Info is what a passkey shows of its credential.
type Info struct {
	AAGUID         string
	SignCount      uint32
	BackupEligible bool
	BackedUp       bool
	Transports     []string
}

// InfoOf reads a passkey's credential record.
func InfoOf(p *storage.Passkey) Info {
	c, err := credentialOf(p)
	if err != nil {
		return Info{}
	}
	in := Info{SignCount: c.Authenticator.SignCount, BackupEligible: c.Flags.BackupEligible, BackedUp: c.Flags.BackupState}
	if len(c.Authenticator.AAGUID) == 16 {
		a := c.Authenticator.AAGUID
		in.AAGUID = hexUUID(a)
	}
	for _, t := range c.Transport {
		in.Transports = append(in.Transports, string(t))
	}
	return in
}

func hexUUID(b []byte) string {
	const hexd = "0123456789abcdef"
	var out []byte
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexd[x>>4], hexd[x&15])
	}
	return string(out)
}

func containsID(list [][]byte, id []byte) bool {
	for _, x := range list {
		if bytes.Equal(x, id) {
			return true
		}
	}
	return false
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
