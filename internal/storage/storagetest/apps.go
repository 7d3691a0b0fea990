package storagetest

import (
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func newApp(pid, id, owner string, created time.Time) *storage.App {
	return &storage.App{ProjectID: pid, ID: id, Name: "App " + id, Description: "the " + id + " app", ClientURI: "https://client.test",
		LogoURI: "https://client.test/logo.png", PrivacyPolicyURL: "https://client.test/privacy", TermsURL: "https://client.test/terms",
		Contacts: []string{"dev@client.test"}, Tagline: "tag line", Tags: []string{"a", "b"}, Labels: []string{"l1"},
		Images: []string{"https://client.test/i.png"}, SupportURL: "https://client.test/help", DataDeletionURL: "https://client.test/del",
		RedirectURIs: []string{"https://client.test/cb"}, PostLogoutRedirectURIs: []string{"https://client.test/bye"},
		Enabled: true, Type: "confidential", DeviceFlow: true, UserID: owner, InstallationScopes: []string{"s1"},
		InstallationRedirectURL: "https://client.test/inst", CreatedAt: created.UTC(), UpdatedAt: created.UTC()}
}

func newCred(pid, app, kind, id string, created time.Time) *storage.AppCredential {
	return &storage.AppCredential{ProjectID: pid, AppID: app, Kind: kind, ID: id, SecretHash: "hash-" + id, Hint: "ab12",
		CreatedByID: "u1", CreatedByName: "Ann", CreatedAt: created.UTC(), UpdatedAt: created.UTC()}
}

var appTests = []test{
	{"CreateGetUpdateDelete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		a := newApp("p1", "a1", "u1", t0)
		noErr(t, s.CreateApp(ctx, a, 10), "CreateApp")
		got, err := s.GetApp(ctx, "p1", "a1")
		noErr(t, err, "GetApp")
		same(t, "GetApp", got, a)
		_, err = s.GetApp(ctx, "p2", "a1")
		isErr(t, err, storage.ErrNotFound, "GetApp in another project")
		isErr(t, s.CreateApp(ctx, newApp("p1", "a1", "u2", t0), 10), storage.ErrConflict, "taken id")
		isErr(t, s.CreateApp(ctx, newApp("p9", "a1", "u2", t0), 10), storage.ErrNotFound, "unknown project")
		up, err := s.UpdateApp(ctx, "p1", "a1", func(a *storage.App) error {
			a.Name, a.Enabled, a.Type, a.DeviceFlow = "Renamed", false, "public", false
			a.RedirectURIs, a.Labels, a.Tags = []string{"https://x.test/cb", "http://127.0.0.1/cb"}, []string{"vip"}, nil
			a.UserID = "someone-else" // ignored: the owner never changes
			a.UpdatedAt = t0.Add(time.Hour).UTC()
			return nil
		})
		noErr(t, err, "UpdateApp")
		got, _ = s.GetApp(ctx, "p1", "a1")
		if got.UserID != "u1" || got.Name != "Renamed" || got.Enabled || got.Type != "public" || len(got.RedirectURIs) != 2 {
			t.Fatalf("after UpdateApp: %+v", got)
		}
		up.UserID = "u1"
		same(t, "after UpdateApp", got, up)
		_, err = s.UpdateApp(ctx, "p1", "a1", func(*storage.App) error { return errAbort })
		isErr(t, err, errAbort, "UpdateApp refused")
		noErr(t, s.DeleteApp(ctx, "p1", "a1"), "DeleteApp")
		isErr(t, s.DeleteApp(ctx, "p1", "a1"), storage.ErrNotFound, "DeleteApp twice")
	}},
	{"OwnerLimit", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		noErr(t, s.CreateApp(ctx, newApp("p1", "a1", "u1", t0), 2), "first")
		noErr(t, s.CreateApp(ctx, newApp("p1", "a2", "u1", t0), 2), "second")
		isErr(t, s.CreateApp(ctx, newApp("p1", "a3", "u1", t0), 2), storage.ErrLimit, "third of one owner")
		noErr(t, s.CreateApp(ctx, newApp("p1", "a3", "u2", t0), 2), "another owner")
		noErr(t, s.CreateApp(ctx, newApp("p1", "a4", "", t0), 2), "no owner")
	}},
	{"List", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		for i, id := range []string{"a1", "a2", "a3", "a4"} {
			a := newApp("p1", id, []string{"u1", "u2", "u1", ""}[i], t0.Add(time.Duration(i)*time.Second))
			a.Enabled = i != 2
			if i == 3 {
				a.Labels = []string{"vip"}
			}
			noErr(t, s.CreateApp(ctx, a, 10), "CreateApp")
		}
		noErr(t, s.CreateApp(ctx, newApp("p2", "b1", "u1", t0), 10), "CreateApp p2")
		page := query.Page{Limit: 25}
		find := func(user string, q storage.ListQuery, want []string, total int) {
			t.Helper()
			if q.Page.Limit == 0 {
				q.Page = page
			}
			list, n, err := s.ListApps(ctx, "p1", user, q)
			noErr(t, err, "ListApps")
			var ids []string
			for _, a := range list {
				ids = append(ids, a.ID)
			}
			sameIDs(t, "ListApps", ids, want)
			if n != total {
				t.Errorf("ListApps total %d, want %d", n, total)
			}
		}
		f := func(method, attr string, v ...any) query.Query {
			return query.Query{Method: method, Attribute: attr, Values: v}
		}
		find("", storage.ListQuery{}, []string{"a1", "a2", "a3", "a4"}, 4)
		find("u1", storage.ListQuery{}, []string{"a1", "a3"}, 2)
		find("u1", storage.ListQuery{Filters: []query.Query{f("equal", "userId", "u2")}}, nil, 0)
		find("", storage.ListQuery{Filters: []query.Query{f("equal", "enabled", false)}}, []string{"a3"}, 1)
		find("", storage.ListQuery{Filters: []query.Query{f("contains", "labels", "vip")}}, []string{"a4"}, 1)
		find("", storage.ListQuery{Search: "A2"}, []string{"a2"}, 1)
		find("", storage.ListQuery{Orders: []query.Query{{Method: "orderDesc", Attribute: "$createdAt"}}, Page: query.Page{Limit: 2, Offset: 1}},
			[]string{"a3", "a2"}, 4)
		find("", storage.ListQuery{Page: query.Page{Limit: 25, CursorAfter: "a2"}}, []string{"a3", "a4"}, 4)
		_, _, err := s.ListApps(ctx, "p1", "u1", storage.ListQuery{Page: query.Page{Limit: 25, CursorAfter: "a2"}})
		isErr(t, err, storage.ErrNotFound, "cursor of another owner's app")
	}},
	{"Credentials", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		noErr(t, s.CreateApp(ctx, newApp("p1", "a1", "u1", t0), 10), "CreateApp")
		noErr(t, s.CreateApp(ctx, newApp("p1", "a2", "u1", t0), 10), "CreateApp")
		c1 := newCred("p1", "a1", storage.AppSecretKind, "s1", t0)
		noErr(t, s.CreateAppCredential(ctx, c1, 2), "CreateAppCredential")
		noErr(t, s.CreateAppCredential(ctx, newCred("p1", "a1", storage.AppSecretKind, "s2", t0.Add(time.Second)), 2), "second secret")
		isErr(t, s.CreateAppCredential(ctx, newCred("p1", "a1", storage.AppSecretKind, "s3", t0), 2), storage.ErrLimit, "third secret")
		isErr(t, s.CreateAppCredential(ctx, newCred("p1", "a1", storage.AppSecretKind, "s1", t0), 5), storage.ErrConflict, "taken id")
		isErr(t, s.CreateAppCredential(ctx, newCred("p1", "zz", storage.AppSecretKind, "s9", t0), 2), storage.ErrNotFound, "unknown app")
		noErr(t, s.CreateAppCredential(ctx, newCred("p1", "a1", storage.AppKeyKind, "k1", t0), 2), "a key beside the secrets")
		noErr(t, s.CreateAppCredential(ctx, newCred("p1", "a2", storage.AppSecretKind, "s9", t0), 2), "another app's secret")
		got, err := s.GetAppCredential(ctx, "p1", "a1", storage.AppSecretKind, "s1")
		noErr(t, err, "GetAppCredential")
		same(t, "GetAppCredential", got, c1)
		_, err = s.GetAppCredential(ctx, "p1", "a1", storage.AppKeyKind, "s1")
		isErr(t, err, storage.ErrNotFound, "a secret read as a key")
		_, err = s.GetAppCredential(ctx, "p1", "a2", storage.AppSecretKind, "s1")
		isErr(t, err, storage.ErrNotFound, "a secret read through another app")
		list, err := s.ListAppCredentials(ctx, "p1", storage.AppSecretKind, []string{"a1"})
		noErr(t, err, "ListAppCredentials")
		if len(list) != 2 || list[0].ID != "s1" || list[1].ID != "s2" {
			t.Fatalf("ListAppCredentials: %v", list)
		}
		list, err = s.ListAppCredentials(ctx, "p1", storage.AppSecretKind, []string{"a1", "a2", "zz"})
		noErr(t, err, "ListAppCredentials of several apps")
		if len(list) != 3 {
			t.Fatalf("ListAppCredentials of several apps: %v", list)
		}
		noErr(t, s.TouchAppCredential(ctx, "p1", "a1", storage.AppSecretKind, "s1", t0.Add(time.Minute)), "TouchAppCredential")
		got, _ = s.GetAppCredential(ctx, "p1", "a1", storage.AppSecretKind, "s1")
		if !got.LastAccessedAt.Equal(t0.Add(time.Minute).Truncate(time.Microsecond)) {
			t.Fatalf("lastAccessedAt %v", got.LastAccessedAt)
		}
		noErr(t, s.DeleteAppCredential(ctx, "p1", "a1", storage.AppSecretKind, "s2"), "DeleteAppCredential")
		isErr(t, s.DeleteAppCredential(ctx, "p1", "a1", storage.AppSecretKind, "s2"), storage.ErrNotFound, "delete twice")
		noErr(t, s.DeleteApp(ctx, "p1", "a1"), "DeleteApp")
		list, _ = s.ListAppCredentials(ctx, "p1", storage.AppSecretKind, []string{"a1"})
		keys, _ := s.ListAppCredentials(ctx, "p1", storage.AppKeyKind, []string{"a1"})
		if len(list)+len(keys) != 0 {
			t.Fatalf("credentials outlived their app: %v %v", list, keys)
		}
		// Recreating the id starts clean.
		noErr(t, s.CreateApp(ctx, newApp("p1", "a1", "u1", t0), 10), "CreateApp again")
		list, _ = s.ListAppCredentials(ctx, "p1", storage.AppSecretKind, []string{"a1"})
		if len(list) != 0 {
			t.Fatalf("a new app with an old id has old secrets: %v", list)
		}
		noErr(t, s.DeleteProject(ctx, "p1"), "DeleteProject")
		_, err = s.GetApp(ctx, "p1", "a2")
		isErr(t, err, storage.ErrNotFound, "app outlived its project")
		list, _ = s.ListAppCredentials(ctx, "p1", storage.AppSecretKind, []string{"a2"})
		if len(list) != 0 {
			t.Fatalf("secrets outlived their project: %v", list)
		}
	}},
}
