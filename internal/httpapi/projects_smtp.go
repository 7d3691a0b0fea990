package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/oauth"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func (s *Server) smtpRoutes(admin route) {
	s.handle("PATCH /v1/projects/{projectId}/smtp", admin, s.updateSMTP)
	s.handle("POST /v1/projects/{projectId}/smtp/tests", admin, s.testSMTP)
	s.handle("PATCH /v1/projects/{projectId}/oauth2", admin, s.updateOAuth2)
}

// readSMTP reads the SMTP fields the console sends.
func readSMTP(c *call, cur storage.SMTPSettings) (storage.SMTPSettings, error) {
	out, err := readSMTPFields(c, cur, "replyTo")
	if err != nil {
		return out, err
	}
	if on, sent, err := c.p.boolean("enabled"); err != nil {
		return out, err
	} else if sent {
		out.Enabled = on
	}
	if out.Enabled && (out.Host == "" || out.SenderEmail == "") {
		return out, apperr.Newf(apperr.ArgumentInvalid, "Enabling SMTP needs at least a host and a sender email.")
	}
	return out, nil
}

// readSMTPFields reads the SMTP fields shared by the console and the
// Project API (which names the reply-to address replyToEmail and adds
// replyToName), all but enabled. A password sent replaces cur.Password
// in the clear: the caller seals it.
func readSMTPFields(c *call, cur storage.SMTPSettings, replyTo string) (storage.SMTPSettings, error) {
	out := cur
	fields := map[string]*string{"senderName": &out.SenderName, "senderEmail": &out.SenderEmail,
		replyTo: &out.ReplyTo, "host": &out.Host, "username": &out.Username, "password": &out.Password, "secure": &out.Secure}
	if replyTo != "replyTo" {
		fields["replyToName"] = &out.ReplyToName
	}
	for name, dst := range fields {
		v, sent, err := c.p.str(name)
		if err != nil {
			return out, err
		}
		if sent {
			if err := validate.Text(name, v, 0, 256); err != nil {
				return out, err
			}
			if err := noControl(name, v); err != nil {
				return out, err
			}
			*dst = v
		}
	}
	if port, sent, err := c.p.integer("port", 0, 65535); err != nil {
		return out, err
	} else if sent {
		out.Port = int(port)
	}
	switch out.Secure {
	case "", "tls", "ssl":
	default:
		return out, apperr.Invalid("secure", "Value must be one of (tls, ssl) or empty")
	}
	for _, f := range []struct{ name, v string }{{"senderEmail", out.SenderEmail}, {replyTo, out.ReplyTo}} {
		if f.v != "" {
			if err := validate.Email(f.name, f.v); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// noControl refuses line breaks and other control characters in a field
// that lands in a mail header or an SMTP command. The mailer refuses to
// send with them, so accepting one would drop every mail of the project
// (and a CR/LF in a header is how headers are injected).
func noControl(param, v string) error {
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return apperr.Invalid(param, "Value must not hold line breaks or other control characters")
	}
	return nil
}

func (s *Server) updateSMTP(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	p, err := s.Projects.Update(c.ctx(), id, func(p *storage.Project) error {
		cur := p.Settings.SMTP
		cur.Password = "" // a new password replaces the sealed one; none keeps it
		next, err := readSMTP(c, cur)
		if err != nil {
			return err
		}
		if next.Password == "" {
			next.Password = p.Settings.SMTP.Password
		} else {
			next.Password = s.Seal.Seal(next.Password)
		}
		p.Settings.SMTP = next
		return nil
	})
	if err != nil {
		return err
	}
	return s.projectJSON(c, http.StatusOK, p)
}

// testSMTP sends a test mail now, through the settings given, so an
// operator sees a wrong password at once rather than in a job's retries.
func (s *Server) testSMTP(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), id)
	if err != nil {
		return err
	}
	to, err := smtpTestEmails(c)
	if err != nil {
		return err
	}
	cur := p.Settings.SMTP
	cur.Password = ""
	set, err := readSMTP(c, cur)
	if err != nil {
		return err
	}
	if set.Password == "" && p.Settings.SMTP.Password != "" {
		if set.Password, err = s.Seal.Open(p.Settings.SMTP.Password); err != nil {
			return err
		}
	}
	return s.sendSMTPTest(c, p, set, to)
}

// smtpTestEmails reads the test's recipients: 1 to 10 addresses.
func smtpTestEmails(c *call) ([]string, error) {
	to, sent, err := c.p.strings("emails")
	if err != nil {
		return nil, err
	}
	if !sent || len(to) == 0 || len(to) > 10 {
		return nil, apperr.Invalid("emails", "Value must be an array of 1 to 10 email addresses")
	}
	for _, e := range to {
		if err := validate.Email("emails", e); err != nil {
			return nil, err
		}
	}
	return to, nil
}

// sendSMTPTest sends the test mail through set (its password in the
// clear). Test answers failures in SMTP terms only, after a fixed time.
func (s *Server) sendSMTPTest(c *call, p *storage.Project, set storage.SMTPSettings, to []string) error {
	if err := s.Mail.Test(c.ctx(), p, set, to); err != nil {
		return err
	}
	return c.noContent()
}

// updateOAuth2 sets a project's registration at one OAuth2 provider. The
// secret is sealed; for providers needing several values it is Appwrite's
// JSON string.
func (s *Server) updateOAuth2(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	name, err := c.p.required("provider")
	if err != nil {
		return err
	}
	if !slices.Contains(oauth.Names(), name) {
		return apperr.Invalid("provider", "Value must be one of the supported OAuth2 providers")
	}
	appID, appSent, err := c.p.str("appId")
	if err != nil {
		return err
	}
	sec, secSent, err := c.p.str("secret")
	if err != nil {
		return err
	}
	if secSent && sec != "" {
		if _, _, err := oauth.ParseSecret(name, sec); err != nil {
			return apperr.Invalid("secret", "Value is not a valid secret for "+name+": "+err.Error())
		}
	}
	on, onSent, err := c.p.boolean("enabled")
	if err != nil {
		return err
	}
	p, _, err := s.updateOAuthApp(c, id, name, func(app *storage.OAuthApp) error {
		if appSent {
			app.AppID = appID
		}
		if secSent {
			app.Secret = s.Seal.Seal(sec)
		}
		if onSent {
			app.Enabled = on
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.projectJSON(c, http.StatusOK, p)
}
