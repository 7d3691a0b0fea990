package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/mail"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/templates"
	"github.com/gatehouse-auth/gatehouse/internal/jobs"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Rendered is a message's text, ready to send.
type Rendered struct {
	Subject, HTML, Text string
	FromName, FromEmail string
	ReplyTo             string
	ReplyToName         string // shown with ReplyTo
}

// Renderer turns a message kind, locale and variables into text, with a
// project's custom template (nil: the defaults) on top.
type Renderer interface {
	Email(kind, locale string, custom *storage.Template, vars map[string]string) (Rendered, error)
	SMS(kind, locale string, custom *storage.Template, vars map[string]string) (string, error)
}

// Texter sends one text message.
type Texter interface {
	Send(ctx context.Context, to, body string) error
}

// Deliverer is the job that sends queued messages.
type Deliverer struct {
	Store  storage.Store
	Box    *seal.Box
	Render Renderer
	// Mail is the instance's SMTP server (GATEHOUSE_SMTP_URL), used by
	// projects without their own; nil when none is configured.
	Mail *mail.Settings
	// SMS is the instance's text provider (GATEHOUSE_SMS_URL); nil: none.
	SMS Texter
	Log *slog.Logger
	// MailOptions adjust how mailers connect (tests trust their own CA).
	MailOptions []mail.Option
	// TestTime is how long a failed SMTP test takes to answer, whatever
	// failed; 0 means DefaultTestTime (see Test).
	TestTime time.Duration
	// now and wait are Test's clock, replaced in tests: wait blocks until
	// ctx ends.
	now  func() time.Time
	wait func(ctx context.Context)
}

// Handle delivers one queued message. Errors a retry cannot fix are
// permanent; the rest are retried by the job runner with backoff.
func (d *Deliverer) Handle(ctx context.Context, payload json.RawMessage) error {
	m, err := open(d.Box, payload)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("open message: %w", err))
	}
	p, err := d.Store.GetProject(ctx, m.ProjectID)
	if errors.Is(err, storage.ErrNotFound) {
		return jobs.Permanent(fmt.Errorf("project %s is gone", m.ProjectID))
	}
	if err != nil {
		return err
	}
	m.Locale = templates.NormalizeLocale(m.Locale)
	var custom *storage.Template
	if t, ok := p.Settings.Templates[storage.TemplateKey(m.Channel, m.Kind, m.Locale)]; ok {
		custom = &t
	} else if t, ok := p.Settings.Templates[storage.TemplateKey(m.Channel, m.Kind, "en")]; ok {
		custom = &t
	}
	if m.Channel == SMS {
		return d.text(ctx, m, custom)
	}
	return d.mail(ctx, p, m, custom)
}

func (d *Deliverer) text(ctx context.Context, m Message, custom *storage.Template) error {
	body, err := d.Render.SMS(m.Kind, m.Locale, custom, m.Vars)
	if err != nil {
		return jobs.Permanent(err)
	}
	if d.SMS == nil {
		// No provider: the operator reads the text in the log, as the
		// configuration documents; it is never dropped silently.
		d.Log.WarnContext(ctx, "undelivered text (no SMS provider configured)", "to", m.To, "kind", m.Kind, "body", body)
		return nil
	}
	return classify(d.SMS.Send(ctx, m.To, body))
}

// settingsFor picks the project's own SMTP server when it has one.
func (d *Deliverer) settingsFor(p *storage.Project) (*mail.Settings, error) {
	sm := p.Settings.SMTP
	if !sm.Enabled {
		return d.Mail, nil
	}
	pw, err := d.Box.Open(sm.Password)
	if err != nil {
		return nil, jobs.Permanent(fmt.Errorf("project SMTP password: %w", err))
	}
	return &mail.Settings{Host: sm.Host, Port: sm.Port, Username: sm.Username, Password: pw, Secure: secureMode(sm.Secure),
		SenderName: sm.SenderName, SenderEmail: sm.SenderEmail, ReplyTo: sm.ReplyTo, ReplyToName: sm.ReplyToName}, nil
}

func (d *Deliverer) mail(ctx context.Context, p *storage.Project, m Message, custom *storage.Template) error {
	r, err := d.Render.Email(m.Kind, m.Locale, custom, m.Vars)
	if err != nil {
		return jobs.Permanent(err)
	}
	set, err := d.settingsFor(p)
	if err != nil {
		return err
	}
	if set == nil {
		d.Log.WarnContext(ctx, "undelivered mail (no SMTP server configured)", "to", m.To, "kind", m.Kind,
			"subject", r.Subject, "text", r.Text)
		return nil
	}
	if set.SenderName == "" {
		set.SenderName = senderName(p)
	}
	mailer, err := mail.New(*set, d.MailOptions...)
	if err != nil {
		return jobs.Permanent(err)
	}
	err = mailer.Send(ctx, mail.Message{To: m.To, ToName: m.ToName, Subject: r.Subject, HTML: r.HTML, Text: r.Text,
		FromName: r.FromName, FromEmail: r.FromEmail, ReplyTo: r.ReplyTo, ReplyToName: r.ReplyToName})
	if err != nil {
		// The whole story for the operator's log; the job's last error,
		// which the jobs API shows, names only the failed step: a
		// project's SMTP host may point anywhere, and what answers there
		// must not be read back through it.
		d.Log.WarnContext(ctx, "mail not sent", "project", p.ID, "kind", m.Kind, "err", err)
		err = mail.Public(err)
	}
	return classify(err)
}

// senderName is the project's name as a mail's sender name: without line
// breaks or other control characters, which a project name may hold but
// the mailer refuses in a header (it would drop every mail).
func senderName(p *storage.Project) string {
	return strings.Join(strings.FieldsFunc(p.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }), " ")
}

// secureMode maps the console's secure field to the mailer's modes.
func secureMode(v string) string {
	switch v {
	case "tls":
		return mail.SecureSTARTTLS
	case "ssl":
		return mail.SecureImplicitTLS
	}
	return mail.SecureAuto
}

// classify marks errors no retry can fix as permanent.
func classify(err error) error {
	if err != nil && delivery.IsPermanent(err) {
		return jobs.Permanent(err)
	}
	return err
}
