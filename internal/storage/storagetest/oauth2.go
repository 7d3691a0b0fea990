package storagetest

import (
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func newFamily(pid, id, consentID, userID, refresh, jti string) *storage.OAuth2Family {
	return &storage.OAuth2Family{ProjectID: pid, ID: id, ConsentID: consentID, UserID: userID, ClientID: "app",
		Scopes: []string{"openid"}, AMR: []string{"pwd"}, AuthTime: t0.UTC(),
		RefreshHash: refresh, RefreshExpiresAt: at(time.Hour).UTC(), AccessJTI: jti, AccessExpiresAt: at(time.Hour).UTC(),
		CreatedAt: t0.UTC(), UpdatedAt: t0.UTC()}
}

func mustConsent(t *testing.T, s storage.Store, pid, id, userID string) *storage.OAuth2Consent {
	t.Helper()
	c, err := s.SaveOAuth2Consent(t.Context(), &storage.OAuth2Consent{ProjectID: pid, ID: id, UserID: userID, ClientID: "app",
		Scopes: []string{"openid", "email"}, CreatedAt: t0.UTC(), UpdatedAt: t0.UTC()})
	noErr(t, err, "SaveOAuth2Consent")
	return c
}

var oauth2Tests = []test{
	{"KeysOneWinner", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		k := &storage.OAuth2Key{ProjectID: "p1", Generation: 1, KID: "k1", PrivateKey: "sealed", CreatedAt: t0.UTC(), ActivatesAt: t0.UTC()}
		noErr(t, s.AddOAuth2Key(ctx, k, time.Time{}), "AddOAuth2Key")
		isErr(t, s.AddOAuth2Key(ctx, &storage.OAuth2Key{ProjectID: "p1", Generation: 1, KID: "other", PrivateKey: "x",
			CreatedAt: t0.UTC(), ActivatesAt: t0.UTC()}, time.Time{}), storage.ErrConflict, "second generation 1")
		k2 := &storage.OAuth2Key{ProjectID: "p1", Generation: 2, KID: "k2", PrivateKey: "sealed2", CreatedAt: at(time.Hour).UTC(),
			ActivatesAt: at(2 * time.Hour).UTC()}
		noErr(t, s.AddOAuth2Key(ctx, k2, at(10*time.Hour)), "rotate")
		keys, err := s.ListOAuth2Keys(ctx, "p1")
		noErr(t, err, "ListOAuth2Keys")
		k.ExpiresAt = at(10 * time.Hour).UTC()
		same(t, "keys", keys, []*storage.OAuth2Key{k, k2})
		other, _ := s.ListOAuth2Keys(ctx, "p2")
		if len(other) != 0 {
			t.Fatalf("keys of another project: %v", other)
		}
	}},
	{"GrantsSingleUseOwnerBound", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "a@example.com")
		mustUser(t, s, "p1", "u2", "b@example.com")
		g := &storage.OAuth2Grant{ProjectID: "p1", ID: "g1", UserID: "u1", ClientID: "app", Request: `{}`, Scopes: []string{"openid"},
			Resources: []string{"https://api.example.com"}, RedirectURI: "https://app/cb", AuthTime: t0.UTC(),
			CreatedAt: t0.UTC(), UpdatedAt: t0.UTC(), ExpiresAt: at(10 * time.Minute).UTC()}
		noErr(t, s.CreateOAuth2Grant(ctx, g), "CreateOAuth2Grant")
		got, err := s.GetOAuth2Grant(ctx, "p1", "g1", t0)
		noErr(t, err, "GetOAuth2Grant")
		same(t, "grant", got, g)
		_, err = s.GetOAuth2Grant(ctx, "p2", "g1", t0)
		isErr(t, err, storage.ErrNotFound, "grant from another project")
		_, err = s.GetOAuth2Grant(ctx, "p1", "g1", at(11*time.Minute))
		isErr(t, err, storage.ErrNotFound, "expired grant")
		_, err = s.TakeOAuth2Grant(ctx, "p1", "u2", "g1", t0)
		isErr(t, err, storage.ErrNotFound, "another user's grant")
		_, err = s.TakeOAuth2Grant(ctx, "p1", "u1", "g1", t0)
		noErr(t, err, "TakeOAuth2Grant")
		_, err = s.TakeOAuth2Grant(ctx, "p1", "u1", "g1", t0)
		isErr(t, err, storage.ErrNotFound, "grant taken twice")
	}},
	{"PARSingleUse", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		p := &storage.OAuth2PAR{ProjectID: "p1", HandleHash: "h", ClientID: "app", Request: `{"a":1}`, CreatedAt: t0.UTC(), ExpiresAt: at(time.Minute).UTC()}
		noErr(t, s.CreateOAuth2PAR(ctx, p), "CreateOAuth2PAR")
		_, err := s.TakeOAuth2PAR(ctx, "p2", "h", t0)
		isErr(t, err, storage.ErrNotFound, "PAR of another project")
		got, err := s.GetOAuth2PAR(ctx, "p1", "h", t0)
		noErr(t, err, "GetOAuth2PAR")
		same(t, "par", got, p)
		_, err = s.TakeOAuth2PAR(ctx, "p1", "h", at(2*time.Minute))
		isErr(t, err, storage.ErrNotFound, "expired PAR")
		_, err = s.TakeOAuth2PAR(ctx, "p1", "h", t0)
		noErr(t, err, "TakeOAuth2PAR")
		_, err = s.TakeOAuth2PAR(ctx, "p1", "h", t0)
		isErr(t, err, storage.ErrNotFound, "PAR taken twice")
	}},
	{"ConsentsAndCascade", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "a@example.com")
		c := mustConsent(t, s, "p1", "c1", "u1")
		// A second approval for the same client keeps the id.
		c2, err := s.SaveOAuth2Consent(ctx, &storage.OAuth2Consent{ProjectID: "p1", ID: "c9", UserID: "u1", ClientID: "app",
			Scopes: []string{"openid"}, AuthorizationDetails: `[{"type":"x"}]`, CreatedAt: at(time.Hour).UTC(), UpdatedAt: at(time.Hour).UTC()})
		noErr(t, err, "SaveOAuth2Consent again")
		if c2.ID != c.ID || !c2.CreatedAt.Equal(c.CreatedAt) || len(c2.Scopes) != 1 || c2.AuthorizationDetails == "" {
			t.Fatalf("consent not updated in place: %+v", c2)
		}
		got, err := s.OAuth2ConsentFor(ctx, "p1", "u1", "app")
		noErr(t, err, "OAuth2ConsentFor")
		same(t, "consent", got, c2)
		list, total, err := s.ListOAuth2Consents(ctx, "p1", "u1", storage.Page{Limit: 10})
		noErr(t, err, "ListOAuth2Consents")
		if total != 1 || len(list) != 1 {
			t.Fatalf("ListOAuth2Consents: %d %v", total, list)
		}
		_, err = s.GetOAuth2Consent(ctx, "p1", "u2", "c1")
		isErr(t, err, storage.ErrNotFound, "another user's consent")
		f := newFamily("p1", "f1", "c1", "u1", "r1", "j1")
		code := &storage.OAuth2Code{ProjectID: "p1", CodeHash: "code", ClientID: "app", UserID: "u1", ConsentID: "c1",
			RedirectURI: "https://app/cb", CreatedAt: t0.UTC(), ExpiresAt: at(time.Minute).UTC()}
		noErr(t, s.CreateOAuth2Code(ctx, code), "CreateOAuth2Code")
		_, err = s.RedeemOAuth2Code(ctx, "p1", "code", t0, func(*storage.OAuth2Code) (*storage.OAuth2Family, error) { return f, nil })
		noErr(t, err, "RedeemOAuth2Code")
		fams, n, err := s.ListOAuth2Families(ctx, "p1", "c1", storage.Page{Limit: 10})
		noErr(t, err, "ListOAuth2Families")
		if n != 1 || len(fams) != 1 {
			t.Fatalf("families: %d", n)
		}
		same(t, "family", fams[0], f)
		noErr(t, s.DeleteOAuth2Consent(ctx, "p1", "u1", "c1"), "DeleteOAuth2Consent")
		_, err = s.GetOAuth2Family(ctx, "p1", "f1")
		isErr(t, err, storage.ErrNotFound, "family outlived its consent")
		_, err = s.OAuth2FamilyByAccess(ctx, "p1", "j1", t0)
		isErr(t, err, storage.ErrNotFound, "access token outlived its consent")
	}},
	{"CodeReplayRevokesFamily", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustProject(t, s, "p2", t0)
		mustUser(t, s, "p1", "u1", "a@example.com")
		mustConsent(t, s, "p1", "c1", "u1")
		code := &storage.OAuth2Code{ProjectID: "p1", CodeHash: "code", ClientID: "app", UserID: "u1", ConsentID: "c1",
			RedirectURI: "https://app/cb", Scopes: []string{"openid"}, AMR: []string{"pwd", "totp"}, Nonce: "n", CodeChallenge: "cc",
			AuthTime: t0.UTC(), CreatedAt: t0.UTC(), ExpiresAt: at(time.Minute).UTC()}
		noErr(t, s.CreateOAuth2Code(ctx, code), "CreateOAuth2Code")
		mint := func(c *storage.OAuth2Code) (*storage.OAuth2Family, error) {
			return newFamily("p1", "f1", c.ConsentID, c.UserID, "r1", "j1"), nil
		}
		_, err := s.RedeemOAuth2Code(ctx, "p2", "code", t0, mint)
		isErr(t, err, storage.ErrNotFound, "code in another project")
		_, err = s.RedeemOAuth2Code(ctx, "p1", "code", at(2*time.Minute), mint)
		isErr(t, err, storage.ErrNotFound, "expired code")
		_, err = s.RedeemOAuth2Code(ctx, "p1", "code", t0, func(*storage.OAuth2Code) (*storage.OAuth2Family, error) { return nil, storage.ErrLimit })
		isErr(t, err, storage.ErrLimit, "mint refused")
		got, err := s.RedeemOAuth2Code(ctx, "p1", "code", t0, mint)
		noErr(t, err, "RedeemOAuth2Code after a refused mint")
		code.UsedAt, code.FamilyID = t0.UTC(), "f1"
		same(t, "redeemed code", got, code)
		_, err = s.OAuth2FamilyByAccess(ctx, "p1", "j1", t0)
		noErr(t, err, "OAuth2FamilyByAccess")
		_, err = s.OAuth2FamilyByAccess(ctx, "p2", "j1", t0)
		isErr(t, err, storage.ErrNotFound, "access token in another project")
		_, err = s.RedeemOAuth2Code(ctx, "p1", "code", t0, mint)
		isErr(t, err, storage.ErrReused, "replayed code")
		// A code whose consent was withdrawn gives nothing.
		noErr(t, s.CreateOAuth2Code(ctx, &storage.OAuth2Code{ProjectID: "p1", CodeHash: "late", ClientID: "app", UserID: "u1",
			ConsentID: "c1", RedirectURI: "https://app/cb", CreatedAt: t0.UTC(), ExpiresAt: at(time.Minute).UTC()}), "CreateOAuth2Code")
		noErr(t, s.DeleteOAuth2Consent(ctx, "p1", "u1", "c1"), "DeleteOAuth2Consent")
		_, err = s.RedeemOAuth2Code(ctx, "p1", "late", t0, func(c *storage.OAuth2Code) (*storage.OAuth2Family, error) {
			return newFamily("p1", "f2", c.ConsentID, c.UserID, "r2", "j2"), nil
		})
		isErr(t, err, storage.ErrNotFound, "code of a withdrawn consent")
		_, err = s.GetOAuth2Family(ctx, "p1", "f1")
		isErr(t, err, storage.ErrNotFound, "family of a replayed code")
	}},
	{"RefreshRotationAndReuse", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "a@example.com")
		mustConsent(t, s, "p1", "c1", "u1")
		code := &storage.OAuth2Code{ProjectID: "p1", CodeHash: "code", ClientID: "app", UserID: "u1", ConsentID: "c1",
			RedirectURI: "https://app/cb", CreatedAt: t0.UTC(), ExpiresAt: at(time.Minute).UTC()}
		noErr(t, s.CreateOAuth2Code(ctx, code), "CreateOAuth2Code")
		_, err := s.RedeemOAuth2Code(ctx, "p1", "code", t0, func(c *storage.OAuth2Code) (*storage.OAuth2Family, error) {
			return newFamily("p1", "f1", "c1", "u1", "r1", "j1"), nil
		})
		noErr(t, err, "RedeemOAuth2Code")
		rotate := func(next, jti string) func(*storage.OAuth2Family) error {
			return func(f *storage.OAuth2Family) error {
				f.RefreshHash, f.AccessJTI, f.UpdatedAt = next, jti, at(time.Minute).UTC()
				return nil
			}
		}
		_, err = s.RotateOAuth2Refresh(ctx, "p1", "r1", at(2*time.Hour), rotate("r2", "j2"))
		isErr(t, err, storage.ErrNotFound, "expired refresh token")
		f, err := s.RotateOAuth2Refresh(ctx, "p1", "r1", t0, rotate("r2", "j2"))
		noErr(t, err, "RotateOAuth2Refresh")
		if f.RefreshHash != "r2" || f.AccessJTI != "j2" {
			t.Fatalf("rotated: %+v", f)
		}
		_, err = s.OAuth2FamilyByAccess(ctx, "p1", "j1", t0)
		isErr(t, err, storage.ErrNotFound, "access token of before the rotation")
		_, err = s.OAuth2FamilyByAccess(ctx, "p1", "j2", t0)
		noErr(t, err, "current access token")
		_, err = s.RotateOAuth2Refresh(ctx, "p1", "unknown", t0, rotate("r3", "j3"))
		isErr(t, err, storage.ErrNotFound, "unknown refresh token")
		_, err = s.RotateOAuth2Refresh(ctx, "p1", "r1", t0, rotate("r3", "j3"))
		isErr(t, err, storage.ErrReused, "reused refresh token")
		_, err = s.OAuth2FamilyByRefresh(ctx, "p1", "r2")
		isErr(t, err, storage.ErrNotFound, "family after reuse")
	}},
	{"AccessDiesWithUser", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "a@example.com")
		mustUser(t, s, "p1", "u2", "b@example.com")
		for _, u := range []string{"u1", "u2"} {
			mustConsent(t, s, "p1", "c"+u, u)
			code := &storage.OAuth2Code{ProjectID: "p1", CodeHash: "code" + u, ClientID: "app", UserID: u, ConsentID: "c" + u,
				RedirectURI: "https://app/cb", CreatedAt: t0.UTC(), ExpiresAt: at(time.Minute).UTC()}
			noErr(t, s.CreateOAuth2Code(ctx, code), "CreateOAuth2Code")
			_, err := s.RedeemOAuth2Code(ctx, "p1", "code"+u, t0, func(c *storage.OAuth2Code) (*storage.OAuth2Family, error) {
				return newFamily("p1", "f"+u, "c"+u, u, "r"+u, "j"+u), nil
			})
			noErr(t, err, "RedeemOAuth2Code")
		}
		_, err := s.UpdateUser(ctx, "p1", "u1", func(u *storage.User) error { u.Status = false; return nil })
		noErr(t, err, "block user")
		_, err = s.OAuth2FamilyByAccess(ctx, "p1", "ju1", t0)
		isErr(t, err, storage.ErrNotFound, "blocked user's access token")
		noErr(t, s.DeleteUser(ctx, "p1", "u2"), "DeleteUser")
		_, err = s.OAuth2FamilyByAccess(ctx, "p1", "ju2", t0)
		isErr(t, err, storage.ErrNotFound, "deleted user's access token")
		_, err = s.OAuth2FamilyByAccess(ctx, "p1", "ju1", at(2*time.Hour))
		isErr(t, err, storage.ErrNotFound, "expired access token")
	}},
	{"DevicePoll", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		mustProject(t, s, "p1", t0)
		mustUser(t, s, "p1", "u1", "a@example.com")
		mustConsent(t, s, "p1", "c1", "u1")
		d := &storage.OAuth2Device{ProjectID: "p1", ID: "d1", DeviceHash: "dh", UserCodeHash: "uh", ClientID: "app",
			Scopes: []string{"openid"}, Status: storage.OAuth2DevicePending, Interval: 5, CreatedAt: t0.UTC(), ExpiresAt: at(10 * time.Minute).UTC()}
		noErr(t, s.CreateOAuth2Device(ctx, d), "CreateOAuth2Device")
		got, err := s.OAuth2DeviceByUserCode(ctx, "p1", "uh", t0)
		noErr(t, err, "OAuth2DeviceByUserCode")
		same(t, "device", got, d)
		_, err = s.OAuth2DeviceByUserCode(ctx, "p2", "uh", t0)
		isErr(t, err, storage.ErrNotFound, "device of another project")
		_, err = s.PollOAuth2Device(ctx, "p1", "dh", t0, func(d *storage.OAuth2Device) (*storage.OAuth2Family, error) {
			d.LastPollAt = t0.UTC()
			return nil, storage.ErrLimit
		})
		isErr(t, err, storage.ErrLimit, "pending poll")
		got, _ = s.OAuth2DeviceByUserCode(ctx, "p1", "uh", t0)
		if !got.LastPollAt.Equal(t0.Truncate(time.Microsecond)) {
			t.Fatalf("poll not recorded: %v", got.LastPollAt)
		}
		_, err = s.UpdateOAuth2Device(ctx, "p1", "d1", t0, func(d *storage.OAuth2Device) error {
			d.Status, d.UserID, d.ConsentID = storage.OAuth2DeviceApproved, "u1", "c1"
			return nil
		})
		noErr(t, err, "UpdateOAuth2Device")
		f, err := s.PollOAuth2Device(ctx, "p1", "dh", t0, func(d *storage.OAuth2Device) (*storage.OAuth2Family, error) {
			if d.Status != storage.OAuth2DeviceApproved {
				t.Fatalf("status %q", d.Status)
			}
			return newFamily("p1", "f1", d.ConsentID, d.UserID, "r", "j"), nil
		})
		noErr(t, err, "approved poll")
		if f.ID != "f1" {
			t.Fatalf("family %+v", f)
		}
		_, err = s.PollOAuth2Device(ctx, "p1", "dh", t0, func(*storage.OAuth2Device) (*storage.OAuth2Family, error) { return nil, nil })
		isErr(t, err, storage.ErrNotFound, "device code used twice")
	}},
}

