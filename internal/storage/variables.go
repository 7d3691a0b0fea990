package storage

import (
	"context"
	"time"
)

// Variable is a project variable of Appwrite's Project API: a key and a
// value kept for the project's own server code. Value is sealed when
// Secret is set.
type Variable struct {
	ProjectID string
	ID        string
	Key       string
	Value     string
	Secret    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// VariableStore keeps project variables. Ids and keys are unique per
// project: CreateVariable and UpdateVariable fail with ErrConflict when
// either is taken.
type VariableStore interface {
	// CreateVariable fails with ErrLimit when the project already holds
	// max variables, checked in the same transaction.
	CreateVariable(ctx context.Context, v *Variable, max int) error
	GetVariable(ctx context.Context, projectID, id string) (*Variable, error)
	// ListVariables pages through a project's variables, oldest first,
	// with their total.
	ListVariables(ctx context.Context, projectID string, page Page) ([]*Variable, int, error)
	UpdateVariable(ctx context.Context, projectID, id string, fn func(*Variable) error) (*Variable, error)
	DeleteVariable(ctx context.Context, projectID, id string) error
}
