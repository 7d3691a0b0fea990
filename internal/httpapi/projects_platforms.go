package httpapi

import (
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// identifierParam is the request parameter holding a platform kind's
// identifier: hostname for the web, bundleIdentifier, applicationId,
// packageIdentifierName or packageName for the others (stored as the
// platform's key).
func identifierParam(kind string) string {
	if f, ok := platformIdentifiers[kind]; ok {
		return f
	}
	return "hostname"
}

// setIdentifier stores a platform's identifier where its kind keeps it.
func setIdentifier(pl *storage.Platform, kind, v string) {
	if kind == project.PlatformWeb {
		pl.Hostname = v
	} else {
		pl.Key = v
	}
}

// readIdentifier reads the identifier parameter of a platform kind.
func readIdentifier(c *call, kind string) (string, error) {
	name := identifierParam(kind)
	v, sent, err := c.p.str(name)
	if err != nil {
		return "", err
	}
	if !sent {
		return "", apperr.Missing(name)
	}
	max := 256
	if kind == project.PlatformWeb {
		max = 253 // a DNS name
	}
	return v, validate.Text(name, v, 0, max)
}

// platformName reads a platform's name: 1-128 characters, not blank.
func platformName(c *call) (string, error) {
	name, err := c.p.required("name")
	if err != nil {
		return "", err
	}
	if err := validate.Text("name", name, 1, 128); err != nil {
		return "", err
	}
	if strings.TrimSpace(name) == "" {
		return "", apperr.Invalid("name", "Value must be a valid string and at least 1 chars and no longer than 128 chars")
	}
	return name, nil
}

// createKindPlatform is POST /project/platforms/{kind}: platformId, name
// and the kind's identifier.
func (s *Server) createKindPlatform(kind string) handlerFunc {
	return func(c *call) error {
		pid, err := c.projectIDParam()
		if err != nil {
			return err
		}
		id, err := c.p.required("platformId")
		if err != nil {
			return err
		}
		if err := validate.CustomID("platformId", id); err != nil {
			return err
		}
		pl := &storage.Platform{ID: id, ProjectID: pid, Type: kind}
		if pl.Name, err = platformName(c); err != nil {
			return err
		}
		v, err := readIdentifier(c, kind)
		if err != nil {
			return err
		}
		setIdentifier(pl, kind, v)
		return s.addPlatform(c, pl)
	}
}

func (s *Server) addPlatform(c *call, pl *storage.Platform) error {
	if err := s.Projects.AddPlatform(c.ctx(), pl); err != nil {
		return err
	}
	return c.json(http.StatusCreated, platformOf(c, pl))
}

// updateKindPlatform is PUT /project/platforms/{kind}/{platformId}: a
// platform of another kind is platform_method_unsupported.
func (s *Server) updateKindPlatform(kind string) handlerFunc {
	return func(c *call) error {
		pid, id, err := c.childParams("platformId")
		if err != nil {
			return err
		}
		name, err := platformName(c)
		if err != nil {
			return err
		}
		v, err := readIdentifier(c, kind)
		if err != nil {
			return err
		}
		pl, err := s.Projects.UpdatePlatform(c.ctx(), pid, id, func(pl *storage.Platform) error {
			if project.Kind(pl.Type) != kind || pl.Type == project.PlatformScheme {
				return apperr.Newf(apperr.PlatformMethodWrong, "The platform is not of type %s; update it with its own type's route.", kind)
			}
			pl.Type, pl.Name = kind, name
			setIdentifier(pl, kind, v)
			return nil
		})
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, platformOf(c, pl))
	}
}

