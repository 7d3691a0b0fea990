package oauth2server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// Verify by project id, as the Bearer check of Gatehouse's own API will
// call it: a live token verifies in its project only, and dies with its
// family.
func TestVerifyByProjectID(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := strings.TrimPrefix(e.New(t), "sqlite:")
			st, err := sqlstore.Open(ctx, e.Name, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			box, _ := seal.New([]byte(secret.Hex(32)))
			now := time.Now().UTC().Truncate(time.Microsecond)
			for _, id := range []string{"pa", "pb"} {
				p := &storage.Project{ID: id, Name: id, CreatedAt: now, UpdatedAt: now,
					Settings: storage.ProjectSettings{Auth: storage.NewAuthSettings(),
						OAuth2Server: storage.OAuth2ServerSettings{Enabled: true, AuthorizationURL: "https://app/consent"}}}
				if err := st.CreateProject(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			u := &storage.User{ProjectID: "pa", ID: "u1", Name: "U", Status: true, Hash: "argon2", Registration: now, CreatedAt: now, UpdatedAt: now}
			if err := st.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			s := New(st, nil, box, nil, nil, "https://id.example")
			pa, _ := st.GetProject(ctx, "pa")
			if _, err := st.SaveOAuth2Consent(ctx, &storage.OAuth2Consent{ProjectID: "pa", ID: "c1", UserID: "u1", ClientID: "app",
				Scopes: []string{"openid"}, CreatedAt: now, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
			f, _ := s.newFamily(pa, &Client{ID: "app", ProjectID: "pa"}, "c1", "u1", "", []string{"openid"}, nil, "", now, []string{"pwd"})
			if err := st.CreateOAuth2Code(ctx, &storage.OAuth2Code{ProjectID: "pa", CodeHash: "h", ClientID: "app", UserID: "u1",
				ConsentID: "c1", RedirectURI: "https://app/cb", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.RedeemOAuth2Code(ctx, "pa", "h", now, func(*storage.OAuth2Code) (*storage.OAuth2Family, error) { return f, nil }); err != nil {
				t.Fatal(err)
			}
			tok, err := s.accessToken(ctx, pa, f, nil, f.AccessExpiresAt)
			if err != nil {
				t.Fatal(err)
			}
			at, err := s.Verify(ctx, "pa", tok)
			if err != nil || at.UserID != "u1" || at.ClientID != "app" || !at.HasScope("openid") || at.FamilyID != f.ID {
				t.Fatalf("Verify: %+v, %v", at, err)
			}
			for _, pid := range []string{"pb", "nope"} {
				if _, err := s.Verify(ctx, pid, tok); !apperr.Is(err, apperr.OAuth2InvalidToken) {
					t.Fatalf("Verify in %s: %v", pid, err)
				}
			}
			if err := st.DeleteOAuth2Family(ctx, "pa", f.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Verify(ctx, "pa", tok); !apperr.Is(err, apperr.OAuth2InvalidToken) {
				t.Fatalf("Verify after revocation: %v", err)
			}
		})
	}
}
