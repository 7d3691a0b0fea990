package outbox

import (
	"context"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/mail"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// DefaultTestTime bounds an SMTP test and is how long every failed one
// takes to answer: longer than the mailer's connection timeout, so a
// filtered port (which only times out) fails inside it too.
const DefaultTestTime = 15 * time.Second

// Test sends a test mail through set now, for the console's SMTP test.
//
// The test must not be a port scanner for whoever holds the admin key: a
// failure is told only as a mail.Failure (no text from the far end, no
// address), so a closed port and one where Redis listens read the same;
// and every failure answers at the same moment, TestTime after the test
// began, so timing cannot tell them apart either (a closed port fails at
// once, a filtered one only at the connection timeout). The whole test
// runs within that time, so nothing fails later than it.
func (d *Deliverer) Test(ctx context.Context, p *storage.Project, set storage.SMTPSettings, to []string) error {
	return d.try(ctx, p, set, func(ctx context.Context, mailer *mail.Mailer) error {
		for _, addr := range to {
			err := mailer.Send(ctx, mail.Message{To: addr, Subject: "Gatehouse SMTP test for " + p.Name,
				Text: "This is a test mail from Gatehouse: the SMTP settings of " + p.Name + " work."})
			if err != nil {
				return apperr.Newf(apperr.ArgumentInvalid, "The test mail could not be sent: %s", mail.FailureOf(err))
			}
		}
		return nil
	})
}

// Check connects and authenticates through set without sending, for the
// Project API's SMTP update, with Test's defences: a failure is
// project_smtp_config_invalid, told in SMTP terms only, after TestTime.
func (d *Deliverer) Check(ctx context.Context, p *storage.Project, set storage.SMTPSettings) error {
	return d.try(ctx, p, set, func(ctx context.Context, mailer *mail.Mailer) error {
		if err := mailer.Check(ctx); err != nil {
			return apperr.Newf(apperr.SMTPConfigInvalid, "The SMTP settings could not be verified: %s", mail.FailureOf(err))
		}
		return nil
	})
}

// try runs fn with a mailer for set, answering any failure of fn only
// at TestTime after the start.
func (d *Deliverer) try(ctx context.Context, p *storage.Project, set storage.SMTPSettings, fn func(context.Context, *mail.Mailer) error) error {
	s := mail.Settings{Host: set.Host, Port: set.Port, Username: set.Username, Password: set.Password, Secure: secureMode(set.Secure),
		SenderName: set.SenderName, SenderEmail: set.SenderEmail, ReplyTo: set.ReplyTo, ReplyToName: set.ReplyToName}
	if s.SenderName == "" {
		s.SenderName = senderName(p)
	}
	mailer, err := mail.New(s, d.MailOptions...)
	if err != nil {
		// The settings themselves, before any connection: what the admin
		// sent, nothing from the network.
		return apperr.Newf(apperr.ArgumentInvalid, "The SMTP settings are not valid: %s", err)
	}
	now, wait := time.Now, func(ctx context.Context) { <-ctx.Done() }
	if d.now != nil {
		now = d.now
	}
	if d.wait != nil {
		wait = d.wait
	}
	limit := d.TestTime
	if limit <= 0 {
		limit = DefaultTestTime
	}
	// Not bound to the request: a caller hanging up early must not learn
	// when the failure came either, and the wait is short.
	tctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), now().Add(limit))
	defer cancel()
	if err := fn(tctx, mailer); err != nil {
		d.Log.InfoContext(ctx, "smtp test failed", "project", p.ID, "err", err)
		wait(tctx)
		return err
	}
	return nil
}
