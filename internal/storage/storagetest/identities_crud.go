package storagetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// fullIdentity is an identity with a value in every field.
func fullIdentity(projectID, id, userID, providerUID string) *storage.Identity {
	return &storage.Identity{
		ProjectID:                 projectID,
		ID:                        id,
		UserID:                    userID,
		Provider:                  "github",
		ProviderUID:               providerUID,
		ProviderEmail:             userID + "@" + projectID + ".example",
		ProviderEmailVerified:     true,
		ProviderAccessToken:       "sealed-access-" + projectID + "-" + id,
		ProviderAccessTokenExpiry: at(time.Hour),
		ProviderRefreshToken:      "sealed-refresh-" + projectID + "-" + id,
		ProfileData:               json.RawMessage(`{"name":"` + userID + `","n":1}`),
		CreatedAt:                 t0,
		UpdatedAt:                 at(time.Second),
	}
}

// twoProjectIdentities makes the same user id and the same identity id
// and provider account in p1 and p2, and a second user u2 in p1.
func twoProjectIdentities(t *testing.T, s storage.Store) (i1, i2 *storage.Identity) {
	t.Helper()
	ctx := t.Context()
	mustProject(t, s, "p1", t0)
	mustProject(t, s, "p2", t0)
	mustUser(t, s, "p1", "u1", "u1@example.com")
	mustUser(t, s, "p1", "u2", "u2@example.com")
	mustUser(t, s, "p2", "u1", "u1@example.com")
	i1 = fullIdentity("p1", "i1", "u1", "gh-1")
	i2 = fullIdentity("p2", "i1", "u1", "gh-1")
	i2.ProviderEmailVerified, i2.ProfileData = false, nil
	noErr(t, s.CreateIdentity(ctx, i1), "CreateIdentity p1")
	noErr(t, s.CreateIdentity(ctx, i2), "CreateIdentity p2")
	return i1, i2
}

