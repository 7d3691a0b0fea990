package apitest

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
)

// TestSecretKeyChange checks what docs/deploy.md ("Secrets") says of
// GATEHOUSE_SECRET_KEY, with a project SMTP password as the sealed value:
// a server without the key seals with the one kept in the instance table;
// setting GATEHOUSE_SECRET_KEY to that stored value, and then deleting the
// row, loses nothing; any other key cannot open what was sealed, and
// entering the password again repairs it.
func TestSecretKeyChange(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gatehouse.db")
	adminKey := "test_admin_" + secret.Hex(16)
	start := func(secretKey string) (*server, func()) {
		t.Helper()
		cfg := config.Defaults()
		cfg.Addr = "127.0.0.1:0"
		cfg.Database = "sqlite:" + file
		cfg.AdminKey = adminKey
		cfg.SecretKey = secretKey
		cfg.HashMemoryKiB, cfg.HashTime = 512, 1
		cfg.RateLimits = false
		cfg.SMTPTestTime = 500 * time.Millisecond
		cfg.ShutdownTimeout = 5 * time.Second
		srv, err := app.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		stopped := false
		stop := func() {
			if !stopped {
				stopped = true
				srv.Shutdown(context.Background())
			}
		}
		t.Cleanup(stop)
		return &server{base: "http://" + srv.Addr, adminKey: adminKey, srv: srv}, stop
	}
	own := smtptest.Start(t, smtptest.Options{Username: "shop", Password: "mail-pass"})
	smtpTest := func(s *server, project string, status int, typ string) {
		t.Helper()
		to := "ops-" + secret.Hex(4) + "@example.test"
		expect(t, s.admin(t).do("POST", "/projects/"+project+"/smtp/tests", map[string]any{"emails": []string{to}}), status, typ)
		if status == 204 {
			own.WaitFor(t, to, 10*time.Second)
		}
	}
	db := func(q string, args ...any) string {
		t.Helper()
		conn, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var v string
		if strings.HasPrefix(q, "SELECT") {
			err = conn.QueryRow(q, args...).Scan(&v)
		} else {
			_, err = conn.Exec(q, args...)
		}
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}

	// No GATEHOUSE_SECRET_KEY: the password is sealed with the stored key.
	s, stop := start("")
	project := s.newProject(t).project
	expect(t, s.admin(t).do("PATCH", "/projects/"+project+"/smtp", map[string]any{"enabled": true, "senderEmail": "shop@example.test",
		"host": own.Host(), "port": own.Port(), "username": "shop", "password": "mail-pass"}), 200, "")
	smtpTest(s, project, 204, "")
	stop()
	stored := db(`SELECT value FROM instance WHERE key = 'seal_key'`)
	if len(stored) != 64 {
		t.Fatalf("stored key %q: want 64 hex characters", stored)
	}

	// GATEHOUSE_SECRET_KEY set to the stored value: nothing lost, even
	// once the row is gone.
	s, stop = start(stored)
	smtpTest(s, project, 204, "")
	stop()
	db(`DELETE FROM instance WHERE key = 'seal_key'`)
	s, stop = start(stored)
	smtpTest(s, project, 204, "")
	stop()

	// Another key: the sealed password cannot be opened (500), until it
	// is entered again.
	s, _ = start("another key, of more than thirty-two characters")
	smtpTest(s, project, 500, "general_unknown")
	expect(t, s.admin(t).do("PATCH", "/projects/"+project+"/smtp", map[string]any{"enabled": true, "senderEmail": "shop@example.test",
		"host": own.Host(), "port": own.Port(), "username": "shop", "password": "mail-pass"}), 200, "")
	smtpTest(s, project, 204, "")
}
