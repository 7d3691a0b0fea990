package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/console"
)

// consoleUIRoutes serve the console's browser app (package console) at
// /console/; it calls the API like any client.
func (s *Server) consoleUIRoutes() {
	s.mux.Handle("GET "+console.Prefix, console.Handler())
	s.mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, console.Prefix, http.StatusMovedPermanently)
	})
}
