package httpapi

import (
	"net/http"
	"net/url"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/oauthapps"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// appRoutes registers Appwrite 2.0's Apps API: the registered clients of
// the project's OAuth2 server. A user with a session or JWT manages the
// apps it made (a developer portal); an API key with apps.read or
// apps.write every app of its project. Labels take an API key.
// Installations and teams need Appwrite's organizations, which Gatehouse
// has not: those routes answer general_feature_unsupported.
func (s *Server) appRoutes() {
	rt := func(scope string, limits ...ratelimit.Rule) route { return route{scope: scope, limits: limits} }
	read := rt("apps.read", perMinute(120, "url:{url},ip:{ip},userId:{userId}"))
	write := rt("apps.write", perMinute(60, "url:{url},ip:{ip},userId:{userId}"))
	s.handle("GET /v1/apps", read, s.listApps)
	s.handle("POST /v1/apps", rt("apps.write", perMinute(10, "url:{url},ip:{ip},userId:{userId}")), s.createApp)
	s.handle("GET /v1/apps/scopes/oauth2", read, s.listAppScopes)
	s.handle("GET /v1/apps/{appId}", read, s.getApp)
	s.handle("PUT /v1/apps/{appId}", write, s.updateApp)
	s.handle("DELETE /v1/apps/{appId}", write, s.deleteApp)
	s.handle("PUT /v1/apps/{appId}/labels", route{scope: "apps.write", keyOnly: true}, s.updateAppLabels)

	for _, kind := range []struct{ path, kind, param string }{
		{"secrets", storage.AppSecretKind, "secretId"}, {"keys", storage.AppKeyKind, "keyId"}} {
		base := "/v1/apps/{appId}/" + kind.path
		s.handle("GET "+base, read, s.listAppCredentials(kind.kind))
		s.handle("POST "+base, write, s.createAppCredential(kind.kind))
		s.handle("GET "+base+"/{"+kind.param+"}", read, s.getAppCredential(kind.kind, kind.param))
		s.handle("DELETE "+base+"/{"+kind.param+"}", write, s.deleteAppCredential(kind.kind, kind.param))
	}

	// Teams and installations: not built (docs/differences.md).
	noInstall := func(c *call) error {
		return s.Apps.Installations(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId"))
	}
	s.handle("GET /v1/apps/scopes/installations", read, func(*call) error { return oauthapps.ErrInstallations() })
	s.handle("PATCH /v1/apps/{appId}/team", write, func(c *call) error {
		return s.Apps.Team(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId"))
	})
	s.handle("GET /v1/apps/{appId}/installations", read, noInstall)
	s.handle("GET /v1/apps/{appId}/installations/{installationId}", read, noInstall)
	s.handle("DELETE /v1/apps/{appId}/installations/{installationId}", write, noInstall)
	s.handle("POST /v1/apps/{appId}/installations/{installationId}/tokens", write, noInstall)

	s.registrationRoutes()
}

// appActor is who calls: an API key, else the signed-in user.
func appActor(c *call) oauthapps.Actor {
	if c.key != nil {
		return oauthapps.Actor{KeyID: c.key.ID, KeyName: c.key.Name}
	}
	u := c.caller.User
	return oauthapps.Actor{UserID: u.ID, UserName: u.Name}
}

// readAppInput reads the fields of an app that were sent.
func readAppInput(c *call) (oauthapps.Input, error) {
	var in oauthapps.Input
	for _, f := range []struct {
		name string
		to   **string
	}{{"name", &in.Name}, {"description", &in.Description}, {"clientUri", &in.ClientURI}, {"logoUri", &in.LogoURI},
		{"privacyPolicyUrl", &in.PrivacyPolicyURL}, {"termsUrl", &in.TermsURL}, {"tagline", &in.Tagline},
		{"supportUrl", &in.SupportURL}, {"dataDeletionUrl", &in.DataDeletionURL}, {"type", &in.Type}, {"teamId", &in.TeamID},
		{"installationRedirectUrl", &in.InstallationRedirectURL}} {
		v, sent, err := c.p.str(f.name)
		if err != nil {
			return in, err
		}
		if sent {
			*f.to = &v
		}
	}
	for _, f := range []struct {
		name string
		to   **[]string
	}{{"contacts", &in.Contacts}, {"tags", &in.Tags}, {"images", &in.Images}, {"redirectUris", &in.RedirectURIs},
		{"postLogoutRedirectUris", &in.PostLogoutRedirectURIs}, {"installationScopes", &in.InstallationScopes}} {
		v, sent, err := c.p.strings(f.name)
		if err != nil {
			return in, err
		}
		if sent {
			if v == nil {
				v = []string{}
			}
			*f.to = &v
		}
	}
	for _, f := range []struct {
		name string
		to   **bool
	}{{"enabled", &in.Enabled}, {"deviceFlow", &in.DeviceFlow}} {
		v, sent, err := c.p.boolean(f.name)
		if err != nil {
			return in, err
		}
		if sent {
			*f.to = &v
		}
	}
	return in, nil
}

func (s *Server) createApp(c *call) error {
	id, sent, err := c.p.str("appId")
	if err != nil {
		return err
	}
	if !sent {
		return apperr.Missing("appId")
	}
	in, err := readAppInput(c)
	if err != nil {
		return err
	}
	v, err := s.Apps.Create(c.ctx(), c.project.ID, appActor(c), id, in)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, appOf(v))
}

// appSchema is what the apps list may filter and order on.
var appSchema = query.Schema{"name": query.String, "description": query.String, "enabled": query.Bool, "type": query.String,
	"deviceFlow": query.Bool, "userId": query.String, "teamId": query.String, "clientUri": query.String, "labels": query.StringArray}

func (s *Server) listApps(c *call) error {
	q, err := listQuery(c, appSchema)
	if err != nil {
		return err
	}
	counts, err := c.countsTotal()
	if err != nil {
		return err
	}
	list, total, err := s.Apps.List(c.ctx(), c.project.ID, appActor(c), q)
	if err != nil {
		return err
	}
	if !counts {
		total = 0
	}
	out := appListModel{Total: total, Apps: make([]appModel, len(list))}
	for i, v := range list {
		out.Apps[i] = appOf(v)
	}
	return c.json(http.StatusOK, out)
}

// getApp reads an app by id, or shows the client ID metadata document of
// an https URL (URL-encoded in the path) as an app.
func (s *Server) getApp(c *call) error {
	id := c.r.PathValue("appId")
	if oauthapps.IsURL(id) {
		d, err := s.Apps.Document(c.ctx(), c.project.ID, id)
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, documentAppOf(d))
	}
	v, err := s.Apps.Get(c.ctx(), c.project.ID, appActor(c), id)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, appOf(v))
}

