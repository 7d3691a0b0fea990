// Package app wires Gatehouse together from a Config: storage, the
// capability services and the HTTP server. The command and the black-box
// tests start the server the same way, through Start.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/geoip"
	"github.com/gatehouse-auth/gatehouse/internal/httpapi"
	"github.com/gatehouse-auth/gatehouse/internal/jobs"
	"github.com/gatehouse-auth/gatehouse/internal/maintenance"
	"github.com/gatehouse-auth/gatehouse/internal/memtrim"
	"github.com/gatehouse-auth/gatehouse/internal/oauthapps"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/passkey"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
)

// OpenStore opens the configured database and applies migrations.
func OpenStore(ctx context.Context, cfg config.Config) (*sqlstore.Store, error) {
	engine, dsn, err := cfg.Engine()
	if err != nil {
		return nil, err
	}
	return sqlstore.Open(ctx, engine, dsn)
}

// Instance keys shared by all nodes through the database.
const (
	keyJWTSecret    = "jwt_secret"
	keyEphemeral    = "ephemeral_key_secret"
	keyAdminKeyHash = "admin_key_hash"
)

// AdminKey returns the hash of the instance admin key. When none is
// configured, the first node to start generates one; the key itself is
// returned only to that node, to be printed once.
func AdminKey(ctx context.Context, store storage.Store, configured string) (hash, generated string, err error) {
	if configured != "" {
		return secret.Hash(configured), "", nil
	}
	fresh := "gh_admin_" + secret.Hex(24)
	hash, err = store.InstanceValue(ctx, keyAdminKeyHash, secret.Hash(fresh))
	if err != nil {
		return "", "", err
	}
	if hash == secret.Hash(fresh) {
		generated = fresh
	}
	return hash, generated, nil
}

// Server is a running Gatehouse.
type Server struct {
	Addr        string // where the API listens
	MetricsAddr string // where the metrics listener listens, if one runs
	AdminKey    string // set only when this start generated the key
	Store       storage.Store

	http    *http.Server
	metrics *http.Server
	redis   *ratelimit.Redis
	jobs    *jobs.Runner
	sweeper *maintenance.Sweeper
	done    chan error
	log     *slog.Logger
	timeout time.Duration
	hasher  *password.Hasher
	geo     *geoip.DB
	// stopTrim ends the memtrim watcher.
	stopTrim context.CancelFunc
}

// Start opens storage, builds the services and starts listening. It
// returns once the server accepts connections.
func Start(ctx context.Context, cfg config.Config, log *slog.Logger) (*Server, error) {
	store, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if why := store.SearchIndexMissing(); why != "" {
		log.Warn("the users search has no index and reads every user: see docs/deploy.md (pg_trgm)", "reason", why)
	}
	srv, err := start(ctx, cfg, log, store)
	if err != nil {
		store.Close()
		return nil, err
	}
	return srv, nil
}