// oauth2SweepRows stores, for each OAuth2 sweep kind, one row expired at
// old and one live until live (user prim of project pid); a signing key
// without an expiry stays too.
func oauth2SweepRows(t *testing.T, s storage.Store, pid string, old, live time.Time) {
	ctx := t.Context()
	mustConsent(t, s, pid, "consent", "prim")
	for name, exp := range map[string]time.Time{"old": old, "live": live} {
		noErr(t, s.CreateOAuth2Grant(ctx, &storage.OAuth2Grant{ProjectID: pid, ID: "g-" + name, UserID: "prim", ClientID: "app",
			Request: "{}", CreatedAt: t0, UpdatedAt: t0, ExpiresAt: exp}), "CreateOAuth2Grant")
		noErr(t, s.CreateOAuth2PAR(ctx, &storage.OAuth2PAR{ProjectID: pid, HandleHash: "p-" + name, ClientID: "app", Request: "{}",
			CreatedAt: t0, ExpiresAt: exp}), "CreateOAuth2PAR")
		noErr(t, s.CreateOAuth2Code(ctx, &storage.OAuth2Code{ProjectID: pid, CodeHash: "c-" + name, ClientID: "app", UserID: "prim",
			ConsentID: "consent", RedirectURI: "https://app/cb", CreatedAt: t0, ExpiresAt: exp}), "CreateOAuth2Code")
		noErr(t, s.CreateOAuth2Device(ctx, &storage.OAuth2Device{ProjectID: pid, ID: "d-" + name, DeviceHash: "dh-" + name,
			UserCodeHash: "uh-" + name, ClientID: "app", Status: storage.OAuth2DevicePending, Interval: 5, CreatedAt: t0, ExpiresAt: exp}), "CreateOAuth2Device")
		code := &storage.OAuth2Code{ProjectID: pid, CodeHash: "mint-" + name, ClientID: "app", UserID: "prim", ConsentID: "consent",
			RedirectURI: "https://app/cb", CreatedAt: t0, ExpiresAt: live}
		noErr(t, s.CreateOAuth2Code(ctx, code), "CreateOAuth2Code")
		_, err := s.RedeemOAuth2Code(ctx, pid, code.CodeHash, t0, func(*storage.OAuth2Code) (*storage.OAuth2Family, error) {
			f := newFamily(pid, "f-"+name, "consent", "prim", "r-"+name, "j-"+name)
			f.RefreshExpiresAt = exp
			return f, nil
		})
		noErr(t, err, "RedeemOAuth2Code")
	}
	noErr(t, s.AddOAuth2Key(ctx, &storage.OAuth2Key{ProjectID: pid, Generation: 1, KID: "k1", PrivateKey: "x", CreatedAt: t0,
		ActivatesAt: t0, ExpiresAt: old}, time.Time{}), "AddOAuth2Key")
	noErr(t, s.AddOAuth2Key(ctx, &storage.OAuth2Key{ProjectID: pid, Generation: 2, KID: "k2", PrivateKey: "x", CreatedAt: t0,
		ActivatesAt: t0, ExpiresAt: live}, time.Time{}), "AddOAuth2Key")
	noErr(t, s.AddOAuth2Key(ctx, &storage.OAuth2Key{ProjectID: pid, Generation: 3, KID: "k3", PrivateKey: "x", CreatedAt: t0,
		ActivatesAt: t0}, time.Time{}), "AddOAuth2Key")
}

