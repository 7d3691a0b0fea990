package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// routes registers every endpoint, one group per Appwrite area.
func (s *Server) routes() {
	s.healthRoutes()
	s.accountRoutes()
	s.sessionRoutes()
	s.projectRoutes()
	s.projectAPIRoutes()
	s.projectSettingsRoutes()
	s.tokenRoutes()
	s.mfaRoutes()
	s.oauthRoutes()
	s.avatarRoutes()
	s.localeRoutes()
	s.accountTargetRoutes()
	s.linkRoutes()
	s.deviceRoutes()
	s.userRoutes()
	s.jobRoutes()
	s.oauth2Routes()
	s.appRoutes()
	// Anything else under any method is Appwrite's route-not-found.
	// It still answers CORS, so a browser app sees the 404 rather than a
	// network error.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r}
		if pid := projectID(r); pid != "" && pid != project.Console {
			if snap, err := s.Projects.Lookup(r.Context(), pid); err == nil {
				c.project = snap
			}
		}
		s.cors(c)
		s.writeError(w, r, apperr.New(apperr.RouteNotFound))
	})
}

// jsonRaw sends an already encoded JSON value.
func (c *call) jsonRaw(status int, b []byte) error {
	c.w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	c.w.WriteHeader(status)
	_, err := c.w.Write(b)
	return err
}

// logsPage reads the queries of a logs list: limit and offset only.
func logsPage(c *call) (storage.Page, error) {
	raw, _, err := c.p.strings("queries")
	if err != nil {
		return storage.Page{}, err
	}
	p, err := query.OnlyPaging(raw)
	if err != nil {
		return storage.Page{}, err
	}
	return storage.Page{Limit: p.Limit, Offset: p.Offset}, nil
}
