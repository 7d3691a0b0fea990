package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func (s *Server) mfaRoutes() {
	user := route{scope: "account"}
	s.handle("PATCH /v1/account/mfa", user, s.updateMFA)
	s.handle("GET /v1/account/mfa/factors", route{scope: "account", mfaExempt: true, asTarget: true}, s.listFactors)
	s.handle("POST /v1/account/mfa/authenticators/{type}", user, s.createAuthenticator)
	s.handle("PUT /v1/account/mfa/authenticators/{type}", route{scope: "account", needsSess: true}, s.verifyAuthenticator)
	s.handle("DELETE /v1/account/mfa/authenticators/{type}", route{scope: "account", fresh: freshAlways}, s.deleteAuthenticator)
	s.handle("POST /v1/account/mfa/recovery-codes", user, s.createRecoveryCodes)
	s.handle("GET /v1/account/mfa/recovery-codes", route{scope: "account", fresh: freshAlways}, s.getRecoveryCodes)
	s.handle("PATCH /v1/account/mfa/recovery-codes", route{scope: "account", fresh: freshAlways}, s.regenerateRecoveryCodes)
	create := route{scope: "account", mfaExempt: true, limits: []ratelimit.Rule{perHour(10, "url:{url},userId:{userId}")}}
	s.handle("POST /v1/account/mfa/challenge", create, s.createChallenge)
	s.handle("POST /v1/account/mfa/challenges", create, s.createChallenge)
	complete := route{scope: "account", mfaExempt: true, needsSess: true, limits: []ratelimit.Rule{perHour(10, "url:{url},challengeId:{param-challengeId}")}}
	s.handle("PUT /v1/account/mfa/challenge", complete, s.completeChallenge)
	s.handle("PUT /v1/account/mfa/challenges", complete, s.completeChallenge)

	read, write := route{scope: "users.read"}, route{scope: "users.write"}
	s.handle("GET /v1/users/{userId}/mfa/factors", read, s.withUser(s.userFactors))
	s.handle("GET /v1/users/{userId}/mfa/recovery-codes", route{scope: "users.read", keyOnly: true}, s.withUser(s.userRecoveryCodes))
	s.handle("PATCH /v1/users/{userId}/mfa/recovery-codes", write, s.withUser(s.userCreateRecoveryCodes))
	s.handle("PUT /v1/users/{userId}/mfa/recovery-codes", write, s.withUser(s.userRegenerateRecoveryCodes))
	s.handle("DELETE /v1/users/{userId}/mfa/authenticators/{type}", write, s.withUser(s.userDeleteAuthenticator))
}

type factorsModel struct {
	TOTP         bool `json:"totp"`
	Phone        bool `json:"phone"`
	Email        bool `json:"email"`
	RecoveryCode bool `json:"recoveryCode"`
	Passkey      bool `json:"passkey"` // Gatehouse's
}

func factorsOf(f account.Factors) factorsModel {
	return factorsModel{TOTP: f.TOTP, Phone: f.Phone, Email: f.Email, RecoveryCode: f.RecoveryCode, Passkey: f.Passkey}
}

type codesModel struct {
	RecoveryCodes []string `json:"recoveryCodes"`
}

func (c *call) authenticatorType() error {
	if t := c.r.PathValue("type"); t != "totp" {
		return apperr.Invalid("type", "Value must be one of (totp)")
	}
	return nil
}

func (s *Server) updateMFA(c *call) error {
	on, sent, err := c.p.boolean("mfa")
	if err != nil {
		return err
	}
	if !sent {
		return apperr.Missing("mfa")
	}
	// Turning MFA off is a sensitive change: it needs a fresh factor.
	if !on && c.user().MFA && !s.Accounts.FreshFactor(c.me()) {
		return apperr.New(apperr.UserChallengeRequired)
	}
	u, err := s.Accounts.SetMFA(c.ctx(), c.me(), on, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, accountOf(u))
}

func (s *Server) listFactors(c *call) error {
	f, err := s.Accounts.ListFactors(c.ctx(), c.user())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, factorsOf(f))
}

type mfaTypeModel struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
}

func (s *Server) createAuthenticator(c *call) error {
	if err := c.authenticatorType(); err != nil {
		return err
	}
	k, err := s.Accounts.CreateTOTP(c.ctx(), c.project.Project, c.user())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, mfaTypeModel{Secret: k.Secret, URI: k.URI})
}

