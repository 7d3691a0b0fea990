package storage

import (
	"context"
	"encoding/json"
	"time"
)

// Job states. A job is queued until a worker claims it, running while a
// worker holds its lease, and then done, queued again for a retry, or
// failed for good.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// DefaultJobMaxAttempts is how many times a job runs before it fails for
// good, when the job does not say.
const DefaultJobMaxAttempts = 8

// JobDeleteUser removes what a deleted user leaves behind (identities,
// sessions, targets). Its payload is a DeleteUserJob.
const JobDeleteUser = "users.delete"

// DeleteUserJob is the payload of a JobDeleteUser job.
type DeleteUserJob struct {
	ProjectID string `json:"projectId"`
	UserID    string `json:"userId"`
}

// Job is one unit of background work kept in the database, so that work
// accepted before a crash still runs after the restart. Payloads hold ids,
// never secrets: they are stored in clear and shown to admins.
type Job struct {
	ID          string
	Kind        string
	Payload     json.RawMessage
	State       string // JobQueued, JobRunning, JobDone or JobFailed
	Attempts    int    // claims so far, the current one included
	MaxAttempts int
	RunAt       time.Time // not claimed before this time
	LockedUntil time.Time // end of the current lease; zero when not running
	LockedBy    string    // the worker holding the lease
	LastError   string    // the most recent failure, kept after a retry
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// JobStore is a durable job queue shared by every node. Each job is claimed
// by one worker at a time: a claim is a lease, and a job whose lease
// expired (its worker crashed or lost the database) can be claimed again.
// A job may therefore run more than once, and handlers must be idempotent.
type JobStore interface {
	// EnqueueJob stores j as queued. It fills in what j leaves empty: the
	// ID, MaxAttempts (DefaultJobMaxAttempts), RunAt (now), CreatedAt and
	// UpdatedAt, and an empty payload ({}). It fails with ErrConflict when
	// the ID is taken.
	EnqueueJob(ctx context.Context, j *Job) error
	// ClaimJob leases the next job due at now to worker for lease: a queued
	// job whose RunAt has come, or a running job whose lease has expired.
	// Only jobs of the given kinds are claimed; no kinds means any kind.
	// The claim adds one to Attempts, so a job abandoned on its last
	// attempt comes back with Attempts > MaxAttempts: the caller fails it
	// without running it. ClaimJob returns ErrNotFound when nothing is due.
	ClaimJob(ctx context.Context, worker string, kinds []string, now time.Time, lease time.Duration) (*Job, error)
	// CompleteJob marks a job done. It returns ErrNotFound when worker no
	// longer holds the job (its lease expired and another worker claimed it).
	CompleteJob(ctx context.Context, id, worker string) error
	// FailJob records errText on a job worker holds, then queues it again
	// for retryAt or, when final, marks it failed. ErrNotFound as for
	// CompleteJob.
	FailJob(ctx context.Context, id, worker string, errText string, retryAt time.Time, final bool) error
	// ListJobs returns jobs in state (all states when empty), newest first,
	// with the total count.
	ListJobs(ctx context.Context, state string, page Page) ([]*Job, int, error)
	// RetryJob queues a failed job again, due now, with its attempts reset.
	// It returns ErrNotFound when no failed job has that id.
	RetryJob(ctx context.Context, id string) error
}
