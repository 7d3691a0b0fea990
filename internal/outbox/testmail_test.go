package outbox

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// TestFailedTestsAnswerAtOneTime: whatever fails, and however fast, the
// SMTP test waits until the same moment, TestTime after it began, and
// says the same thing. The clock and the wait are the test's, so nothing
// here depends on timing.
func TestFailedTestsAnswerAtOneTime(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().(*net.TCPAddr)
	closed.Close()
	redis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { redis.Close() })
	go func() {
		for {
			c, err := redis.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("-ERR wrong number of arguments for 'ehlo' command, from 10.9.8.7:6379\r\n"))
			c.Close()
		}
	}()
	good := smtptest.Start(t, smtptest.Options{})
	_, gp, _ := net.SplitHostPort(good.Addr())
	goodPort, _ := strconv.Atoi(gp)

	start := time.Now()
	var waited []time.Time
	d := &Deliverer{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TestTime: 7 * time.Second,
		now: func() time.Time { return start },
		wait: func(ctx context.Context) {
			dl, _ := ctx.Deadline()
			waited = append(waited, dl)
		}}
	p := &storage.Project{ID: "p", Name: "Acme"}
	test := func(port int) error {
		return d.Test(context.Background(), p, storage.SMTPSettings{Host: "127.0.0.1", Port: port, SenderEmail: "a@b.test"}, []string{"x@example.com"})
	}

	errClosed := test(closedAddr.Port)
	errRedis := test(redis.Addr().(*net.TCPAddr).Port)
	if errClosed == nil || errRedis == nil {
		t.Fatalf("tests succeeded: %v, %v", errClosed, errRedis)
	}
	var ac, ar *apperr.Error
	if !errors.As(errClosed, &ac) || !errors.As(errRedis, &ar) || ac.Kind != apperr.ArgumentInvalid || ac.Message() != ar.Message() {
		t.Fatalf("a closed port and a Redis port read differently:\n%v\n%v", errClosed, errRedis)
	}
	if m := ar.Message(); strings.Contains(m, "ERR") || strings.Contains(m, "10.9.8.7") || strings.Contains(m, "127.0.0.1") {
		t.Fatalf("the far end's words came back: %s", m)
	}
	want := start.Add(7 * time.Second)
	if len(waited) != 2 || !waited[0].Equal(want) || !waited[1].Equal(want) {
		t.Fatalf("failures waited until %v, want both until %v", waited, want)
	}

	// A test that works answers at once.
	if err := test(goodPort); err != nil {
		t.Fatalf("test through a working server: %v", err)
	}
	if len(waited) != 2 {
		t.Fatal("a working test waited")
	}
}

// TestSenderNameFromProjectName: a project name with a line break still
// sends, under a sender name without it.
func TestSenderNameFromProjectName(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	_, port, _ := net.SplitHostPort(srv.Addr())
	n, _ := strconv.Atoi(port)
	d := &Deliverer{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	p := &storage.Project{ID: "p", Name: "Acme\r\nBcc: all@example.test"}
	if err := d.Test(context.Background(), p, storage.SMTPSettings{Host: "127.0.0.1", Port: n, SenderEmail: "a@b.test"}, []string{"x@example.com"}); err != nil {
		t.Fatalf("Test: %v", err)
	}
	m := srv.WaitFor(t, "x@example.com", 5*time.Second)
	if from := m.HeaderAddress("From"); from == nil || from.Name != "Acme Bcc: all@example.test" || len(m.To) != 1 {
		t.Fatalf("From %q, to %v", m.Header.Get("From"), m.To)
	}
}
