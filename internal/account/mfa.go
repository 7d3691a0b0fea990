package account

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/passkey"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// MFA timing rules.
const (
	// FreshFactor is how recent a completed challenge must be for the
	// sensitive changes (Appwrite uses 30 minutes; Gatehouse is stricter).
	FreshFactor       = 15 * time.Minute
	ChallengeLifetime = 15 * time.Minute
	totpPeriod        = 30
	maxChallengeTries = 5
	recoveryCodeCount = 6
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPKey is a new, not yet verified authenticator for the user to scan.
type TOTPKey struct {
	Secret string // base32
	URI    string // otpauth://totp/...
}

// CreateTOTP starts enrolling an authenticator app; an unverified one is
// replaced, a verified one must be deleted first.
func (s *Service) CreateTOTP(ctx context.Context, p *storage.Project, u *storage.User) (*TOTPKey, error) {
	label := u.Email
	if label == "" {
		label = u.ID
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: p.Name, AccountName: label, Period: totpPeriod,
		SecretSize: 20, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	err = s.store.PutAuthenticator(ctx, &storage.Authenticator{ProjectID: u.ProjectID, UserID: u.ID, Type: "totp",
		Secret: s.seal.Seal(key.Secret()), CreatedAt: now, UpdatedAt: now})
	if errors.Is(err, storage.ErrConflict) {
		return nil, apperr.New(apperr.UserAuthenticatorVerified)
	}
	if err != nil {
		return nil, err
	}
	return &TOTPKey{Secret: key.Secret(), URI: key.URL()}, nil
}

// checkTOTP accepts a code of the previous, current or next 30-second
// step, but never a step at or before the last one accepted: each code
// works once. It runs inside the authenticator's transaction.
func (s *Service) checkTOTP(a *storage.Authenticator, code string) error {
	key, err := s.seal.Open(a.Secret)
	if err != nil {
		return err
	}
	now := s.now()
	step := now.Unix() / totpPeriod
	for _, d := range []int64{-1, 0, 1} {
		st := step + d
		want, err := totp.GenerateCodeCustom(key, time.Unix(st*totpPeriod, 0), totpOpts)
		if err != nil {
			return err
		}
		if secret.Equal(want, code) {
			if st <= a.LastStep {
				break // replayed
			}
			a.LastStep = st
			a.UpdatedAt = s.nowUTC()
			return nil
		}
	}
	return apperr.New(apperr.UserInvalidToken)
}

// VerifyTOTP completes enrolment with a first code; the current session
// counts the factor as done, but is not made fresh (see enrolFactor).
func (s *Service) VerifyTOTP(ctx context.Context, c *Caller, code string, a Actor) (*storage.User, error) {
	u := c.User
	_, err := s.store.UpdateAuthenticator(ctx, u.ProjectID, u.ID, "totp", func(au *storage.Authenticator) error {
		if au.Verified {
			return apperr.New(apperr.UserAuthenticatorVerified)
		}
		if err := s.checkTOTP(au, code); err != nil {
			return err
		}
		au.Verified = true
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserAuthenticatorNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := s.enrolFactor(ctx, c, "totp"); err != nil {
		return nil, err
	}
	s.audit(ctx, u, "user.mfa.totp.create", a)
	return s.User(ctx, &storage.Project{ID: u.ProjectID}, u.ID)
}

// DeleteTOTP removes the authenticator.
func (s *Service) DeleteTOTP(ctx context.Context, u *storage.User, a Actor) error {
	err := s.store.DeleteAuthenticator(ctx, u.ProjectID, u.ID, "totp")
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.UserAuthenticatorNotFound)
	}
	if err == nil {
		s.audit(ctx, u, "user.mfa.totp.delete", a)
	}
	return err
}

// addFactor records a completed factor on the caller's session.
func (s *Service) addFactor(ctx context.Context, c *Caller, factor string) error {
	if c.Session == nil || c.ByJWT {
		return nil
	}
	now := s.nowUTC()
	sess, err := s.store.UpdateSession(ctx, c.User.ProjectID, c.User.ID, c.Session.ID, func(sess *storage.Session) error {
		if !slices.Contains(sess.Factors, factor) {
			sess.Factors = append(sess.Factors, factor)
		}
		sess.MFAUpdatedAt = now
		sess.UpdatedAt = now
		return nil
	})
	if err == nil {
		c.Session = sess
	}
	return err
}

// Factors reports which second factors the user can use.
type Factors struct {
	TOTP, Phone, Email, RecoveryCode, Passkey bool
}

// ListFactors is GET /account/mfa/factors.
func (s *Service) ListFactors(ctx context.Context, u *storage.User) (Factors, error) {
	has, err := s.HasPasskey(ctx, u)
	return Factors{TOTP: u.TOTP, Phone: u.Phone != "" && u.PhoneVerification, Email: u.Email != "" && u.EmailVerification,
		RecoveryCode: u.RecoveryCodes != "", Passkey: has}, err
}

// SetMFA is PATCH /account/mfa. Turning it on needs a verified factor
// (else nothing would be asked at sign-in) and counts every factor the
// user has as done on the current session, so it does not lock itself out.
func (s *Service) SetMFA(ctx context.Context, c *Caller, on bool, a Actor) (*storage.User, error) {
	u := c.User
	f, err := s.ListFactors(ctx, u)
	if err != nil {
		return nil, err
	}
	if on && !f.TOTP && !f.Email && !f.Phone && !f.Passkey {
		return nil, apperr.Newf(apperr.ArgumentInvalid, "Turning on MFA needs a verified factor first: a verified email or phone, an authenticator app or a passkey.")
	}
	if on && !mfaSatisfiable(u, f) {
		return nil, apperr.Newf(apperr.ArgumentInvalid, "Turning on MFA needs two kinds of factor to sign in with (a password, an authenticator app, a passkey, a verified email or phone); add one first.")
	}
	out, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		cur.MFA = on
		return nil
	})
	if err != nil || !on {
		return out, err
	}
	for _, name := range []struct {
		on     bool
		factor string
	}{{f.TOTP, "totp"}, {f.Email, "email"}, {f.Phone, "phone"}, {f.Passkey, FactorPasskey}} {
		if name.on {
			if err := s.enrolFactor(ctx, c, name.factor); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// recoveryCodes generates Appwrite-style codes: 10 lower-case hex digits.
func recoveryCodes() []string {
	out := make([]string, recoveryCodeCount)
	for i := range out {
		out[i] = secret.Hex(5)
	}
	return out
}

func (s *Service) readCodes(u *storage.User) ([]string, error) {
	if u.RecoveryCodes == "" {
		return nil, apperr.New(apperr.UserRecoveryCodesNotFound)
	}
	plain, err := s.seal.Open(u.RecoveryCodes)
	if err != nil {
		return nil, err
	}
	var codes []string
	err = json.Unmarshal([]byte(plain), &codes)
	return codes, err
}

func (s *Service) sealCodes(codes []string) string {
	if len(codes) == 0 {
		return ""
	}
	b, _ := json.Marshal(codes)
	return s.seal.Seal(string(b))
}

// CreateRecoveryCodes makes the codes, once.
func (s *Service) CreateRecoveryCodes(ctx context.Context, u *storage.User, a Actor) ([]string, error) {
	codes := recoveryCodes()
	_, err := s.update(ctx, u, "user.mfa.recovery.create", a, func(cur *storage.User) error {
		if cur.RecoveryCodes != "" {
			return apperr.New(apperr.UserRecoveryCodesExist)
		}
		cur.RecoveryCodes = s.sealCodes(codes)
		return nil
	})
	return codes, err
}

// RecoveryCodes reads the unused codes.
func (s *Service) RecoveryCodes(u *storage.User) ([]string, error) { return s.readCodes(u) }

// RegenerateRecoveryCodes replaces every code.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, u *storage.User, a Actor) ([]string, error) {
	codes := recoveryCodes()
	_, err := s.update(ctx, u, "user.mfa.recovery.update", a, func(cur *storage.User) error {
		if cur.RecoveryCodes == "" {
			return apperr.New(apperr.UserRecoveryCodesNotFound)
		}
		cur.RecoveryCodes = s.sealCodes(codes)
		return nil
	})
	return codes, err
}

// normalFactor maps the factor names SDKs send to Gatehouse's.
func normalFactor(f string) (string, bool) {
	switch strings.ToLower(f) {
	case "totp":
		return "totp", true
	case "email":
		return "email", true
	case "phone":
		return "phone", true
	case "recoverycode":
		return "recoverycode", true
	case "passkey":
		return FactorPasskey, true
	}
	return "", false
}

// CreateChallenge starts a second-factor check; email and phone get a
// code sent.
func (s *Service) CreateChallenge(ctx context.Context, p *storage.Project, u *storage.User, factor string, a Actor) (*storage.Challenge, *passkey.Options, error) {
	f, ok := normalFactor(factor)
	if !ok {
		return nil, nil, apperr.Invalid("factor", "Value must be one of (email, phone, totp, recoverycode, passkey)")
	}
	if f == FactorPasskey {
		return s.createPasskeyChallenge(ctx, p, u)
	}
	ch, err := s.createChallenge(ctx, p, u, f, a)
	return ch, nil, err
}

// createPasskeyChallenge is an MFA challenge of factor passkey: its
// WebAuthn ceremony shares its id and its lifetime.
func (s *Service) createPasskeyChallenge(ctx context.Context, p *storage.Project, u *storage.User) (*storage.Challenge, *passkey.Options, error) {
	now := s.nowUTC()
	ch := &storage.Challenge{ProjectID: p.ID, ID: secret.ID(), UserID: u.ID, Type: FactorPasskey, Expire: now.Add(passkey.Lifetime), CreatedAt: now}
	opts, err := s.beginPasskeyChallenge(ctx, p, u, ch.ID)
	if err != nil {
		return nil, nil, err
	}
	ch.Expire = opts.Expire
	if err := s.store.CreateChallenge(ctx, ch); err != nil {
		return nil, nil, err
	}
	return ch, opts, nil
}

func (s *Service) createChallenge(ctx context.Context, p *storage.Project, u *storage.User, f string, a Actor) (*storage.Challenge, error) {
	var code, to string
	switch f {
	case "email":
		switch {
		case u.Email == "":
			return nil, apperr.New(apperr.UserEmailNotFound)
		case !u.EmailVerification:
			return nil, apperr.New(apperr.UserEmailNotVerified)
		}
		code, to = secret.Digits(6), u.Email
	case "phone":
		switch {
		case u.Phone == "":
			return nil, apperr.New(apperr.UserPhoneNotFound)
		case !u.PhoneVerification:
			return nil, apperr.New(apperr.UserPhoneNotVerified)
		}
		code, to = secret.Digits(6), u.Phone
		if mock, ok := mockCode(p, u.Phone); ok {
			code, to = mock, ""
		}
	case "totp":
		if !u.TOTP {
			return nil, apperr.New(apperr.UserAuthenticatorNotFound)
		}
	case "recoverycode":
		if u.RecoveryCodes == "" {
			return nil, apperr.New(apperr.UserRecoveryCodesNotFound)
		}
	}
	now := s.nowUTC()
	ch := &storage.Challenge{ProjectID: p.ID, ID: secret.ID(), UserID: u.ID, Type: f, Expire: now.Add(ChallengeLifetime), CreatedAt: now}
	if code != "" {
		ch.CodeHash = s.codeKey.Hash(code)
	}
	if err := s.store.CreateChallenge(ctx, ch); err != nil {
		return nil, err
	}
	if to != "" {
		m := outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "mfaChallenge", To: to, ToName: u.Name, Locale: a.Locale,
			Vars: vars(p, u, map[string]string{"otp": code})}
		if f == "phone" {
			m.Channel, m.Vars["secret"] = outbox.SMS, code
		}
		if err := s.send(ctx, m); err != nil {
			return nil, err
		}
	}
	return ch, nil
}

// CompleteChallenge checks the answer; the session then holds the factor.
func (s *Service) CompleteChallenge(ctx context.Context, c *Caller, id, answer string, a Actor) (*storage.Session, error) {
	u := c.User
	ch, err := s.store.GetChallenge(ctx, u.ProjectID, u.ID, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !s.now().Before(ch.Expire)) {
		return nil, apperr.New(apperr.UserInvalidToken)
	}
	if err != nil {
		return nil, err
	}
	if err := s.ChallengeCounts(c, ch.Type); err != nil {
		return nil, err
	}
	if err := s.answer(ctx, u, ch, answer, a); err != nil {
		if apperr.Is(err, apperr.UserInvalidToken) {
			if ferr := s.store.FailChallenge(ctx, u.ProjectID, ch.ID, maxChallengeTries); ferr != nil {
				s.log.WarnContext(ctx, "count challenge attempt", "err", ferr)
			}
		}
		return nil, err
	}
	if err := s.store.DeleteChallenge(ctx, u.ProjectID, ch.ID); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, apperr.New(apperr.UserInvalidToken) // answered twice at once
		}
		return nil, err
	}
	factor := ch.Type
	if err := s.addFactor(ctx, c, factor); err != nil {
		return nil, err
	}
	s.audit(ctx, u, "session.update", a)
	return c.Session, nil
}

