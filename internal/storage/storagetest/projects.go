package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

var projectTests = []test{
	{"CreateGet", func(t *testing.T, s storage.Store) {
		p := mustProject(t, s, "p1", t0)
		got, err := s.GetProject(t.Context(), "p1")
		noErr(t, err, "GetProject")
		same(t, "GetProject", got, p)
	}},
	{"EmptySettings", func(t *testing.T, s storage.Store) {
		p := &storage.Project{ID: "bare", Name: "Bare", CreatedAt: t0, UpdatedAt: t0}
		noErr(t, s.CreateProject(t.Context(), p), "CreateProject")
		got, err := s.GetProject(t.Context(), "bare")
		noErr(t, err, "GetProject")
		same(t, "GetProject", got, p)
	}},
	{"DuplicateID", func(t *testing.T, s storage.Store) {
		mustProject(t, s, "p1", t0)
		dup := newProject("p1", at(time.Hour))
		dup.Name = "Other"
		isErr(t, s.CreateProject(t.Context(), dup), storage.ErrConflict, "CreateProject with a taken id")
		got, err := s.GetProject(t.Context(), "p1")
		noErr(t, err, "GetProject")
		if got.Name != "Project p1" {
			t.Errorf("the failed create changed the project: name %q", got.Name)
		}
	}},
	{"Missing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		_, err := s.GetProject(ctx, "nope")
		isErr(t, err, storage.ErrNotFound, "GetProject")
		called := false
		_, err = s.UpdateProject(ctx, "nope", func(*storage.Project) error { called = true; return nil })
		isErr(t, err, storage.ErrNotFound, "UpdateProject")
		if called {
			t.Error("UpdateProject called fn for a missing project")
		}
		isErr(t, s.DeleteProject(ctx, "nope"), storage.ErrNotFound, "DeleteProject")
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		p := mustProject(t, s, "p1", t0)
		want := *p
		want.Name = "Renamed"
		want.TeamID = "team-2"
		want.Description = "New description"
		want.Settings.Auth.Limit = 7
		want.Settings.Auth.Methods = map[string]bool{"anonymous": true, "magic-url": false}
		want.Settings.Auth.MockNumbers = nil
		want.Settings.Services = map[string]bool{"teams": true}
		want.Settings.LegalTaxID = ""
		want.UpdatedAt = at(time.Hour + 987*time.Nanosecond)
		got, err := s.UpdateProject(ctx, "p1", func(p *storage.Project) error {
			same(t, "UpdateProject loaded", p, newProject("p1", t0))
			id, created := p.ID, p.CreatedAt
			*p = want
			p.ID, p.CreatedAt = id, created
			return nil
		})
		noErr(t, err, "UpdateProject")
		sameResult(t, "UpdateProject result", got, &want)
		got, err = s.GetProject(ctx, "p1")
		noErr(t, err, "GetProject")
		same(t, "GetProject after update", got, &want)
	}},
	{"UpdateAbort", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		p := mustProject(t, s, "p1", t0)
		got, err := s.UpdateProject(ctx, "p1", func(p *storage.Project) error {
			p.Name = "Changed"
			p.Settings.Auth.Limit = 99
			return errAbort
		})
		if err != errAbort { //nolint:errorlint // the contract is "returned unchanged"
			t.Errorf("UpdateProject returned %v, want fn's error unchanged", err)
		}
		if got != nil {
			t.Errorf("UpdateProject returned a project with an error: %+v", got)
		}
		after, err := s.GetProject(ctx, "p1")
		noErr(t, err, "GetProject")
		same(t, "GetProject after an aborted update", after, p)
	}},
	{"Delete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		noErr(t, s.DeleteProject(ctx, "p1"), "DeleteProject")
		_, err := s.GetProject(ctx, "p1")
		isErr(t, err, storage.ErrNotFound, "GetProject after delete")
		isErr(t, s.DeleteProject(ctx, "p1"), storage.ErrNotFound, "DeleteProject twice")
		_, err = s.GetProject(ctx, "p2")
		noErr(t, err, "GetProject of the other project")
	}},
	{"DeleteRemovesEverything", testDeleteProjectCascade},
	{"List", testListProjects},
	{"Search", testSearchProjects},
}

// fillProject gives project pid two users, each with a session, a log, and
// the project a key and a platform.
func fillProject(t *testing.T, s storage.Store, pid string) {
	t.Helper()
	mustProject(t, s, pid, t0)
	for _, uid := range []string{"u1", "u2"} {
		mustUser(t, s, pid, uid, uid+"@example.com")
		mustSession(t, s, pid, uid, "s-"+uid, t0)
		mustLog(t, s, pid, uid, "l-"+uid, t0)
	}
	mustKey(t, s, pid, "k1", t0)
	mustPlatform(t, s, pid, "pf1", t0)
	mustTarget(t, s, pid, "u1", "push1")
	mustToken(t, s, pid, "u1", "t1", storage.TokenEmail)
}

