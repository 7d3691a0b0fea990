package httpapi

import (
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// projectAPIRoutes registers Appwrite 1.9's server-side Project API
// (/v1/project...) for the project itself, its labels, toggles, keys and
// platforms. It acts on the project of X-Appwrite-Project, called with
// one of its API keys, and shares its handlers with the console's
// /v1/projects/{projectId} routes (projectIDParam). The console project
// is general_access_forbidden; there are no rate limits.
func (s *Server) projectAPIRoutes() {
	own := func(scope string) route { return route{own: true, scope: scope} }
	read, write := own("project.read"), own("project.write")
	s.handle("GET /v1/project", read, s.getProject)
	s.handle("DELETE /v1/project", write, s.deleteProject)
	s.handle("PUT /v1/project/labels", write, s.updateLabels)
	s.handle("PATCH /v1/project/auth-methods/{methodId}", write, s.pathToggle("methodId", s.setAuthMethod))
	s.handle("PATCH /v1/project/services/{serviceId}", write, s.pathToggle("serviceId", s.setService))
	s.handle("PATCH /v1/project/protocols/{protocolId}", write, s.pathToggle("protocolId", s.setProtocol))

	keysRead, keysWrite := own("keys.read"), own("keys.write")
	s.handle("GET /v1/project/keys", keysRead, s.listKeys)
	s.handle("POST /v1/project/keys", keysWrite, s.createKey)
	s.handle("POST /v1/project/keys/ephemeral", keysWrite, s.createEphemeralKey)
	s.handle("GET /v1/project/keys/{keyId}", keysRead, s.getKey)
	s.handle("PUT /v1/project/keys/{keyId}", keysWrite, s.updateKey)
	s.handle("DELETE /v1/project/keys/{keyId}", keysWrite, s.deleteKey)

	plRead, plWrite := own("platforms.read"), own("platforms.write")
	s.handle("GET /v1/project/platforms", plRead, s.listPlatforms)
	for _, kind := range []string{project.PlatformWeb, project.PlatformApple, project.PlatformAndroid,
		project.PlatformWindows, project.PlatformLinux} {
		s.handle("POST /v1/project/platforms/"+kind, plWrite, s.createKindPlatform(kind))
		s.handle("PUT /v1/project/platforms/"+kind+"/{platformId}", plWrite, s.updateKindPlatform(kind))
	}
	s.handle("GET /v1/project/platforms/{platformId}", plRead, s.getPlatform)
	s.handle("DELETE /v1/project/platforms/{platformId}", plWrite, s.deletePlatform)
}

// pathToggle is PATCH /project/<list>/{param} {enabled}.
func (s *Server) pathToggle(param string, set func(c *call, name string, on bool) error) handlerFunc {
	return func(c *call) error {
		on, err := c.enabledParam("enabled")
		if err != nil {
			return err
		}
		return set(c, c.r.PathValue(param), on)
	}
}

// memQuery is a list request over records held in memory (a project's
// keys or platforms: few, read whole).
type memQuery struct {
	q      storage.UserQuery
	schema query.Schema
	counts bool
}

// readMemList reads queries (filters on schema's attributes, orders,
// limit, offset, cursors) and total.
func readMemList(c *call, schema query.Schema) (memQuery, error) {
	q, err := listQuery(c, schema)
	if err != nil {
		return memQuery{}, err
	}
	counts, err := c.countsTotal()
	if err != nil {
		return memQuery{}, err
	}
	q.Filters = memValues(q.Filters, schema)
	return memQuery{q: q, schema: schema, counts: counts}, nil
}

// arrayValue is how a string-array attribute is matched in memory: each
// element between NULs, so contains matches whole elements only.
func arrayValue(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return "\x00" + strings.Join(v, "\x00") + "\x00"
}

// memValues readies validated filters for query.Match over the strings
// memList's get returns: dates as when() writes them (which sort as
// text), array elements as arrayValue wraps them.
func memValues(qs []query.Query, schema query.Schema) []query.Query {
	out := make([]query.Query, len(qs))
	for i, q := range qs {
		q.Nested = memValues(q.Nested, schema)
		t := schema[q.Attribute]
		if q.Attribute == "$createdAt" || q.Attribute == "$updatedAt" {
			t = query.Datetime
		}
		vals := slices.Clone(q.Values)
		for j, v := range vals {
			switch x := v.(type) {
			case time.Time:
				vals[j] = when(x)
			case string:
				if t == query.StringArray {
					vals[j] = "\x00" + x + "\x00"
				}
			}
		}
		if t == query.StringArray {
			switch q.Method {
			case "equal":
				q.Method = "contains"
			case "notEqual":
				q.Method = "notContains"
			}
		}
		q.Values = vals
		out[i] = q
	}
	return out
}

// memList filters, orders and pages list as q asks, reading attributes
// through get; total counts every match (0 when the caller sent total
// false).
func memList[T any](q memQuery, list []T, get func(T, string) string, id func(T) string) ([]T, int, error) {
	matched := make([]T, 0, len(list))
	for _, x := range list {
		if query.Match(q.q.Filters, func(attr string) string { return get(x, attr) }) {
			matched = append(matched, x)
		}
	}
	for i := len(q.q.Orders) - 1; i >= 0; i-- {
		o := q.q.Orders[i]
		slices.SortStableFunc(matched, func(a, b T) int {
			c := strings.Compare(get(a, o.Attribute), get(b, o.Attribute))
			if o.Method == "orderDesc" {
				c = -c
			}
			return c
		})
	}
	total := len(matched)
	if !q.counts {
		total = 0
	}
	page := q.q.Page
	start := 0
	if cur := page.CursorAfter + page.CursorBefore; cur != "" {
		at := slices.IndexFunc(matched, func(x T) bool { return id(x) == cur })
		if at < 0 {
			return nil, 0, apperr.New(apperr.CursorNotFound)
		}
		if page.CursorBefore != "" {
			// The page that ends offset items before the cursor.
			end := max(0, at-page.Offset)
			return matched[max(0, end-page.Limit):end], total, nil
		}
		start = at + 1
	}
	start = min(start+page.Offset, len(matched))
	return matched[start:min(start+page.Limit, len(matched))], total, nil
}