// createPlatform is the console's one route for every type (type, name,
// key, store, hostname). Old types are stored as the kind they map to; a
// native app's identifier is its key, as before.
func (s *Server) createPlatform(c *call) error {
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	id, sent, err := c.p.str("platformId")
	if err != nil {
		return err
	}
	if !sent {
		id = "unique()"
	}
	if err := validate.CustomID("platformId", id); err != nil {
		return err
	}
	t, err := c.p.required("type")
	if err != nil {
		return err
	}
	kind, ok := project.PlatformKind(t)
	if !ok {
		return apperr.Invalid("type", "Value must be one of the platform types")
	}
	pl := &storage.Platform{ID: id, ProjectID: pid, Type: kind}
	if err := readPlatform(c, pl); err != nil {
		return err
	}
	return s.addPlatform(c, pl)
}

// readPlatform reads the console's name, key, store and hostname. The
// identifier may come under its 1.9 name too.
func readPlatform(c *call, pl *storage.Platform) error {
	name, err := platformName(c)
	if err != nil {
		return err
	}
	pl.Name = name
	kind := project.Kind(pl.Type)
	for _, f := range []struct {
		name string
		dst  *string
	}{{"key", &pl.Key}, {"store", &pl.Store}, {"hostname", &pl.Hostname}, {identifierParam(kind), nil}} {
		v, sent, err := c.p.str(f.name)
		if err != nil {
			return err
		}
		if !sent {
			continue
		}
		if err := validate.Text(f.name, v, 0, 256); err != nil {
			return err
		}
		if f.dst == nil {
			setIdentifier(pl, kind, v)
		} else {
			*f.dst = v
		}
	}
	return nil
}

func (s *Server) updatePlatform(c *call) error {
	pid, id, err := c.childParams("platformId")
	if err != nil {
		return err
	}
	pl, err := s.Projects.UpdatePlatform(c.ctx(), pid, id, func(pl *storage.Platform) error { return readPlatform(c, pl) })
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, platformOf(c, pl))
}

// platformSchema is what a platform list may filter on.
var platformSchema = query.Schema{"type": query.String, "name": query.String, "hostname": query.String,
	"bundleIdentifier": query.String, "applicationId": query.String, "packageIdentifierName": query.String,
	"packageName": query.String}

func (s *Server) listPlatforms(c *call) error {
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	lq, err := readMemList(c, platformSchema)
	if err != nil {
		return err
	}
	list, err := s.Projects.Platforms(c.ctx(), pid)
	if err != nil {
		return err
	}
	page, total, err := memList(lq, list, func(pl *storage.Platform, attr string) string {
		kind := project.Kind(pl.Type)
		switch attr {
		case "$id":
			return pl.ID
		case "$createdAt":
			return when(pl.CreatedAt)
		case "$updatedAt":
			return when(pl.UpdatedAt)
		case "type":
			return kind
		case "name":
			return pl.Name
		case identifierParam(kind):
			if kind == project.PlatformWeb {
				return pl.Hostname
			}
			return pl.Key
		}
		return ""
	}, func(pl *storage.Platform) string { return pl.ID })
	if err != nil {
		return err
	}
	out := platformListModel{Total: total, Platforms: make([]any, len(page))}
	for i, pl := range page {
		out.Platforms[i] = platformOf(c, pl)
	}
	return c.json(http.StatusOK, out)
}

// childParams validates the project (projectIDParam) and the id of a
// project's child resource named by param.
func (c *call) childParams(param string) (string, string, error) {
	pid, err := c.projectIDParam()
	if err != nil {
		return "", "", err
	}
	id := c.r.PathValue(param)
	return pid, id, validate.UID(param, id)
}

func (s *Server) getPlatform(c *call) error {
	pid, id, err := c.childParams("platformId")
	if err != nil {
		return err
	}
	pl, err := s.Projects.Platform(c.ctx(), pid, id)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, platformOf(c, pl))
}

func (s *Server) deletePlatform(c *call) error {
	pid, id, err := c.childParams("platformId")
	if err != nil {
		return err
	}
	if err := s.Projects.DeletePlatform(c.ctx(), pid, id); err != nil {
		return err
	}
	return c.noContent()
}
