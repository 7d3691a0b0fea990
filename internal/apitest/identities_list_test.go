package apitest

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
)

// qq is one Appwrite query string, as the SDKs' Query helpers build it.
func qq(method, attribute string, values ...any) string {
	m := map[string]any{"method": method}
	if attribute != "" {
		m["attribute"] = attribute
	}
	if values != nil {
		m["values"] = values
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// or is an "or" query of the queries given.
func or(queries ...string) string {
	vals := make([]any, len(queries))
	for i, x := range queries {
		vals[i] = json.RawMessage(x)
	}
	return qq("or", "", vals...)
}

// oidcUser signs a new browser in through the project's OpenID provider
// as sub and returns it with its user id.
func oidcUser(t *testing.T, s *server, project string, idp *oidctest.Server, sub, mail string, verified bool) (*client, string) {
	t.Helper()
	c := s.client(t, project)
	idp.AddUser(sub, mail, verified, "User "+sub)
	idp.Next(sub)
	if end := oauthFlow(t, s, c, "sessions"); end.Path != "/ok" {
		t.Fatalf("sign-in of %s: %s", sub, end)
	}
	r := c.do("GET", "/account", nil)
	expect(t, r, 200, "")
	return c, r.str(t, "$id")
}

// identityRows lists an identity list's rows as provider:providerUid,
// with the total and the ids by row.
func identityRows(t *testing.T, r *resp) (rows []string, total float64, ids map[string]string) {
	t.Helper()
	expect(t, r, 200, "")
	ids = map[string]string{}
	for _, x := range r.obj(t)["identities"].([]any) {
		m := x.(map[string]any)
		row := m["provider"].(string) + ":" + m["providerUid"].(string)
		rows = append(rows, row)
		ids[row] = m["$id"].(string)
	}
	return rows, r.obj(t)["total"].(float64), ids
}

// The identity lists take Appwrite's queries on userId, provider,
// providerUid, providerEmail and providerAccessTokenExpiry (with search,
// cursors and order), as the Users list does; the Account API's lists
// only the caller's own whatever the queries say.
func TestIdentityListQueries(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		ann, annID := oidcUser(t, s, c.project, idp, "sub-ann", "ann@example.test", true)
		_, bobID := oidcUser(t, s, c.project, idp, "sub-bob", "bob@example.test", true)
		// An account with an email and a phone linked into Ann's gives her
		// the email and phone ways in: identities with no provider tokens.
		expect(t, k.do("POST", "/users", map[string]any{"userId": "way", "email": "way@example.test", "phone": "+14155550199",
			"password": "way password"}), 201, "")
		expect(t, k.do("POST", "/users/"+annID+"/identities", map[string]any{"userId": "way"}), 200, "")
		const A, B, W, P = "oidc:sub-ann", "oidc:sub-bob", "email:way@example.test", "phone:+14155550199"

		all, total, ids := identityRows(t, k.do("GET", "/users/identities", nil))
		if total != 4 || len(all) != 4 || all[0] != A || all[1] != B {
			t.Fatalf("all identities %v (total %v), want Ann's and Bob's provider identities first", all, total)
		}
		sorted := func(r []string) []string { return slices.Sorted(slices.Values(r)) }
		for _, tc := range []struct {
			queries []string
			want    []string
		}{
			{[]string{qq("equal", "userId", annID)}, []string{A, P, W}},
			{[]string{qq("notEqual", "userId", annID)}, []string{B}},
			{[]string{qq("equal", "userId", annID, bobID)}, []string{A, B, P, W}},
			{[]string{qq("equal", "provider", "oidc")}, []string{A, B}},
			{[]string{qq("notEqual", "provider", "oidc")}, []string{P, W}},
			{[]string{qq("equal", "providerUid", "sub-bob")}, []string{B}},
			{[]string{qq("notEqual", "providerUid", "sub-bob")}, []string{A, P, W}},
			{[]string{qq("startsWith", "providerUid", "sub-")}, []string{A, B}},
			{[]string{qq("endsWith", "providerUid", "-ann")}, []string{A}},
			{[]string{qq("contains", "providerUid", "b-b")}, []string{B}},
			{[]string{qq("equal", "providerEmail", "bob@example.test")}, []string{B}},
			{[]string{qq("notEqual", "providerEmail", "bob@example.test"), qq("notEqual", "provider", "phone")}, []string{A, W}},
			{[]string{qq("greaterThan", "providerAccessTokenExpiry", "2001-01-01T00:00:00.000+00:00")}, []string{A, B}},
			{[]string{qq("isNull", "providerAccessTokenExpiry")}, []string{P, W}},
			{[]string{qq("isNotNull", "providerAccessTokenExpiry")}, []string{A, B}},
			{[]string{qq("lessThan", "providerAccessTokenExpiry", "2001-01-01T00:00:00.000+00:00")}, []string{P, W}},
			{[]string{qq("equal", "$id", ids[W])}, []string{W}},
			{[]string{qq("notEqual", "$id", ids[W])}, []string{A, B, P}},
			{[]string{qq("greaterThanEqual", "$createdAt", "2001-01-01")}, []string{A, B, P, W}},
			{[]string{or(qq("equal", "provider", "phone"), qq("equal", "userId", bobID))}, []string{B, P}},
		} {
			got, n, _ := identityRows(t, k.do("GET", "/users/identities?"+q(tc.queries...), nil))
			if !slices.Equal(sorted(got), sorted(tc.want)) || n != float64(len(tc.want)) {
				t.Errorf("%v: %v (total %v), want %v", tc.queries, got, n, tc.want)
			}
		}

		// Search looks for every word in the ids, provider, uid and email.
		for search, want := range map[string][]string{"way": {W}, "SUB-": {A, B}, "sub example.test": {A, B}, "phone": {P}, "nobody": nil} {
			got, _, _ := identityRows(t, k.do("GET", "/users/identities?search="+url.QueryEscape(search), nil))
			if !slices.Equal(sorted(got), sorted(want)) {
				t.Errorf("search %q: %v, want %v", search, got, want)
			}
		}

		// Order, paging and cursors both ways, by the Users list's rules.
		byUID := []string{P, A, B, W}
		order := func(want []string, queries ...string) {
			t.Helper()
			got, n, _ := identityRows(t, k.do("GET", "/users/identities?"+q(queries...), nil))
			if !slices.Equal(got, want) || n != 4 {
				t.Errorf("%v: %v (total %v), want %v", queries, got, n, want)
			}
		}
		order(byUID, qq("orderAsc", "providerUid"))
		order([]string{W, B, A, P}, qq("orderDesc", "providerUid"))
		order([]string{B, W}, qq("orderAsc", "providerUid"), qq("cursorAfter", "", ids[A]), qq("limit", "", 2))
		order([]string{A, B}, qq("orderAsc", "providerUid"), qq("cursorBefore", "", ids[W]), qq("limit", "", 2))
		order([]string{B, A}, qq("orderDesc", "providerUid"), qq("cursorAfter", "", ids[W]), qq("limit", "", 2))
		order([]string{B}, qq("orderAsc", "providerUid"), qq("limit", "", 1), qq("offset", "", 2))
		order(all[1:], qq("cursorAfter", "", ids[A]))
		order([]string{W, B, A, P}, qq("orderDesc", "providerEmail"))
		order(all[1:3], qq("orderAsc", "$createdAt"), qq("cursorAfter", "", ids[A]), qq("limit", "", 2))
		if r := k.do("GET", "/users/identities?total=false", nil); r.obj(t)["total"] != float64(0) || len(r.obj(t)["identities"].([]any)) != 4 {
			t.Errorf("total=false: %s", r.body)
		}

		// What the Users list refuses, the identity lists refuse alike.
		for _, bad := range [][]string{{qq("equal", "providerAccessToken", "x")}, {qq("equal", "email", "ann@example.test")},
			{qq("equal", "providerAccessTokenExpiry", "soon")}, {qq("orderAsc", "secret")}, {qq("cursorAfter", "", ids[A]) + "x"},
			{qq("cursorAfter", "", ids[A]), qq("cursorBefore", "", ids[B])}, {qq("greaterThan", "provider", true)}} {
			expect(t, k.do("GET", "/users/identities?"+q(bad...), nil), 400, "general_argument_invalid")
		}
		expect(t, k.do("GET", "/users/identities?"+q(qq("cursorAfter", "", "nobody")), nil), 400, "general_cursor_not_found")
		// Another project's identity is no cursor here.
		c2, idp2 := oauthProject(t, s)
		k2 := c2.with("X-Appwrite-Key", c2.key("users.read"))
		oidcUser(t, s, c2.project, idp2, "sub-other", "other@example.test", true)
		_, _, other := identityRows(t, k2.do("GET", "/users/identities", nil))
		expect(t, k.do("GET", "/users/identities?"+q(qq("cursorAfter", "", other["oidc:sub-other"])), nil), 400, "general_cursor_not_found")

		// The Account API lists only the caller's identities, whatever
		// the queries ask for; another user's identity is no cursor.
		mine := func(want []string, queries ...string) {
			t.Helper()
			got, n, _ := identityRows(t, ann.do("GET", "/account/identities?"+q(queries...), nil))
			if !slices.Equal(sorted(got), sorted(want)) || n != float64(len(want)) {
				t.Errorf("account %v: %v (total %v), want %v", queries, got, n, want)
			}
		}
		mine([]string{A, P, W})
		mine(nil, qq("equal", "userId", bobID))
		mine(nil, qq("notEqual", "userId", annID))
		mine([]string{A}, or(qq("equal", "userId", bobID), qq("equal", "provider", "oidc")))
		mine([]string{P, W}, qq("notEqual", "provider", "oidc"))
		mine([]string{W}, qq("equal", "providerEmail", "way@example.test"))
		if got, n, _ := identityRows(t, ann.do("GET", "/account/identities?"+q(qq("orderAsc", "providerUid"), qq("cursorAfter", "", ids[A])), nil)); !slices.Equal(got, []string{W}) || n != 3 {
			t.Errorf("account list after A: %v (total %v)", got, n)
		}
		expect(t, ann.do("GET", "/account/identities?"+q(qq("cursorAfter", "", ids[B])), nil), 400, "general_cursor_not_found")
		expect(t, ann.do("GET", "/account/identities?"+q(qq("equal", "secret", "x")), nil), 400, "general_argument_invalid")
	})
}
