package httpapi

import (
	"net/http"
	"time"

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

	s.authSettingRoutes(admin)
	s.smtpRoutes(admin)
	s.templateRoutes(admin)
}

func (c *call) projectIDParam() (string, error) {
	id := c.r.PathValue("projectId")
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
	out := projectListModel{Total: total, Projects: make([]projectModel, 0, len(list))}
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

// services a project can switch off.
var services = map[string]bool{"account": true, "avatars": true, "databases": true, "tablesdb": true, "locale": true,
	"health": true, "storage": true, "teams": true, "users": true, "sites": true, "functions": true,
	"graphql": true, "messaging": true}

func (s *Server) updateService(c *call) error {
	return s.toggle(c, "service", services, func(st *storage.ProjectSettings) *map[string]bool { return &st.Services })
}

func (s *Server) updateAPI(c *call) error {
	return s.toggle(c, "api", map[string]bool{"rest": true, "graphql": true, "realtime": true},
		func(st *storage.ProjectSettings) *map[string]bool { return &st.APIs })
}

// toggle handles {<param>: name, status: bool} switches.
func (s *Server) toggle(c *call, param string, known map[string]bool, field func(*storage.ProjectSettings) *map[string]bool) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	name, err := c.p.required(param)
	if err != nil {
		return err
	}
	if !known[name] {
		return apperr.Invalid(param, "Value must be one of the known names")
	}
	on, sent, err := c.p.boolean("status")
	if err != nil {
		return err
	}
	if !sent {
		return apperr.Missing("status")
	}
	p, err := s.Projects.Update(c.ctx(), id, func(p *storage.Project) error {
		m := field(&p.Settings)
		if *m == nil {
			*m = map[string]bool{}
		}
		(*m)[name] = on
		return nil
	})
	if err != nil {
		return err
	}
	return s.projectJSON(c, http.StatusOK, p)
}

func (s *Server) createPlatform(c *call) error {
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	pl := &storage.Platform{ProjectID: pid}
	if err := readPlatform(c, pl, true); err != nil {
		return err
	}
	if err := s.Projects.AddPlatform(c.ctx(), pl); err != nil {
		return err
	}
	return c.json(http.StatusCreated, platformOf(pl))
}

// platformTypes are the kinds of app Appwrite knows.
var platformTypes = map[string]bool{"web": true, "flutter-web": true, "flutter-ios": true, "flutter-android": true,
	"flutter-linux": true, "flutter-macos": true, "flutter-windows": true, "apple-ios": true, "apple-macos": true,
	"apple-watchos": true, "apple-tvos": true, "android": true, "unity": true, "react-native-ios": true,
	"react-native-android": true, "react-native-web": true, "windows": true, "linux": true, "scheme": true}

func readPlatform(c *call, pl *storage.Platform, create bool) error {
	if create {
		t, err := c.p.required("type")
		if err != nil {
			return err
		}
		if !platformTypes[t] {
			return apperr.Invalid("type", "Value must be one of the platform types")
		}
		pl.Type = t
	}
	name, err := c.p.required("name")
	if err != nil {
		return err
	}
	if err := validate.Text("name", name, 1, 128); err != nil {
		return err
	}
	pl.Name = name
	for _, f := range []struct {
		name string
		dst  *string
	}{{"key", &pl.Key}, {"store", &pl.Store}, {"hostname", &pl.Hostname}} {
		v, sent, err := c.p.str(f.name)
		if err != nil {
			return err
		}
		if sent {
			if err := validate.Text(f.name, v, 0, 256); err != nil {
				return err
			}
			*f.dst = v
		}
	}
	return nil
}

func (s *Server) listPlatforms(c *call) error {
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	list, err := s.Projects.Platforms(c.ctx(), pid)
	if err != nil {
		return err
	}
	out := platformListModel{Total: len(list), Platforms: make([]platformModel, len(list))}
	for i, pl := range list {
		out.Platforms[i] = platformOf(pl)
	}
	return c.json(http.StatusOK, out)
}

// childParams validates {projectId} and the id of a project's child
// resource named by param.
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
	return c.json(http.StatusOK, platformOf(pl))
}

func (s *Server) updatePlatform(c *call) error {
	pid, id, err := c.childParams("platformId")
	if err != nil {
		return err
	}
	pl, err := s.Projects.UpdatePlatform(c.ctx(), pid, id, func(pl *storage.Platform) error { return readPlatform(c, pl, false) })
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, platformOf(pl))
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

// readKey reads name, scopes and expire of a key.
func readKey(c *call) (name string, scopes []string, expire time.Time, err error) {
	if name, err = c.p.required("name"); err != nil {
		return
	}
	if err = validate.Text("name", name, 1, 128); err != nil {
		return
	}
	scopes, sent, err := c.p.strings("scopes")
	if err != nil {
		return
	}
	if !sent {
		// The console SDK may send null; a key without scopes can still
		// call public routes.
		scopes = []string{}
	}
	if len(scopes) > 100 {
		err = apperr.Invalid("scopes", "Value must be an array of at most 100 scopes")
		return
	}
	for _, sc := range scopes {
		if !project.KnownScopes[sc] {
			err = apperr.Invalid("scopes", "Value must be an array of known scopes")
			return
		}
	}
	if v, ok, e := c.p.str("expire"); e != nil {
		err = e
	} else if ok && v != "" {
		if expire, err = parseTime(v); err != nil {
			err = apperr.Invalid("expire", "Value must be valid date in ISO 8601 format.")
		}
	}
	return
}

// parseTime accepts the ISO 8601 forms the SDKs and people send.
func parseTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, timeFormat, "2006-01-02T15:04:05.000Z0700", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, apperr.Invalid("expire", "invalid date")
}

func (s *Server) createKey(c *call) error {
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	keyID, sent, err := c.p.str("keyId")
	if err != nil {
		return err
	}
	if !sent {
		keyID = "unique()"
	}
	if err := validate.CustomID("keyId", keyID); err != nil {
		return err
	}
	name, scopes, expire, err := readKey(c)
	if err != nil {
		return err
	}
	k, raw, err := s.Projects.CreateKey(c.ctx(), pid, keyID, name, scopes, expire)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, keyOf(k, raw))
}

func (s *Server) listKeys(c *call) error {
	pid, err := c.projectIDParam()
	if err != nil {
		return err
	}
	list, err := s.Projects.Keys(c.ctx(), pid)
	if err != nil {
		return err
	}
	out := keyListModel{Total: len(list), Keys: make([]keyModel, len(list))}
	for i, k := range list {
		out.Keys[i] = keyOf(k, "")
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) getKey(c *call) error {
	pid, id, err := c.childParams("keyId")
	if err != nil {
		return err
	}
	k, err := s.Projects.Key(c.ctx(), pid, id)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, keyOf(k, ""))
}

func (s *Server) updateKey(c *call) error {
	pid, id, err := c.childParams("keyId")
	if err != nil {
		return err
	}
	name, scopes, expire, err := readKey(c)
	if err != nil {
		return err
	}
	k, err := s.Projects.UpdateKey(c.ctx(), pid, id, func(k *storage.Key) error {
		k.Name, k.Scopes, k.Expire = name, scopes, expire
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, keyOf(k, ""))
}

func (s *Server) deleteKey(c *call) error {
	pid, id, err := c.childParams("keyId")
	if err != nil {
		return err
	}
	if err := s.Projects.DeleteKey(c.ctx(), pid, id); err != nil {
		return err
	}
	return c.noContent()
}
