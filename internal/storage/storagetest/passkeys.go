package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func newPasskey(projectID, userID, id, credID string) (*storage.Identity, *storage.Passkey) {
	i := &storage.Identity{ProjectID: projectID, ID: id, UserID: userID, Provider: "passkey", ProviderUID: credID,
		CreatedAt: t0.UTC().Truncate(time.Microsecond), UpdatedAt: t0.UTC().Truncate(time.Microsecond)}
	p := &storage.Passkey{ProjectID: projectID, ID: id, UserID: userID, Name: "Key " + id, AuthenticatorType: "platform",
		UserHandle: "h-" + userID, Credential: []byte(`{"id":"` + credID + `"}`), CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt}
	return i, p
}

func ceremony(projectID, id, hash, userID string) *storage.PasskeyCeremony {
	return &storage.PasskeyCeremony{ProjectID: projectID, ID: id, ChallengeHash: hash, Kind: "signin", UserID: userID,
		Data: []byte(`{"session":{}}`), Expire: at(5 * time.Minute), CreatedAt: t0}
}

var passkeyTests = []test{
	{"AddGetListUpdate", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "u1@example.test")
		i, p := newPasskey("p1", "u1", "k1", "cred1")
		noErr(t, s.AddPasskey(ctx, i, p), "AddPasskey")
		// The same credential again in the project is a conflict.
		i2, p2 := newPasskey("p1", "u1", "k2", "cred1")
		if err := s.AddPasskey(ctx, i2, p2); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("AddPasskey duplicate: %v", err)
		}
		got, err := s.GetPasskey(ctx, "p1", "k1")
		noErr(t, err, "GetPasskey")
		if got.UserID != "u1" || got.Name != "Key k1" || string(got.Credential) != string(p.Credential) || got.UserHandle != "h-u1" {
			t.Fatalf("GetPasskey %+v", got)
		}
		list, err := s.ListPasskeys(ctx, "p1", "u1")
		noErr(t, err, "ListPasskeys")
		if len(list) != 1 {
			t.Fatalf("ListPasskeys %d", len(list))
		}
		up, err := s.UpdatePasskey(ctx, "p1", "k1", func(p *storage.Passkey) error {
			p.Name, p.LastUsedAt = "Renamed", at(time.Hour)
			return nil
		})
		noErr(t, err, "UpdatePasskey")
		if up.Name != "Renamed" {
			t.Fatalf("UpdatePasskey %+v", up)
		}
		if _, err := s.UpdatePasskey(ctx, "p1", "k1", func(*storage.Passkey) error { return errAbort }); !errors.Is(err, errAbort) {
			t.Fatalf("UpdatePasskey abort: %v", err)
		}
		if _, err := s.GetPasskey(ctx, "p2", "k1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetPasskey in another project: %v", err)
		}
		// Deleting the identity deletes the passkey.
		noErr(t, s.DeleteIdentity(ctx, "p1", "k1"), "DeleteIdentity")
		if _, err := s.GetPasskey(ctx, "p1", "k1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetPasskey after its identity went: %v", err)
		}
	}},
	{"BlockedUser", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "u1@example.test")
		_, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error { u.Status = false; return nil })
		noErr(t, err, "block")
		i, p := newPasskey("p1", "u1", "k1", "cred1")
		if err := s.AddPasskey(ctx, i, p); !errors.Is(err, storage.ErrBlocked) {
			t.Fatalf("AddPasskey for a blocked user: %v", err)
		}
		i, p = newPasskey("p1", "nobody", "k1", "cred1")
		if err := s.AddPasskey(ctx, i, p); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("AddPasskey for no user: %v", err)
		}
	}},
	{"CreateUserWithPasskey", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		u := newUser("p1", "u1", "")
		i, p := newPasskey("p1", "u1", "k1", "cred1")
		noErr(t, s.CreateUserWithPasskey(ctx, u, 0, i, p), "CreateUserWithPasskey")
		if _, err := s.GetPasskey(ctx, "p1", "k1"); err != nil {
			t.Fatalf("GetPasskey: %v", err)
		}
		// A taken credential leaves no user behind.
		u2 := newUser("p1", "u2", "")
		i2, p2 := newPasskey("p1", "u2", "k2", "cred1")
		if err := s.CreateUserWithPasskey(ctx, u2, 0, i2, p2); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("CreateUserWithPasskey duplicate: %v", err)
		}
		if _, err := s.GetUser(ctx, "p1", "u2"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("user of a failed sign-up: %v", err)
		}
	}},
	{"CeremoniesOnce", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		noErr(t, s.SavePasskeyCeremony(ctx, ceremony("p1", "c1", "h1", "")), "Save")
		noErr(t, s.SavePasskeyCeremony(ctx, ceremony("p1", "c2", "h2", "u1")), "Save")
		// Not in another project, then once, then never.
		if _, err := s.TakePasskeyCeremony(ctx, "p2", "h1", t0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Take in another project: %v", err)
		}
		got, err := s.TakePasskeyCeremony(ctx, "p1", "h1", t0)
		noErr(t, err, "Take")
		if got.ID != "c1" || got.Kind != "signin" || string(got.Data) != `{"session":{}}` {
			t.Fatalf("Take %+v", got)
		}
		if _, err := s.TakePasskeyCeremony(ctx, "p1", "h1", t0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Take twice: %v", err)
		}
		// By id: only its user's, and not once expired.
		if _, err := s.TakePasskeyCeremonyByID(ctx, "p1", "u2", "c2", t0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("TakeByID of another user: %v", err)
		}
		if _, err := s.TakePasskeyCeremonyByID(ctx, "p1", "u1", "c2", at(5*time.Minute)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("TakeByID expired: %v", err)
		}
		got, err = s.TakePasskeyCeremonyByID(ctx, "p1", "u1", "c2", t0)
		noErr(t, err, "TakeByID")
		if got.ChallengeHash != "h2" {
			t.Fatalf("TakeByID %+v", got)
		}
	}},
}
