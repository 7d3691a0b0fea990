package httpapi

import (
	"net/http"
	"strings"
)

// consoleInfoRoutes tell the console what only the server knows: the
// base URL it puts in links and OAuth2 callbacks (GATEHOUSE_PUBLIC_URL,
// which may differ from the address the console was opened at).
func (s *Server) consoleInfoRoutes() {
	s.handle("GET /v1/console/info", route{console: true}, s.consoleInfo)
}

type consoleInfoModel struct {
	// Endpoint is the API's external URL, ending in /v1: the base of the
	// OAuth2 callback URLs providers must be given.
	Endpoint string `json:"endpoint"`
	Version  string `json:"version"`
}

func (s *Server) consoleInfo(c *call) error {
	// The same base as callbackURL's.
	base := s.PublicURL
	if base == "" {
		scheme := "http"
		if s.isHTTPS(c.r) {
			scheme = "https"
		}
		base = scheme + "://" + c.r.Host
	}
	return c.json(http.StatusOK, consoleInfoModel{Endpoint: strings.TrimSuffix(base, "/") + "/v1", Version: Version})
}
