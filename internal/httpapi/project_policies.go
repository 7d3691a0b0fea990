package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// policy is one entry of the Project API's policy list (Appwrite 1.9.5,
// /v1/project/policies). Each is stored in the project's auth settings.
type policy struct {
	id string
	// A boolean policy ({$id, enabled}): get and set the flag.
	flag    func(a *storage.AuthSettings) *bool
	flagArg string // "enabled"; older formats' name in oldArg
	// A number policy ({$id, total} or {$id, duration}).
	num      func(a *storage.AuthSettings) *int
	numArg   string // "total" or "duration"
	min, max int64
	nullable bool   // null or 0 means off, or no limit
	oldArg   string // the parameter name of formats before 1.9.2
	// Policies with their own model and update (password-strength,
	// membership-privacy).
	model  func(a storage.AuthSettings) any
	update func(s *Server, c *call, pid string) error
}

// policies lists the policies in Appwrite's order. Ranges follow Appwrite
// 1.9.6, or its successor where that is safer (see docs/differences.md).
var policies = []policy{
	{id: "password-dictionary", flag: func(a *storage.AuthSettings) *bool { return &a.PasswordDictionary }, flagArg: "enabled"},
	{id: "password-history", num: func(a *storage.AuthSettings) *int { return &a.PasswordHistory }, numArg: "total",
		min: 1, max: 20, nullable: true, oldArg: "limit"},
	{id: "password-strength", model: strengthModel, update: (*Server).updatePasswordStrength},
	{id: "password-personal-data", flag: func(a *storage.AuthSettings) *bool { return &a.PersonalDataCheck }, flagArg: "enabled"},
	{id: "session-alert", flag: func(a *storage.AuthSettings) *bool { return &a.SessionAlerts }, flagArg: "enabled", oldArg: "alerts"},
	{id: "session-duration", num: func(a *storage.AuthSettings) *int { return &a.Duration }, numArg: "duration",
		min: 60, max: 31536000},
	{id: "session-invalidation", flag: func(a *storage.AuthSettings) *bool { return &a.InvalidateSessions }, flagArg: "enabled"},
	{id: "session-limit", num: func(a *storage.AuthSettings) *int { return &a.MaxSessions }, numArg: "total",
		min: 1, max: 100, oldArg: "limit"},
	{id: "user-limit", num: func(a *storage.AuthSettings) *int { return &a.Limit }, numArg: "total",
		min: 0, max: 10000, nullable: true, oldArg: "limit"},
	{id: "membership-privacy", model: membershipModel, update: (*Server).updateMembershipPrivacy},
	{id: "deny-aliased-email", flag: func(a *storage.AuthSettings) *bool { return &a.CanonicalEmails }, flagArg: "enabled"},
	{id: "deny-disposable-email", flag: func(a *storage.AuthSettings) *bool { return &a.DisposableEmails }, flagArg: "enabled"},
	{id: "deny-free-email", flag: func(a *storage.AuthSettings) *bool { return &a.FreeEmails }, flagArg: "enabled"},
	{id: "deny-corporate-email", flag: func(a *storage.AuthSettings) *bool { return &a.CorporateEmails }, flagArg: "enabled"},
}

func policyByID(id string) (policy, bool) {
	for _, p := range policies {
		if p.id == id {
			return p, true
		}
	}
	return policy{}, false
}

func policyIDs() string {
	out := ""
	for i, p := range policies {
		if i > 0 {
			out += ", "
		}
		out += p.id
	}
	return out
}

type strengthPolicyModel struct {
	ID        string `json:"$id"`
	Min       int    `json:"min"`
	Uppercase bool   `json:"uppercase"`
	Lowercase bool   `json:"lowercase"`
	Number    bool   `json:"number"`
	Symbols   bool   `json:"symbols"`
}

func strengthModel(a storage.AuthSettings) any {
	ps := a.PasswordStrength
	return strengthPolicyModel{ID: "password-strength", Min: max(ps.Min, 8), Uppercase: ps.Uppercase,
		Lowercase: ps.Lowercase, Number: ps.Number, Symbols: ps.Symbols}
}

type membershipPolicyModel struct {
	ID             string `json:"$id"`
	UserID         bool   `json:"userId"`
	UserEmail      bool   `json:"userEmail"`
	UserPhone      bool   `json:"userPhone"`
	UserName       bool   `json:"userName"`
	UserMFA        bool   `json:"userMFA"`
	UserAccessedAt bool   `json:"userAccessedAt"`
}

func membershipModel(a storage.AuthSettings) any {
	return membershipPolicyModel{ID: "membership-privacy", UserID: a.MembershipsUserID, UserEmail: a.MembershipsUserEmail,
		UserPhone: a.MembershipsUserPhone, UserName: a.MembershipsUserName, UserMFA: a.MembershipsMFA,
		UserAccessedAt: a.MembershipsUserAccessedAt}
}

// modelOf renders a policy from the settings.
func (p policy) modelOf(a storage.AuthSettings) any {
	switch {
	case p.model != nil:
		return p.model(a)
	case p.flag != nil:
		return struct {
			ID      string `json:"$id"`
			Enabled bool   `json:"enabled"`
		}{p.id, *p.flag(&a)}
	case p.numArg == "duration":
		return struct {
			ID       string `json:"$id"`
			Duration int    `json:"duration"`
		}{p.id, *p.num(&a)}
	}
	return struct {
		ID    string `json:"$id"`
		Total int    `json:"total"`
	}{p.id, *p.num(&a)}
}

