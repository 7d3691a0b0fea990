package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// registrationRoutes registers dynamic client registration (RFC 7591)
// at the issuer: POST /v1/oauth2/{projectId}/register. The project is in
// the path, not in X-Appwrite-Project; anyone may call it (MCP clients
// register themselves), so it is limited per address.
func (s *Server) registrationRoutes() {
	s.handle("POST /v1/oauth2/{projectId}/register", route{noProject: true}, s.registerClient)
}

// registrationLimit is the registrations one address may make in an
// hour per project.
const registrationLimit = 20

// maxRegistrationBody bounds a registration request.
const maxRegistrationBody = 16 << 10

func (s *Server) registerClient(c *call) error {
	// Anyone may read the answer: it carries no cookie and no secret.
	c.w.Header().Set("Access-Control-Allow-Origin", "*")
	c.w.Header().Set("Cache-Control", "no-store")
	reg, err := s.register(c)
	if err != nil {
		s.writeRegistrationError(c, err)
		return nil
	}
	return c.json(http.StatusCreated, reg)
}

func (s *Server) register(c *call) (any, error) {
	pid := c.r.PathValue("projectId")
	if !validate.Plain(pid) {
		return nil, apperr.New(apperr.ProjectNotFound)
	}
	snap, err := s.Projects.Lookup(c.ctx(), pid)
	if err != nil {
		return nil, err
	}
	c.project = snap
	if err := s.rateLimit(c, []ratelimit.Rule{perHour(registrationLimit, "url:{url},ip:{ip}")}); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, maxRegistrationBody))
	if err != nil {
		return nil, apperr.Newf(apperr.RegistrationInvalid, "The registration request is larger than 16 kB.")
	}
	return s.Apps.Register(c.ctx(), pid, body)
}

// registrationErrors are RFC 7591's error codes of Gatehouse's kinds.
var registrationErrors = map[*apperr.Kind]string{
	apperr.RegistrationInvalid:  "invalid_client_metadata",
	apperr.RegistrationRedirect: "invalid_redirect_uri",
	apperr.RegistrationDisabled: "access_denied",
	apperr.ProjectNotFound:      "invalid_request",
	apperr.AppLimitExceeded:     "access_denied",
	apperr.RateLimitExceeded:    "temporarily_unavailable",
}

// writeRegistrationError answers as RFC 7591 does ({error,
// error_description}) for OAuth libraries, with Appwrite's keys beside
// them for the SDKs.
func (s *Server) writeRegistrationError(c *call, err error) {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		s.Log.ErrorContext(c.ctx(), "request failed", "err", err, "route", c.r.Pattern)
		ae = apperr.Wrap(apperr.Unknown, err)
	}
	code, ok := registrationErrors[ae.Kind]
	status := ae.Kind.Status
	if !ok {
		code, status = "server_error", http.StatusInternalServerError
	}
	b, _ := json.Marshal(struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		errorBody
	}{code, ae.Message(), errorBody{Message: ae.Message(), Code: status, Type: ae.Kind.Type, Version: Version}})
	c.w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	c.w.WriteHeader(status)
	c.w.Write(b)
}
