// Package delivery is the out-of-band channel of Gatehouse: what a user
// must receive somewhere other than the HTTP response, such as a magic
// link, a one-time code or a security alert.
//
// The work is split by idea:
//
//	templates/  the message texts (Appwrite's kinds and {{variables}}),
//	            per locale, with a project's custom templates on top
//	mail/       sends one rendered message through SMTP
//	sms/        sends one text through an SMS provider's HTTP API
//	smtptest/   a real SMTP server on loopback for tests (test-only)
//
// Nothing here queues or retries: the caller (a durable job) does. To help
// it decide, every send error says whether trying again can help; see
// IsPermanent.
package delivery

import "errors"

// IsPermanent reports whether err says that sending the same message
// again cannot succeed without someone changing something first: an SMTP
// 5xx reply (unknown mailbox, authentication failed), a provider's 4xx
// answer other than 408 and 429, an invalid address or settings. Timeouts,
// network errors, SMTP 4xx replies and provider 5xx answers are not
// permanent, and neither is any error this package does not know.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	if errors.As(err, &p) {
		return p.Permanent()
	}
	return false
}
