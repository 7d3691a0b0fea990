package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func (s *Server) targetRoutes() {
	// Appwrite 1.9 moved these from targets.read and targets.write to
	// the Users API's own scopes.
	read, write := route{scope: "users.read"}, route{scope: "users.write"}
	s.handle("GET /v1/users/{userId}/targets", read, s.withUser(s.listTargets))
	s.handle("POST /v1/users/{userId}/targets", write, s.withUser(s.createTarget))
	s.handle("GET /v1/users/{userId}/targets/{targetId}", read, s.withUser(s.getTarget))
	s.handle("PATCH /v1/users/{userId}/targets/{targetId}", write, s.withUser(s.updateTarget))
	s.handle("DELETE /v1/users/{userId}/targets/{targetId}", write, s.withUser(s.deleteTarget))
}

type targetListModel struct {
	Total   int           `json:"total"`
	Targets []targetModel `json:"targets"`
}

// targetSchema is what GET /users/{id}/targets may filter on.
var targetSchema = query.Schema{"userId": query.String, "providerId": query.String, "identifier": query.String, "providerType": query.String}

func (s *Server) listTargets(c *call, u *storage.User) error {
	uq, err := listQuery(c, targetSchema)
	if err != nil {
		return err
	}
	counts, err := c.countsTotal()
	if err != nil {
		return err
	}
	list, err := s.Store.ListTargets(c.ctx(), u.ProjectID, u.ID)
	if err != nil {
		return err
	}
	// A user has a handful of targets: filter them here.
	out := targetListModel{Targets: []targetModel{}}
	for _, t := range list {
		get := func(attr string) string {
			switch attr {
			case "$id":
				return t.ID
			case "userId":
				return t.UserID
			case "providerId":
				return t.ProviderID
			case "identifier":
				return t.Identifier
			case "providerType":
				return t.ProviderType
			}
			return ""
		}
		if !query.Match(uq.Filters, get) {
			continue
		}
		if out.Total >= uq.Page.Offset && len(out.Targets) < uq.Page.Limit {
			out.Targets = append(out.Targets, targetOf(t))
		}
		out.Total++
	}
	if !counts {
		out.Total = 0
	}
	return c.json(http.StatusOK, out)
}

// checkIdentifier validates a target's identifier for its kind.
func checkIdentifier(kind, id string) error {
	switch kind {
	case "email":
		if validate.Email("identifier", id) != nil {
			return apperr.New(apperr.InvalidEmail)
		}
	case "sms":
		if validate.Phone("identifier", id) != nil {
			return apperr.New(apperr.InvalidPhone)
		}
	default:
		return validate.Text("identifier", id, 1, 255)
	}
	return nil
}

func (s *Server) createTarget(c *call, u *storage.User) error {
	id, err := c.p.required("targetId")
	if err != nil {
		return err
	}
	if err := validate.CustomID("targetId", id); err != nil {
		return err
	}
	if id == "unique()" {
		id = secret.ID()
	}
	kind, err := c.p.required("providerType")
	if err != nil {
		return err
	}
	if kind != "email" && kind != "sms" && kind != "push" {
		return apperr.Invalid("providerType", "Value must be one of (email, sms, push)")
	}
	ident, err := c.p.required("identifier")
	if err != nil {
		return err
	}
	if err := checkIdentifier(kind, ident); err != nil {
		return err
	}
	t := &storage.Target{ProjectID: u.ProjectID, ID: id, UserID: u.ID, ProviderType: kind, Identifier: ident}
	if t.ProviderID, _, err = c.p.str("providerId"); err != nil {
		return err
	}
	if t.Name, _, err = c.p.str("name"); err != nil {
		return err
	}
	t.CreatedAt = s.Now().UTC()
	t.UpdatedAt = t.CreatedAt
	if err := s.Store.CreateTarget(c.ctx(), t); err != nil {
		return targetErr(err)
	}
	return c.json(http.StatusCreated, targetOf(t))
}

func (c *call) targetID() (string, error) {
	id := c.r.PathValue("targetId")
	return id, validate.UID("targetId", id)
}

func targetErr(err error) error {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return apperr.New(apperr.UserTargetNotFound)
	case errors.Is(err, storage.ErrConflict):
		return apperr.New(apperr.UserTargetExists)
	case errors.Is(err, storage.ErrLimit):
		return apperr.Newf(apperr.UserTargetLimitExceeded, "The maximum number of targets for this user (%d) has been reached. Delete one first.", storage.MaxTargets)
	}
	return err
}

