package account

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/emailpolicy"
	"github.com/gatehouse-auth/gatehouse/internal/passkey"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Passkey factors. A passkey proves possession of the authenticator
// ("passkey"); when the authenticator also verified its user (a PIN or a
// fingerprint: the UV flag) that is a second kind of proof
// ("userVerification"), so such a sign-in is complete under MFA.
const (
	FactorPasskey = "passkey"
	FactorUV      = "userVerification"
)

// SetPasskeys gives the service the WebAuthn ceremonies.
func (s *Service) SetPasskeys(p *passkey.Service) { s.passkeys = p }

// HasPasskey reports whether u holds a passkey.
func (s *Service) HasPasskey(ctx context.Context, u *storage.User) (bool, error) {
	list, err := s.store.ListPasskeys(ctx, u.ProjectID, u.ID)
	return len(list) > 0, err
}

// ListPasskeys lists a user's passkeys.
func (s *Service) ListPasskeys(ctx context.Context, projectID, userID string) ([]*storage.Passkey, error) {
	list, err := s.store.ListPasskeys(ctx, projectID, userID)
	if list == nil {
		list = []*storage.Passkey{}
	}
	return list, err
}

// BeginPasskeyRegistration is POST /account/passkeys/registration.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, p *storage.Project, u *storage.User) (*passkey.Options, error) {
	existing, err := s.store.ListPasskeys(ctx, p.ID, u.ID)
	if err != nil {
		return nil, err
	}
	return s.passkeys.BeginRegistration(ctx, p.ID, passkey.KindRegister, passkey.Account{ID: u.ID, Name: u.Name, Email: u.Email}, existing)
}

// FinishPasskeyRegistration is PUT /account/passkeys/registration: the
// verified credential becomes an identity of the user.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, p *storage.Project, u *storage.User, name string, body []byte, a Actor) (*storage.Passkey, error) {
	reg, err := s.passkeys.FinishRegistration(ctx, p.ID, passkey.KindRegister, u.ID, body)
	if err != nil {
		return nil, err
	}
	pk, err := s.savePasskey(ctx, p, u.ID, name, reg)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, u, "user.passkey.create", a)
	return pk, nil
}

func (s *Service) savePasskey(ctx context.Context, p *storage.Project, userID, name string, reg *passkey.Registered) (*storage.Passkey, error) {
	i, pk := s.newPasskey(p, userID, name, reg)
	return pk, passkeyErr(s.store.AddPasskey(ctx, i, pk))
}

// newPasskey makes the identity and passkey records of a registration.
func (s *Service) newPasskey(p *storage.Project, userID, name string, reg *passkey.Registered) (*storage.Identity, *storage.Passkey) {
	now := s.nowUTC()
	if name == "" {
		name = "Passkey"
	}
	id := secret.ID()
	i := &storage.Identity{ProjectID: p.ID, ID: id, UserID: userID, Provider: passkey.Provider, ProviderUID: reg.CredentialID,
		CreatedAt: now, UpdatedAt: now}
	pk := &storage.Passkey{ProjectID: p.ID, ID: id, UserID: userID, Name: name, AuthenticatorType: reg.AuthenticatorType,
		UserHandle: reg.UserHandle, Credential: reg.Credential, CreatedAt: now, UpdatedAt: now}
	return i, pk
}

func passkeyErr(err error) error {
	switch {
	case errors.Is(err, storage.ErrConflict):
		return apperr.New(apperr.PasskeyExists)
	case errors.Is(err, storage.ErrBlocked):
		return apperr.New(apperr.UserBlocked)
	case errors.Is(err, storage.ErrNotFound), errors.Is(err, storage.ErrDeletionPending):
		return apperr.New(apperr.UserNotFound)
	}
	return err
}

// userPasskey returns passkey id of userID.
func (s *Service) userPasskey(ctx context.Context, projectID, userID, id string) (*storage.Passkey, error) {
	pk, err := s.store.GetPasskey(ctx, projectID, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && pk.UserID != userID) {
		return nil, apperr.New(apperr.PasskeyNotFound)
	}
	return pk, err
}

// GetPasskey returns one of a user's passkeys.
func (s *Service) GetPasskey(ctx context.Context, projectID, userID, id string) (*storage.Passkey, error) {
	return s.userPasskey(ctx, projectID, userID, id)
}

