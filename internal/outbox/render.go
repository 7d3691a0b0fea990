package outbox

import (
	"github.com/gatehouse-auth/gatehouse/internal/delivery/templates"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Templates renders messages with the delivery templates: the defaults,
// per locale, under a project's own.
type Templates struct{}

func templateVars(v map[string]string) templates.Vars {
	otp := v["otp"]
	if otp == "" {
		otp = v["secret"]
	}
	return templates.Vars{User: v["user"], Project: v["project"], Redirect: v["redirect"], OTP: otp, Phrase: v["phrase"],
		Team: v["team"], AgentDevice: v["agentDevice"], AgentClient: v["agentClient"], AgentOS: v["agentOs"],
		IPAddress: v["ipAddress"], Country: v["country"], Time: v["time"], Date: v["date"], Year: v["year"], Account: v["account"], Disown: v["disown"], Removed: v["removed"]}
}

func custom(t *storage.Template) *templates.Custom {
	if t == nil {
		return nil
	}
	return &templates.Custom{Subject: t.Subject, Message: t.Message, SenderName: t.SenderName, SenderEmail: t.SenderEmail, ReplyTo: t.ReplyTo}
}

// Email renders a mail.
func (Templates) Email(kind, locale string, t *storage.Template, vars map[string]string) (Rendered, error) {
	c := custom(t)
	subject, html, text, err := templates.Render(kind, templates.NormalizeLocale(locale), c, templateVars(vars))
	if err != nil {
		return Rendered{}, err
	}
	r := Rendered{Subject: subject, HTML: html, Text: text}
	r.FromName, r.FromEmail, r.ReplyTo = c.Sender("", "", "")
	if t != nil && t.ReplyTo != "" {
		r.ReplyToName = t.ReplyToName
	}
	return r, nil
}

// SMS renders a text.
func (Templates) SMS(kind, locale string, t *storage.Template, vars map[string]string) (string, error) {
	return templates.RenderSMS(kind, templates.NormalizeLocale(locale), custom(t), templateVars(vars))
}
