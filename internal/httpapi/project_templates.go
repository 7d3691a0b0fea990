package httpapi

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/templates"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func (s *Server) projectTemplateRoutes() {
	read, write := []string{"templates.read"}, []string{"templates.write"}
	s.projectHandle("GET /v1/project/templates/email", read, s.listEmailTemplates)
	s.projectHandle("GET /v1/project/templates/email/{templateId}", read, s.getEmailTemplate)
	s.projectHandle("PATCH /v1/project/templates/email", write, s.updateEmailTemplate)
}

// emailTemplate20Model is Appwrite 1.9.2's EmailTemplate.
type emailTemplate20Model struct {
	TemplateID   string `json:"templateId"`
	Locale       string `json:"locale"`
	Message      string `json:"message"`
	SenderName   string `json:"senderName"`
	SenderEmail  string `json:"senderEmail"`
	ReplyToEmail string `json:"replyToEmail"`
	ReplyToName  string `json:"replyToName"`
	Subject      string `json:"subject"`
}

// emailTemplateOf renders a template in the request's format: before
// 1.9.2 the console's {type, ..., replyTo} shape.
func (c *call) emailTemplateOf(kind, locale string, t storage.Template) any {
	if c.formatBefore("1.9.2") {
		return emailTemplateModel{Type: kind, Locale: locale, Message: t.Message, SenderName: t.SenderName,
			SenderEmail: t.SenderEmail, ReplyTo: t.ReplyTo, Subject: t.Subject}
	}
	return emailTemplate20Model{TemplateID: kind, Locale: locale, Message: t.Message, SenderName: t.SenderName,
		SenderEmail: t.SenderEmail, ReplyToEmail: t.ReplyTo, ReplyToName: t.ReplyToName, Subject: t.Subject}
}

// templateIDParam checks a templateId (also Gatehouse's own kinds) and
// a locale (default "en").
func templateIDParam(c *call, id, locale string, localeSent bool) (string, string, error) {
	if !slices.Contains(templates.EmailKinds(), id) {
		return "", "", apperr.Invalid("templateId", "Value must be one of ("+strings.Join(templates.EmailKinds(), ", ")+")")
	}
	if !localeSent || locale == "" {
		return id, "en", nil
	}
	l, err := localeParam(locale)
	return id, l, err
}

// listEmailTemplates lists the project's own email templates (those it
// changed), by template and locale.
func (s *Server) listEmailTemplates(c *call) error {
	page, counts, err := settingsPage(c)
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	var keys []string
	for k := range p.Settings.Templates {
		if strings.HasPrefix(k, "email.") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	lo, hi := pageOf(len(keys), page)
	out := make([]any, 0, hi-lo)
	for _, k := range keys[lo:hi] {
		parts := strings.SplitN(k, ".", 3)
		if len(parts) != 3 {
			continue
		}
		out = append(out, c.emailTemplateOf(parts[1], parts[2], p.Settings.Templates[k]))
	}
	return c.json(http.StatusOK, struct {
		Total     int   `json:"total"`
		Templates []any `json:"templates"`
	}{listTotal(len(keys), counts), out})
}

func (s *Server) getEmailTemplate(c *call) error {
	locale, sent, err := c.p.str("locale")
	if err != nil {
		return err
	}
	kind, locale, err := templateIDParam(c, c.r.PathValue("templateId"), locale, sent)
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	t, err := templateOf(p, "email", kind, locale)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, c.emailTemplateOf(kind, locale, t))
}

// updateEmailTemplate is a partial update of the template in force.
// Formats before 1.9.2 sent type and replyTo.
func (s *Server) updateEmailTemplate(c *call) error {
	old := c.formatBefore("1.9.2")
	idName, replyName := "templateId", "replyToEmail"
	if old && !c.p.has(idName) {
		idName = "type"
	}
	if old && !c.p.has(replyName) {
		replyName = "replyTo"
	}
	id, err := c.p.required(idName)
	if err != nil {
		return err
	}
	locale, sent, err := c.p.str("locale")
	if err != nil {
		return err
	}
	kind, locale, err := templateIDParam(c, id, locale, sent)
	if err != nil {
		return err
	}
	type field struct {
		name     string
		min, max int
		email    bool
		dst      func(t *storage.Template) *string
	}
	fields := []field{
		{"subject", 1, 255, false, func(t *storage.Template) *string { return &t.Subject }},
		{"message", 1, maxTemplateMessage, false, func(t *storage.Template) *string { return &t.Message }},
		{"senderName", 0, 255, false, func(t *storage.Template) *string { return &t.SenderName }},
		{"senderEmail", 0, 255, true, func(t *storage.Template) *string { return &t.SenderEmail }},
		{replyName, 0, 255, true, func(t *storage.Template) *string { return &t.ReplyTo }},
		{"replyToName", 0, 255, false, func(t *storage.Template) *string { return &t.ReplyToName }},
	}
	var sets []func(t *storage.Template)
	for _, f := range fields {
		v, sent, err := c.p.str(f.name)
		if err != nil {
			return err
		}
		if !sent {
			continue
		}
		if err := validate.Text(f.name, v, f.min, f.max); err != nil {
			return err
		}
		if f.name != "message" {
			if err := noControl(f.name, v); err != nil {
				return err
			}
		}
		if f.email && v != "" {
			if err := validate.Email(f.name, v); err != nil {
				return err
			}
		}
		dst := f.dst
		sets = append(sets, func(t *storage.Template) { *dst(t) = v })
	}
	p, err := s.saveTemplate(c, c.project.ID, "email", kind, locale, func(t *storage.Template) error {
		for _, set := range sets {
			set(t)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, c.emailTemplateOf(kind, locale, p.Settings.Templates[storage.TemplateKey("email", kind, locale)]))
}