func (s *Server) verifyAuthenticator(c *call) error {
	if err := c.authenticatorType(); err != nil {
		return err
	}
	code, err := c.p.required("otp")
	if err != nil {
		return err
	}
	if err := validate.Text("otp", code, 1, 256); err != nil {
		return err
	}
	u, err := s.Accounts.VerifyTOTP(c.ctx(), c.me(), code, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, accountOf(u))
}

func (s *Server) deleteAuthenticator(c *call) error {
	if err := c.authenticatorType(); err != nil {
		return err
	}
	if err := s.Accounts.DeleteTOTP(c.ctx(), c.user(), c.actor()); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) createRecoveryCodes(c *call) error {
	codes, err := s.Accounts.CreateRecoveryCodes(c.ctx(), c.user(), c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, codesModel{RecoveryCodes: codes})
}

func (s *Server) getRecoveryCodes(c *call) error {
	codes, err := s.Accounts.RecoveryCodes(c.user())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, codesModel{RecoveryCodes: codes})
}

func (s *Server) regenerateRecoveryCodes(c *call) error {
	codes, err := s.Accounts.RegenerateRecoveryCodes(c.ctx(), c.user(), c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, codesModel{RecoveryCodes: codes})
}

type challengeModel struct {
	ID        string `json:"$id"`
	CreatedAt string `json:"$createdAt"`
	UserID    string `json:"userId"`
	Expire    string `json:"expire"`
}

func (s *Server) createChallenge(c *call) error {
	f, err := c.p.required("factor")
	if err != nil {
		return err
	}
	// Refused before a code is sent: a challenge of the session's own
	// kind of sign-in would not count.
	if err := s.Accounts.ChallengeCounts(c.me(), f); err != nil {
		return err
	}
	ch, opts, err := s.Accounts.CreateChallenge(c.ctx(), c.project.Project, c.user(), f, c.actor())
	if err != nil {
		return err
	}
	m := challengeModel{ID: ch.ID, CreatedAt: when(ch.CreatedAt), UserID: ch.UserID, Expire: when(ch.Expire)}
	if opts != nil {
		return c.json(http.StatusOK, passkeyChallengeModel{challengeModel: m, PublicKey: opts.PublicKey})
	}
	return c.json(http.StatusOK, m)
}

func (s *Server) completeChallenge(c *call) error {
	id, err := c.p.required("challengeId")
	if err != nil {
		return err
	}
	if err := validate.Text("challengeId", id, 1, 256); err != nil {
		return err
	}
	code, err := c.p.required("otp")
	if err != nil {
		return err
	}
	// A passkey's answer is its credential's JSON.
	if err := validate.Text("otp", code, 1, maxCredential); err != nil {
		return err
	}
	sess, err := s.Accounts.CompleteChallenge(c.ctx(), c.me(), id, code, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, c.sessionOf(sess, true, ""))
}

func (s *Server) userFactors(c *call, u *storage.User) error {
	f, err := s.Accounts.ListFactors(c.ctx(), u)
	if err != nil {
		return err
	}
	f.RecoveryCode = false // as Appwrite's Users API reports it
	return c.json(http.StatusOK, factorsOf(f))
}

func (s *Server) userRecoveryCodes(c *call, u *storage.User) error {
	codes, err := s.Accounts.RecoveryCodes(u)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, codesModel{RecoveryCodes: codes})
}

func (s *Server) userCreateRecoveryCodes(c *call, u *storage.User) error {
	codes, err := s.Accounts.CreateRecoveryCodes(c.ctx(), u, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, codesModel{RecoveryCodes: codes})
}

func (s *Server) userRegenerateRecoveryCodes(c *call, u *storage.User) error {
	codes, err := s.Accounts.RegenerateRecoveryCodes(c.ctx(), u, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, codesModel{RecoveryCodes: codes})
}

func (s *Server) userDeleteAuthenticator(c *call, u *storage.User) error {
	if err := c.authenticatorType(); err != nil {
		return err
	}
	if err := s.Accounts.DeleteTOTP(c.ctx(), u, c.actor()); err != nil {
		return err
	}
	return c.noContent()
}
