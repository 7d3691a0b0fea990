package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

func (s *Server) healthRoutes() {
	open := route{noProject: true}
	s.handle("GET /v1/health/version", open, s.healthVersion)
	s.handle("GET /v1/health", open, s.health)
	s.handle("GET /v1/ping", route{}, s.ping)
}

func (s *Server) healthVersion(c *call) error {
	return c.json(http.StatusOK, map[string]string{"version": Version})
}

// health answers load balancers: 200 while the database answers.
func (s *Server) health(c *call) error {
	ctx, cancel := context.WithTimeout(c.ctx(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if err := s.Store.Ping(ctx); err != nil {
		s.Log.ErrorContext(c.ctx(), "health: database unreachable", "err", err)
		return apperr.Newf(apperr.Unavailable, "The database is unreachable.")
	}
	return c.json(http.StatusOK, map[string]any{"name": "database", "ping": time.Since(start).Milliseconds(), "status": "pass"})
}

// ping is client.ping(): text, for a known project.
func (s *Server) ping(c *call) error {
	c.w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	_, err := c.w.Write([]byte("Pong!"))
	return err
}
