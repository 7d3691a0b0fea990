package httpapi

import (
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// authMethods maps the console's path names to the project's method keys.
var authMethods = map[string]string{
	"email-password": "emailPassword",
	"magic-url":      "usersAuthMagicURL",
	"email-otp":      "emailOtp",
	"anonymous":      "anonymous",
	"invites":        "invites",
	"jwt":            "JWT",
	"phone":          "phone",
}

func (s *Server) authSettingRoutes(admin route) {
	intSetting := func(path, param string, min, max int64, set func(*storage.AuthSettings, int)) {
		s.handle("PATCH /v1/projects/{projectId}/auth/"+path, admin, func(c *call) error {
			n, sent, err := c.p.integer(param, min, max)
			if err != nil {
				return err
			}
			if !sent {
				return apperr.Missing(param)
			}
			return s.updateAuth(c, func(a *storage.AuthSettings) error {
				set(a, int(n))
				return nil
			})
		})
	}
	boolSetting := func(path, param string, set func(*storage.AuthSettings, bool)) {
		s.handle("PATCH /v1/projects/{projectId}/auth/"+path, admin, func(c *call) error {
			on, sent, err := c.p.boolean(param)
			if err != nil {
				return err
			}
			if !sent {
				return apperr.Missing(param)
			}
			return s.updateAuth(c, func(a *storage.AuthSettings) error {
				set(a, on)
				return nil
			})
		})
	}
	intSetting("limit", "limit", 0, 10000, func(a *storage.AuthSettings, n int) { a.Limit = n })
	intSetting("duration", "duration", 0, 31536000, func(a *storage.AuthSettings, n int) { a.Duration = n })
	intSetting("max-sessions", "limit", 1, 100, func(a *storage.AuthSettings, n int) { a.MaxSessions = n })
	intSetting("password-history", "limit", 0, 20, func(a *storage.AuthSettings, n int) { a.PasswordHistory = n })
	boolSetting("password-dictionary", "enabled", func(a *storage.AuthSettings, on bool) { a.PasswordDictionary = on })
	boolSetting("personal-data", "enabled", func(a *storage.AuthSettings, on bool) { a.PersonalDataCheck = on })
	boolSetting("session-alerts", "alerts", func(a *storage.AuthSettings, on bool) { a.SessionAlerts = on })
	boolSetting("session-invalidation", "enabled", func(a *storage.AuthSettings, on bool) { a.InvalidateSessions = on })
	boolSetting("multi-accounts", "enabled", func(a *storage.AuthSettings, on bool) { a.MultiAccounts = on })
	// The email policies (Appwrite's public routes for them are the
	// Project API's /v1/project/policies/deny-*-email).
	for _, id := range project.EmailPolicyIDs {
		boolSetting(id, "enabled", func(a *storage.AuthSettings, on bool) { project.SetEmailPolicy(a, id, on) })
	}
	s.handle("PATCH /v1/projects/{projectId}/auth/memberships-privacy", admin, s.updateMembershipsPrivacy)
	s.handle("PATCH /v1/projects/{projectId}/auth/mock-numbers", admin, s.updateMockNumbers)
	s.handle("PATCH /v1/projects/{projectId}/auth/linking", admin, s.updateLinking)
	s.handle("PATCH /v1/projects/{projectId}/auth/password-strength", admin, s.updatePasswordStrength)
	// Registered last: the literal paths above are more specific.
	s.handle("PATCH /v1/projects/{projectId}/auth/{method}", admin, s.updateAuthMethod)
}

func (s *Server) updateAuth(c *call, fn func(*storage.AuthSettings) error) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	return s.updateProjectWith(c, id, func(p *storage.Project) error { return fn(&p.Settings.Auth) })
}

func (s *Server) updateAuthMethod(c *call) error {
	key, ok := authMethods[c.r.PathValue("method")]
	if !ok {
		return apperr.Invalid("method", "Value must be one of ("+methodNames()+")")
	}
	on, sent, err := c.p.boolean("status")
	if err != nil {
		return err
	}
	if !sent {
		return apperr.Missing("status")
	}
	return s.updateAuth(c, func(a *storage.AuthSettings) error {
		if a.Methods == nil {
			a.Methods = map[string]bool{}
		}
		a.Methods[key] = on
		return nil
	})
}

func methodNames() string {
	return "email-password, magic-url, email-otp, anonymous, invites, jwt, phone"
}

func (s *Server) updateMembershipsPrivacy(c *call) error {
	var vals [3]bool
	for i, name := range []string{"userName", "userEmail", "mfa"} {
		v, sent, err := c.p.boolean(name)
		if err != nil {
			return err
		}
		if !sent {
			return apperr.Missing(name)
		}
		vals[i] = v
	}
	return s.updateAuth(c, func(a *storage.AuthSettings) error {
		a.MembershipsUserName, a.MembershipsUserEmail, a.MembershipsMFA = vals[0], vals[1], vals[2]
		return nil
	})
}

func (s *Server) updateMockNumbers(c *call) error {
	raw, ok := c.p.raw("numbers")
	if !ok {
		return apperr.Missing("numbers")
	}
	var nums []storage.MockNumber
	if err := jsonStrict(raw, &nums); err != nil || len(nums) > 10 {
		return apperr.Invalid("numbers", "Value must be an array of at most 10 objects with phone and otp")
	}
	for _, n := range nums {
		if err := validate.Phone("numbers", n.Phone); err != nil {
			return err
		}
		if len(n.OTP) != 6 || !allDigits(n.OTP) {
			return apperr.Invalid("numbers", "otp must be 6 digits")
		}
	}
	return s.updateAuth(c, func(a *storage.AuthSettings) error {
		a.MockNumbers = nums
		return nil
	})
}

// updateLinking sets what an OAuth2 sign-in does with an email that
// belongs to another user (a Gatehouse setting; see docs/linking.md).
func (s *Server) updateLinking(c *call) error {
	mode, err := c.p.required("mode")
	if err != nil {
		return err
	}
	switch mode {
	case "automatic", "suggested", "off":
	default:
		return apperr.Invalid("mode", "Value must be one of (automatic, suggested, off)")
	}
	return s.updateAuth(c, func(a *storage.AuthSettings) error {
		a.LinkingMode = mode
		return nil
	})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// updatePasswordStrength is a partial update of the password-strength
// policy: min (8 to 256) and the four character classes; what is not
// sent stays.
func (s *Server) updatePasswordStrength(c *call) error {
	n, minSent, err := c.p.integer("min", password.MinLen, password.MaxLen)
	if err != nil {
		return err
	}
	var classes [4]struct{ on, sent bool }
	for i, name := range []string{"uppercase", "lowercase", "number", "symbols"} {
		if classes[i].on, classes[i].sent, err = c.p.boolean(name); err != nil {
			return err
		}
	}
	return s.updateAuth(c, func(a *storage.AuthSettings) error {
		ps := &a.PasswordStrength
		if minSent {
			ps.Min = int(n)
		}
		for i, dst := range []*bool{&ps.Uppercase, &ps.Lowercase, &ps.Number, &ps.Symbols} {
			if classes[i].sent {
				*dst = classes[i].on
			}
		}
		return nil
	})
}
