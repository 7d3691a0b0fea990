package templates_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/templates"
)

// The split-off account's unlink notice has no undo link: it says so
// instead of offering an empty button.
func TestUnlinkedWithoutLink(t *testing.T) {
	v := full()
	v.Redirect = ""
	_, h, x := mustRender(t, templates.AccountUnlinked, "en", nil, v)
	for _, part := range []string{h, x} {
		if strings.Contains(part, "wasn't me") || strings.Contains(part, "wasn&#39;t me") || strings.Contains(part, "follow this link") {
			t.Errorf("a notice without a link offers one: %s", part)
		}
		if !strings.Contains(part, "Only the account it was split from can undo this") {
			t.Errorf("the notice does not say who may undo: %s", part)
		}
	}
	_, h, _ = mustRender(t, templates.AccountUnlinked, "en", nil, full())
	if !strings.Contains(h, "wasn&#39;t me") || strings.Contains(h, "Only the account it was split from") {
		t.Errorf("the notice with a link: %s", h)
	}
}
