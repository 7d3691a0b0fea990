package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/mail"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/sms"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const keySeal = "seal_key"

// instanceKey is the key that seals stored secrets and keys the hashes of
// short codes. The configured key keeps them safe even against someone
// holding a database copy; without one, a key kept in the database (in
// the instance table, apart from what it protects) still keeps them out
// of casual reads and logs, and the operator is told.
func instanceKey(ctx context.Context, store storage.Store, configured string, log *slog.Logger) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	key, err := store.InstanceValue(ctx, keySeal, secret.Hex(32))
	if err != nil {
		return nil, err
	}
	log.Warn("no GATEHOUSE_SECRET_KEY: stored secrets are sealed with a key kept in the database")
	return []byte(key), nil
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
		if set.SenderEmail == "" {
			// Without a sender every mail would fail in the job queue while
			// the server looked healthy: take a default, or refuse to start.
			if set.SenderEmail = defaultSender(cfg.PublicURL, set.Username); set.SenderEmail == "" {
				return nil, errors.New("smtp_url has no senderEmail, and none can be derived (no GATEHOUSE_PUBLIC_URL " +
					"with a domain name, no SMTP user name that is an address): add ?senderEmail=noreply@your.domain")
			}
		}
		log.Info("mail is sent through the instance SMTP server", "host", set.Host, "sender", set.SenderEmail)
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

// defaultSender is the sender of instance mail when the SMTP URL names
// none: noreply at the public URL's domain, else the SMTP user name when
// it is an address (many providers accept only that sender anyway). An IP
// address or a single-label host makes no sender a mail server accepts.
func defaultSender(publicURL, smtpUser string) string {
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		host := strings.ToLower(u.Hostname())
		if net.ParseIP(host) == nil && strings.Contains(host, ".") && host != "localhost" {
			return "noreply@" + host
		}
	}
	if a, err := netmail.ParseAddress(smtpUser); err == nil && a.Address == smtpUser {
		return smtpUser
	}
	return ""
}
