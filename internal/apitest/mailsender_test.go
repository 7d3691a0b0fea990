package apitest

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestInstanceMailHasASender: an instance SMTP URL without senderEmail
// sends from noreply at the public URL's domain, instead of failing every
// mail in the job queue while the server looks healthy.
func TestInstanceMailHasASender(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			none := ""
			s := startServer(t, e, options{smtpQuery: &none, publicURL: "https://auth.example.test"})
			c := s.newProject(t)
			mail := email()
			expect(t, c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail}), 201, "")
			m := s.mailTo(t, mail)
			if m.From != "noreply@auth.example.test" || !strings.Contains(m.Header.Get("From"), "noreply@auth.example.test") {
				t.Fatalf("sent from %q (header %q)", m.From, m.Header.Get("From"))
			}
		})
	}
}

// TestInstanceMailWithoutSenderRefusesToStart: with no sender and nothing
// to derive one from, the server does not start, and says what to set.
func TestInstanceMailWithoutSenderRefusesToStart(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			cfg := config.Defaults()
			cfg.Addr = "127.0.0.1:0"
			cfg.Database = e.New(t)
			cfg.SMTPURL = "smtp://127.0.0.1:2525"
			cfg.PublicURL = "http://127.0.0.1:8080"
			srv, err := app.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err == nil {
				srv.Shutdown(context.Background())
				t.Fatal("started with no mail sender")
			}
			if !strings.Contains(err.Error(), "senderEmail") {
				t.Fatalf("error does not say what to set: %v", err)
			}
		})
	}
}
