// Package admins manages the console's administrators: the users of the
// console project (project.Console). Only an administrator, or whoever
// runs the gatehouse CLI against the database, creates another: the
// console serves no sign-up. A new administrator gets a one-time link to
// the console that sets its password (a recovery token, stored hashed,
// good once for account.RecoveryLifetime).
package admins

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Service is the administrators capability.
type Service struct {
	accounts *account.Service
	projects *project.Service
	store    storage.Store
}

// New returns the capability over the account and project services.
func New(accounts *account.Service, projects *project.Service, store storage.Store) *Service {
	return &Service{accounts: accounts, projects: projects, store: store}
}

// Link is a one-time sign-in link that sets an administrator's password.
type Link struct {
	URL    string
	Expire time.Time
}

// LinkPath is where the console's set-password page lives; the secret
// travels in the fragment, which browsers send to no server (no access
// log, no Referer holds it).
const LinkPath = "/console/#/welcome"

func (s *Service) console(ctx context.Context) (*storage.Project, error) {
	p, err := s.store.GetProject(ctx, project.Console)
	if errors.Is(err, storage.ErrNotFound) {
		return s.projects.EnsureConsole(ctx)
	}
	return p, err
}

// Create makes an administrator without a password and returns it with
// its one-time link under base, the instance's public URL.
func (s *Service) Create(ctx context.Context, email, name, base string, a account.Actor) (*storage.User, *Link, error) {
	p, err := s.console(ctx)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.accounts.CreateUser(ctx, p, account.NewUser{ID: "unique()", Email: strings.ToLower(email), Name: name}, a)
	if err != nil {
		return nil, nil, err
	}
	l, err := s.NewLink(ctx, u, base, a)
	if err != nil {
		return nil, nil, err
	}
	return u, l, nil
}

// NewLink issues another one-time link for an administrator, for one who
// lost the first or the password. Earlier links stay good until they
// expire or one of them is used.
func (s *Service) NewLink(ctx context.Context, u *storage.User, base string, a account.Actor) (*Link, error) {
	if !u.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	t, err := s.accounts.CreateSetPasswordToken(ctx, u, a)
	if err != nil {
		return nil, err
	}
	q := url.Values{"userId": {u.ID}, "secret": {t.Secret}}
	return &Link{URL: strings.TrimRight(base, "/") + LinkPath + "?" + q.Encode(), Expire: t.Expire}, nil
}

// Get reads an administrator by id.
func (s *Service) Get(ctx context.Context, id string) (*storage.User, error) {
	p, err := s.console(ctx)
	if err != nil {
		return nil, err
	}
	return s.accounts.User(ctx, p, id)
}

// ByEmail reads an administrator by email.
func (s *Service) ByEmail(ctx context.Context, email string) (*storage.User, error) {
	u, err := s.store.UserByEmail(ctx, project.Console, strings.ToLower(email))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserNotFound)
	}
	return u, err
}

// List pages through the administrators.
func (s *Service) List(ctx context.Context, q storage.UserQuery) ([]*storage.User, int, error) {
	p, err := s.console(ctx)
	if err != nil {
		return nil, 0, err
	}
	return s.accounts.ListUsers(ctx, p, q)
}

// Delete removes an administrator; its sessions end at once.
func (s *Service) Delete(ctx context.Context, u *storage.User, a account.Actor) error {
	return s.accounts.DeleteUser(ctx, u, a)
}

// SetStatus blocks (false) or unblocks an administrator. A blocked
// administrator's sessions stop working with its next request.
func (s *Service) SetStatus(ctx context.Context, u *storage.User, on bool, a account.Actor) (*storage.User, error) {
	return s.accounts.Set(ctx, u, a, func(cur *storage.User) { cur.Status = on })
}