// checkProjectContents reports whether pid still holds what fillProject put
// in it (present) or nothing at all (!present).
func checkProjectContents(t *testing.T, s storage.Store, pid string, present bool) {
	t.Helper()
	ctx := t.Context()
	want := func(err error, what string) {
		t.Helper()
		if present {
			if err != nil {
				t.Errorf("%s in %s: %v", what, pid, err)
			}
		} else {
			isErr(t, err, storage.ErrNotFound, what+" in deleted "+pid)
		}
	}
	n := 0
	if present {
		n = 2
	}
	for _, uid := range []string{"u1", "u2"} {
		_, err := s.GetUser(ctx, pid, uid)
		want(err, "GetUser")
		_, err = s.UserByEmail(ctx, pid, uid+"@example.com")
		want(err, "UserByEmail")
		_, err = s.GetSession(ctx, pid, uid, "s-"+uid)
		want(err, "GetSession")
		_, _, err = s.SessionBySecret(ctx, pid, uid, secretHash(pid, "s-"+uid))
		want(err, "SessionBySecret")
		logs, total, err := s.ListLogs(ctx, pid, uid, storage.Page{Limit: 10})
		noErr(t, err, "ListLogs")
		if len(logs) != n/2 || total != n/2 {
			t.Errorf("ListLogs(%s, %s) = %d logs, total %d; want %d", pid, uid, len(logs), total, n/2)
		}
	}
	_, err := s.GetTarget(ctx, pid, "u1", "push1")
	want(err, "GetTarget")
	targets, err := s.ListTargets(ctx, pid, "u1")
	noErr(t, err, "ListTargets")
	if wantTargets := map[bool]int{true: 2, false: 0}[present]; len(targets) != wantTargets { // u1's email and push1
		t.Errorf("ListTargets(%s, u1) = %d targets, want %d", pid, len(targets), wantTargets)
	}
	count, err := s.CountUsers(ctx, pid)
	noErr(t, err, "CountUsers")
	if count != n {
		t.Errorf("CountUsers(%s) = %d, want %d", pid, count, n)
	}
	_, err = s.GetKey(ctx, pid, "k1")
	want(err, "GetKey")
	_, err = s.KeyBySecretHash(ctx, "keyhash:"+pid+":k1")
	want(err, "KeyBySecretHash")
	keys, err := s.ListKeys(ctx, pid)
	noErr(t, err, "ListKeys")
	_, err = s.GetPlatform(ctx, pid, "pf1")
	want(err, "GetPlatform")
	platforms, err := s.ListPlatforms(ctx, pid)
	noErr(t, err, "ListPlatforms")
	if len(keys) != n/2 || len(platforms) != n/2 {
		t.Errorf("%s has %d keys and %d platforms, want %d of each", pid, len(keys), len(platforms), n/2)
	}
}

func testDeleteProjectCascade(t *testing.T, s storage.Store) {
	ctx := t.Context()
	fillProject(t, s, "p1")
	fillProject(t, s, "p2")
	checkProjectContents(t, s, "p1", true)
	noErr(t, s.DeleteProject(ctx, "p1"), "DeleteProject")
	checkProjectContents(t, s, "p1", false)
	checkProjectContents(t, s, "p2", true)
	// Consuming a token is the only way to see it, so tokens come last.
	consume := func(pid string) error {
		_, err := s.ConsumeToken(ctx, pid, "u1", tokenHash(pid, "t1"), []storage.TokenType{storage.TokenEmail}, t0)
		return err
	}
	isErr(t, consume("p1"), storage.ErrNotFound, "ConsumeToken in the deleted project")
	noErr(t, consume("p2"), "ConsumeToken in the other project")

	// Nothing is left behind to collide with a new project of the same id.
	fillProject(t, s, "p1")
	checkProjectContents(t, s, "p1", true)
}

