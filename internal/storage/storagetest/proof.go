package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// addressedToken is a token of u1 sent to addr.
func addressedToken(t *testing.T, s storage.Store, id, addr string, typ storage.TokenType) *storage.Token {
	t.Helper()
	tk := newToken("p1", "u1", id, typ)
	tk.Address = addr
	noErr(t, s.CreateToken(t.Context(), tk), "CreateToken "+id)
	return tk
}

var proofTests = []test{
	{"EmailChangeWithdrawsTokens", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		old := addressedToken(t, s, "t-old", "ann@example.com", storage.TokenMagicURL)
		other := addressedToken(t, s, "t-other", "linked@example.com", storage.TokenMagicURL)
		_, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
			u.Email = "new@example.com"
			return nil
		})
		noErr(t, err, "UpdateUser email")
		types := []storage.TokenType{storage.TokenMagicURL}
		_, err = s.ConsumeToken(ctx, "p1", "u1", old.SecretHash, types, t0)
		isErr(t, err, storage.ErrNotFound, "ConsumeToken sent to the old email")
		_, err = s.ConsumeToken(ctx, "p1", "u1", other.SecretHash, types, t0)
		noErr(t, err, "ConsumeToken sent to another address")
	}},
	{"PhoneChangeWithdrawsTokens", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		_, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
			u.Phone = "+15550001"
			return nil
		})
		noErr(t, err, "UpdateUser phone")
		old := addressedToken(t, s, "t-old", "+15550001", storage.TokenPhone)
		_, err = s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error {
			u.Phone = ""
			return nil
		})
		noErr(t, err, "UpdateUser remove phone")
		_, err = s.ConsumeToken(ctx, "p1", "u1", old.SecretHash, []storage.TokenType{storage.TokenPhone}, t0)
		isErr(t, err, storage.ErrNotFound, "ConsumeToken sent to the old phone")
	}},
	{"ProveAndRemove", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustUser(t, s, "p1", "u2", "bob@example.com")
		keep := mustSession(t, s, "p1", "u1", "keep", t0)
		mustSession(t, s, "p1", "u1", "gone", t0)
		mustSession(t, s, "p1", "u2", "other", t0)
		idKept := identityOf("i1", "u1", "google", "g1", "ann@example.com")
		idGone := identityOf("i2", "u1", "github", "h1", "")
		for _, i := range []*storage.Identity{idKept, idGone} {
			noErr(t, s.CreateIdentity(ctx, i), "CreateIdentity "+i.ID)
		}
		tk := addressedToken(t, s, "t1", "ann@example.com", storage.TokenEmail)
		spare := addressedToken(t, s, "t2", "ann@example.com", storage.TokenRecovery)
		calls := 0
		u, got, err := s.ProveAddress(ctx, &storage.Proof{ProjectID: "p1", UserID: "u1", SecretHash: tk.SecretHash,
			Types: []storage.TokenType{storage.TokenEmail}, Now: t0,
			Apply: func(u *storage.User, t0k *storage.Token, ids []*storage.Identity, sessions int) (*storage.ProofWork, error) {
				calls++
				if t0k == nil || t0k.ID != "t1" || t0k.Address != "ann@example.com" || t0k.SessionID != "s-t1" {
					return nil, errors.New("apply got the wrong token")
				}
				if len(ids) != 2 || sessions != 2 {
					return nil, errors.New("apply got the wrong identities or sessions")
				}
				u.PasswordHash, u.EmailVerification = "", true
				return &storage.ProofWork{EndSessions: true, KeepSession: keep.ID, DropIdentities: []string{idGone.ID}, DropTokens: true,
					DropAuthenticators: true, Logs: []*storage.Log{{ProjectID: "p1", ID: "l1", UserID: "u1", Event: "user.claim", Mode: "default", Time: t0}}}, nil
			}})
		noErr(t, err, "ProveAddress")
		if calls == 0 || got == nil || got.ID != "t1" || u.PasswordHash != "" {
			t.Fatalf("ProveAddress = %+v, %+v after %d calls", u, got, calls)
		}
		stored, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		if stored.PasswordHash != "" || !stored.EmailVerification {
			t.Errorf("the user's changes were not saved: %+v", stored)
		}
		sess, err := s.ListSessions(ctx, "p1", "u1")
		noErr(t, err, "ListSessions")
		if len(sess) != 1 || sess[0].ID != "keep" {
			t.Errorf("sessions left: %v, want only keep", sess)
		}
		if other, _ := s.ListSessions(ctx, "p1", "u2"); len(other) != 1 {
			t.Errorf("another user's sessions ended: %v", other)
		}
		_, err = s.GetIdentity(ctx, "p1", idGone.ID)
		isErr(t, err, storage.ErrNotFound, "GetIdentity of a dropped identity")
		_, err = s.GetIdentity(ctx, "p1", idKept.ID)
		noErr(t, err, "GetIdentity of a kept identity")
		_, err = s.ConsumeToken(ctx, "p1", "u1", spare.SecretHash, []storage.TokenType{storage.TokenRecovery}, t0)
		isErr(t, err, storage.ErrNotFound, "ConsumeToken after DropTokens")
		logs, _, err := s.ListLogs(ctx, "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListLogs")
		if len(logs) != 1 || logs[0].Event != "user.claim" {
			t.Errorf("logs = %v, want the claim's entry", logs)
		}
		_, _, err = s.ProveAddress(ctx, &storage.Proof{ProjectID: "p1", UserID: "u1", SecretHash: tk.SecretHash,
			Types: []storage.TokenType{storage.TokenEmail}, Now: t0,
			Apply: func(*storage.User, *storage.Token, []*storage.Identity, int) (*storage.ProofWork, error) {
				return nil, nil
			}})
		isErr(t, err, storage.ErrNotFound, "ProveAddress with a spent token")
	}},
	{"RefusedSpendsOnly", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		mustSession(t, s, "p1", "u1", "s1", t0)
		tk := addressedToken(t, s, "t1", "old@example.com", storage.TokenVerification)
		_, got, err := s.ProveAddress(ctx, &storage.Proof{ProjectID: "p1", UserID: "u1", SecretHash: tk.SecretHash,
			Types: []storage.TokenType{storage.TokenVerification}, Now: at(time.Minute),
			Apply: func(u *storage.User, _ *storage.Token, _ []*storage.Identity, _ int) (*storage.ProofWork, error) {
				u.EmailVerification = false
				return nil, storage.ErrNotFound
			}})
		isErr(t, err, storage.ErrNotFound, "ProveAddress refused")
		if got == nil || got.ID != "t1" {
			t.Errorf("a refused proof returns the spent token, got %+v", got)
		}
		_, err = s.ConsumeToken(ctx, "p1", "u1", tk.SecretHash, []storage.TokenType{storage.TokenVerification}, t0)
		isErr(t, err, storage.ErrNotFound, "ConsumeToken of a refused token")
		stored, err := s.GetUser(ctx, "p1", "u1")
		noErr(t, err, "GetUser")
		if !stored.EmailVerification {
			t.Error("a refused proof changed the user")
		}
	}},
	{"FailureRollsBack", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		tk := addressedToken(t, s, "t1", "ann@example.com", storage.TokenEmail)
		boom := errors.New("boom")
		_, _, err := s.ProveAddress(ctx, &storage.Proof{ProjectID: "p1", UserID: "u1", SecretHash: tk.SecretHash,
			Types: []storage.TokenType{storage.TokenEmail}, Now: t0,
			Apply: func(*storage.User, *storage.Token, []*storage.Identity, int) (*storage.ProofWork, error) {
				return nil, boom
			}})
		isErr(t, err, boom, "ProveAddress failing")
		_, err = s.ConsumeToken(ctx, "p1", "u1", tk.SecretHash, []storage.TokenType{storage.TokenEmail}, t0)
		noErr(t, err, "ConsumeToken after a failed proof")
	}},
	{"WithoutToken", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "ann@example.com")
		u, got, err := s.ProveAddress(ctx, &storage.Proof{ProjectID: "p1", UserID: "u1", Now: t0,
			Apply: func(u *storage.User, t *storage.Token, _ []*storage.Identity, _ int) (*storage.ProofWork, error) {
				if t != nil {
					return nil, errors.New("a token without SecretHash")
				}
				u.Name = "Ann"
				return nil, nil
			}})
		noErr(t, err, "ProveAddress without token")
		if got != nil || u.Name != "Ann" {
			t.Errorf("ProveAddress = %+v, %+v", u, got)
		}
		_, _, err = s.ProveAddress(ctx, &storage.Proof{ProjectID: "p1", UserID: "nobody", Now: t0,
			Apply: func(*storage.User, *storage.Token, []*storage.Identity, int) (*storage.ProofWork, error) {
				return nil, nil
			}})
		isErr(t, err, storage.ErrNotFound, "ProveAddress of a missing user")
	}},
}
