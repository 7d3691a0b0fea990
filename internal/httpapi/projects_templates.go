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
	locale, err = localeParam(locale)
	return
}

// localeParam checks a template locale: "en", "de-DE", "pt_BR" (a
// language, optionally with a region). Templates are kept per language.
func localeParam(locale string) (string, error) {
	if templates.NormalizeLocale(locale) == "en" && !(len(locale) >= 2 && (locale[:2] == "en" || locale[:2] == "EN")) {
		return "", apperr.Invalid("locale", "Value must be a valid locale code")
	}
	return templates.NormalizeLocale(locale), nil
}

// templateOf is the project's template, or the default text (with its
// placeholders) when it has none of its own.
func templateOf(p *storage.Project, channel, kind, locale string) (storage.Template, error) {
	t, own := p.Settings.Templates[storage.TemplateKey(channel, kind, locale)]
	if own {
		return t, nil
	}
	if channel == "sms" {
		msg, err := templates.RenderSMS(kind, locale, nil, templates.Vars{OTP: "{{secret}}", Project: "{{project}}"})
		t.Message = msg
		return t, err
	}
	subject, html, _, err := templates.Render(kind, locale, nil, templates.Vars{User: "{{user}}", Project: "{{project}}",
		Redirect: "{{redirect}}", OTP: "{{otp}}", Team: "{{team}}"})
	t.Subject, t.Message = subject, html
	return t, err
}

// templateJSON answers the console with the template in force.
func (s *Server) templateJSON(c *call, p *storage.Project, channel, kind, locale string) error {
	t, err := templateOf(p, channel, kind, locale)
	if err != nil {
		return err
	}
	if channel == "sms" {
		return c.json(http.StatusOK, smsTemplateModel{Type: kind, Locale: locale, Message: t.Message})
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
		if err := validate.Text("message", msg, 1, maxTemplateMessage); err != nil {
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
		p, err := s.saveTemplate(c, pid, channel, kind, locale, func(cur *storage.Template) error {
			*cur = t
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

// maxTemplateMessage bounds a template's text. Templates ride in the
// project's settings, read with every project lookup.
const maxTemplateMessage = 10 << 10

// saveTemplate changes one template of a project, starting from the one
// in force (its own, else the default text).
func (s *Server) saveTemplate(c *call, pid, channel, kind, locale string, fn func(t *storage.Template) error) (*storage.Project, error) {
	return s.Projects.Update(c.ctx(), pid, func(p *storage.Project) error {
		t, err := templateOf(p, channel, kind, locale)
		if err != nil {
			return err
		}
		if err := fn(&t); err != nil {
			return err
		}
		if p.Settings.Templates == nil {
			p.Settings.Templates = map[string]storage.Template{}
		}
		p.Settings.Templates[storage.TemplateKey(channel, kind, locale)] = t
		return nil
	})
}