func (s *Service) answer(ctx context.Context, u *storage.User, ch *storage.Challenge, answer string, a Actor) error {
	bad := apperr.New(apperr.UserInvalidToken)
	switch ch.Type {
	case "email", "phone":
		if ch.CodeHash == "" || !secret.Equal(s.codeKey.Hash(answer), ch.CodeHash) {
			return bad
		}
		return nil
	case "totp":
		_, err := s.store.UpdateAuthenticator(ctx, u.ProjectID, u.ID, "totp", func(au *storage.Authenticator) error {
			if !au.Verified {
				return bad
			}
			return s.checkTOTP(au, answer)
		})
		if errors.Is(err, storage.ErrNotFound) {
			return bad
		}
		return err
	case FactorPasskey:
		return s.answerPasskey(ctx, u, ch, answer, a)
	case "recoverycode":
		_, err := s.update(ctx, u, "user.mfa.recovery.use", a, func(cur *storage.User) error {
			codes, err := s.readCodes(cur)
			if err != nil {
				return bad
			}
			i := slices.IndexFunc(codes, func(code string) bool { return secret.Equal(code, strings.ToLower(answer)) })
			if i < 0 {
				return bad
			}
			cur.RecoveryCodes = s.sealCodes(slices.Delete(codes, i, i+1))
			return nil
		})
		return err
	}
	return bad
}

// FreshFactor reports whether the caller completed a second factor in the
// last FreshFactor (only asked when the user has MFA on, or for the
// recovery codes and authenticator removal, always).
func (s *Service) FreshFactor(c *Caller) bool {
	return c.Session != nil && !c.Session.MFAUpdatedAt.IsZero() && s.now().Sub(c.Session.MFAUpdatedAt) < FreshFactor
}
