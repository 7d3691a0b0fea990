package passkey

import (
	"context"
	"strings"
)

// The console project (docs/console.md) has no web platforms: its
// relying party is the host the console is served from, which only the
// request knows, and its one site is the console's own origin. The wire
// layer hands both down with WithConsole; a console ceremony without
// them finds no relying party.

type consoleKey struct{}

type consoleSite struct {
	rpID    string
	origins []string
}

// WithConsole returns ctx carrying the console's relying-party id and
// the exact origins (scheme://host[:port]) its ceremonies accept.
func WithConsole(ctx context.Context, rpID string, origins []string) context.Context {
	return context.WithValue(ctx, consoleKey{}, consoleSite{rpID: strings.ToLower(rpID), origins: origins})
}

func consoleSiteOf(ctx context.Context) (consoleSite, bool) {
	s, ok := ctx.Value(consoleKey{}).(consoleSite)
	return s, ok && s.rpID != ""
}

// consoleOrigin reports whether origin is one of the console's own.
func (rp *RP) consoleOrigin(origin string) bool {
	for _, o := range rp.origins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}
