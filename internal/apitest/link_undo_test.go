package apitest

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest"
)

// mailWith returns the next mail to addr whose subject holds what,
// passing over the others.
func (s *server) mailWith(t *testing.T, addr, what string) smtptest.Message {
	t.Helper()
	for {
		if m := s.mailTo(t, addr); subjectIs(m.Subject, what) {
			return m
		}
	}
}

// Subjects of the default English mails (Appwrite 1.8's), for mailWith.
const (
	subjectVerification = "Account Verification for "
	subjectRecovery     = "Password Reset for "
	subjectOTP          = "OTP for "
	// subjectMagic stands for "<project> Login", which the OTP mail's
	// subject also ends with.
	subjectMagic = "magic link"
)

// subjectIs reports whether a subject is what mailWith looks for: one of
// the subjects above, or a part of the subject.
func subjectIs(subject, what string) bool {
	if what == subjectMagic {
		return strings.HasSuffix(subject, " Login") && !strings.HasPrefix(subject, subjectOTP)
	}
	return strings.Contains(subject, what)
}

// browse opens an undo link as a browser would: no project header, no
// cookies; a POST sends the form the page holds.
func browse(t *testing.T, method string, link *url.URL, secretField string) *resp {
	t.Helper()
	var res *http.Response
	var err error
	if method == "GET" {
		res, err = http.Get(link.String())
	} else {
		page := *link
		page.RawQuery = ""
		res, err = http.PostForm(page.String(), url.Values{"secret": {secretField}})
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, link.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &resp{status: res.StatusCode, header: res.Header, body: b}
}

// expectPage checks an undo page: its status, that it is HTML and that
// it holds each of want.
func expectPage(t *testing.T, r *resp, status int, want ...string) {
	t.Helper()
	if r.status != status || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d (%s), want %d: %s", r.status, r.header.Get("Content-Type"), status, r.body)
	}
	for _, w := range want {
		if !strings.Contains(string(r.body), w) {
			t.Fatalf("page lacks %q: %s", w, r.body)
		}
	}
	if r.header.Get("X-Frame-Options") != "DENY" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("page headers %v", r.header)
	}
}

// events lists the events of a user's security log, newest first.
func events(t *testing.T, k *client, userID string) []string {
	t.Helper()
	r := k.do("GET", "/users/"+userID+"/logs", nil)
	expect(t, r, 200, "")
	var out []string
	for _, l := range r.obj(t)["logs"].([]any) {
		out = append(out, l.(map[string]any)["event"].(string))
	}
	return out
}

func hasAll(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Fatalf("%s %v lacks %s", what, got, w)
		}
	}
}

// linkedPair makes a primary and a secondary user, both with a verified
// email and a password; the secondary also has prefs.
func linkedPair(t *testing.T, s *server) (c, k *client, pm, sm string) {
	t.Helper()
	c = s.newProject(t)
	k = c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
	pm, sm = email(), email()
	expect(t, k.do("POST", "/users", map[string]any{"userId": "prim", "email": pm, "password": "primary pass", "name": "Prim"}), 201, "")
	expect(t, k.do("POST", "/users", map[string]any{"userId": "sec", "email": sm, "password": "secondary pass", "name": "Sec"}), 201, "")
	expect(t, k.do("PATCH", "/users/sec/prefs", map[string]any{"prefs": map[string]any{"theme": "dark"}}), 200, "")
	for _, id := range []string{"prim", "sec"} {
		expect(t, k.do("PATCH", "/users/"+id+"/verification", map[string]any{"emailVerification": true}), 200, "")
	}
	return c, k, pm, sm
}