// RenamePasskey is PATCH /account/passkeys/{id}.
func (s *Service) RenamePasskey(ctx context.Context, u *storage.User, id, name string, a Actor) (*storage.Passkey, error) {
	if _, err := s.userPasskey(ctx, u.ProjectID, u.ID, id); err != nil {
		return nil, err
	}
	out, err := s.store.UpdatePasskey(ctx, u.ProjectID, id, func(p *storage.Passkey) error {
		if p.UserID != u.ID {
			return storage.ErrNotFound // moved by an unlink meanwhile
		}
		p.Name, p.UpdatedAt = name, s.nowUTC()
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.PasskeyNotFound)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, u, "user.passkey.update", a)
	return out, nil
}

// DeletePasskey removes one of u's passkeys, unusable at once (it is its
// identity: DeleteIdentity's last-way-in rule applies).
func (s *Service) DeletePasskey(ctx context.Context, u *storage.User, id string, a Actor) error {
	if _, err := s.userPasskey(ctx, u.ProjectID, u.ID, id); err != nil {
		return err
	}
	err := s.store.DeleteIdentityIf(ctx, u.ProjectID, id, func(cur *storage.User, i *storage.Identity, rest []*storage.Identity) error {
		if i.UserID != u.ID || i.Provider != passkey.Provider {
			return apperr.New(apperr.PasskeyNotFound)
		}
		if !otherWayIn(cur, rest) {
			return apperr.Newf(apperr.UserIdentityLastWayIn, "This passkey is the user's last way to sign in. Add a password, a verified email or phone, or another identity first.")
		}
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.PasskeyNotFound)
	}
	if err != nil {
		return err
	}
	s.audit(ctx, u, "user.passkey.delete", a)
	return nil
}

