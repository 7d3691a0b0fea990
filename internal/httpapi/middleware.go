package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
)

// Metrics are the Prometheus collectors of the API.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the API's collectors on reg, with a gauge reading
// the password pool's queue through waiting.
func NewMetrics(reg prometheus.Registerer, waiting func() float64) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gatehouse_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "gatehouse_password_hash_queue", Help: "Requests waiting for a password hashing slot.",
	}, waiting))
	return m
}

// recorder remembers the status a handler wrote.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

type ctxKey struct{}

// instrument wraps every request: request id, common headers, CORS
// preflight, panic recovery, metrics and a debug access log.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \r\n\t") {
			id = secret.Hex(8)
		}
		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Server", "Gatehouse")
		if s.isHTTPS(r) {
			h.Set("Strict-Transport-Security", "max-age=10886400")
		}
		if f := r.Header.Get("X-Appwrite-Response-Format"); f != "" && newerThan(f, Version) {
			h.Set("X-Appwrite-Warning", "The current SDK is built for Appwrite "+sanitize(f)+
				". However, the current Appwrite server version is "+Version+". Please downgrade your SDK to match the Appwrite version.")
		}
		if r.Method == http.MethodOptions {
			preflight(w, r)
			return
		}
		r = r.WithContext(contextWith(r, id))
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.ErrorContext(r.Context(), "panic", "panic", p, "request_id", id)
				if rec.status == 0 {
					s.writeError(rec, r, apperr.New(apperr.Unknown))
				}
			}
			if s.Metrics != nil {
				pat := r.Pattern
				if pat == "" || pat == "/" {
					pat = "unmatched"
				}
				s.Metrics.requests.WithLabelValues(pat, strconv.Itoa(rec.status)).Inc()
				s.Metrics.latency.WithLabelValues(pat).Observe(time.Since(start).Seconds())
			}
			if s.Log.Enabled(r.Context(), slog.LevelDebug) {
				s.Log.DebugContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
					"status", rec.status, "duration", time.Since(start), "request_id", id)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// preflight answers CORS OPTIONS requests, reflecting the origin, as
// Appwrite does, unless it names no host: "null" is never allowed, so a
// sandboxed or redirected page cannot even send a JSON write.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if o := r.Header.Get("Origin"); parseOrigin(o) != nil {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Vary", "Origin")
	}
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
	h.Set("Access-Control-Allow-Headers", allowHeaders)
	if strings.HasPrefix(r.URL.Path, "/v1/oauth2/") {
		// The OAuth2 issuer: client_secret_basic and Bearer tokens.
		h.Set("Access-Control-Allow-Headers", allowHeaders+", Authorization")
	}
	h.Set("Access-Control-Expose-Headers", exposeHeaders)
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// newerThan compares dotted versions numerically.
func newerThan(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x > y
		}
	}
	return false
}

// sanitize keeps a header echo short and printable.
func sanitize(v string) string {
	if len(v) > 16 {
		v = v[:16]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, v)
}

// logHandler adds the request id to every log record made with the
// request's context.
type logHandler struct{ slog.Handler }

// WithRequestIDs wraps a slog handler so records carry request_id.
func WithRequestIDs(h slog.Handler) slog.Handler { return logHandler{h} }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(ctxKey{}).(string); ok {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h logHandler) WithAttrs(a []slog.Attr) slog.Handler { return logHandler{h.Handler.WithAttrs(a)} }
func (h logHandler) WithGroup(n string) slog.Handler      { return logHandler{h.Handler.WithGroup(n)} }

func contextWith(r *http.Request, id string) context.Context {
	return context.WithValue(r.Context(), ctxKey{}, id)
}
