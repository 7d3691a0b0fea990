package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"
)

// demoModel stands for a model whose fields came in two versions.
type demoModel struct {
	ID    string         `json:"$id"`
	Since since[string]  `json:"since19,omitzero"`
	Both  since[*string] `json:"since20,omitzero"`
	Name  string         `json:"name"`
}

type demoList struct {
	Total int         `json:"total"`
	Items []demoModel `json:"items"`
}

func (l demoList) forEach(f func(any) any) any {
	for i := range l.Items {
		l.Items[i] = f(l.Items[i]).(demoModel)
	}
	return l
}

var demoSteps = []responseStep{
	stepFor("2.0.0", "Demo", func(m *demoModel) { m.Both.hide() }),
	stepFor("1.9.0", "Demo", func(m *demoModel) { m.Since.hide(); m.Name = "old " + m.Name }),
	stepFor("1.9.0", "Other", func(m *userModel) { m.Name = "never" }),
}

// TestShapeSteps: a model passes through the steps newer than the
// request's format, newest first; no format is the newest shape; lists
// get each step on every item; a step of another model leaves it alone.
func TestShapeSteps(t *testing.T) {
	demo := func() demoModel {
		return demoModel{ID: "a", Since: shown("x"), Both: shown[*string](nil), Name: "n"}
	}
	for _, tc := range []struct{ format, want string }{
		{"", `{"$id":"a","since19":"x","since20":null,"name":"n"}`},
		{"2.0.0", `{"$id":"a","since19":"x","since20":null,"name":"n"}`},
		{"2.1.0", `{"$id":"a","since19":"x","since20":null,"name":"n"}`},
		{"1.9.5", `{"$id":"a","since19":"x","name":"n"}`},
		{"1.9.0", `{"$id":"a","since19":"x","name":"n"}`},
		{"1.8.0", `{"$id":"a","name":"old n"}`},
		{"1.6.0", `{"$id":"a","name":"old n"}`},
	} {
		b, err := json.Marshal(shape(demo(), tc.format, demoSteps))
		if err != nil || string(b) != tc.want {
			t.Errorf("format %q: %s (%v), want %s", tc.format, b, err, tc.want)
		}
		l := demoList{Total: 2, Items: []demoModel{demo(), demo()}}
		b, err = json.Marshal(shape(l, tc.format, demoSteps))
		if want := `{"total":2,"items":[` + tc.want + "," + tc.want + "]}"; err != nil || string(b) != want {
			t.Errorf("list, format %q: %s (%v), want %s", tc.format, b, err, want)
		}
	}
	if got := shape(jwtModel{JWT: "j"}, "1.6.0", demoSteps); got != (jwtModel{JWT: "j"}) {
		t.Errorf("a model without steps changed: %#v", got)
	}
}

// TestParamsRename: an old parameter name becomes the new one, in JSON
// and form bodies; a new name sent too wins.
func TestParamsRename(t *testing.T) {
	p := params{json: map[string]json.RawMessage{"old": json.RawMessage(`"v"`)}}
	p.rename("old", "new")
	if v, _, _ := p.str("new"); v != "v" || p.has("old") {
		t.Errorf("json rename: %v", p.json)
	}
	p = params{json: map[string]json.RawMessage{"old": json.RawMessage(`"v"`), "new": json.RawMessage(`"w"`)}}
	p.rename("old", "new")
	if v, _, _ := p.str("new"); v != "w" || p.has("old") {
		t.Errorf("json rename with both: %v", p.json)
	}
	p = params{form: url.Values{"old": {"v"}}}
	p.rename("old", "new")
	if v, _, _ := p.str("new"); v != "v" || p.has("old") {
		t.Errorf("form rename: %v", p.form)
	}
	var none params
	none.rename("old", "new") // no body at all
}

// TestUpgradeParams: a request step runs for its route when the format
// is older than its version, and not for newer formats, none, or other
// routes.
func TestUpgradeParams(t *testing.T) {
	steps := []requestStep{{before: "1.9.0", pattern: "POST /v1/demo", apply: func(p *params) { p.rename("old", "new") }}}
	for _, tc := range []struct {
		pattern, format string
		renamed         bool
	}{
		{"POST /v1/demo", "1.8.0", true},
		{"POST /v1/demo", "1.6.0", true},
		{"POST /v1/demo", "1.9.0", false},
		{"POST /v1/demo", "2.0.0", false},
		{"POST /v1/demo", "", false},
		{"POST /v1/other", "1.8.0", false},
	} {
		r := httptest.NewRequest("POST", "/v1/demo", nil)
		r.Pattern = tc.pattern
		if tc.format != "" {
			r.Header.Set("X-Appwrite-Response-Format", tc.format)
		}
		c := &call{r: r, p: params{json: map[string]json.RawMessage{"old": json.RawMessage(`"v"`)}}}
		c.upgradeParams(steps)
		if got := c.p.has("new"); got != tc.renamed {
			t.Errorf("%s, format %q: renamed %v, want %v", tc.pattern, tc.format, got, tc.renamed)
		}
	}
}
