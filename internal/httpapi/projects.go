package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// projectRoutes are the console's Projects API, driven by the instance
// admin key on the console project.
func (s *Server) projectRoutes() {
	admin := route{console: true}
	s.handle("POST /v1/projects", admin, s.createProject)
	s.handle("GET /v1/projects", admin, s.listProjects)
	s.handle("GET /v1/projects/{projectId}", admin, s.getProject)
	s.handle("PATCH /v1/projects/{projectId}", admin, s.updateProject)
	s.handle("DELETE /v1/projects/{projectId}", admin, s.deleteProject)
	s.handle("PATCH /v1/projects/{projectId}/team", admin, s.updateProjectTeam)
	s.handle("PATCH /v1/projects/{projectId}/service", admin, s.updateService)
	s.handle("PATCH /v1/projects/{projectId}/api", admin, s.updateAPI)

	s.handle("POST /v1/projects/{projectId}/platforms", admin, s.createPlatform)
	s.handle("GET /v1/projects/{projectId}/platforms", admin, s.listPlatforms)
	s.handle("GET /v1/projects/{projectId}/platforms/{platformId}", admin, s.getPlatform)
	s.handle("PUT /v1/projects/{projectId}/platforms/{platformId}", admin, s.updatePlatform)
	s.handle("DELETE /v1/projects/{projectId}/platforms/{platformId}", admin, s.deletePlatform)

	s.handle("POST /v1/projects/{projectId}/keys", admin, s.createKey)
	s.handle("GET /v1/projects/{projectId}/keys", admin, s.listKeys)
	s.handle("GET /v1/projects/{projectId}/keys/{keyId}", admin, s.getKey)
	s.handle("PUT /v1/projects/{projectId}/keys/{keyId}", admin, s.updateKey)
	s.handle("DELETE /v1/projects/{projectId}/keys/{keyId}", admin, s.deleteKey)
	s.handle("POST /v1/projects/{projectId}/jwts", admin, s.createEphemeralKey)

	s.authSettingRoutes(admin)
	s.smtpRoutes(admin)
	s.templateRoutes(admin)
}

// projectIDParam is the project a Projects route acts on: {projectId}
// of the console's routes, the caller's own project on the server-side
// Project API (route.own), which shares their handlers.
func (c *call) projectIDParam() (string, error) {
	if c.own {
		return c.project.ID, nil
	}
	id := c.r.PathValue("projectId")
	if strings.EqualFold(id, project.Console) {
		// The console's settings are fixed (project.ConsoleSettings) and
		// it holds no keys or platforms: nothing here may change them.
		return "", apperr.New(apperr.ProjectNotFound)
	}
	return id, validate.UID("projectId", id)
}

func (s *Server) createProject(c *call) error {
	id, err := c.p.required("projectId")
	if err != nil {
		return err
	}
	if err := validate.CustomID("projectId", id); err != nil {
		return err
	}
	name, err := c.p.required("name")
	if err != nil {
		return err
	}
	if err := validate.Text("name", name, 1, 128); err != nil {
		return err
	}
	team, _, err := c.p.str("teamId")
	if err != nil {
		return err
	}
	p, err := s.Projects.Create(c.ctx(), id, name, team)
	if err != nil {
		return err
	}
	if c.p.has("description") || c.p.has("url") || c.p.has("logo") {
		if p, err = s.Projects.Update(c.ctx(), p.ID, func(p *storage.Project) error { return applyProjectFields(c, p) }); err != nil {
			return err
		}
	}
	return s.projectJSON(c, http.StatusCreated, p)
}

// projectFields are the free-text fields of PATCH /projects/{id}.
var projectFields = []struct {
	name string
	max  int
	set  func(*storage.Project) *string
}{
	{"description", 256, func(p *storage.Project) *string { return &p.Description }},
	{"logo", 256, func(p *storage.Project) *string { return &p.Settings.Logo }},
	{"url", 2000, func(p *storage.Project) *string { return &p.Settings.URL }},
	{"legalName", 256, func(p *storage.Project) *string { return &p.Settings.LegalName }},
	{"legalCountry", 256, func(p *storage.Project) *string { return &p.Settings.LegalCountry }},
	{"legalState", 256, func(p *storage.Project) *string { return &p.Settings.LegalState }},
	{"legalCity", 256, func(p *storage.Project) *string { return &p.Settings.LegalCity }},
	{"legalAddress", 256, func(p *storage.Project) *string { return &p.Settings.LegalAddress }},
	{"legalTaxId", 256, func(p *storage.Project) *string { return &p.Settings.LegalTaxID }},
}

func applyProjectFields(c *call, p *storage.Project) error {
	for _, f := range projectFields {
		v, sent, err := c.p.str(f.name)
		if err != nil {
			return err
		}
		if !sent {
			continue
		}
		if err := validate.Text(f.name, v, 0, f.max); err != nil {
			return err
		}
		*f.set(p) = v
	}
	return nil
}

func (s *Server) listProjects(c *call) error {
	raw, _, err := c.p.strings("queries")
	if err != nil {
		return err
	}
	qs, err := query.Parse(raw)
	if err != nil {
		return err
	}
	page, _, err := query.Paging(qs)
	if err != nil {
		return err
	}
	search, _, _ := c.p.str("search")
	list, total, err := s.Projects.List(c.ctx(), search, storage.Page{Limit: page.Limit, Offset: page.Offset})
	if err != nil {
		return err
	}
	out := projectListModel{Total: total, Projects: make([]any, 0, len(list))}
	for _, p := range list {
		m, err := s.projectModelOf(c, p)
		if err != nil {
			return err
		}
		out.Projects = append(out.Projects, m)
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) getProject(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), id)
	if err != nil {
		return err
	}
	return s.projectJSON(c, http.StatusOK, p)
}

