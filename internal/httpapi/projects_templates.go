package httpapi

import (
	"net/http"
	"slices"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/templates"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func (s *Server) templateRoutes(admin route) {
	for _, ch := range []string{"email", "sms"} {
		base := "/v1/projects/{projectId}/templates/" + ch + "/{type}/{locale}"
		s.handle("GET "+base, admin, s.getTemplate(ch))
		s.handle("PATCH "+base, admin, s.updateTemplate(ch))
		s.handle("DELETE "+base, admin, s.deleteTemplate(ch))
	}
}

type emailTemplateModel struct {
	Type        string `json:"type"`
	Locale      string `json:"locale"`
	Message     string `json:"message"`
	SenderName  string `json:"senderName"`
	SenderEmail string `json:"senderEmail"`
	ReplyTo     string `json:"replyTo"`
	Subject     string `json:"subject"`
}

type smsTemplateModel struct {
	Type    string `json:"type"`
	Locale  string `json:"locale"`
	Message string `json:"message"`
}

// templateParams validates {projectId}, {type} and {locale}.
func (c *call) templateParams(channel string) (pid, kind, locale string, err error) {
	if pid, err = c.projectIDParam(); err != nil {
		return
	}
	kind, locale = c.r.PathValue("type"), c.r.PathValue("locale")
	kinds := templates.EmailKinds()
	if channel == "sms" {
		kinds = templates.SMSKinds()
	}
	if !slices.Contains(kinds, kind) {
		err = apperr.Invalid("type", "Value must be a known template type")
		return
	}
	// "en", "de-DE", "pt_BR": a language, optionally with a region.
	if templates.NormalizeLocale(locale) == "en" && !(len(locale) >= 2 && (locale[:2] == "en" || locale[:2] == "EN")) {
		err = apperr.Invalid("locale", "Value must be a valid locale code")
		return
	}
	locale = templates.NormalizeLocale(locale)
	return
}

// templateJSON answers with the project's template, or the default text
// when it has none of its own.
func (s *Server) templateJSON(c *call, p *storage.Project, channel, kind, locale string) error {
	t, own := p.Settings.Templates[storage.TemplateKey(channel, kind, locale)]
	if channel == "sms" {
		if !own {
			msg, err := templates.RenderSMS(kind, locale, nil, templates.Vars{OTP: "{{secret}}", Project: "{{project}}"})
			if err != nil {
				return err
			}
			t.Message = msg
		}
		return c.json(http.StatusOK, smsTemplateModel{Type: kind, Locale: locale, Message: t.Message})
	}
	if !own {
		subject, html, _, err := templates.Render(kind, locale, nil, templates.Vars{User: "{{user}}", Project: "{{project}}",
			Redirect: "{{redirect}}", OTP: "{{otp}}", Team: "{{team}}"})
		if err != nil {
			return err
		}
		t.Subject, t.Message = subject, html
	}
	return c.json(http.StatusOK, emailTemplateModel{Type: kind, Locale: locale, Message: t.Message, SenderName: t.SenderName,
		SenderEmail: t.SenderEmail, ReplyTo: t.ReplyTo, Subject: t.Subject})
}

func (s *Server) getTemplate(channel string) handlerFunc {
	return func(c *call) error {
		pid, kind, locale, err := c.templateParams(channel)
		if err != nil {
			return err
		}
		p, err := s.Projects.Get(c.ctx(), pid)
		if err != nil {
			return err
		}
		return s.templateJSON(c, p, channel, kind, locale)
	}
}

func (s *Server) updateTemplate(channel string) handlerFunc {
	return func(c *call) error {
		pid, kind, locale, err := c.templateParams(channel)
		if err != nil {
			return err
		}
		var t storage.Template
		msg, err := c.p.required("message")
		if err != nil {
			return err
		}
		if err := validate.Text("message", msg, 1, 10<<10); err != nil {
			return err
		}
		t.Message = msg
		if channel == "email" {
			if t.Subject, err = c.p.required("subject"); err != nil {
				return err
			}
			if err := validate.Text("subject", t.Subject, 1, 255); err != nil {
				return err
			}
			for name, dst := range map[string]*string{"senderName": &t.SenderName, "senderEmail": &t.SenderEmail, "replyTo": &t.ReplyTo} {
				if *dst, _, err = c.p.str(name); err != nil {
					return err
				}
				if err := noControl(name, *dst); err != nil {
					return err
				}
				if *dst != "" && name != "senderName" {
					if err := validate.Email(name, *dst); err != nil {
						return err
					}
				}
			}
		}
		p, err := s.Projects.Update(c.ctx(), pid, func(p *storage.Project) error {
			if p.Settings.Templates == nil {
				p.Settings.Templates = map[string]storage.Template{}
			}
			p.Settings.Templates[storage.TemplateKey(channel, kind, locale)] = t
			return nil
		})
		if err != nil {
			return err
		}
		return s.templateJSON(c, p, channel, kind, locale)
	}
}

func (s *Server) deleteTemplate(channel string) handlerFunc {
	return func(c *call) error {
		pid, kind, locale, err := c.templateParams(channel)
		if err != nil {
			return err
		}
		p, err := s.Projects.Update(c.ctx(), pid, func(p *storage.Project) error {
			delete(p.Settings.Templates, storage.TemplateKey(channel, kind, locale))
			return nil
		})
		if err != nil {
			return err
		}
		// As Appwrite does, the answer is the template now in force.
		return s.templateJSON(c, p, channel, kind, locale)
	}
}
