package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func (s *Server) projectSMTPRoutes() {
	write := []string{"project.write"}
	s.projectHandle("PATCH /v1/project/smtp", write, s.updateProjectSMTP)
	s.projectHandle("POST /v1/project/smtp/tests", write, s.testProjectSMTP)
}

// updateProjectSMTP is Appwrite 1.9.5's SMTP update: every field is
// optional ("" clears it, the password too); the settings are tried
// (connect, TLS, authenticate; nothing is sent) unless enabled is false.
// When they work and enabled is absent, SMTP is switched on; when they
// fail, enabled true is project_smtp_config_invalid and an absent enabled
// leaves the switch as it was.
func (s *Server) updateProjectSMTP(c *call) error {
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	cur := p.Settings.SMTP
	stored := cur.Password
	cur.Password = ""
	next, err := readSMTPFields(c, cur, "replyToEmail")
	if err != nil {
		return err
	}
	pwSent := c.p.has("password")
	plain := next.Password
	if !pwSent && stored != "" {
		if plain, err = s.Seal.Open(stored); err != nil {
			return err
		}
	}
	on, onSent, err := c.p.boolean("enabled")
	if err != nil {
		return err
	}
	switch {
	case onSent && !on:
		next.Enabled = false
	case next.Host == "" || next.SenderEmail == "":
		if onSent {
			return apperr.Newf(apperr.SMTPConfigInvalid, "Enabling SMTP needs at least a host and a sender email.")
		}
		next.Enabled = false // nothing to send through
	default:
		try := next
		try.Password = plain
		if err := s.Mail.Check(c.ctx(), p, try); err != nil {
			if onSent {
				return err
			}
		} else {
			next.Enabled = true
		}
	}
	switch {
	case !pwSent:
		next.Password = stored
	case plain == "":
		next.Password = ""
	default:
		next.Password = s.Seal.Seal(plain)
	}
	out, err := s.Projects.Update(c.ctx(), c.project.ID, func(p *storage.Project) error {
		p.Settings.SMTP = next
		return nil
	})
	if err != nil {
		return err
	}
	return s.projectJSON(c, http.StatusOK, out)
}

// testProjectSMTP sends the test mail through the project's stored SMTP
// settings.
func (s *Server) testProjectSMTP(c *call) error {
	to, err := smtpTestEmails(c)
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	set := p.Settings.SMTP
	if set.Host == "" {
		return apperr.Newf(apperr.ArgumentInvalid, "The project has no SMTP server set.")
	}
	if set.Password != "" {
		if set.Password, err = s.Seal.Open(set.Password); err != nil {
			return err
		}
	}
	return s.sendSMTPTest(c, p, set, to)
}
