package httpapi

import (
	"errors"
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// jobRoutes let an operator see and retry background jobs: a Gatehouse
// addition, on the console project with the instance admin key.
func (s *Server) jobRoutes() {
	admin := route{console: true}
	s.handle("GET /v1/gatehouse/jobs", admin, s.listJobs)
	s.handle("POST /v1/gatehouse/jobs/{jobId}/retry", admin, s.retryJob)
}

type jobModel struct {
	ID          string `json:"$id"`
	CreatedAt   string `json:"$createdAt"`
	UpdatedAt   string `json:"$updatedAt"`
	Kind        string `json:"kind"`
	State       string `json:"state"`
	Attempts    int    `json:"attempts"`
	MaxAttempts int    `json:"maxAttempts"`
	RunAt       string `json:"runAt"`
	LastError   string `json:"lastError"`
}

type jobListModel struct {
	Total int        `json:"total"`
	Jobs  []jobModel `json:"jobs"`
}

func (s *Server) listJobs(c *call) error {
	state, _, err := c.p.str("state")
	if err != nil {
		return err
	}
	switch state {
	case "", storage.JobQueued, storage.JobRunning, storage.JobDone, storage.JobFailed:
	default:
		return apperr.Invalid("state", "Value must be one of (queued, running, done, failed)")
	}
	raw, _, err := c.p.strings("queries")
	if err != nil {
		return err
	}
	page, err := query.OnlyPaging(raw)
	if err != nil {
		return err
	}
	list, total, err := s.Store.ListJobs(c.ctx(), state, storage.Page{Limit: page.Limit, Offset: page.Offset})
	if err != nil {
		return err
	}
	out := jobListModel{Total: total, Jobs: make([]jobModel, len(list))}
	for i, j := range list {
		out.Jobs[i] = jobModel{ID: j.ID, CreatedAt: when(j.CreatedAt), UpdatedAt: when(j.UpdatedAt), Kind: j.Kind, State: j.State,
			Attempts: j.Attempts, MaxAttempts: j.MaxAttempts, RunAt: when(j.RunAt), LastError: j.LastError}
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) retryJob(c *call) error {
	id := c.r.PathValue("jobId")
	if err := validate.UID("jobId", id); err != nil {
		return err
	}
	if err := s.Store.RetryJob(c.ctx(), id); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return apperr.Newf(apperr.RouteNotFound, "No failed job has that id.")
		}
		return err
	}
	return c.noContent()
}
