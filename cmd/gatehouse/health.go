package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/config"
)

const healthUsage = `Usage: gatehouse health [--url URL] [--timeout 5s]

Asks a running server's GET /v1/health and exits 0 when it answers 200
(the database answers), 1 otherwise: a health check for images that have
no curl. Without --url it asks the server of this environment, on
loopback at the port of GATEHOUSE_ADDR (or the address it names).

Flags:
`

// health runs "gatehouse health".
func health(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, healthUsage)
		fs.PrintDefaults()
	}
	addr := fs.String("addr", envOr("GATEHOUSE_ADDR", config.Defaults().Addr), "the server's listen address")
	target := fs.String("url", "", "the health URL (default: from --addr)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u := *target
	if u == "" {
		var err error
		if u, err = healthURL(*addr); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		msg := ""
		var e struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(body, &e) == nil && e.Message != "" {
			msg = ": " + e.Message
		}
		return fmt.Errorf("%s answered %s%s", u, res.Status, msg)
	}
	fmt.Fprintf(stdout, "%s: %s\n", u, body)
	return nil
}

// healthURL is the health URL of a server listening on addr: its host, or
// loopback when it listens on every address.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/v1/health", nil
}