func (s *Server) getTarget(c *call, u *storage.User) error {
	id, err := c.targetID()
	if err != nil {
		return err
	}
	t, err := s.Store.GetTarget(c.ctx(), u.ProjectID, u.ID, id)
	if err != nil {
		return targetErr(err)
	}
	return c.json(http.StatusOK, targetOf(t))
}

func (s *Server) updateTarget(c *call, u *storage.User) error {
	id, err := c.targetID()
	if err != nil {
		return err
	}
	ident, identSent, err := c.p.str("identifier")
	if err != nil {
		return err
	}
	provider, providerSent, err := c.p.str("providerId")
	if err != nil {
		return err
	}
	name, nameSent, err := c.p.str("name")
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	t, err := s.Store.UpdateTarget(c.ctx(), u.ProjectID, u.ID, id, func(t *storage.Target) error {
		if identSent {
			if err := checkIdentifier(t.ProviderType, ident); err != nil {
				return err
			}
			t.Identifier = ident
		}
		if providerSent {
			t.ProviderID = provider
		}
		if nameSent {
			t.Name = name
		}
		t.UpdatedAt = now
		return nil
	})
	if err != nil {
		return targetErr(err)
	}
	return c.json(http.StatusOK, targetOf(t))
}

func (s *Server) deleteTarget(c *call, u *storage.User) error {
	id, err := c.targetID()
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTarget(c.ctx(), u.ProjectID, u.ID, id); err != nil {
		return targetErr(err)
	}
	return c.noContent()
}

// accountTargetRoutes let a signed-in device register its push token.
func (s *Server) accountTargetRoutes() {
	rt := route{scope: "targets.write", needsSess: true}
	// Appwrite sets no limit here; a device registers its token once and
	// updates it with PUT, so a few an hour is plenty, and a session
	// cannot fill its user's targets in a burst.
	create := rt
	create.limits = []ratelimit.Rule{perHour(10, "url:{url},userId:{userId}")}
	s.handle("POST /v1/account/targets/push", create, s.createPushTarget)
	s.handle("PUT /v1/account/targets/{targetId}/push", rt, s.updatePushTarget)
	s.handle("DELETE /v1/account/targets/{targetId}/push", rt, s.deletePushTarget)
}

func (s *Server) createPushTarget(c *call) error {
	id, err := c.p.required("targetId")
	if err != nil {
		return err
	}
	if err := validate.CustomID("targetId", id); err != nil {
		return err
	}
	if id == "unique()" {
		id = secret.ID()
	}
	ident, err := c.p.required("identifier")
	if err != nil {
		return err
	}
	if err := validate.Text("identifier", ident, 1, 255); err != nil {
		return err
	}
	provider, _, err := c.p.str("providerId")
	if err != nil {
		return err
	}
	cl := c.clientInfo()
	u := c.user()
	now := s.Now().UTC()
	t := &storage.Target{ProjectID: u.ProjectID, ID: id, UserID: u.ID, ProviderType: "push", Identifier: ident, ProviderID: provider,
		Name: strings.TrimSpace(cl.DeviceBrand + " " + cl.DeviceModel), CreatedAt: now, UpdatedAt: now}
	if err := s.Store.CreateTarget(c.ctx(), t); err != nil {
		return targetErr(err)
	}
	return c.json(http.StatusCreated, targetOf(t))
}

// ownPushTarget checks {targetId} is a push target of the caller.
func (s *Server) ownPushTarget(c *call) (string, error) {
	id, err := c.targetID()
	if err != nil {
		return "", err
	}
	t, err := s.Store.GetTarget(c.ctx(), c.project.ID, c.user().ID, id)
	if err != nil {
		return "", targetErr(err)
	}
	if t.ProviderType != "push" {
		return "", apperr.New(apperr.UserTargetNotFound)
	}
	return id, nil
}

func (s *Server) updatePushTarget(c *call) error {
	id, err := s.ownPushTarget(c)
	if err != nil {
		return err
	}
	ident, err := c.p.required("identifier")
	if err != nil {
		return err
	}
	if err := validate.Text("identifier", ident, 1, 255); err != nil {
		return err
	}
	now := s.Now().UTC()
	t, err := s.Store.UpdateTarget(c.ctx(), c.project.ID, c.user().ID, id, func(t *storage.Target) error {
		t.Identifier, t.UpdatedAt = ident, now
		return nil
	})
	if err != nil {
		return targetErr(err)
	}
	return c.json(http.StatusOK, targetOf(t))
}

func (s *Server) deletePushTarget(c *call) error {
	id, err := s.ownPushTarget(c)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTarget(c.ctx(), c.project.ID, c.user().ID, id); err != nil {
		return targetErr(err)
	}
	return c.noContent()
}
