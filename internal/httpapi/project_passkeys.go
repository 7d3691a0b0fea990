package httpapi

import (
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/passkey"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// projectPasskeyRoutes are the passkey settings on the server-side
// Project API; the console route is in projects_auth.go, the on/off
// switch is the auth method "passkey" on both.
func (s *Server) projectPasskeyRoutes() {
	read := []string{"project.policies.read", "policies.read"}
	write := []string{"project.policies.write", "policies.write"}
	s.projectHandle("GET /v1/project/passkeys", read, func(c *call) error {
		p, err := s.Projects.Get(c.ctx(), c.project.ID)
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, s.passkeySettingsOf(c, p))
	})
	s.projectHandle("PATCH /v1/project/passkeys", write, func(c *call) error {
		if err := s.updatePasskeySettings(c, c.project.ID); err != nil {
			return err
		}
		p, err := s.Projects.Get(c.ctx(), c.project.ID)
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, s.passkeySettingsOf(c, p))
	})
}

// passkeySettingsModel is a project's passkey settings; defaultRpId is
// what an empty rpId stands for (from the web platforms), "" when the
// project has none.
type passkeySettingsModel struct {
	Enabled          bool   `json:"enabled"`
	RPID             string `json:"rpId"`
	DefaultRPID      string `json:"defaultRpId"`
	UserVerification string `json:"userVerification"`
	Attestation      string `json:"attestation"`
}

func (s *Server) passkeySettingsOf(c *call, p *storage.Project) passkeySettingsModel {
	set := p.Settings.Auth.Passkeys
	m := passkeySettingsModel{Enabled: p.Settings.Auth.MethodEnabled(methodPasskey), RPID: set.RPID,
		UserVerification: set.UserVerification, Attestation: set.Attestation}
	if m.UserVerification == "" {
		m.UserVerification = "preferred"
	}
	if m.Attestation == "" {
		m.Attestation = "none"
	}
	if pls, err := s.Store.ListPlatforms(c.ctx(), p.ID); err == nil {
		m.DefaultRPID = passkey.DefaultRPID(pls)
	}
	return m
}

func (s *Server) updatePasskeySettingsConsole(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	if err := s.updatePasskeySettings(c, id); err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), id)
	if err != nil {
		return err
	}
	return s.projectJSON(c, http.StatusOK, p)
}

// updatePasskeySettings is a partial update: what is not sent stays.
func (s *Server) updatePasskeySettings(c *call, pid string) error {
	rpID, rpSent, err := c.p.str("rpId")
	if err != nil {
		return err
	}
	rpID = strings.ToLower(rpID)
	if rpSent && rpID != "" && !validRPID(rpID) {
		return apperr.Invalid("rpId", "Value must be a domain name such as example.com, without scheme or port, or empty for the default")
	}
	uv, uvSent, err := c.p.str("userVerification")
	if err != nil {
		return err
	}
	if uvSent && uv != "required" && uv != "preferred" {
		return apperr.Invalid("userVerification", "Value must be one of (required, preferred)")
	}
	att, attSent, err := c.p.str("attestation")
	if err != nil {
		return err
	}
	if attSent && att != "none" && att != "indirect" && att != "direct" {
		return apperr.Invalid("attestation", "Value must be one of (none, indirect, direct)")
	}
	_, err = s.Projects.Update(c.ctx(), pid, func(p *storage.Project) error {
		set := &p.Settings.Auth.Passkeys
		if rpSent {
			set.RPID = rpID
		}
		if uvSent {
			set.UserVerification = uv
		}
		if attSent {
			set.Attestation = att
		}
		return nil
	})
	return err
}

// validRPID accepts a domain name: dot-separated labels of letters,
// digits and inner hyphens (an IP address is no relying-party id).
func validRPID(v string) bool {
	if len(v) > 253 {
		return false
	}
	labels := strings.Split(v, ".")
	allDigitsLast := true
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			ch := l[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
				return false
			}
		}
	}
	last := labels[len(labels)-1]
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			allDigitsLast = false
		}
	}
	return !allDigitsLast
}