// BeginPasskeySignIn is POST /account/sessions/passkey/options. Without
// an email the sign-in is discoverable: the browser offers whichever
// passkeys of the project it holds (also through autofill). With one it
// asks for that account's passkeys; an unknown email gets options as
// well, naming a credential derived from the email that exists nowhere.
func (s *Service) BeginPasskeySignIn(ctx context.Context, p *storage.Project, email string) (*passkey.Options, error) {
	if email == "" {
		return s.passkeys.BeginSignIn(ctx, p.ID, passkey.KindSignIn, "", "", nil, nil)
	}
	email = strings.ToLower(email)
	u, err := s.store.UserByEmail(ctx, p.ID, email)
	if errors.Is(err, storage.ErrNotFound) {
		if u, _, err = s.linkedWay(ctx, p.ID, WayEmail, email); errors.Is(err, storage.ErrNotFound) {
			u, err = nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	var list []*storage.Passkey
	if u != nil {
		if list, err = s.store.ListPasskeys(ctx, p.ID, u.ID); err != nil {
			return nil, err
		}
	}
	if len(list) == 0 {
		// The ceremony is bound to no user and names no real passkey: no
		// answer can complete it, and it looks like one that could.
		fake, err := hex.DecodeString(s.codeKey.Hash("passkey-decoy\x00" + p.ID + "\x00" + email))
		if err != nil {
			return nil, err
		}
		return s.passkeys.BeginSignIn(ctx, p.ID, passkey.KindSignIn, "", "~nobody", nil, fake)
	}
	return s.passkeys.BeginSignIn(ctx, p.ID, passkey.KindSignIn, "", u.ID, list, nil)
}

// SignInPasskey is POST /account/sessions/passkey: the passkey's user
// gets an ordinary session, provider "passkey".
func (s *Service) SignInPasskey(ctx context.Context, p *storage.Project, body []byte, a Actor) (*NewSession, error) {
	v, err := s.passkeys.FinishSignIn(ctx, p.ID, passkey.KindSignIn, "", "", body)
	if err != nil {
		s.noteClone(ctx, p, v, err, a)
		return nil, err
	}
	u, err := s.User(ctx, p, v.Passkey.UserID)
	if apperr.Is(err, apperr.UserNotFound) {
		// Deleted, its passkeys not yet purged: they open nothing.
		return nil, apperr.Newf(apperr.PasskeyInvalid, "This passkey is not registered in this project (it may have been deleted).")
	}
	if err != nil {
		return nil, err
	}
	if !u.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	factors := []string{FactorPasskey}
	if v.UserVerified {
		factors = append(factors, FactorUV)
	}
	ns, err := s.startSession(ctx, p, u, passkey.Provider, v.Passkey.ID, factors, a)
	if err != nil {
		return nil, err
	}
	if v.UserVerified {
		// Both proofs were made just now: the session is fresh.
		if sess, err := s.store.UpdateSession(ctx, p.ID, u.ID, ns.ID, func(sess *storage.Session) error {
			sess.MFAUpdatedAt = sess.CreatedAt
			return nil
		}); err == nil {
			ns.Session = sess
		}
	}
	return ns, nil
}

// noteClone writes a refused sign-in of a cloned passkey to its user's
// security log.
func (s *Service) noteClone(ctx context.Context, p *storage.Project, v *passkey.Verified, err error, a Actor) {
	if !apperr.Is(err, apperr.PasskeyCloned) || v == nil || v.Passkey == nil {
		return
	}
	u, uerr := s.store.GetUser(ctx, p.ID, v.Passkey.UserID)
	if uerr != nil {
		return
	}
	s.log.WarnContext(ctx, "passkey counter went backwards", "project", p.ID, "user", u.ID, "passkey", v.Passkey.ID)
	s.audit(ctx, u, "user.passkey.cloned", a)
}

// BeginPasskeySignUp is POST /account/passkeys/signup: a sign-up with a
// passkey only. The user is created when the passkey is verified.
func (s *Service) BeginPasskeySignUp(ctx context.Context, p *storage.Project, userID, name, email string) (*passkey.Options, error) {
	if err := s.checkUserLimit(ctx, p); err != nil {
		return nil, err
	}
	if userID == "" || userID == "unique()" {
		userID = secret.ID()
	}
	email = strings.ToLower(email)
	if email != "" {
		if err := emailpolicy.Check(p.Settings.Auth, email); err != nil {
			return nil, err
		}
		if err := s.emailOfIdentity(ctx, p.ID, email, "", apperr.BadRequest); err != nil {
			return nil, err
		}
		if _, err := s.store.UserByEmail(ctx, p.ID, email); err == nil {
			return nil, apperr.New(apperr.UserAlreadyExists)
		}
	}
	if _, err := s.store.GetUser(ctx, p.ID, userID); err == nil {
		return nil, apperr.New(apperr.UserAlreadyExists)
	}
	return s.passkeys.BeginRegistration(ctx, p.ID, passkey.KindSignUp, passkey.Account{ID: userID, Name: name, Email: email}, nil)
}

// SignUpPasskey is PUT /account/passkeys/signup: the user named at the
// start is created with the passkey as its one way in, and signed in.
func (s *Service) SignUpPasskey(ctx context.Context, p *storage.Project, name string, body []byte, a Actor) (*NewSession, error) {
	reg, err := s.passkeys.FinishRegistration(ctx, p.ID, passkey.KindSignUp, "", body)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	u := &storage.User{ProjectID: p.ID, ID: reg.UserID, Name: reg.Name, Email: reg.Email, Hash: "argon2", HashOptions: s.hasher.Options(),
		Registration: now, Status: true, Prefs: []byte("{}"), AccessedAt: now, CreatedAt: now, UpdatedAt: now}
	stampEmail(u)
	i, pk := s.newPasskey(p, u.ID, name, reg)
	// One transaction: the user never exists without its way in.
	if err := s.store.CreateUserWithPasskey(ctx, u, p.Settings.Auth.Limit, i, pk); err != nil {
		if errors.Is(err, storage.ErrLimit) {
			return nil, apperr.New(apperr.UserCountExceeded)
		}
		// A taken user id or email, or a credential already registered.
		if errors.Is(err, storage.ErrConflict) {
			if _, ierr := s.store.IdentityByProvider(ctx, p.ID, passkey.Provider, reg.CredentialID); ierr == nil {
				return nil, apperr.New(apperr.PasskeyExists)
			}
			return nil, apperr.New(apperr.UserAlreadyExists)
		}
		return nil, err
	}
	s.audit(ctx, u, "user.create", a)
	s.audit(ctx, u, "user.passkey.create", a)
	return s.startSession(ctx, p, u, passkey.Provider, pk.ID, []string{FactorPasskey}, a)
}

// beginPasskeyChallenge opens the WebAuthn side of an MFA challenge of
// factor passkey; the ceremony shares the challenge's id.
func (s *Service) beginPasskeyChallenge(ctx context.Context, p *storage.Project, u *storage.User, id string) (*passkey.Options, error) {
	list, err := s.store.ListPasskeys(ctx, p.ID, u.ID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.New(apperr.PasskeyNotFound)
	}
	return s.passkeys.BeginSignIn(ctx, p.ID, passkey.KindMFA, id, u.ID, list, nil)
}

// answerPasskey checks the browser's answer (the credential's JSON) to
// the MFA challenge ch.
func (s *Service) answerPasskey(ctx context.Context, u *storage.User, ch *storage.Challenge, answer string, a Actor) error {
	p := &storage.Project{ID: u.ProjectID}
	v, err := s.passkeys.FinishSignIn(ctx, u.ProjectID, passkey.KindMFA, u.ID, ch.ID, []byte(answer))
	if err != nil {
		s.noteClone(ctx, p, v, err, a)
	}
	return err
}
