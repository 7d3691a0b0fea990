package httpapi

import (
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// projectSettingsRoutes registers the settings half of Appwrite 1.9's
// server-side Project API: policies, mock phones, OAuth2 providers, SMTP,
// templates and variables.
func (s *Server) projectSettingsRoutes() {
	s.policyRoutes()
	s.mockPhoneRoutes()
	s.projectOAuth2Routes()
	s.projectSMTPRoutes()
	s.projectTemplateRoutes()
	s.variableRoutes()
	s.projectPasskeyRoutes()
}

// projectHandle registers a Project API route: the project is the
// caller's (X-Appwrite-Project, which an API key must match), the console
// project is general_access_forbidden, and the caller must hold one of
// scopes (Appwrite 1.9's "any of" scope lists; the 401 names them all).
func (s *Server) projectHandle(pattern string, scopes []string, h handlerFunc) {
	s.handle(pattern, route{own: true, scopes: scopes}, h)
}

// settingsPage reads a settings list's queries (limit and offset only,
// Appwrite's default limit 25) and its total parameter.
func settingsPage(c *call) (storage.Page, bool, error) {
	page, err := logsPage(c)
	if err != nil {
		return page, false, err
	}
	counts, err := c.countsTotal()
	return page, counts, err
}

// pageOf cuts one page out of a fixed list of n items: the bounds [lo, hi).
func pageOf(n int, page storage.Page) (lo, hi int) {
	lo = min(max(page.Offset, 0), n)
	hi = n
	if page.Limit > 0 {
		hi = min(lo+page.Limit, n)
	}
	return lo, hi
}

// listTotal is the total a list reports: 0 when the caller asked for none.
func listTotal(n int, counts bool) int {
	if !counts {
		return 0
	}
	return n
}

// hasKey reports whether name was sent at all, even as JSON null.
func (p params) hasKey(name string) bool {
	if p.json != nil {
		_, ok := p.json[name]
		return ok
	}
	_, ok := p.form[name]
	return ok
}
