package storagetest

import (
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func newVariable(pid, id, key string, created time.Time) *storage.Variable {
	return &storage.Variable{ProjectID: pid, ID: id, Key: key, Value: "value of " + key, Secret: true,
		CreatedAt: created.UTC(), UpdatedAt: created.UTC()}
}

var variableTests = []test{
	{"CreateGetUpdateDelete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		v := newVariable("p1", "v1", "K1", t0)
		noErr(t, s.CreateVariable(ctx, v, 10), "CreateVariable")
		got, err := s.GetVariable(ctx, "p1", "v1")
		noErr(t, err, "GetVariable")
		same(t, "GetVariable", got, v)
		_, err = s.GetVariable(ctx, "p2", "v1")
		isErr(t, err, storage.ErrNotFound, "GetVariable in another project")
		up, err := s.UpdateVariable(ctx, "p1", "v1", func(v *storage.Variable) error {
			v.Key, v.Value, v.Secret, v.UpdatedAt = "K2", "new", false, t0.Add(time.Hour).UTC()
			return nil
		})
		noErr(t, err, "UpdateVariable")
		got, _ = s.GetVariable(ctx, "p1", "v1")
		same(t, "after UpdateVariable", got, up)
		noErr(t, s.DeleteVariable(ctx, "p1", "v1"), "DeleteVariable")
		isErr(t, s.DeleteVariable(ctx, "p1", "v1"), storage.ErrNotFound, "DeleteVariable twice")
	}},
	{"UniqueAndLimit", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		noErr(t, s.CreateVariable(ctx, newVariable("p1", "v1", "K1", t0), 2), "CreateVariable")
		isErr(t, s.CreateVariable(ctx, newVariable("p1", "v1", "K9", t0), 2), storage.ErrConflict, "taken id")
		isErr(t, s.CreateVariable(ctx, newVariable("p1", "v2", "K1", t0), 2), storage.ErrConflict, "taken key")
		noErr(t, s.CreateVariable(ctx, newVariable("p2", "v1", "K1", t0), 2), "same id and key in another project")
		noErr(t, s.CreateVariable(ctx, newVariable("p1", "v2", "K2", t0.Add(time.Second)), 2), "second")
		isErr(t, s.CreateVariable(ctx, newVariable("p1", "v3", "K3", t0), 2), storage.ErrLimit, "over the limit")
		isErr(t, s.CreateVariable(ctx, newVariable("p9", "v1", "K1", t0), 2), storage.ErrNotFound, "unknown project")
		_, err := s.UpdateVariable(ctx, "p1", "v2", func(v *storage.Variable) error { v.Key = "K1"; return nil })
		isErr(t, err, storage.ErrConflict, "update to a taken key")
		list, total, err := s.ListVariables(ctx, "p1", storage.Page{Limit: 1, Offset: 1})
		noErr(t, err, "ListVariables")
		if total != 2 || len(list) != 1 || list[0].ID != "v2" {
			t.Fatalf("ListVariables: %d %v", total, list)
		}
		noErr(t, s.DeleteProject(ctx, "p1"), "DeleteProject")
		_, total, _ = s.ListVariables(ctx, "p1", storage.Page{Limit: 10})
		if total != 0 {
			t.Fatalf("variables outlived their project: %d", total)
		}
	}},
}