func (s *Server) policyRoutes() {
	read := []string{"project.policies.read", "policies.read"}
	write := []string{"project.policies.write", "policies.write"}
	s.projectHandle("GET /v1/project/policies", read, s.listPolicies)
	s.projectHandle("GET /v1/project/policies/{policyId}", read, s.getPolicy)
	for _, p := range policies {
		s.projectHandle("PATCH /v1/project/policies/"+p.id, write, func(c *call) error {
			if p.update != nil {
				return p.update(s, c, c.project.ID)
			}
			return s.updatePolicy(c, c.project.ID, p)
		})
	}
}

func (s *Server) listPolicies(c *call) error {
	page, counts, err := settingsPage(c)
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	a := p.Settings.Auth
	lo, hi := pageOf(len(policies), page)
	out := make([]any, 0, hi-lo)
	for _, pol := range policies[lo:hi] {
		out = append(out, pol.modelOf(a))
	}
	return c.json(http.StatusOK, struct {
		Total    int   `json:"total"`
		Policies []any `json:"policies"`
	}{listTotal(len(policies), counts), out})
}

func (s *Server) getPolicy(c *call) error {
	p, ok := policyByID(c.r.PathValue("policyId"))
	if !ok {
		return apperr.Invalid("policyId", "Value must be one of ("+policyIDs()+")")
	}
	pr, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, p.modelOf(pr.Settings.Auth))
}

// updatePolicy sets a boolean or number policy and answers with the
// project. The console's /projects/{id}/auth/... aliases call it with
// their own parameter names and ranges.
func (s *Server) updatePolicy(c *call, pid string, p policy) error {
	var set func(a *storage.AuthSettings)
	if p.flag != nil {
		arg := p.flagArg
		if p.oldArg != "" && !c.p.has(arg) && c.p.has(p.oldArg) && c.formatBefore("1.9.2") {
			arg = p.oldArg
		}
		on, sent, err := c.p.boolean(arg)
		if err != nil {
			return err
		}
		if !sent {
			return apperr.Missing(arg)
		}
		set = func(a *storage.AuthSettings) { *p.flag(a) = on }
	} else {
		arg := p.numArg
		if p.oldArg != "" && !c.p.has(arg) && c.p.has(p.oldArg) && c.formatBefore("1.9.2") {
			arg = p.oldArg
		}
		lo := p.min
		if p.nullable {
			lo = 0 // 0 and null both mean off, or no limit
		}
		n, sent, err := c.p.integer(arg, lo, p.max)
		if err != nil {
			return err
		}
		if !sent && !(p.nullable && c.p.hasKey(arg)) {
			return apperr.Missing(arg)
		}
		set = func(a *storage.AuthSettings) { *p.num(a) = int(n) }
	}
	return s.updateAuthOf(c, pid, func(a *storage.AuthSettings) error {
		set(a)
		return nil
	})
}

// updateAuthOf changes a project's auth settings and answers with the
// project.
func (s *Server) updateAuthOf(c *call, pid string, fn func(*storage.AuthSettings) error) error {
	return s.updateProjectWith(c, pid, func(p *storage.Project) error { return fn(&p.Settings.Auth) })
}

// updatePasswordStrength is a partial update: what is not sent stays.
func (s *Server) updatePasswordStrength(c *call, pid string) error {
	minLen, minSent, err := c.p.integer("min", 8, 256)
	if err != nil {
		return err
	}
	var flags [4]struct{ on, sent bool }
	for i, name := range []string{"uppercase", "lowercase", "number", "symbols"} {
		if flags[i].on, flags[i].sent, err = c.p.boolean(name); err != nil {
			return err
		}
	}
	p, err := s.Projects.Update(c.ctx(), pid, func(p *storage.Project) error {
		ps := &p.Settings.Auth.PasswordStrength
		if minSent {
			ps.Min = int(minLen)
		}
		for i, dst := range []*bool{&ps.Uppercase, &ps.Lowercase, &ps.Number, &ps.Symbols} {
			if flags[i].sent {
				*dst = flags[i].on
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, strengthModel(p.Settings.Auth))
}

// updateMembershipPrivacy is a partial update of what team members see of
// each other. Formats before 1.9.2 sent mfa for userMFA and had no userId
// or userPhone, which then become false.
func (s *Server) updateMembershipPrivacy(c *call, pid string) error {
	old := c.formatBefore("1.9.2")
	type field struct {
		name string
		dst  func(a *storage.AuthSettings) *bool
	}
	fields := []field{
		{"userId", func(a *storage.AuthSettings) *bool { return &a.MembershipsUserID }},
		{"userEmail", func(a *storage.AuthSettings) *bool { return &a.MembershipsUserEmail }},
		{"userPhone", func(a *storage.AuthSettings) *bool { return &a.MembershipsUserPhone }},
		{"userName", func(a *storage.AuthSettings) *bool { return &a.MembershipsUserName }},
		{"userMFA", func(a *storage.AuthSettings) *bool { return &a.MembershipsMFA }},
		{"userAccessedAt", func(a *storage.AuthSettings) *bool { return &a.MembershipsUserAccessedAt }},
	}
	var sets []func(a *storage.AuthSettings)
	for _, f := range fields {
		name := f.name
		if old && name == "userMFA" && !c.p.has(name) {
			name = "mfa"
		}
		on, sent, err := c.p.boolean(name)
		if err != nil {
			return err
		}
		if old && (f.name == "userId" || f.name == "userPhone") {
			on, sent = false, true
		}
		if sent {
			dst := f.dst
			sets = append(sets, func(a *storage.AuthSettings) { *dst(a) = on })
		}
	}
	return s.updateAuthOf(c, pid, func(a *storage.AuthSettings) error {
		for _, set := range sets {
			set(a)
		}
		return nil
	})
}
