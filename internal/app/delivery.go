package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/mail"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/sms"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const keySeal = "seal_key"

// sealBox builds the box that seals stored secrets. The configured key
// keeps them sealed even against someone holding a database copy; without
// one, a key kept in the database still keeps them out of casual reads
// and logs, and the operator is told.
func sealBox(ctx context.Context, store storage.Store, configured string, log *slog.Logger) (*seal.Box, error) {
	key := configured
	if key == "" {
		var err error
		if key, err = store.InstanceValue(ctx, keySeal, secret.Hex(32)); err != nil {
			return nil, err
		}
		log.Warn("no GATEHOUSE_SECRET_KEY: stored secrets are sealed with a key kept in the database")
	}
	return seal.New([]byte(key))
}

// newDeliverer sets up mail and text delivery from the configuration.
func newDeliverer(cfg config.Config, store storage.Store, box *seal.Box, log *slog.Logger) (*outbox.Deliverer, error) {
	d := &outbox.Deliverer{Store: store, Box: box, Render: outbox.Templates{}, Log: log.With("component", "delivery"),
		TestTime: cfg.SMTPTestTime}
	if cfg.SMTPURL != "" {
		set, err := mail.ParseURL(cfg.SMTPURL)
		if err != nil {
			return nil, fmt.Errorf("smtp_url: %w", err)
		}
		d.Mail = &set
	} else {
		log.Warn("no SMTP server configured (GATEHOUSE_SMTP_URL): mail for projects without their own SMTP settings is written to this log")
	}
	if cfg.SMSURL != "" {
		t, err := sms.New(cfg.SMSURL)
		if err != nil {
			return nil, fmt.Errorf("sms_url: %w", err)
		}
		d.SMS = t
	} else {
		log.Warn("no SMS provider configured (GATEHOUSE_SMS_URL): texts are written to this log")
	}
	return d, nil
}
