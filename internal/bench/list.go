package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
)

func readManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seeded: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("seeded: %s: %w", path, err)
	}
	if m.Project == "" || m.Key == "" || len(m.Emails) == 0 || len(m.SearchWords) == 0 || len(m.CursorIDs) == 0 {
		return nil, fmt.Errorf("seeded: %s lacks a project, key or sample values", path)
	}
	return &m, nil
}

// usersQuery is the query string of GET /v1/users in list scenario name,
// its i-th variant: each request asks for another sample value.
func (r *runner) usersQuery(name string, i int) string {
	m := r.man
	q := func(method, attr string, values ...any) string {
		b, _ := json.Marshal(map[string]any{"method": method, "attribute": attr, "values": values})
		return string(b)
	}
	v := url.Values{}
	switch name {
	case ScenarioUsersEmail:
		v.Add("queries[]", q("equal", "email", m.Emails[i%len(m.Emails)]))
	case ScenarioUsersStatus:
		v.Add("queries[]", q("equal", "status", false))
	case ScenarioUsersSearch:
		v.Set("search", m.SearchWords[i%len(m.SearchWords)])
	case ScenarioUsersCursor:
		v.Add("queries[]", q("orderDesc", "$createdAt"))
		v.Add("queries[]", `{"method":"cursorAfter","values":["`+m.CursorIDs[i%len(m.CursorIDs)]+`"]}`)
	}
	v.Add("queries[]", `{"method":"limit","values":[25]}`)
	return v.Encode()
}

// usersList sends GET /v1/users with the project's API key, worker w
// going through the sample values from its own offset.
func (r *runner) usersList(name string) target {
	qs := make([]string, max(len(r.man.Emails), len(r.man.SearchWords), len(r.man.CursorIDs)))
	for i := range qs {
		qs[i] = r.usersQuery(name, i)
	}
	return target{name: name, status: http.StatusOK,
		next: func(ctx context.Context, w, seq int) *http.Request {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.o.url+"/v1/users?"+qs[(w+seq*r.o.concurrency)%len(qs)], nil)
			req.Header.Set("X-Appwrite-Project", r.o.project)
			req.Header.Set("X-Appwrite-Key", r.o.key)
			return req
		}}
}
