package httpapi

import (
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
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
	"passkey":        "passkey",
}

func (s *Server) authSettingRoutes(admin route) {
	// The console's aliases of the Project API's policies, with their
	// own parameter names and ranges; the update is the same.
	intSetting := func(path, param string, min, max int64, num func(*storage.AuthSettings) *int) {
		p := policy{id: path, num: num, numArg: param, min: min, max: max}
		s.handle("PATCH /v1/projects/{projectId}/auth/"+path, admin, func(c *call) error {
			id, err := c.projectIDParam()
			if err != nil {
				return err
			}
			return s.updatePolicy(c, id, p)
		})
	}
	boolSetting := func(path, param string, flag func(*storage.AuthSettings) *bool) {
		p := policy{id: path, flag: flag, flagArg: param}
		s.handle("PATCH /v1/projects/{projectId}/auth/"+path, admin, func(c *call) error {
			id, err := c.projectIDParam()
			if err != nil {
				return err
			}
			return s.updatePolicy(c, id, p)
		})
	}
	intSetting("limit", "limit", 0, 10000, func(a *storage.AuthSettings) *int { return &a.Limit })
	intSetting("duration", "duration", 0, 31536000, func(a *storage.AuthSettings) *int { return &a.Duration })
	intSetting("max-sessions", "limit", 1, 100, func(a *storage.AuthSettings) *int { return &a.MaxSessions })
	intSetting("password-history", "limit", 0, 20, func(a *storage.AuthSettings) *int { return &a.PasswordHistory })
	boolSetting("password-dictionary", "enabled", func(a *storage.AuthSettings) *bool { return &a.PasswordDictionary })
	boolSetting("personal-data", "enabled", func(a *storage.AuthSettings) *bool { return &a.PersonalDataCheck })
	boolSetting("session-alerts", "alerts", func(a *storage.AuthSettings) *bool { return &a.SessionAlerts })
	boolSetting("session-invalidation", "enabled", func(a *storage.AuthSettings) *bool { return &a.InvalidateSessions })
	boolSetting("multi-accounts", "enabled", func(a *storage.AuthSettings) *bool { return &a.MultiAccounts })
	// The email policies (Appwrite's public routes for them are the
	// Project API's /v1/project/policies/deny-*-email).
	for _, id := range project.EmailPolicyIDs {
		p, _ := policyByID(id)
		boolSetting(id, "enabled", p.flag)
	}
	s.handle("PATCH /v1/projects/{projectId}/auth/memberships-privacy", admin, s.updateMembershipsPrivacy)
	s.handle("PATCH /v1/projects/{projectId}/auth/mock-numbers", admin, s.updateMockNumbers)
	s.handle("PATCH /v1/projects/{projectId}/auth/linking", admin, s.updateLinking)
	s.handle("PATCH /v1/projects/{projectId}/auth/passkeys", admin, s.updatePasskeySettingsConsole)
	// Not an Appwrite console route: the console sets the policy through
	// the Project API; Gatehouse's console has only these routes.
	s.handle("PATCH /v1/projects/{projectId}/auth/password-strength", admin, func(c *call) error {
		id, err := c.projectIDParam()
		if err != nil {
			return err
		}
		return s.updatePasswordStrength(c, id)
	})
	// Registered last: the literal paths above are more specific.
	s.handle("PATCH /v1/projects/{projectId}/auth/{method}", admin, s.updateAuthMethod)
}

func (s *Server) updateAuth(c *call, fn func(*storage.AuthSettings) error) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	return s.updateAuthOf(c, id, fn)
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
	return "email-password, magic-url, email-otp, anonymous, invites, jwt, phone, passkey"
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
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	raw, ok := c.p.raw("numbers")
	if !ok {
		return apperr.Missing("numbers")
	}
	var nums []struct {
		Phone string `json:"phone"`
		OTP   string `json:"otp"`
	}
	if err := jsonStrict(raw, &nums); err != nil {
		return apperr.Invalid("numbers", "Value must be an array of objects with phone and otp")
	}
	list := make([]storage.MockNumber, len(nums))
	for i, n := range nums {
		list[i] = storage.MockNumber{Phone: n.Phone, OTP: n.OTP}
	}
	return s.replaceMockNumbers(c, id, list)
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
