package apitest

import (
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
)

// unlinked links "sec" into "prim", splits it out again through the
// Users API and returns the unlink notices mailed to each side.
func unlinked(t *testing.T, s *server) (c, k *client, pm, sm, toPrimary, toSplit string) {
	t.Helper()
	c, k, pm, sm = linkedPair(t, s)
	expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
	s.mailWith(t, pm, "linked")
	s.mailWith(t, sm, "linked")
	expect(t, k.do("DELETE", "/users/prim/identities/email/"+sm, nil), 200, "")
	mp, ms := s.mailWith(t, pm, "split off"), s.mailWith(t, sm, "split off")
	return c, k, pm, sm, mp.Text + mp.HTML, ms.Text + ms.HTML
}

// signsInAs checks which account a password opens.
func signsInAs(t *testing.T, s *server, project, email, pw, want string) {
	t.Helper()
	a := s.client(t, project)
	a.signIn(email, pw)
	if got := a.do("GET", "/account", nil).str(t, "$id"); got != want {
		t.Fatalf("%s signs in to %s, want %s", email, got, want)
	}
}

// TestUnlinkUndoOnlyForTheKeptSide: the account split off by an unlink
// is told without a link to join the accounts again; before, its "this
// wasn't me" link merged it back into the primary, its password opening
// the primary once more.
func TestUnlinkUndoOnlyForTheKeptSide(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, k, _, sm, toPrimary, toSplit := unlinked(t, s)
		if strings.Contains(toSplit, "/identities/undo/") || strings.Contains(toSplit, "secret=") {
			t.Fatalf("the split-off account got a link to join again:\n%s", toSplit)
		}
		if !strings.Contains(toSplit, "Only the account it was split from can undo this") {
			t.Fatalf("the split-off account's notice:\n%s", toSplit)
		}
		if !strings.Contains(toPrimary, "/v1/account/identities/undo/"+c.project+"?secret=") {
			t.Fatalf("the primary's notice has no undo link:\n%s", toPrimary)
		}
		expect(t, k.do("GET", "/users/sec", nil), 200, "")
		signsInAs(t, s, c.project, sm, "secondary pass", "sec")
	})
}

// TestUnlinkUndoRefusedAfterChange: the primary's undo gives back what
// the unlink took from it, not what the split-off account gained since:
// new prefs, or a new way in (here a third account merged into it).
func TestUnlinkUndoRefusedAfterChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, change := range []struct {
			name string
			do   func(t *testing.T, k, split *client)
		}{
			{"prefs", func(t *testing.T, k, split *client) {
				expect(t, split.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"diary": "mine alone"}}), 200, "")
			}},
			{"a new way in", func(t *testing.T, k, split *client) {
				expect(t, k.do("POST", "/users", map[string]any{"userId": "third", "email": email(), "password": "third password"}), 201, "")
				expect(t, k.do("POST", "/users/sec/identities", map[string]any{"userId": "third"}), 200, "")
			}},
		} {
			t.Run(change.name, func(t *testing.T) {
				c, k, _, sm, toPrimary, _ := unlinked(t, s)
				lp := linkIn(t, toPrimary)
				split := s.client(t, c.project)
				split.signIn(sm, "secondary pass")
				change.do(t, k, split)

				expectPage(t, browse(t, "POST", lp, lp.Query().Get("secret")), 404, "user_identity_not_found", "changed since")
				expect(t, k.do("GET", "/users/sec", nil), 200, "")
				expect(t, split.do("GET", "/account", nil), 200, "")
				signsInAs(t, s, c.project, sm, "secondary pass", "sec")
			})
		}
	})
}

// TestUnlinkUndoOtherProject: an unlink's undo link works only under its
// own project, on the page and on the button.
func TestUnlinkUndoOtherProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, k, _, sm, toPrimary, _ := unlinked(t, s)
		lp := linkIn(t, toPrimary)
		other := s.newProject(t)
		elsewhere := *lp
		elsewhere.Path = "/v1/account/identities/undo/" + other.project
		expectPage(t, browse(t, "GET", &elsewhere, ""), 401, "user_invalid_token")
		expectPage(t, browse(t, "POST", &elsewhere, lp.Query().Get("secret")), 401, "user_invalid_token")
		expect(t, k.do("GET", "/users/sec", nil), 200, "")
		signsInAs(t, s, c.project, sm, "secondary pass", "sec")
		// Still good at home.
		expectPage(t, browse(t, "POST", lp, lp.Query().Get("secret")), 200, "joined again")
		signsInAs(t, s, c.project, sm, "secondary pass", "prim")
	})
}

// TestUnlinkUndoMailedToSplitOffBefore: links that went to the split-off
// account before this rule (still in mailboxes for a week) cannot join
// the accounts again either.
func TestUnlinkUndoMailedToSplitOffBefore(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			dsn := e.New(t)
			s := startServer(t, e, options{database: dsn})
			c, k, _, sm, _, _ := unlinked(t, s)
			// The token as the old code wrote it for the split-off address.
			raw := secret.Hex(32)
			now := time.Now()
			insertRaw(t, e.Name, dsn, fmt.Sprintf(`INSERT INTO link_undos (secret_hash, project_id, change_id, kind, primary_id, secondary_id,
				provider, provider_uid, recipient, time, expire, used_at) VALUES ('%s', '%s', '%s', 'unlink', 'prim', 'sec', '', '', '%s', %d, %d, 0)`,
				secret.Hash(raw), c.project, secret.ID(), sm, now.UnixMicro(), now.Add(time.Hour).UnixMicro()))
			link, _ := url.Parse(s.base + "/v1/account/identities/undo/" + c.project)
			expectPage(t, browse(t, "POST", link, raw), 401, "user_unauthorized", "split off")
			expect(t, k.do("GET", "/users/sec", nil), 200, "")
			signsInAs(t, s, c.project, sm, "secondary pass", "sec")
		})
	}
}

// insertRaw runs one statement on a test server's database, for state
// only an older release could have written.
func insertRaw(t *testing.T, engine, dsn, stmt string) {
	t.Helper()
	driver, source := "pgx", dsn
	if engine == "sqlite" {
		driver, source = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("insert: %v", err)
	}
}

// TestSuggestedLinkTokenOtherProject: a suggested link's token names its
// project; the same user id signed in to another project cannot confirm
// it there.
func TestSuggestedLinkTokenOtherProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		mail := email()
		expect(t, k.do("POST", "/users", map[string]any{"userId": "eve", "email": mail, "password": "correct horse"}), 201, "")
		expect(t, k.do("PATCH", "/users/eve/verification", map[string]any{"emailVerification": true}), 200, "")
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/auth/linking", map[string]any{"mode": "suggested"}), 200, "")
		idp.AddUser("sub-eve", mail, true, "Eve")
		idp.Next("sub-eve")
		end := oauthFlow(t, s, s.client(t, c.project), "sessions")
		if typ := oauthError(t, end); typ != "user_link_suggested" {
			t.Fatalf("flow: %s", typ)
		}
		tok := end.Query().Get("linkToken")

		other := s.newProject(t)
		ok := other.with("X-Appwrite-Key", other.key("users.read", "users.write"))
		expect(t, ok.do("POST", "/users", map[string]any{"userId": "eve", "email": mail, "password": "correct horse"}), 201, "")
		there := s.client(t, other.project)
		there.signIn(mail, "correct horse")
		expect(t, there.do("POST", "/account/identities/link", map[string]any{"linkToken": tok}), 401, "user_invalid_token")
		if n := ok.do("GET", "/users/identities", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("%v identities in the other project", n)
		}
	})
}