func testListProjects(t *testing.T, s storage.Store) {
	ctx := t.Context()
	list, total, err := s.ListProjects(ctx, "", storage.Page{Limit: 10})
	noErr(t, err, "ListProjects on an empty store")
	if len(list) != 0 || total != 0 {
		t.Errorf("ListProjects on an empty store = %d projects, total %d", len(list), total)
	}
	// Created out of order: lists follow createdAt, then id.
	var want []string
	order := []int{3, 0, 4, 1, 6, 2, 5}
	for _, i := range order {
		mustProject(t, s, fmt.Sprintf("p%d", i), at(time.Duration(i)*time.Minute))
	}
	for i := range order {
		want = append(want, fmt.Sprintf("p%d", i))
	}
	mustProject(t, s, "p7b", at(7*time.Minute))
	mustProject(t, s, "p7a", at(7*time.Minute))
	want = append(want, "p7a", "p7b")

	all, total, err := s.ListProjects(ctx, "", storage.Page{Limit: 100})
	noErr(t, err, "ListProjects")
	sameIDs(t, "ListProjects", ids(all, projectID), want)
	if total != len(want) {
		t.Errorf("ListProjects total = %d, want %d", total, len(want))
	}
	same(t, "ListProjects[0]", all[0], newProject("p0", t0))

	var paged []string
	for off := 0; off < len(want)+3; off += 4 {
		page, total, err := s.ListProjects(ctx, "", storage.Page{Limit: 4, Offset: off})
		noErr(t, err, "ListProjects page")
		if total != len(want) {
			t.Errorf("ListProjects(offset %d) total = %d, want %d", off, total, len(want))
		}
		if wantLen := min(4, max(0, len(want)-off)); len(page) != wantLen {
			t.Errorf("ListProjects(limit 4, offset %d) = %d projects, want %d", off, len(page), wantLen)
		}
		paged = append(paged, ids(page, projectID)...)
	}
	sameIDs(t, "ListProjects pages joined", paged, want)
}

func projectID(p *storage.Project) string { return p.ID }