func (s *Server) updateProject(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	name, err := c.p.required("name")
	if err != nil {
		return err
	}
	if err := validate.Text("name", name, 1, 128); err != nil {
		return err
	}
	return s.updateProjectWith(c, id, func(p *storage.Project) error {
		p.Name = name
		return applyProjectFields(c, p)
	})
}

// updateProjectWith changes project id in one transaction and answers
// with the project.
func (s *Server) updateProjectWith(c *call, id string, fn func(*storage.Project) error) error {
	p, err := s.Projects.Update(c.ctx(), id, fn)
	if err != nil {
		return err
	}
	return s.projectJSON(c, http.StatusOK, p)
}

func (s *Server) updateProjectTeam(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	team, err := c.p.required("teamId")
	if err != nil {
		return err
	}
	return s.updateProjectWith(c, id, func(p *storage.Project) error {
		p.TeamID = team
		return nil
	})
}

func (s *Server) deleteProject(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	if err := s.Projects.Delete(c.ctx(), id); err != nil {
		return err
	}
	return c.noContent()
}

// updateService is the console's PATCH /projects/{id}/service {service,
// status}; 1.9's names serviceId and enabled work too.
func (s *Server) updateService(c *call) error {
	return s.toggleParams(c, []string{"service", "serviceId"}, s.setService)
}

// updateAPI is the console's PATCH /projects/{id}/api {api, status}
// (realtime is 1.9's websocket protocol).
func (s *Server) updateAPI(c *call) error {
	return s.toggleParams(c, []string{"api", "protocolId"}, func(c *call, id string, on bool) error {
		if id == "realtime" {
			id = "websocket"
		}
		return s.setProtocol(c, id, on)
	})
}

// toggleParams reads a console toggle: the name from the first of names
// sent, the switch from status (or enabled).
func (s *Server) toggleParams(c *call, names []string, set func(c *call, name string, on bool) error) error {
	var name string
	for _, n := range names {
		v, sent, err := c.p.str(n)
		if err != nil {
			return err
		}
		if sent {
			name = v
			break
		}
	}
	if name == "" {
		return apperr.Missing(names[0])
	}
	on, err := c.enabledParam("status", "enabled")
	if err != nil {
		return err
	}
	return set(c, name, on)
}

// enabledParam reads a required boolean sent under one of names.
func (c *call) enabledParam(names ...string) (bool, error) {
	for _, n := range names {
		on, sent, err := c.p.boolean(n)
		if err != nil || sent {
			return on, err
		}
	}
	return false, apperr.Missing(names[0])
}

// setService switches a service of the project on or off.
func (s *Server) setService(c *call, id string, on bool) error {
	if !slices.Contains(projectServices, id) {
		return apperr.Invalid("serviceId", "Value must be one of ("+strings.Join(projectServices, ", ")+")")
	}
	return s.setToggle(c, func(st *storage.ProjectSettings) map[string]bool {
		if st.Services == nil {
			st.Services = map[string]bool{}
		}
		return st.Services
	}, id, on)
}

// setProtocol switches a protocol of the project on or off.
func (s *Server) setProtocol(c *call, id string, on bool) error {
	i := slices.IndexFunc(protocols, func(p struct{ id, key string }) bool { return p.id == id })
	if i < 0 {
		return apperr.Invalid("protocolId", "Value must be one of (rest, graphql, websocket)")
	}
	return s.setToggle(c, func(st *storage.ProjectSettings) map[string]bool {
		if st.APIs == nil {
			st.APIs = map[string]bool{}
		}
		return st.APIs
	}, protocols[i].key, on)
}

// setAuthMethod switches a sign-in method (by its path name, such as
// email-password) on or off.
func (s *Server) setAuthMethod(c *call, id string, on bool) error {
	key, ok := authMethods[id]
	if !ok {
		return apperr.Invalid("methodId", "Value must be one of ("+methodNames()+")")
	}
	return s.setToggle(c, func(st *storage.ProjectSettings) map[string]bool {
		if st.Auth.Methods == nil {
			st.Auth.Methods = map[string]bool{}
		}
		return st.Auth.Methods
	}, key, on)
}

// setToggle sets one switch of the project's settings and answers with
// the project.
func (s *Server) setToggle(c *call, field func(*storage.ProjectSettings) map[string]bool, key string, on bool) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	return s.updateProjectWith(c, id, func(p *storage.Project) error {
		field(&p.Settings)[key] = on
		return nil
	})
}

// MaxLabels bounds a project's labels, as Appwrite does.
const MaxLabels = 1000

// updateLabels replaces the project's labels: each 1-36 letters and
// digits; repeats are dropped.
func (s *Server) updateLabels(c *call) error {
	labels, sent, err := c.p.strings("labels")
	if err != nil {
		return err
	}
	if !sent {
		return apperr.Missing("labels")
	}
	if len(labels) > MaxLabels {
		return apperr.Invalid("labels", fmt.Sprintf("Value must be an array of at most %d labels", MaxLabels))
	}
	out := make([]string, 0, len(labels))
	seen := make(map[string]bool, len(labels))
	for _, l := range labels {
		if len(l) < 1 || len(l) > 36 || !alnum(l) {
			return apperr.Invalid("labels", "Each label must be 1-36 letters (a-z, A-Z) and digits (0-9)")
		}
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	return s.updateProjectWith(c, id, func(p *storage.Project) error {
		p.Settings.Labels = out
		return nil
	})
}
