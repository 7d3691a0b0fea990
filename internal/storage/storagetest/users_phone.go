package storagetest

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// phoneUser makes a user with a phone number.
func phoneUser(t *testing.T, s storage.Store, projectID, id, phone string) *storage.User {
	t.Helper()
	u := newUser(projectID, id, id+"@example.com")
	u.Phone = phone
	noErr(t, s.CreateUser(t.Context(), u), "CreateUser "+id)
	return u
}

var userPhoneTests = []test{
	{"Found", func(t *testing.T, s storage.Store) {
		// The same number in two projects is two users.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		ann := phoneUser(t, s, "p1", "ann", "+15550101")
		bob := phoneUser(t, s, "p2", "bob", "+15550101")
		phoneUser(t, s, "p1", "cid", "+15550102")
		got, err := s.UserByPhone(ctx, "p1", "+15550101")
		noErr(t, err, "UserByPhone p1")
		sameUser(t, s, "UserByPhone p1", got, ann)
		got, err = s.UserByPhone(ctx, "p2", "+15550101")
		noErr(t, err, "UserByPhone p2")
		sameUser(t, s, "UserByPhone p2", got, bob)
	}},
	{"Missing", func(t *testing.T, s storage.Store) {
		// No number, a number of another project, a prefix, and the empty
		// number (which users without a phone must not match) find no one.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		phoneUser(t, s, "p1", "ann", "+15550101")
		phoneUser(t, s, "p2", "bob", "+15550199")
		mustUser(t, s, "p1", "nophone", "nophone@example.com")
		mustUser(t, s, "p1", "anon", "")
		for _, c := range []struct{ project, phone string }{
			{"p1", "+15550100"}, {"p1", "+15550199"}, {"p2", "+15550101"}, {"p3", "+15550101"},
			{"p1", "+1555010"}, {"p1", "15550101"}, {"p1", ""},
		} {
			_, err := s.UserByPhone(ctx, c.project, c.phone)
			isErr(t, err, storage.ErrNotFound, "UserByPhone("+c.project+", "+c.phone+")")
		}
	}},
	{"FollowsUpdate", func(t *testing.T, s storage.Store) {
		// A changed number finds the user and the old one no longer does;
		// a number removed finds no one.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		phoneUser(t, s, "p1", "ann", "+15550101")
		_, err := s.UpdateUser(ctx, "p1", "ann", func(u *storage.User) error {
			u.Phone = "+15550102"
			return nil
		})
		noErr(t, err, "UpdateUser")
		_, err = s.UserByPhone(ctx, "p1", "+15550101")
		isErr(t, err, storage.ErrNotFound, "UserByPhone of the old number")
		got, err := s.UserByPhone(ctx, "p1", "+15550102")
		noErr(t, err, "UserByPhone of the new number")
		if got.ID != "ann" || got.Phone != "+15550102" {
			t.Errorf("UserByPhone of the new number = %s with %q, want ann with +15550102", got.ID, got.Phone)
		}
		_, err = s.UpdateUser(ctx, "p1", "ann", func(u *storage.User) error {
			u.Phone = ""
			return nil
		})
		noErr(t, err, "UpdateUser removing the phone")
		_, err = s.UserByPhone(ctx, "p1", "+15550102")
		isErr(t, err, storage.ErrNotFound, "UserByPhone of a removed number")
		_, err = s.UserByPhone(ctx, "p1", "")
		isErr(t, err, storage.ErrNotFound, "UserByPhone of the empty number after the phone was removed")
	}},
	{"Deleted", func(t *testing.T, s storage.Store) {
		// A deleted user is hidden at once; once purged its number is
		// free for another user, whom UserByPhone then finds.
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		phoneUser(t, s, "p1", "ann", "+15550101")
		noErr(t, s.DeleteUser(ctx, "p1", "ann"), "DeleteUser")
		_, err := s.UserByPhone(ctx, "p1", "+15550101")
		isErr(t, err, storage.ErrNotFound, "UserByPhone of a deleted user")
		noErr(t, s.PurgeUser(ctx, "p1", "ann"), "PurgeUser")
		bob := phoneUser(t, s, "p1", "bob", "+15550101")
		got, err := s.UserByPhone(ctx, "p1", "+15550101")
		noErr(t, err, "UserByPhone after the number was freed")
		sameUser(t, s, "UserByPhone", got, bob)
	}},
}
