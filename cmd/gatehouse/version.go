package main

import (
	"runtime/debug"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/httpapi"
)

// versionLine names this build: the module version and the revision it
// was built from (both from the build information Go records), and the
// Appwrite wire it answers as.
func versionLine() string {
	version, revision := "(devel)", "unknown"
	var dirty, at string
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+modified"
				}
			case "vcs.time":
				at = s.Value
			}
		}
	}
	parts := []string{"gatehouse", version, "revision " + revision + dirty}
	if at != "" {
		parts = append(parts, "("+at+")")
	}
	return strings.Join(parts, " ") + ", Appwrite " + httpapi.Version + " wire"
}
