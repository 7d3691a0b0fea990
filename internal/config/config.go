// Package config reads Gatehouse's settings from flags and the environment
// into one struct. Every flag has an environment twin: --database is
// GATEHOUSE_DATABASE, and a flag given on the command line wins.
package config

import (
	"errors"
	"flag"
	"fmt"
	"github.com/gatehouse-auth/gatehouse/internal/clientinfo"
	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the whole server configuration.
type Config struct {
	Addr       string // listen address
	Database   string // sqlite:PATH or postgres://...
	AdminKey   string // instance admin key; generated on first start when empty
	PublicURL  string // external base URL, e.g. https://auth.example.com
	RateLimits bool   // GATEHOUSE_RATE_LIMITS=on|off
	// TrustedProxies lists the proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (GATEHOUSE_TRUSTED_PROXIES: addresses
	// and CIDR prefixes, loopback, private, or none; loopback by default).
	TrustedProxies clientinfo.Proxies
	RedisURL       string // optional shared rate-limit counters
	// GeoIPDB is a MaxMind-format (.mmdb) country database; without one
	// every client's country is unknown.
	GeoIPDB     string
	SMTPURL     string // instance mail server: smtp://user:pass@host:port
	SMSURL      string // instance text provider: twilio://..., vonage://...
	SecretKey   string // seals stored secrets; else a key kept in the database
	MetricsAddr string // optional Prometheus listener
	LogFormat   string // json, text or auto
	LogLevel    string // debug, info, warn, error

	// Argon2id parameters for new password hashes.
	HashMemoryKiB uint32
	HashTime      uint32
	HashThreads   uint8
	HashWorkers   int // concurrent hashes; 0 means the number of CPUs
	// HashProcess runs hashing in a low-priority child process of this
	// binary (GATEHOUSE_HASH_PROCESS=on|off; serve only).
	HashProcess bool
	// HashChild is the command of that child, set by serve; empty hashes
	// in-process (tests, and programs embedding the server).
	HashChild []string

	JobWorkers int // background job workers on this node; 0 runs none

	// LogRetention is how long security log entries are kept; 0 keeps
	// them for ever (GATEHOUSE_LOG_RETENTION, 90 days by default).
	LogRetention time.Duration
	// SweepInterval is the time between maintenance sweeps, which remove
	// what has expired (internal/maintenance); 0 means an hour.
	SweepInterval time.Duration
	// SweepCheck is how often, in real time, each node offers the current
	// period's sweep to the job queue; 0 means SweepInterval, at most a
	// minute. No flag sets it: tests whose clock jumps ahead set it short.
	SweepCheck time.Duration

	// LinkUndoLifetime is how long the "this wasn't me" link mailed after
	// a link or an unlink works; 0 means seven days.
	LinkUndoLifetime time.Duration

	// SMTPTestTime bounds the console's SMTP test, and is how long every
	// failed one takes to answer, so its timing tells nothing about the
	// far end; 0 means 15 seconds.
	SMTPTestTime time.Duration

	ShutdownTimeout time.Duration

	// ProjectCacheTTL bounds how stale a node's view of a project (its
	// settings, platforms) may be; 0 reads the project on every request.
	ProjectCacheTTL time.Duration

	// Now is the clock behind every time-bound decision (session, token
	// and challenge expiry, MFA freshness, JWT lifetime, rate-limit
	// windows); nil is the wall clock. No flag sets it: it is for tests
	// and programs embedding the server.
	Now func() time.Time
	// OAuth2Clients, when set, resolves the clients of the projects'
	// OAuth2 servers in place of the built-in source. No flag sets it:
	// it is for tests and programs embedding the server.
	OAuth2Clients oauth2server.Clients
}

// Defaults returns the configuration used when nothing is set.
func Defaults() Config {
	return Config{
		Addr:            ":8080",
		Database:        "sqlite:data/gatehouse.db",
		RateLimits:      true,
		TrustedProxies:  clientinfo.DefaultProxies,
		LogFormat:       "auto",
		LogLevel:        "info",
		HashMemoryKiB:   19 * 1024,
		HashTime:        2,
		HashThreads:     1,
		HashProcess:     true,
		JobWorkers:      2,
		LogRetention:    90 * 24 * time.Hour,
		SweepInterval:   time.Hour,
		ShutdownTimeout: 20 * time.Second,
		ProjectCacheTTL: time.Second,
	}
}

// Load fills a Config from defaults, then the environment, then flags in args.
func Load(name string, args []string, getenv func(string) string) (Config, error) {
	c := Defaults()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var rate string
	str := func(p *string, flagName, usage string) {
		if v := getenv(envName(flagName)); v != "" {
			*p = v
		}
		fs.StringVar(p, flagName, *p, usage)
	}
	str(&c.Addr, "addr", "listen address")
	str(&c.Database, "database", "sqlite:PATH or a postgres:// URL")
	str(&c.AdminKey, "admin_key", "instance admin key (generated once when empty)")
	str(&c.PublicURL, "public_url", "external base URL used in links and callbacks")
	rate = "on"
	if !c.RateLimits {
		rate = "off"
	}
	str(&rate, "rate_limits", "on or off")
	proxies := "loopback"
	str(&proxies, "trusted_proxies", "proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: IPs and CIDRs, \"loopback\", \"private\" or none")
	str(&c.RedisURL, "redis_url", "redis:// URL for shared rate-limit counters")
	str(&c.GeoIPDB, "geoip_db", "MaxMind-format (.mmdb) country database, e.g. GeoLite2-Country.mmdb (countries unknown when empty)")
	str(&c.SMTPURL, "smtp_url", "instance SMTP server, smtp://user:pass@host:port (smtps:// for implicit TLS)")
	str(&c.SMSURL, "sms_url", "instance SMS provider URL (twilio://, vonage://, msg91://, textmagic://, telesign://)")
	str(&c.SecretKey, "secret_key", "key that seals stored secrets (32+ random characters)")
	str(&c.MetricsAddr, "metrics_addr", "address for Prometheus metrics (off when empty)")
	str(&c.LogFormat, "log_format", "json, text or auto")
	str(&c.LogLevel, "log_level", "debug, info, warn or error")

	var mem, tm, threads, workers, jobWorkers, shutdown, undo, cacheTTL string
	mem = strconv.Itoa(int(c.HashMemoryKiB))
	tm = strconv.Itoa(int(c.HashTime))
	threads = strconv.Itoa(int(c.HashThreads))
	workers = "0"
	jobWorkers = strconv.Itoa(c.JobWorkers)
	shutdown = c.ShutdownTimeout.String()
	undo = "168h"
	cacheTTL = c.ProjectCacheTTL.String()
	str(&mem, "hash_memory_kib", "argon2id memory in KiB")
	str(&tm, "hash_time", "argon2id iterations")
	str(&threads, "hash_threads", "argon2id parallelism")
	str(&workers, "hash_workers", "concurrent password hashes (0: one per CPU)")
	hashProc := "on"
	if !c.HashProcess {
		hashProc = "off"
	}
	str(&hashProc, "hash_process", "on: hash passwords in a low-priority child process; off: in-process")
	str(&jobWorkers, "job_workers", "background job workers on this node (0: none)")
	str(&shutdown, "shutdown_timeout", "how long in-flight requests may finish on SIGTERM")
	str(&undo, "link_undo_lifetime", "how long the undo link mailed after a link or unlink works")
	str(&cacheTTL, "project_cache_ttl", "how stale a node's view of a project's settings may be (0: no cache)")
	retention := formatDays(c.LogRetention)
	str(&retention, "log_retention", "how long security log entries are kept, in days (90d) or as a duration (2160h); 0 keeps them for ever")
	sweep := c.SweepInterval.String()
	str(&sweep, "sweep_interval", "time between maintenance sweeps of expired data, from 1m to 24h")
	smtpTest := "15s"
	str(&smtpTest, "smtp_test_time", "how long an SMTP test may take; every failed one answers after this")

	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var errs []error
	onOff := func(name, v string, dst *bool) {
		switch strings.ToLower(v) {
		case "on", "true", "1", "enabled":
			*dst = true
		case "off", "false", "0", "disabled":
			*dst = false
		default:
			errs = append(errs, fmt.Errorf("%s: want on or off, got %q", name, v))
		}
	}
	onOff("rate_limits", rate, &c.RateLimits)
	onOff("hash_process", hashProc, &c.HashProcess)
	if p, err := parseProxies(proxies); err != nil {
		errs = append(errs, fmt.Errorf("trusted_proxies: %w", err))
	} else {
		c.TrustedProxies = p
	}
	num := func(name, v string, min, max int) int {
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			errs = append(errs, fmt.Errorf("%s: want a whole number from %d to %d, got %q", name, min, max, v))
		}
		return n
	}
	c.HashMemoryKiB = uint32(num("hash_memory_kib", mem, 8, 4*1024*1024))
	c.HashTime = uint32(num("hash_time", tm, 1, 100))
	c.HashThreads = uint8(num("hash_threads", threads, 1, 255))
	c.HashWorkers = num("hash_workers", workers, 0, 1024)
	c.JobWorkers = num("job_workers", jobWorkers, 0, 64)
	d, err := time.ParseDuration(shutdown)
	if err != nil {
		errs = append(errs, fmt.Errorf("shutdown_timeout: %w", err))
	}
	c.ShutdownTimeout = d
	if u, err := time.ParseDuration(undo); err != nil || u <= 0 {
		errs = append(errs, fmt.Errorf("link_undo_lifetime: want a positive duration such as 168h, got %q", undo))
	} else {
		c.LinkUndoLifetime = u
	}
	if ttl, err := time.ParseDuration(cacheTTL); err != nil || ttl < 0 || ttl > time.Minute {
		errs = append(errs, fmt.Errorf("project_cache_ttl: want a duration from 0 to 1m, got %q", cacheTTL))
	} else {
		c.ProjectCacheTTL = ttl
	}
	if r, err := parseRetention(retention); err != nil {
		errs = append(errs, fmt.Errorf("log_retention: %w", err))
	} else {
		c.LogRetention = r
	}
	if d, err := time.ParseDuration(sweep); err != nil || d < time.Minute || d > 24*time.Hour {
		errs = append(errs, fmt.Errorf("sweep_interval: want a duration from 1m to 24h such as 1h, got %q", sweep))
	} else {
		c.SweepInterval = d
	}
	if st, err := time.ParseDuration(smtpTest); err != nil || st < time.Second || st > 10*time.Minute {
		errs = append(errs, fmt.Errorf("smtp_test_time: want a duration from 1s to 10m such as 15s, got %q", smtpTest))
	} else {
		c.SMTPTestTime = st
	}
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// maxRetention bounds the log retention: a century is "for ever" enough,
// and keeps the cutoff arithmetic far from overflow.
const maxRetention = 100 * 365 * 24 * time.Hour

// parseRetention reads a retention period: 0, a whole number of days
// ("90d"), or a Go duration ("2160h").
func parseRetention(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	bad := fmt.Errorf("want 0, a number of days such as 90d, or a duration such as 2160h, got %q", v)
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > int(maxRetention/(24*time.Hour)) {
			return 0, bad
		}
		d = time.Duration(n) * 24 * time.Hour
	} else if v == "0" {
		return 0, nil
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d < 0 || d > maxRetention {
			return 0, bad
		}
	}
	if d > 0 && d < time.Hour {
		return 0, fmt.Errorf("want 0 or at least an hour, got %q", v)
	}
	return d, nil
}