var identityTests = []test{
	{"GetByIDAndProvider", func(t *testing.T, s storage.Store) {
		// Every field comes back, by id and by provider account, each
		// project seeing its own.
		ctx := t.Context()
		i1, i2 := twoProjectIdentities(t, s)
		for _, want := range []*storage.Identity{i1, i2} {
			got, err := s.GetIdentity(ctx, want.ProjectID, "i1")
			noErr(t, err, "GetIdentity "+want.ProjectID)
			same(t, "GetIdentity "+want.ProjectID, got, want)
			got, err = s.IdentityByProvider(ctx, want.ProjectID, "github", "gh-1")
			noErr(t, err, "IdentityByProvider "+want.ProjectID)
			same(t, "IdentityByProvider "+want.ProjectID, got, want)
		}
		for _, c := range []struct{ project, id string }{{"p1", "nope"}, {"p3", "i1"}, {"p1", ""}} {
			_, err := s.GetIdentity(ctx, c.project, c.id)
			isErr(t, err, storage.ErrNotFound, "GetIdentity "+c.project+"/"+c.id)
		}
		for _, c := range []struct{ project, provider, uid string }{
			{"p1", "google", "gh-1"}, {"p1", "github", "gh-2"}, {"p3", "github", "gh-1"}, {"p1", "github", ""},
		} {
			_, err := s.IdentityByProvider(ctx, c.project, c.provider, c.uid)
			isErr(t, err, storage.ErrNotFound, "IdentityByProvider "+c.project+"/"+c.provider+"/"+c.uid)
		}
		// The provider account is one identity per project.
		isErr(t, s.CreateIdentity(ctx, fullIdentity("p1", "i2", "u2", "gh-1")), storage.ErrConflict,
			"CreateIdentity of a provider account taken in the project")
	}},
	{"EmailOwnerExcept", func(t *testing.T, s storage.Store) {
		// The verified provider email is held by its user, within its
		// project, and except names the one user not to report.
		ctx := t.Context()
		twoProjectIdentities(t, s)
		owner, err := s.IdentityEmailOwner(ctx, "p1", "u1@p1.example", "")
		noErr(t, err, "IdentityEmailOwner")
		same(t, "IdentityEmailOwner", owner, "u1")
		owner, err = s.IdentityEmailOwner(ctx, "p1", "u1@p1.example", "u2")
		noErr(t, err, "IdentityEmailOwner except another user")
		same(t, "IdentityEmailOwner except another user", owner, "u1")
		_, err = s.IdentityEmailOwner(ctx, "p1", "u1@p1.example", "u1")
		isErr(t, err, storage.ErrNotFound, "IdentityEmailOwner except its owner")
		_, err = s.IdentityEmailOwner(ctx, "p2", "u1@p1.example", "")
		isErr(t, err, storage.ErrNotFound, "IdentityEmailOwner in another project")
		// p2's identity did not verify its email.
		_, err = s.IdentityEmailOwner(ctx, "p2", "u1@p2.example", "")
		isErr(t, err, storage.ErrNotFound, "IdentityEmailOwner of an unverified email")
	}},
	{"ListProject", func(t *testing.T, s storage.Store) {
		// With no user, the project's identities, oldest first, paged, and
		// none of another project's.
		ctx := t.Context()
		identityFixtures(t, s)
		got, total, err := s.ListIdentities(ctx, "p1", "", storage.Page{Limit: 10})
		noErr(t, err, "ListIdentities")
		sameIDs(t, "ListIdentities", ids(got, identityID), []string{"i1", "i2", "i3", "i4"})
		same(t, "ListIdentities total", total, 4)
		got, total, err = s.ListIdentities(ctx, "p1", "", storage.Page{Limit: 2, Offset: 1})
		noErr(t, err, "ListIdentities page")
		sameIDs(t, "ListIdentities page", ids(got, identityID), []string{"i2", "i3"})
		same(t, "ListIdentities page total", total, 4)
		got, total, err = s.ListIdentities(ctx, "p2", "", storage.Page{Limit: 10})
		noErr(t, err, "ListIdentities p2")
		sameIDs(t, "ListIdentities p2", ids(got, identityID), []string{"i9"})
		same(t, "ListIdentities p2 total", total, 1)
		got, total, err = s.ListIdentities(ctx, "p2", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListIdentities of p1's user in p2")
		sameIDs(t, "ListIdentities of p1's user in p2", ids(got, identityID), nil)
		same(t, "ListIdentities of p1's user in p2 total", total, 0)
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		// Every mutable field is saved; the same id in another project is
		// not touched.
		ctx := t.Context()
		i1, i2 := twoProjectIdentities(t, s)
		want := *i1
		want.UserID = "u2"
		want.ProviderEmail = "u2@p1.example"
		want.ProviderEmailVerified = false
		want.ProviderAccessToken = "sealed-access-new"
		want.ProviderAccessTokenExpiry = at(2 * time.Hour)
		want.ProviderRefreshToken = "sealed-refresh-new"
		want.ProfileData = json.RawMessage(`{"name":"moved"}`)
		want.UpdatedAt = at(time.Hour)
		got, err := s.UpdateIdentity(ctx, "p1", "i1", func(i *storage.Identity) error {
			same(t, "the identity fn sees", i, i1)
			i.UserID, i.ProviderEmail, i.ProviderEmailVerified = want.UserID, want.ProviderEmail, want.ProviderEmailVerified
			i.ProviderAccessToken, i.ProviderAccessTokenExpiry = want.ProviderAccessToken, want.ProviderAccessTokenExpiry
			i.ProviderRefreshToken, i.ProfileData, i.UpdatedAt = want.ProviderRefreshToken, want.ProfileData, want.UpdatedAt
			return nil
		})
		noErr(t, err, "UpdateIdentity")
		sameResult(t, "UpdateIdentity result", got, &want)
		got, err = s.GetIdentity(ctx, "p1", "i1")
		noErr(t, err, "GetIdentity after update")
		same(t, "GetIdentity after update", got, &want)
		got, err = s.GetIdentity(ctx, "p2", "i1")
		noErr(t, err, "GetIdentity p2")
		same(t, "p2's identity after p1's update", got, i2)
		list, _, err := s.ListIdentities(ctx, "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListIdentities u1")
		sameIDs(t, "u1's identities after the move", ids(list, identityID), nil)
	}},
	{"UpdateAbort", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		i1, _ := twoProjectIdentities(t, s)
		_, err := s.UpdateIdentity(ctx, "p1", "i1", func(i *storage.Identity) error {
			i.UserID, i.ProviderAccessToken = "u2", "half-written"
			return errAbort
		})
		if err != errAbort {
			t.Errorf("UpdateIdentity returned %v, want fn's error unchanged", err)
		}
		got, err := s.GetIdentity(ctx, "p1", "i1")
		noErr(t, err, "GetIdentity")
		same(t, "GetIdentity after an aborted update", got, i1)
	}},
	{"UpdateMissing", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		twoProjectIdentities(t, s)
		for _, c := range []struct{ project, id string }{{"p1", "nope"}, {"p3", "i1"}} {
			called := false
			_, err := s.UpdateIdentity(ctx, c.project, c.id, func(*storage.Identity) error {
				called = true
				return nil
			})
			isErr(t, err, storage.ErrNotFound, "UpdateIdentity "+c.project+"/"+c.id)
			if called {
				t.Errorf("UpdateIdentity %s/%s called fn without an identity", c.project, c.id)
			}
		}
	}},
	{"UpdateSerialises", func(t *testing.T, s storage.Store) {
		// Updates of one identity racing each other each see the last
		// one's result: none is lost.
		ctx := t.Context()
		twoProjectIdentities(t, s)
		warmUp(t, s)
		for _, err := range race(func(int) error {
			_, err := s.UpdateIdentity(ctx, "p1", "i1", func(i *storage.Identity) error {
				i.ProviderAccessToken += "+"
				time.Sleep(time.Millisecond) // time for the others to read, if they can
				return nil
			})
			return err
		}) {
			noErr(t, err, "UpdateIdentity")
		}
		got, err := s.GetIdentity(ctx, "p1", "i1")
		noErr(t, err, "GetIdentity")
		if want := len("sealed-access-p1-i1") + workers; len(got.ProviderAccessToken) != want {
			t.Errorf("after %d racing updates the token is %q: %d updates were lost",
				workers, got.ProviderAccessToken, want-len(got.ProviderAccessToken))
		}
	}},
	{"Delete", func(t *testing.T, s storage.Store) {
		// Deleting frees the provider account in its project only.
		ctx := t.Context()
		_, i2 := twoProjectIdentities(t, s)
		isErr(t, s.DeleteIdentity(ctx, "p3", "i1"), storage.ErrNotFound, "DeleteIdentity in an unknown project")
		isErr(t, s.DeleteIdentity(ctx, "p1", "nope"), storage.ErrNotFound, "DeleteIdentity of an unknown id")
		noErr(t, s.DeleteIdentity(ctx, "p1", "i1"), "DeleteIdentity")
		_, err := s.GetIdentity(ctx, "p1", "i1")
		isErr(t, err, storage.ErrNotFound, "GetIdentity after DeleteIdentity")
		_, err = s.IdentityByProvider(ctx, "p1", "github", "gh-1")
		isErr(t, err, storage.ErrNotFound, "IdentityByProvider after DeleteIdentity")
		isErr(t, s.DeleteIdentity(ctx, "p1", "i1"), storage.ErrNotFound, "DeleteIdentity twice")
		got, err := s.GetIdentity(ctx, "p2", "i1")
		noErr(t, err, "GetIdentity p2 after p1's went")
		same(t, "p2's identity", got, i2)
		_, err = s.IdentityEmailOwner(ctx, "p1", "u1@p1.example", "")
		isErr(t, err, storage.ErrNotFound, "IdentityEmailOwner of a deleted identity's email")
		// The provider account may now be another user's.
		noErr(t, s.CreateIdentity(ctx, fullIdentity("p1", "i2", "u2", "gh-1")), "CreateIdentity of the freed provider account")
	}},
}
