package httpapi

// projectSettingsRoutes registers the settings half of Appwrite 1.9's
// server-side Project API: policies, mock phones, OAuth2 providers, SMTP,
// templates and variables.
func (s *Server) projectSettingsRoutes() {}
