package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// tokenRoutes are the flows that send a secret to a person: sign-in codes
// and links, password recovery, email and phone verification.
func (s *Server) tokenRoutes() {
	email := route{scope: "sessions.write", method: "emailOtp",
		limits: []ratelimit.Rule{perHour(10, "url:{url},email:{param-email}"), perHour(10, "url:{url},ip:{ip}")}}
	s.handle("POST /v1/account/tokens/email", email, s.createEmailToken)
	magic := route{scope: "sessions.write", method: "usersAuthMagicURL",
		limits: []ratelimit.Rule{perHour(60, "url:{url},email:{param-email}"), perHour(60, "url:{url},ip:{ip}")}}
	s.handle("POST /v1/account/tokens/magic-url", magic, s.createMagicURLToken)
	s.handle("POST /v1/account/sessions/magic-url", magic, s.createMagicURLToken)
	phone := route{scope: "sessions.write", method: "phone",
		limits: []ratelimit.Rule{perHour(10, "url:{url},phone:{param-phone}"), perHour(10, "url:{url},ip:{ip}")}}
	s.handle("POST /v1/account/tokens/phone", phone, s.createPhoneToken)
	s.handle("POST /v1/account/sessions/phone", phone, s.createPhoneToken)

	s.handle("POST /v1/account/recovery", route{scope: "sessions.write",
		limits: []ratelimit.Rule{perHour(10, "url:{url},email:{param-email}"), perHour(10, "url:{url},ip:{ip}")}}, s.createRecovery)
	s.handle("PUT /v1/account/recovery", route{scope: "sessions.write",
		limits: []ratelimit.Rule{perHour(10, "url:{url},userId:{param-userId}")}}, s.updateRecovery)

	verify := route{scope: "account", limits: []ratelimit.Rule{perHour(10, "url:{url},userId:{userId}")}}
	s.handle("POST /v1/account/verifications/email", verify, s.createEmailVerification)
	s.handle("POST /v1/account/verification", verify, s.createEmailVerification)
	confirm := route{scope: "public", limits: []ratelimit.Rule{perHour(10, "url:{url},userId:{param-userId}")}}
	s.handle("PUT /v1/account/verifications/email", confirm, s.confirmVerification(storage.TokenVerification))
	s.handle("PUT /v1/account/verification", confirm, s.confirmVerification(storage.TokenVerification))
	phoneVerify := route{scope: "account", method: "phone",
		limits: []ratelimit.Rule{perHour(10, "url:{url},userId:{userId}"), perHour(10, "url:{url},ip:{ip}")}}
	s.handle("POST /v1/account/verifications/phone", phoneVerify, s.createPhoneVerification)
	s.handle("POST /v1/account/verification/phone", phoneVerify, s.createPhoneVerification)
	phoneConfirm := route{scope: "public", limits: []ratelimit.Rule{perHour(10, "userId:{param-userId}")}}
	s.handle("PUT /v1/account/verifications/phone", phoneConfirm, s.confirmVerification(storage.TokenPhoneVerification))
	s.handle("PUT /v1/account/verification/phone", phoneConfirm, s.confirmVerification(storage.TokenPhoneVerification))
	s.disownRoutes()
}