func (s *Server) updateApp(c *call) error {
	in, err := readAppInput(c)
	if err != nil {
		return err
	}
	v, err := s.Apps.Update(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId"), in)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, appOf(v))
}

func (s *Server) deleteApp(c *call) error {
	if err := s.Apps.Delete(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) updateAppLabels(c *call) error {
	labels, sent, err := c.p.strings("labels")
	if err != nil {
		return err
	}
	if !sent {
		return apperr.Missing("labels")
	}
	v, err := s.Apps.SetLabels(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId"), labels)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, appOf(v))
}

func (s *Server) listAppScopes(c *call) error {
	scopes, err := s.Apps.Scopes(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	out := appScopeListModel{Total: len(scopes), Scopes: make([]appScopeModel, len(scopes))}
	for i, sc := range scopes {
		out.Scopes[i] = appScopeModel{Value: sc.Value, Description: sc.Description, Type: sc.Type, Category: sc.Category,
			Deprecated: sc.Deprecated}
	}
	return c.json(http.StatusOK, out)
}

// credSchema is what secret and key lists may filter on.
var credSchema = query.Schema{"appId": query.String, "hint": query.String, "createdById": query.String,
	"createdByName": query.String, "lastAccessedAt": query.Datetime}

func (s *Server) listAppCredentials(kind string) handlerFunc {
	return func(c *call) error {
		lq, err := readMemList(c, credSchema)
		if err != nil {
			return err
		}
		list, err := s.Apps.Credentials(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId"), kind)
		if err != nil {
			return err
		}
		page, total, err := memList(lq, list, func(k *storage.AppCredential, attr string) string {
			switch attr {
			case "$id":
				return k.ID
			case "$createdAt":
				return when(k.CreatedAt)
			case "$updatedAt":
				return when(k.UpdatedAt)
			case "appId":
				return k.AppID
			case "hint":
				return k.Hint
			case "createdById":
				return k.CreatedByID
			case "createdByName":
				return k.CreatedByName
			case "lastAccessedAt":
				return when(k.LastAccessedAt)
			}
			return ""
		}, func(k *storage.AppCredential) string { return k.ID })
		if err != nil {
			return err
		}
		items := make([]appSecretModel, len(page))
		for i, k := range page {
			items[i] = appSecretOf(k, "")
		}
		if kind == storage.AppKeyKind {
			return c.json(http.StatusOK, appKeyListModel{Total: total, Keys: items})
		}
		return c.json(http.StatusOK, appSecretListModel{Total: total, Secrets: items})
	}
}

func (s *Server) createAppCredential(kind string) handlerFunc {
	return func(c *call) error {
		k, value, err := s.Apps.CreateCredential(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId"), kind)
		if err != nil {
			return err
		}
		return c.json(http.StatusCreated, appSecretOf(k, value))
	}
}

func (s *Server) getAppCredential(kind, param string) handlerFunc {
	return func(c *call) error {
		k, err := s.Apps.Credential(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId"), kind, c.r.PathValue(param))
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, appSecretOf(k, ""))
	}
}

func (s *Server) deleteAppCredential(kind, param string) handlerFunc {
	return func(c *call) error {
		if err := s.Apps.DeleteCredential(c.ctx(), c.project.ID, appActor(c), c.r.PathValue("appId"), kind, c.r.PathValue(param)); err != nil {
			return err
		}
		return c.noContent()
	}
}

// documentAppOf shows a client ID metadata document as an App: public,
// enabled, owned by no one, its id the document's URL.
func documentAppOf(d *oauthapps.Document) appModel {
	name := d.ClientName
	if name == "" {
		if u, err := url.Parse(d.ClientID); err == nil {
			name = u.Host
		}
	}
	return appOf(&oauthapps.View{App: &storage.App{ID: d.ClientID, Name: name, ClientURI: d.ClientURI, LogoURI: d.LogoURI,
		PrivacyPolicyURL: d.PolicyURI, TermsURL: d.TOSURI, Contacts: d.Contacts, RedirectURIs: d.RedirectURIs,
		PostLogoutRedirectURIs: d.PostLogoutRedirectURIs, Enabled: true, Type: oauthapps.TypePublic, DeviceFlow: d.DeviceFlow()}})
}