func TestLinkNoticeAndUndo(t *testing.T) {
	eachEngineOneWorker(t, func(t *testing.T, s *server) {
		c, k, pm, sm := linkedPair(t, s)
		before := s.client(t, c.project)
		before.signIn(pm, "primary pass")
		s.client(t, c.project).signIn(sm, "secondary pass") // in the secondary's log

		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
		// Each verified address gets a notice naming the other account,
		// with a link of its own to Gatehouse.
		mp, ms := s.mailWith(t, pm, "linked"), s.mailWith(t, sm, "linked")
		if !strings.Contains(mp.Text, sm) || !strings.Contains(ms.Text, pm) || !strings.Contains(mp.HTML, "This wasn&#39;t me") {
			t.Fatalf("notices:\n%s\n%s", mp.Text, ms.Text)
		}
		lp, ls := linkIn(t, mp.Text), linkIn(t, ms.Text)
		if lp.Path != "/v1/account/identities/undo/"+c.project || len(lp.Query().Get("secret")) != 64 || lp.Query().Get("secret") == ls.Query().Get("secret") {
			t.Fatalf("undo links %s %s", lp, ls)
		}
		// Someone signs in with the secondary's password: the primary.
		after := s.client(t, c.project)
		after.signIn(sm, "secondary pass")
		if after.do("GET", "/account", nil).str(t, "$id") != "prim" {
			t.Fatal("the secondary's password did not sign in the primary")
		}

		// Opening the link (as a mail scanner would) only asks.
		for range 2 {
			expectPage(t, browse(t, "GET", ls, ""), 200, "<form", `name="secret"`, "Undo this change")
		}
		expect(t, k.do("GET", "/users/sec", nil), 404, "user_not_found")
		expect(t, after.do("GET", "/account", nil), 200, "")

		// The button undoes the link.
		expectPage(t, browse(t, "POST", ls, ls.Query().Get("secret")), 200, "undone")
		back := k.do("GET", "/users/sec", nil)
		expect(t, back, 200, "")
		if o := back.obj(t); o["email"] != sm || o["prefs"].(map[string]any)["theme"] != "dark" {
			t.Fatalf("restored secondary %s", back.body)
		}
		expect(t, after.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		if before.do("GET", "/account", nil).str(t, "$id") != "prim" {
			t.Fatal("a session opened before the link was ended")
		}
		again := s.client(t, c.project)
		again.signIn(sm, "secondary pass")
		if again.do("GET", "/account", nil).str(t, "$id") != "sec" {
			t.Fatal("the secondary does not sign in as itself")
		}

		// Every link of the change works once, whichever was used.
		expectPage(t, browse(t, "POST", ls, ls.Query().Get("secret")), 401, "user_invalid_token", "already used")
		expectPage(t, browse(t, "POST", lp, lp.Query().Get("secret")), 401, "user_invalid_token", "already used")
		expectPage(t, browse(t, "GET", lp, ""), 401, "already used")

		// Both logs tell the story; the secondary's older entries are back.
		hasAll(t, "primary log", events(t, k, "prim"), "user.link", "user.link.undo")
		hasAll(t, "secondary log", events(t, k, "sec"), "user.link", "user.link.undo", "session.create")

		// The undo mails no notice of its own: by the time a mail queued
		// after it arrives, one would have been sent.
		markerMail(t, s, c, pm)
		n := 0
		for _, m := range s.mail.Messages() {
			if slices.Contains(m.To, pm) && (strings.Contains(m.Subject, "linked") || strings.Contains(m.Subject, "split off")) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d notices to the primary, want 1", n)
		}
	})
}

func TestUnlinkNoticeAndUndo(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, k, pm, sm := linkedPair(t, s)
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
		s.mailWith(t, pm, "linked")
		s.mailWith(t, sm, "linked")

		r := k.do("DELETE", "/users/prim/identities/email/"+sm, nil)
		expect(t, r, 200, "")
		if r.str(t, "$id") != "sec" {
			t.Fatalf("split user %s", r.body)
		}
		mp, ms := s.mailWith(t, pm, "split off"), s.mailWith(t, sm, "split off")
		// Only the account the identity was split out of may undo it
		// (see TestUnlinkUndoOnlyForTheKeptSide).
		lp := linkIn(t, mp.Text)
		if strings.Contains(ms.Text, "/identities/undo/") {
			t.Fatalf("the split-off account got an undo link: %s", ms.Text)
		}
		split := s.client(t, c.project)
		split.signIn(sm, "secondary pass")
		if split.do("GET", "/account", nil).str(t, "$id") != "sec" {
			t.Fatal("the split user does not sign in as itself")
		}
		hasAll(t, "split user's log", events(t, k, "sec"), "user.unlink", "user.link")

		expectPage(t, browse(t, "GET", lp, ""), 200, "split in two")
		expect(t, k.do("GET", "/users/sec", nil), 200, "")
		expectPage(t, browse(t, "POST", lp, lp.Query().Get("secret")), 200, "joined again")
		// Merged back: the split user is gone with its sessions, and its
		// password signs in the primary again.
		expect(t, k.do("GET", "/users/sec", nil), 404, "user_not_found")
		expect(t, split.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		a := s.client(t, c.project)
		a.signIn(sm, "secondary pass")
		if a.do("GET", "/account", nil).str(t, "$id") != "prim" {
			t.Fatal("the secondary's password does not sign in the primary after the undo")
		}
		hasAll(t, "primary log", events(t, k, "prim"), "user.link", "user.unlink", "user.unlink.undo")
		expectPage(t, browse(t, "POST", lp, lp.Query().Get("secret")), 401, "already used")

		// Unlinking again gives the secondary its whole log back.
		expect(t, k.do("DELETE", "/users/prim/identities/email/"+sm, nil), 200, "")
		hasAll(t, "secondary log", events(t, k, "sec"), "user.link", "user.unlink", "user.unlink.undo")
	})
}