func start(ctx context.Context, cfg config.Config, log *slog.Logger, store storage.Store) (*Server, error) {
	adminHash, generated, err := AdminKey(ctx, store, cfg.AdminKey)
	if err != nil {
		return nil, err
	}
	jwtKey, err := store.InstanceValue(ctx, keyJWTSecret, secret.Hex(32))
	if err != nil {
		return nil, err
	}
	instKey, err := instanceKey(ctx, store, cfg.SecretKey, log)
	if err != nil {
		return nil, err
	}
	box, err := seal.New(instKey)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	hasher := password.NewHasher(password.Params{MemoryKiB: cfg.HashMemoryKiB, Time: cfg.HashTime, Threads: cfg.HashThreads}, cfg.HashWorkers)
	if len(cfg.HashChild) > 0 {
		hasher.UseChild(cfg.HashChild, nil, log)
	}
	s := &Server{Store: store, AdminKey: generated, done: make(chan error, 1), log: log, timeout: cfg.ShutdownTimeout, hasher: hasher}

	var counter ratelimit.Counter = ratelimit.CounterFunc(store.HitCounter)
	if cfg.RedisURL != "" {
		if s.redis, err = ratelimit.NewRedis(cfg.RedisURL); err != nil {
			return nil, err
		}
		counter = s.redis
	}
	runner := newJobs(store, log, cfg.JobWorkers)
	deliverer, err := newDeliverer(cfg, store, box, log)
	if err != nil {
		return nil, err
	}
	runner.Register(outbox.JobKind, deliverer.Handle)
	swept := newSweepMetrics()
	s.sweeper = maintenance.New(store, log.With("component", "maintenance"), maintenance.Options{
		Interval: cfg.SweepInterval, Check: cfg.SweepCheck, LogRetention: cfg.LogRetention, Now: now, Observe: swept.observe})
	s.sweeper.Register(runner)
	accounts := account.New(store, hasher, session.NewJWTs([]byte(jwtKey), now), now, log)
	accounts.SetSeal(box)
	if err := accounts.SetInstanceKey(instKey); err != nil {
		return nil, err
	}
	accounts.SetSender(outbox.New(runner, box))
	accounts.SetUndoLifetime(cfg.LinkUndoLifetime)
	projects := project.New(store, now)
	projects.SetCacheTTL(cfg.ProjectCacheTTL)
	if _, err := projects.EnsureConsole(ctx); err != nil {
		return nil, fmt.Errorf("console project: %w", err)
	}
	accounts.SetPasskeys(passkey.New(store, projects, now, log))
	// Ephemeral API keys are signed with a secret of their own, not the
	// JWT one, so neither kind of token can pass for the other.
	ephKey, err := store.InstanceValue(ctx, keyEphemeral, secret.Hex(32))
	if err != nil {
		return nil, err
	}
	projects.SetEphemeralSecret([]byte(ephKey))
	if cfg.GeoIPDB != "" {
		if s.geo, err = geoip.Open(cfg.GeoIPDB); err != nil {
			return nil, err
		}
		log.Info("geoip database loaded", "path", cfg.GeoIPDB)
	}
	// The registered OAuth2 clients; the same service is the OAuth2
	// server's oauth2server.Clients.
	apps := oauthapps.New(store, projects, now)
	deps := httpapi.Deps{
		Store:          store,
		Projects:       projects,
		Accounts:       accounts,
		Limiter:        ratelimit.New(counter, cfg.RateLimits, now),
		Hasher:         hasher,
		Log:            log,
		Now:            now,
		AdminKeyHash:   adminHash,
		Seal:           box,
		Mail:           deliverer,
		OAuthClient:    &http.Client{Timeout: 15 * time.Second},
		PublicURL:      cfg.PublicURL,
		TrustedProxies: cfg.TrustedProxies,
		Apps:           apps,
	}
	if s.geo != nil {
		deps.GeoIP = s.geo
	}
	// The OAuth2 server's clients are the apps, unless a test or a
	// program embedding the server brings its own source.
	deps.OAuth2Clients = apps
	if cfg.OAuth2Clients != nil {
		deps.OAuth2Clients = cfg.OAuth2Clients
	}
	if deps.OAuth2UserCodes, err = secret.NewKeyed(instKey, "oauth2 user codes v1"); err != nil {
		return nil, err
	}
	if cfg.MetricsAddr != "" {
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		deps.Metrics = httpapi.NewMetrics(reg, func() float64 { return float64(hasher.Waiting()) })
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "gatehouse_password_verifications_total", Help: "Password checks run, including the dummy one for an unknown email.",
		}, func() float64 { return float64(hasher.Verifications()) }))
		swept.register(reg)
		ml, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return nil, fmt.Errorf("metrics listener: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		s.metrics = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go s.metrics.Serve(ml)
		s.MetricsAddr = ml.Addr().String()
		log.Info("metrics listening", "addr", s.MetricsAddr)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s.Addr = ln.Addr().String()
	deps.ListenURL = listenURL(s.Addr)
	s.http = &http.Server{
		Handler:           httpapi.New(deps),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	s.jobs = runner
	if cfg.JobWorkers > 0 {
		s.jobs.Start(ctx)
		s.sweeper.Start(ctx)
	}
	// A quiet server hands back what a burst left on the heap (the
	// hashing child, the other half, retires itself).
	trimCtx, stopTrim := context.WithCancel(context.WithoutCancel(ctx))
	s.stopTrim = stopTrim
	go memtrim.Run(trimCtx, memtrim.Options{})
	go func() {
		err := s.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

// Done reports the server's end.
func (s *Server) Done() <-chan error { return s.done }

// Shutdown stops accepting requests, lets those in flight finish within
// the configured timeout, then closes storage.
func (s *Server) Shutdown(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err := s.http.Shutdown(ctx)
	s.stopTrim()
	s.sweeper.Stop()
	err = errors.Join(err, s.jobs.Stop(ctx))
	if s.metrics != nil {
		s.metrics.Shutdown(ctx)
	}
	if s.redis != nil {
		s.redis.Close()
	}
	s.hasher.Close()
	if s.geo != nil {
		s.geo.Close()
	}
	return errors.Join(err, s.Store.Close())
}

// listenURL is the server's own base URL from the address it listens on,
// for links in mail when GATEHOUSE_PUBLIC_URL is not set: never from a
// request's Host header, which whoever sends the request chooses.
func listenURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