func testSearchProjects(t *testing.T, s storage.Store) {
	ctx := t.Context()
	for i, p := range []struct{ id, name string }{
		{"alpha", "Alpha Store"},
		{"bravo", "Beta alphabet"},
		{"charlie", "Gamma"},
		{"delta", "100% Done"},
		{"echo", "snake_case"},
		{"foxtrot", "snakeXcase"},
		{"golf", `back\slash`},
		{"india", "Élan Café"},
	} {
		pr := newProject(p.id, at(time.Duration(i)*time.Second))
		pr.Name = p.name
		noErr(t, s.CreateProject(ctx, pr), "CreateProject")
	}
	for _, c := range []struct {
		search string
		want   []string
	}{
		{"", []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "india"}},
		{"alpha", []string{"alpha", "bravo"}},
		{"ALPHA", []string{"alpha", "bravo"}}, // case-insensitive
		{"gAmMa", []string{"charlie"}},
		{"char", []string{"charlie"}}, // matches the id
		{"ot", []string{"foxtrot"}},
		{"%", []string{"delta"}}, // % and _ are literal
		{"e_c", []string{"echo"}},
		{`\`, []string{"golf"}},
		{"Élan", []string{"india"}},
		{"n caf", []string{"india"}},
		{"zulu", nil},
	} {
		list, total, err := s.ListProjects(ctx, c.search, storage.Page{Limit: 100})
		noErr(t, err, "ListProjects "+c.search)
		sameIDs(t, fmt.Sprintf("ListProjects(%q)", c.search), ids(list, projectID), c.want)
		if total != len(c.want) {
			t.Errorf("ListProjects(%q) total = %d, want %d", c.search, total, len(c.want))
		}
	}
	list, total, err := s.ListProjects(ctx, "alpha", storage.Page{Limit: 1, Offset: 1})
	noErr(t, err, "ListProjects page")
	sameIDs(t, "ListProjects(alpha, limit 1, offset 1)", ids(list, projectID), []string{"bravo"})
	if total != 2 {
		t.Errorf("ListProjects(alpha, limit 1, offset 1) total = %d, want 2", total)
	}
}

var platformTests = []test{
	{"CreateGet", func(t *testing.T, s storage.Store) {
		mustProject(t, s, "p1", t0)
		p := mustPlatform(t, s, "p1", "pf1", t0)
		got, err := s.GetPlatform(t.Context(), "p1", "pf1")
		noErr(t, err, "GetPlatform")
		same(t, "GetPlatform", got, p)
	}},
	{"DuplicateID", func(t *testing.T, s storage.Store) {
		mustProject(t, s, "p1", t0)
		mustPlatform(t, s, "p1", "pf1", t0)
		isErr(t, s.CreatePlatform(t.Context(), newPlatform("p1", "pf1", t0)), storage.ErrConflict, "CreatePlatform with a taken id")
	}},
	{"Missing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustPlatform(t, s, "p1", "pf1", t0)
		for _, c := range []struct{ project, id string }{{"p1", "nope"}, {"p2", "pf1"}, {"nope", "pf1"}} {
			_, err := s.GetPlatform(ctx, c.project, c.id)
			isErr(t, err, storage.ErrNotFound, "GetPlatform "+c.project+"/"+c.id)
			called := false
			_, err = s.UpdatePlatform(ctx, c.project, c.id, func(*storage.Platform) error { called = true; return nil })
			isErr(t, err, storage.ErrNotFound, "UpdatePlatform "+c.project+"/"+c.id)
			if called {
				t.Error("UpdatePlatform called fn for a missing platform")
			}
			isErr(t, s.DeletePlatform(ctx, c.project, c.id), storage.ErrNotFound, "DeletePlatform "+c.project+"/"+c.id)
		}
		_, err := s.GetPlatform(ctx, "p1", "pf1")
		noErr(t, err, "GetPlatform after failed deletes")
	}},
	{"List", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		list, err := s.ListPlatforms(ctx, "p1")
		noErr(t, err, "ListPlatforms")
		sameIDs(t, "ListPlatforms of an empty project", ids(list, platformID), nil)
		first := mustPlatform(t, s, "p1", "b", at(time.Second))
		mustPlatform(t, s, "p1", "c", at(2*time.Second))
		mustPlatform(t, s, "p1", "a", at(3*time.Second))
		mustPlatform(t, s, "p2", "d", at(0))
		list, err = s.ListPlatforms(ctx, "p1")
		noErr(t, err, "ListPlatforms")
		sameIDs(t, "ListPlatforms", ids(list, platformID), []string{"b", "c", "a"})
		if len(list) > 0 {
			same(t, "ListPlatforms[0]", list[0], first)
		}
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		p := mustPlatform(t, s, "p1", "pf1", t0)
		want := *p
		want.Name, want.Key, want.Store, want.Hostname = "Renamed", "com.example.new", "", "new.example.com"
		want.UpdatedAt = at(time.Hour)
		got, err := s.UpdatePlatform(ctx, "p1", "pf1", func(p *storage.Platform) error {
			p.Name, p.Key, p.Store, p.Hostname, p.UpdatedAt = want.Name, want.Key, want.Store, want.Hostname, want.UpdatedAt
			return nil
		})
		noErr(t, err, "UpdatePlatform")
		sameResult(t, "UpdatePlatform result", got, &want)
		got, err = s.GetPlatform(ctx, "p1", "pf1")
		noErr(t, err, "GetPlatform")
		same(t, "GetPlatform after update", got, &want)
	}},
	{"UpdateAbort", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		p := mustPlatform(t, s, "p1", "pf1", t0)
		_, err := s.UpdatePlatform(ctx, "p1", "pf1", func(p *storage.Platform) error {
			p.Hostname = "evil.example.com"
			return errAbort
		})
		if err != errAbort { //nolint:errorlint // the contract is "returned unchanged"
			t.Errorf("UpdatePlatform returned %v, want fn's error unchanged", err)
		}
		got, err := s.GetPlatform(ctx, "p1", "pf1")
		noErr(t, err, "GetPlatform")
		same(t, "GetPlatform after an aborted update", got, p)
	}},
	{"Delete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustPlatform(t, s, "p1", "pf1", t0)
		mustPlatform(t, s, "p1", "pf2", t0)
		noErr(t, s.DeletePlatform(ctx, "p1", "pf1"), "DeletePlatform")
		_, err := s.GetPlatform(ctx, "p1", "pf1")
		isErr(t, err, storage.ErrNotFound, "GetPlatform after delete")
		isErr(t, s.DeletePlatform(ctx, "p1", "pf1"), storage.ErrNotFound, "DeletePlatform twice")
		list, err := s.ListPlatforms(ctx, "p1")
		noErr(t, err, "ListPlatforms")
		sameIDs(t, "ListPlatforms after delete", ids(list, platformID), []string{"pf2"})
	}},
}

func platformID(p *storage.Platform) string { return p.ID }

var keyTests = []test{
	{"CreateGet", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		k := mustKey(t, s, "p1", "k1", t0)
		got, err := s.GetKey(ctx, "p1", "k1")
		noErr(t, err, "GetKey")
		same(t, "GetKey", got, k)
		got, err = s.KeyBySecretHash(ctx, k.SecretHash)
		noErr(t, err, "KeyBySecretHash")
		same(t, "KeyBySecretHash", got, k)
	}},
	{"ZeroTimesEmptyLists", func(t *testing.T, s storage.Store) {
		mustProject(t, s, "p1", t0)
		k := &storage.Key{ID: "k1", ProjectID: "p1", Name: "Bare", SecretHash: "bare", CreatedAt: t0, UpdatedAt: t0}
		noErr(t, s.CreateKey(t.Context(), k), "CreateKey")
		got, err := s.GetKey(t.Context(), "p1", "k1")
		noErr(t, err, "GetKey")
		same(t, "GetKey", got, k)
	}},
	{"DuplicateID", func(t *testing.T, s storage.Store) {
		mustProject(t, s, "p1", t0)
		mustKey(t, s, "p1", "k1", t0)
		dup := newKey("p1", "k1", t0)
		dup.SecretHash = "another"
		isErr(t, s.CreateKey(t.Context(), dup), storage.ErrConflict, "CreateKey with a taken id")
	}},
	{"Missing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustKey(t, s, "p1", "k1", t0)
		_, err := s.KeyBySecretHash(ctx, "unknown")
		isErr(t, err, storage.ErrNotFound, "KeyBySecretHash of an unknown hash")
		for _, c := range []struct{ project, id string }{{"p1", "nope"}, {"p2", "k1"}} {
			_, err := s.GetKey(ctx, c.project, c.id)
			isErr(t, err, storage.ErrNotFound, "GetKey "+c.project+"/"+c.id)
			called := false
			_, err = s.UpdateKey(ctx, c.project, c.id, func(*storage.Key) error { called = true; return nil })
			isErr(t, err, storage.ErrNotFound, "UpdateKey "+c.project+"/"+c.id)
			if called {
				t.Error("UpdateKey called fn for a missing key")
			}
			isErr(t, s.DeleteKey(ctx, c.project, c.id), storage.ErrNotFound, "DeleteKey "+c.project+"/"+c.id)
		}
	}},
	{"List", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustKey(t, s, "p1", "b", at(time.Second))
		mustKey(t, s, "p1", "a", at(2*time.Second))
		mustKey(t, s, "p2", "c", t0)
		list, err := s.ListKeys(ctx, "p1")
		noErr(t, err, "ListKeys")
		sameIDs(t, "ListKeys", ids(list, keyID), []string{"b", "a"})
		if len(list) == 2 {
			same(t, "ListKeys[1]", list[1], newKey("p1", "a", at(2*time.Second)))
		}
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		k := mustKey(t, s, "p1", "k1", t0)
		want := *k
		want.Name = "Renamed"
		want.Scopes = []string{"sessions.write"}
		want.Expire = time.Time{} // never
		want.AccessedAt = at(time.Hour + time.Nanosecond)
		want.SDKs = []string{"web/16.0.0", "dart/12.0.0"}
		want.UpdatedAt = at(2 * time.Hour)
		got, err := s.UpdateKey(ctx, "p1", "k1", func(k *storage.Key) error {
			k.Name, k.Scopes, k.Expire, k.AccessedAt, k.SDKs, k.UpdatedAt = want.Name, want.Scopes, want.Expire, want.AccessedAt, want.SDKs, want.UpdatedAt
			return nil
		})
		noErr(t, err, "UpdateKey")
		sameResult(t, "UpdateKey result", got, &want)
		got, err = s.KeyBySecretHash(ctx, k.SecretHash)
		noErr(t, err, "KeyBySecretHash")
		same(t, "KeyBySecretHash after update", got, &want)
	}},
	{"UpdateAbort", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		k := mustKey(t, s, "p1", "k1", t0)
		_, err := s.UpdateKey(ctx, "p1", "k1", func(k *storage.Key) error {
			k.Scopes = append(k.Scopes, "projects.write")
			return errAbort
		})
		if err != errAbort { //nolint:errorlint // the contract is "returned unchanged"
			t.Errorf("UpdateKey returned %v, want fn's error unchanged", err)
		}
		got, err := s.GetKey(ctx, "p1", "k1")
		noErr(t, err, "GetKey")
		same(t, "GetKey after an aborted update", got, k)
	}},
	{"Delete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		k := mustKey(t, s, "p1", "k1", t0)
		noErr(t, s.DeleteKey(ctx, "p1", "k1"), "DeleteKey")
		_, err := s.GetKey(ctx, "p1", "k1")
		isErr(t, err, storage.ErrNotFound, "GetKey after delete")
		_, err = s.KeyBySecretHash(ctx, k.SecretHash)
		isErr(t, err, storage.ErrNotFound, "KeyBySecretHash after delete")
		isErr(t, s.DeleteKey(ctx, "p1", "k1"), storage.ErrNotFound, "DeleteKey twice")
	}},
}

func keyID(k *storage.Key) string { return k.ID }
