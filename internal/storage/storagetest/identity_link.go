package storagetest

import (
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// providerIdentity is an OAuth identity of owner reporting email.
func providerIdentity(id, owner, uid, email string, verified bool) *storage.Identity {
	return &storage.Identity{ProjectID: "p1", ID: id, UserID: owner, Provider: "oidc", ProviderUID: uid, ProviderEmail: email,
		ProviderEmailVerified: verified, CreatedAt: t0, UpdatedAt: t0}
}

var identityLinkTests = []test{
	{"UnverifiedProviderEmailReservesNothing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "mal", "mal@example.com")
		noErr(t, s.CreateIdentity(ctx, providerIdentity("i-1", "mal", "sub-1", "ann@example.com", false)), "CreateIdentity unverified")
		_, err := s.IdentityEmailOwner(ctx, "p1", "ann@example.com", "")
		isErr(t, err, storage.ErrNotFound, "IdentityEmailOwner of an unverified email")
		// The owner of the address signs up with it, and a provider that
		// verified it adds it to her account.
		noErr(t, s.CreateUserWithin(ctx, newUser("p1", "ann", "ann@example.com"), 0), "CreateUserWithin")
		noErr(t, s.CreateIdentity(ctx, providerIdentity("i-2", "ann", "sub-2", "ann@example.com", true)), "CreateIdentity verified")
		owner, err := s.IdentityEmailOwner(ctx, "p1", "ann@example.com", "")
		noErr(t, err, "IdentityEmailOwner")
		same(t, "owner", owner, "ann")
		// A verified identity email does reserve it.
		isErr(t, s.CreateIdentity(ctx, providerIdentity("i-3", "mal", "sub-3", "ann@example.com", true)), storage.ErrConflict, "CreateIdentity of another's verified email")
		isErr(t, s.AddIdentity(ctx, providerIdentity("i-3", "mal", "sub-3", "ann@example.com", true), nil), storage.ErrConflict, "AddIdentity of another's verified email")
	}},
	{"AddAndRemoveIdentity", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "prim", "prim@example.com")
		mustSession(t, s, "p1", "prim", "s-old", t0)
		undo := undoToken("h-1", "c-1", at(48*time.Hour))
		undo.Kind, undo.SecondaryID, undo.Provider, undo.ProviderUID = storage.UndoIdentity, "", "oidc", "sub-1"
		noErr(t, s.AddIdentity(ctx, providerIdentity("i-1", "prim", "sub-1", "alt@example.com", true),
			&storage.LinkWork{Now: at(time.Hour), Logs: []*storage.Log{linkLog("prim", "l-1", "user.link")}, Undo: []*storage.LinkUndo{undo}}), "AddIdentity")
		i, err := s.IdentityByProvider(ctx, "p1", "oidc", "sub-1")
		noErr(t, err, "IdentityByProvider")
		same(t, "owner", i.UserID, "prim")
		sameIDs(t, "log", logIDs(t, s, "prim"), []string{"l-1"})
		got, err := s.GetLinkUndo(ctx, "p1", "h-1")
		noErr(t, err, "GetLinkUndo")
		same(t, "undo kind", got.Kind, storage.UndoIdentity)
		isErr(t, s.AddIdentity(ctx, providerIdentity("i-2", "prim", "sub-1", "", false), nil), storage.ErrConflict, "AddIdentity twice")
		isErr(t, s.AddIdentity(ctx, providerIdentity("i-3", "nobody", "sub-3", "", false), nil), storage.ErrNotFound, "AddIdentity to a missing user")

		mustSession(t, s, "p1", "prim", "s-new", at(2*time.Hour))
		w := &storage.LinkWork{Now: at(3 * time.Hour), Redeem: "h-1", EndSessionsSince: at(time.Hour)}
		isErr(t, s.RemoveIdentity(ctx, "p1", "prim", "oidc", "sub-9", w), storage.ErrNotFound, "RemoveIdentity of another identity")
		noErr(t, s.RemoveIdentity(ctx, "p1", "prim", "oidc", "sub-1", w), "RemoveIdentity")
		_, err = s.IdentityByProvider(ctx, "p1", "oidc", "sub-1")
		isErr(t, err, storage.ErrNotFound, "the identity after RemoveIdentity")
		sessions, err := s.ListSessions(ctx, "p1", "prim")
		noErr(t, err, "ListSessions")
		sameIDs(t, "sessions left", ids(sessions, func(x *storage.Session) string { return x.ID }), []string{"s-old"})
		// The token is spent: a second removal redeems nothing.
		noErr(t, s.AddIdentity(ctx, providerIdentity("i-4", "prim", "sub-1", "", false), nil), "AddIdentity again")
		isErr(t, s.RemoveIdentity(ctx, "p1", "prim", "oidc", "sub-1", w), storage.ErrNotFound, "RemoveIdentity with a spent token")
	}},
}
