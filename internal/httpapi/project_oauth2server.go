package httpapi

import (
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// The OAuth2 server's settings: Appwrite 2.0's PUT /project/oauth2-server
// on the server-side Project API, and the console's PATCH
// /projects/{projectId}/oauth2-server. PUT replaces the settings (an
// omitted field goes back to its default); the console's PATCH changes
// only the fields it sends.
func (s *Server) oauth2SettingsRoutes() {
	s.projectHandle("PUT /v1/project/oauth2-server", []string{"project.write"}, s.updateOAuth2Server)
	s.handle("PATCH /v1/projects/{projectId}/oauth2-server", route{console: true}, s.updateOAuth2Server)
}

func (s *Server) updateOAuth2Server(c *call) error {
	id, err := c.projectIDParam()
	if err != nil {
		return err
	}
	replace := c.r.Method == http.MethodPut
	if replace {
		// Appwrite requires both on PUT.
		if _, err := c.p.required("authorizationUrl"); err != nil {
			return err
		}
		if !c.p.has("enabled") {
			_, err := c.p.required("enabled")
			return err
		}
	}
	p, err := s.Projects.Update(c.ctx(), id, func(p *storage.Project) error {
		cur := p.Settings.OAuth2Server
		next := cur
		if replace {
			next = storage.OAuth2ServerSettings{CIMDAllowLoopback: cur.CIMDAllowLoopback, DynamicRegistration: cur.DynamicRegistration}
		}
		if err := readOAuth2Server(c, &next); err != nil {
			return err
		}
		if err := oauth2server.CheckSettings(next); err != nil {
			return err
		}
		p.Settings.OAuth2Server = next
		return nil
	})
	if err != nil {
		return err
	}
	return s.projectJSON(c, http.StatusOK, p)
}

// readOAuth2Server reads the sent settings fields into set.
func readOAuth2Server(c *call, set *storage.OAuth2ServerSettings) error {
	bools := map[string]*bool{"enabled": &set.Enabled, "confidentialPkce": &set.ConfidentialPKCE,
		"cimdAllowLoopback": &set.CIMDAllowLoopback, "dynamicRegistration": &set.DynamicRegistration}
	for name, dst := range bools {
		v, sent, err := c.p.boolean(name)
		if err != nil {
			return err
		}
		if sent {
			*dst = v
		}
	}
	strs := map[string]*string{"authorizationUrl": &set.AuthorizationURL, "verificationUrl": &set.VerificationURL,
		"userCodeFormat": &set.UserCodeFormat}
	for name, dst := range strs {
		v, sent, err := c.p.str(name)
		if err != nil {
			return err
		}
		if sent {
			*dst = v
		}
	}
	lists := map[string]*[]string{"scopes": &set.Scopes, "defaultScopes": &set.DefaultScopes,
		"authorizationDetailsTypes": &set.AuthorizationDetailsTypes, "installationScopes": &set.InstallationScopes}
	for name, dst := range lists {
		v, sent, err := c.p.strings(name)
		if err != nil {
			return err
		}
		if sent {
			*dst = v
		}
	}
	ints := map[string]*int{"accessTokenDuration": &set.AccessTokenDuration, "refreshTokenDuration": &set.RefreshTokenDuration,
		"publicAccessTokenDuration": &set.PublicAccessTokenDuration, "publicRefreshTokenDuration": &set.PublicRefreshTokenDuration,
		"installationAccessTokenDuration": &set.InstallationAccessTokenDuration, "userCodeLength": &set.UserCodeLength,
		"deviceCodeDuration": &set.DeviceCodeDuration}
	for name, dst := range ints {
		v, sent, err := c.p.integer(name, 0, oauth2server.MaxRefreshSeconds)
		if err != nil {
			return err
		}
		if sent {
			*dst = int(v)
		}
	}
	return nil
}

// oauth2ServerFields adds the project's OAuth2 server settings to the
// Project model, as node 27 declares them (defaults filled in).
func (s *Server) oauth2ServerFields(o *jsonObject, p *storage.Project) {
	set := p.Settings.OAuth2Server
	secs := func(v int, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	format := set.UserCodeFormat
	if format == "" {
		format = oauth2server.DefaultUserCodeFormat
	}
	discovery := ""
	if set.Enabled {
		discovery = oauth2server.Issuer(s.oauth2Base(), p.ID) + "/.well-known/openid-configuration"
	}
	o.set("oAuth2ServerEnabled", set.Enabled).set("oAuth2ServerAuthorizationUrl", set.AuthorizationURL).
		set("oAuth2ServerScopes", nonNil(set.Scopes)).set("oAuth2ServerDefaultScopes", nonNil(set.DefaultScopes)).
		set("oAuth2ServerAuthorizationDetailsTypes", nonNil(set.AuthorizationDetailsTypes)).
		set("oAuth2ServerAccessTokenDuration", secs(set.AccessTokenDuration, int(oauth2server.DefaultAccessTTL.Seconds()))).
		set("oAuth2ServerRefreshTokenDuration", secs(set.RefreshTokenDuration, int(oauth2server.DefaultRefreshTTL.Seconds()))).
		set("oAuth2ServerPublicAccessTokenDuration", secs(set.PublicAccessTokenDuration, int(oauth2server.DefaultPublicAccessTTL.Seconds()))).
		set("oAuth2ServerPublicRefreshTokenDuration", secs(set.PublicRefreshTokenDuration, int(oauth2server.DefaultPublicRefresh.Seconds()))).
		set("oAuth2ServerInstallationAccessTokenDuration", secs(set.InstallationAccessTokenDuration, int(oauth2server.DefaultInstallationTTL.Seconds()))).
		set("oAuth2ServerConfidentialPkce", set.ConfidentialPKCE).set("oAuth2ServerVerificationUrl", set.VerificationURL).
		set("oAuth2ServerUserCodeLength", secs(set.UserCodeLength, oauth2server.DefaultUserCodeLength)).
		set("oAuth2ServerUserCodeFormat", format).
		set("oAuth2ServerDeviceCodeDuration", secs(set.DeviceCodeDuration, int(oauth2server.DefaultDeviceCodeTTL.Seconds()))).
		set("oAuth2ServerDiscoveryUrl", discovery)
}

// oauth2Base is the base of issuer URLs: the public URL, else the
// listen address.
func (s *Server) oauth2Base() string {
	if s.PublicURL != "" {
		return strings.TrimSuffix(s.PublicURL, "/")
	}
	return strings.TrimSuffix(s.ListenURL, "/")
}