// oauth2MergeTests: an account merged into another takes its consents
// and tokens with it; the survivor's stay.
var oauth2MergeTests = []test{
	{"MergedAccountTokensDie", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		pid := linkPair(t, s)
		for _, u := range []string{"prim", "sec"} {
			mustConsent(t, s, pid, "c-"+u, u)
			code := &storage.OAuth2Code{ProjectID: pid, CodeHash: "code-" + u, ClientID: "app", UserID: u, ConsentID: "c-" + u,
				RedirectURI: "https://app/cb", CreatedAt: t0.UTC(), ExpiresAt: at(time.Minute).UTC()}
			noErr(t, s.CreateOAuth2Code(ctx, code), "CreateOAuth2Code")
			_, err := s.RedeemOAuth2Code(ctx, pid, code.CodeHash, t0, func(*storage.OAuth2Code) (*storage.OAuth2Family, error) {
				return newFamily(pid, "f-"+u, "c-"+u, u, "r-"+u, "j-"+u), nil
			})
			noErr(t, err, "RedeemOAuth2Code")
		}
		w := &storage.LinkWork{Now: t0}
		noErr(t, s.MergeUser(ctx, pid, "prim", "sec", []byte(`{"userId":"sec"}`), []*storage.Identity{wayIn("i-way", "prim", "sec@example.com")}, w), "MergeUser")
		_, err := s.OAuth2FamilyByAccess(ctx, pid, "j-sec", t0)
		isErr(t, err, storage.ErrNotFound, "merged-away user's access token")
		_, err = s.GetOAuth2Consent(ctx, pid, "sec", "c-sec")
		isErr(t, err, storage.ErrNotFound, "merged-away user's consent")
		_, err = s.OAuth2FamilyByAccess(ctx, pid, "j-prim", t0)
		noErr(t, err, "survivor's access token")
	}},
}
