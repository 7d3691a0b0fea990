package apitest

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// A check that some mail is never sent must first see the mail queue
// reach past the moment that mail would have been queued: sleeping and
// then seeing nothing passes when delivery is merely slow.

// eachEngineOneWorker runs fn against a server of its own on every engine
// with one job worker, so mails go out in the order they were queued
// (jobs are claimed oldest first) and markerMail proves the ones before
// it are sent.
func eachEngineOneWorker(t *testing.T, fn func(t *testing.T, s *server)) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			fn(t, startServer(t, e, options{jobWorkers: 1}))
		})
	}
}

// markerMail queues a sign-in code to addr after everything c's project
// queued so far, and returns it once it arrives, passing over any mail to
// addr before it (the caller then looks at s.mail.Messages()).
func markerMail(t *testing.T, s *server, c *client, addr string) smtptest.Message {
	t.Helper()
	r := s.client(t, c.project).do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": addr})
	expect(t, r, 201, "")
	return s.mailWith(t, addr, subjectOTP)
}
