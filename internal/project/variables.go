package project

import (
	"context"
	"errors"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// MaxVariables is the most variables one project holds. Gatehouse runs
// no functions: variables are only kept for the project's own server code,
// so a few hundred is plenty.
const MaxVariables = 500

func variableErr(err error) error {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return apperr.New(apperr.VariableNotFound)
	case errors.Is(err, storage.ErrConflict):
		return apperr.New(apperr.VariableExists)
	case errors.Is(err, storage.ErrLimit):
		return apperr.New(apperr.VariableLimitExceeded)
	}
	return err
}

// CreateVariable stores a project variable; id may be "unique()". The
// caller seals a secret value.
func (s *Service) CreateVariable(ctx context.Context, v *storage.Variable) error {
	if _, err := s.Get(ctx, v.ProjectID); err != nil {
		return err
	}
	if v.ID == "" || v.ID == "unique()" {
		v.ID = secret.ID()
	}
	now := s.now().UTC()
	v.CreatedAt, v.UpdatedAt = now, now
	return variableErr(s.store.CreateVariable(ctx, v, MaxVariables))
}

// Variable reads one variable.
func (s *Service) Variable(ctx context.Context, projectID, id string) (*storage.Variable, error) {
	v, err := s.store.GetVariable(ctx, projectID, id)
	return v, variableErr(err)
}

// Variables pages through a project's variables.
func (s *Service) Variables(ctx context.Context, projectID string, page storage.Page) ([]*storage.Variable, int, error) {
	return s.store.ListVariables(ctx, projectID, page)
}

// UpdateVariable changes a variable. A secret variable stays secret.
func (s *Service) UpdateVariable(ctx context.Context, projectID, id string, fn func(*storage.Variable) error) (*storage.Variable, error) {
	now := s.now().UTC()
	v, err := s.store.UpdateVariable(ctx, projectID, id, func(v *storage.Variable) error {
		was := v.Secret
		if err := fn(v); err != nil {
			return err
		}
		if was && !v.Secret {
			return apperr.New(apperr.VariableCannotUnsecret)
		}
		v.UpdatedAt = now
		return nil
	})
	return v, variableErr(err)
}

// DeleteVariable removes a variable.
func (s *Service) DeleteVariable(ctx context.Context, projectID, id string) error {
	return variableErr(s.store.DeleteVariable(ctx, projectID, id))
}
