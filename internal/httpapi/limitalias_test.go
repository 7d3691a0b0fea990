package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLimitAliasesAreRoutes keeps limitAliases in step with the routes: a
// renamed route would otherwise quietly get counters of its own again.
func TestLimitAliasesAreRoutes(t *testing.T) {
	s := New(Deps{})
	registered := func(method, path string) string {
		_, pattern := s.mux.Handler(httptest.NewRequest(method, path, nil))
		return pattern
	}
	for alias, target := range limitAliases {
		method, path, _ := strings.Cut(alias, " ")
		if got := registered(method, path); got != alias {
			t.Errorf("alias %q is not a route (%s %s is served by %q)", alias, method, path, got)
		}
		found := false
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			if p := registered(m, target); p != alias && strings.HasSuffix(p, " "+target) {
				found = true
			}
		}
		if !found {
			t.Errorf("alias %q shares counters with %q, which is no other route", alias, target)
		}
	}
}
