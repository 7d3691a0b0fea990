package storagetest

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

var statsTests = []test{
	{"CountAndRead", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		for _, ev := range []struct {
			p    string
			day  int64
			kind string
		}{{"p1", 100, storage.StatSignIn}, {"p1", 100, storage.StatSignIn}, {"p1", 100, storage.StatSignUp},
			{"p1", 101, storage.StatSignInFailed}, {"p1", 99, storage.StatSignIn}, {"p1", 102, storage.StatSignIn}, {"p2", 100, storage.StatSignIn}} {
			noErr(t, s.CountAuthEvent(ctx, ev.p, ev.day, ev.kind), "CountAuthEvent")
		}
		got, err := s.AuthStats(ctx, "p1", 100, 101)
		noErr(t, err, "AuthStats")
		want := []storage.AuthStat{{Day: 100, Kind: storage.StatSignIn, Count: 2}, {Day: 100, Kind: storage.StatSignUp, Count: 1},
			{Day: 101, Kind: storage.StatSignInFailed, Count: 1}}
		same(t, "AuthStats", got, want)
		isErr(t, s.CountAuthEvent(ctx, "p9", 100, storage.StatSignIn), storage.ErrNotFound, "CountAuthEvent of an unknown project")
		noErr(t, s.DeleteProject(ctx, "p1"), "DeleteProject")
		got, err = s.AuthStats(ctx, "p1", 0, 1000)
		noErr(t, err, "AuthStats after DeleteProject")
		if len(got) != 0 {
			t.Fatalf("stats outlived their project: %v", got)
		}
	}},
}
