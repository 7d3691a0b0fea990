package app

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/gatehouse-auth/gatehouse/internal/jobs"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// newJobs builds the background job runner with every handler Gatehouse
// knows. Handlers are idempotent: a job may run again after a crash.
func newJobs(store storage.Store, log *slog.Logger, workers int) *jobs.Runner {
	r := jobs.New(store, log.With("component", "jobs"), jobs.Options{Workers: workers})
	r.Register(storage.JobDeleteUser, func(ctx context.Context, payload json.RawMessage) error {
		var p storage.DeleteUserJob
		if err := json.Unmarshal(payload, &p); err != nil {
			return jobs.Permanent(err)
		}
		return store.PurgeUser(ctx, p.ProjectID, p.UserID)
	})
	return r
}