// formatDays writes a retention as parseRetention reads it back.
func formatDays(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

func envName(flagName string) string {
	return "GATEHOUSE_" + strings.ToUpper(flagName)
}

// Validate reports every problem with c at once.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr: %w", err))
	}
	if _, _, err := c.Engine(); err != nil {
		errs = append(errs, err)
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("public_url: want an http(s) URL, got %q", c.PublicURL))
		}
	}
	if c.AdminKey != "" && len(c.AdminKey) < 32 {
		errs = append(errs, errors.New("admin_key: must be at least 32 characters"))
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		errs = append(errs, errors.New("secret_key: must be at least 32 characters"))
	}
	if c.SMTPURL != "" && !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
		errs = append(errs, errors.New("smtp_url: want smtp:// or smtps://"))
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			errs = append(errs, fmt.Errorf("redis_url: want a redis:// URL, got %q", c.RedisURL))
		}
	}
	switch c.LogFormat {
	case "auto", "json", "text":
	default:
		errs = append(errs, fmt.Errorf("log_format: want json, text or auto, got %q", c.LogFormat))
	}
	return errors.Join(errs...)
}

// Engine splits Database into the engine name ("sqlite" or "postgres") and
// the driver's data source.
func (c *Config) Engine() (engine, dsn string, err error) {
	switch {
	case strings.HasPrefix(c.Database, "sqlite:"):
		p := strings.TrimPrefix(c.Database, "sqlite:")
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return "", "", errors.New("database: sqlite: needs a file path")
		}
		return "sqlite", p, nil
	case strings.HasPrefix(c.Database, "postgres://"), strings.HasPrefix(c.Database, "postgresql://"):
		return "postgres", c.Database, nil
	}
	return "", "", fmt.Errorf("database: want sqlite:PATH or a postgres:// URL, got %q", redact(c.Database))
}

// redact hides a password in a URL so configuration errors never print it.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// FromEnv is Load with the process environment.
func FromEnv(name string, args []string) (Config, error) { return Load(name, args, os.Getenv) }

// parseProxies reads trusted_proxies: addresses and CIDR prefixes, with
// "loopback" and "private" standing for those networks ("loopback" is the
// default), or none.
func parseProxies(v string) (clientinfo.Proxies, error) {
	var out clientinfo.Proxies
	var rest []string
	for _, f := range strings.Split(v, ",") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "loopback":
			out = append(out, clientinfo.Loopback...)
		case "private":
			out = append(out, clientinfo.Private...)
		default:
			rest = append(rest, f)
		}
	}
	more, err := clientinfo.ParseProxies(strings.Join(rest, ","))
	if err != nil {
		return nil, err
	}
	return append(out, more...), nil
}