func TestUndoBadLinks(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, k, pm, _ := linkedPair(t, s)
		base, _ := url.Parse(s.base + "/v1/account/identities/undo/" + c.project)
		for _, bad := range []string{"", "nope", strings.Repeat("ab", 32)} {
			u := *base
			u.RawQuery = url.Values{"secret": {bad}}.Encode()
			expectPage(t, browse(t, "GET", &u, ""), 401, "user_invalid_token", "not valid")
			expectPage(t, browse(t, "POST", &u, bad), 401, "user_invalid_token", "not valid")
		}
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
		good := linkIn(t, s.mailWith(t, pm, "linked").Text)
		// A link is only good on its own project's path.
		other := s.newProject(t)
		elsewhere := *good
		elsewhere.Path = "/v1/account/identities/undo/" + other.project
		expectPage(t, browse(t, "POST", &elsewhere, good.Query().Get("secret")), 401, "user_invalid_token")
		unknown := *good
		unknown.Path = "/v1/account/identities/undo/nosuchproject"
		expectPage(t, browse(t, "GET", &unknown, ""), 404, "project_not_found")
		expect(t, k.do("GET", "/users/sec", nil), 404, "user_not_found")
	})
}

func TestUndoExpired(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			clk := &testClock{}
			s := startServer(t, e, options{undoLifetime: time.Hour, clock: clk})
			_, k, pm, _ := linkedPair(t, s)
			expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
			l := linkIn(t, s.mailWith(t, pm, "linked").Text)
			clk.advance(59 * time.Minute)
			expectPage(t, browse(t, "GET", l, ""), 200, "<form")
			clk.advance(2 * time.Minute)
			expectPage(t, browse(t, "GET", l, ""), 401, "user_invalid_token", "expired")
			expectPage(t, browse(t, "POST", l, l.Query().Get("secret")), 401, "user_invalid_token", "expired")
			expect(t, k.do("GET", "/users/sec", nil), 404, "user_not_found")
		})
	}
}

func TestLinkRefusals(t *testing.T) {
	eachEngineOneWorker(t, func(t *testing.T, s *server) {
		c, k, pm, sm := linkedPair(t, s)
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "prim"}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/users/sec/status", map[string]any{"status": false}), 200, "")
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 403, "user_blocked")
		expect(t, k.do("PATCH", "/users/sec/status", map[string]any{"status": true}), 200, "")
		expect(t, k.do("DELETE", "/users/sec", nil), 204, "")
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 404, "user_not_found")
		if slices.Contains(events(t, k, "prim"), "user.link") {
			t.Fatal("a refused link was logged")
		}

		// Only verified addresses are mailed.
		third := email()
		expect(t, k.do("POST", "/users", map[string]any{"userId": "third", "email": third, "password": "third password"}), 201, "")
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "third"}), 200, "")
		s.mailWith(t, pm, "linked")
		// Any notice to them was queued before the marker, and so sent.
		markerMail(t, s, c, pm)
		for _, m := range s.mail.Messages() {
			if slices.Contains(m.To, third) || slices.Contains(m.To, sm) {
				t.Fatalf("mail to an unverified or gone address: %s to %v", m.Subject, m.To)
			}
		}
	})
}