// redirectParam reads a URL the server will send people to, which must
// belong to one of the project's platforms: a web platform's host for
// http(s), a registered scheme otherwise.
func (c *call) redirectParam(name string, required bool) (string, error) {
	raw, sent, err := c.p.str(name)
	if err != nil {
		return "", err
	}
	if !sent || raw == "" {
		if required {
			return "", apperr.Missing(name)
		}
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || len(raw) > 2048 {
		return "", apperr.Invalid(name, "Value must be a valid URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		// The API's own host counts as configured, never as the request's
		// Host header says: its sender chooses that, and a link in mail
		// (with its secret) must not lead to a host of theirs.
		if u.Host == "" || !(c.project.HostAllowed(u.Hostname()) || strings.EqualFold(u.Hostname(), c.s.ownHost())) {
			return "", apperr.Invalid(name, "URL host must be one of the project's web platforms")
		}
	case "javascript", "data", "file", "vbscript":
		return "", apperr.Invalid(name, "Value must be a valid URL")
	default:
		if !c.project.SchemeAllowed(u.Scheme) {
			return "", apperr.Invalid(name, "URL scheme must be registered as a platform of the project")
		}
	}
	return raw, nil
}

// tokenCreated answers with a Token: the secret only for API keys.
func (c *call) tokenCreated(t *account.IssuedToken) error {
	sec := ""
	if c.key != nil {
		sec = t.Secret
	}
	return c.json(http.StatusCreated, tokenOf(t.Token, sec, t.Phrase))
}

func (c *call) tokenRequest(withEmail bool) (account.TokenRequest, error) {
	var in account.TokenRequest
	id, err := c.p.required("userId")
	if err != nil {
		return in, err
	}
	if err := validate.CustomID("userId", id); err != nil {
		return in, err
	}
	in.UserID = id
	if withEmail {
		if in.Email, err = c.p.required("email"); err != nil {
			return in, err
		}
		if err := validate.Email("email", in.Email); err != nil {
			return in, err
		}
		if in.Phrase, _, err = c.p.boolean("phrase"); err != nil {
			return in, err
		}
	}
	return in, nil
}

func (s *Server) createEmailToken(c *call) error {
	in, err := c.tokenRequest(true)
	if err != nil {
		return err
	}
	t, err := s.Accounts.CreateEmailToken(c.ctx(), c.project.Project, in, c.actor())
	if err != nil {
		return err
	}
	return c.tokenCreated(t)
}

func (s *Server) createMagicURLToken(c *call) error {
	in, err := c.tokenRequest(true)
	if err != nil {
		return err
	}
	if in.URL, err = c.redirectParam("url", true); err != nil {
		return err
	}
	t, err := s.Accounts.CreateMagicURLToken(c.ctx(), c.project.Project, in, c.actor())
	if err != nil {
		return err
	}
	return c.tokenCreated(t)
}

func (s *Server) createPhoneToken(c *call) error {
	in, err := c.tokenRequest(false)
	if err != nil {
		return err
	}
	if in.Phone, err = c.p.required("phone"); err != nil {
		return err
	}
	if err := validate.Phone("phone", in.Phone); err != nil {
		return err
	}
	t, err := s.Accounts.CreatePhoneToken(c.ctx(), c.project.Project, in, c.actor())
	if err != nil {
		return err
	}
	if c.key != nil {
		// Appwrite hands servers the code wrapped like a session string.
		t.Secret = sessionStringOf(t.UserID, t.Secret)
	}
	return c.tokenCreated(t)
}

func (s *Server) createRecovery(c *call) error {
	email, err := c.p.required("email")
	if err != nil {
		return err
	}
	if err := validate.Email("email", email); err != nil {
		return err
	}
	link, err := c.redirectParam("url", true)
	if err != nil {
		return err
	}
	t, err := s.Accounts.CreateRecovery(c.ctx(), c.project.Project, email, link, c.actor())
	if err != nil {
		return err
	}
	return c.tokenCreated(t)
}

// secretParams reads userId and secret of the confirm routes.
func (c *call) secretParams() (string, string, error) {
	uid, err := c.p.required("userId")
	if err != nil {
		return "", "", err
	}
	if err := validate.UID("userId", uid); err != nil {
		return "", "", err
	}
	raw, err := c.p.required("secret")
	if err != nil {
		return "", "", err
	}
	return uid, raw, validate.Text("secret", raw, 1, 256)
}

func (s *Server) updateRecovery(c *call) error {
	uid, raw, err := c.secretParams()
	if err != nil {
		return err
	}
	pw, err := c.newPasswordParam()
	if err != nil {
		return err
	}
	t, err := s.Accounts.CompleteRecovery(c.ctx(), c.project.Project, uid, raw, pw, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, tokenOf(t, "", ""))
}

func (s *Server) createEmailVerification(c *call) error {
	link, err := c.redirectParam("url", true)
	if err != nil {
		return err
	}
	t, err := s.Accounts.CreateEmailVerification(c.ctx(), c.project.Project, c.me(), link, s.disownURL(c.project.ID), c.actor())
	if err != nil {
		return err
	}
	return c.tokenCreated(t)
}

func (s *Server) createPhoneVerification(c *call) error {
	t, err := s.Accounts.CreatePhoneVerification(c.ctx(), c.project.Project, c.me(), c.actor())
	if err != nil {
		return err
	}
	return c.tokenCreated(t)
}

func (s *Server) confirmVerification(typ storage.TokenType) handlerFunc {
	return func(c *call) error {
		uid, raw, err := c.secretParams()
		if err != nil {
			return err
		}
		// The caller, when there is one, may be the session that asked
		// for the link: that one keeps the account as it is.
		t, err := s.Accounts.CompleteVerification(c.ctx(), c.project.Project, c.me(), uid, raw, typ, c.actor())
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, tokenOf(t, "", ""))
	}
}
