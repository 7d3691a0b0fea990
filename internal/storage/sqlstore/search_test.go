package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

func openTest(t *testing.T, e testdb.Engine) *Store {
	t.Helper()
	dsn := e.New(t)
	if e.Name == "sqlite" {
		dsn = filepath.Clean(strings.TrimPrefix(dsn, "sqlite:"))
	}
	s, err := Open(context.Background(), e.Name, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestUsersSearchUsesIndex: a search term's condition is one the users
// search index of migration 00015 serves (PostgreSQL, with sequential
// scans off so the planner scans only when no index can), and SQLite's
// FTS5 table finds the users.
func TestUsersSearchUsesIndex(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, e)
			if s.SearchIndexMissing() != "" {
				t.Fatalf("no search index: %s", s.SearchIndexMissing())
			}
			conn, err := s.w.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			explain := func(q string, args ...any) string {
				t.Helper()
				rows, err := conn.QueryContext(ctx, q, args...)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var plan []string
				for rows.Next() {
					cols, _ := rows.Columns()
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, toString(vals[len(vals)-1]))
				}
				return strings.Join(plan, "\n")
			}
			if e.Name == "postgres" {
				if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
					t.Fatal(err)
				}
				defer conn.ExecContext(ctx, "RESET enable_seqscan")
				// (On an empty table an index on project_id reads less.)
				plan := explain(`EXPLAIN SELECT COUNT(*) FROM users WHERE `+searchExprPG+` LIKE $1 ESCAPE '\'`, "%smith%")
				if !strings.Contains(plan, "users_search") {
					t.Errorf("the search does not use users_search:\n%s", plan)
				}
				return
			}
			// The matching rows: the FTS5 match, then each user by rowid.
			plan := explain(`EXPLAIN QUERY PLAN SELECT users.rowid FROM `+searchFromSQLite+
				` WHERE project_id = ?1 AND deleted_at = 0 AND users_search MATCH ?2`, "p1", `"smith"`)
			if !strings.Contains(plan, "SCAN users_search VIRTUAL TABLE") || !strings.Contains(plan, "USING INTEGER PRIMARY KEY") {
				t.Errorf("the search does not read users_search, then users by rowid:\n%s", plan)
			}
			// The page: those rows by rowid.
			plan = explain(`EXPLAIN QUERY PLAN SELECT id FROM `+searchPageFromSQLite("?2")+
				` WHERE project_id = ?1 AND deleted_at = 0 ORDER BY created_at, id LIMIT 25`, "p1", "[1,2]")
			if !strings.Contains(plan, "json_each") || !strings.Contains(plan, "USING INTEGER PRIMARY KEY") {
				t.Errorf("the page does not read the users found by rowid:\n%s", plan)
			}
		})
	}
}

// TestUsersSearchSameAsScan: on users with names, emails and phones drawn
// from a small alphabet (mixed case, letters outside ASCII, LIKE's
// wildcards), every search returns what the four-column LIKE condition
// the search had before the index returns, in the same order, with the
// same total; also when a term matches more users than a total counts.
func TestUsersSearchSameAsScan(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, e)
			now := time.Now()
			for _, p := range []string{"p1", "p2"} {
				if err := s.CreateProject(ctx, &storage.Project{ID: p, Name: p, CreatedAt: now, UpdatedAt: now}); err != nil {
					t.Fatal(err)
				}
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			alphabet := []rune("abAB_%xyzÉéßİı+1 .")
			text := func(n int) string {
				r := make([]rune, n)
				for i := range r {
					r[i] = alphabet[rnd.IntN(len(alphabet))]
				}
				return string(r)
			}
			rows := &BulkRows{}
			for i := range 400 {
				u := &storage.User{ProjectID: "p1", ID: fmt.Sprintf("u%03d", i), Name: text(1 + rnd.IntN(8)), Hash: "argon2",
					Prefs: []byte("{}"), CreatedAt: now.Add(time.Duration(rnd.IntN(100)) * time.Second), UpdatedAt: now, Registration: now}
				if rnd.IntN(3) > 0 {
					u.Email = fmt.Sprintf("%s%d@%s.example", text(3), i, text(2))
				}
				if rnd.IntN(3) == 0 {
					u.Phone = fmt.Sprintf("+1%03d%04d", i, rnd.IntN(10000))
				}
				if i%7 == 0 {
					u.ProjectID = "p2"
				}
				rows.Users = append(rows.Users, u)
			}
			// More users than a total counts, with one word in common: the
			// SQLite page then walks the list's order.
			for i := range storage.MaxTotal + 100 {
				rows.Users = append(rows.Users, &storage.User{ProjectID: "p1", ID: fmt.Sprintf("c%05d", i), Name: "Common Bulk",
					Hash: "argon2", Prefs: []byte("{}"), CreatedAt: now.Add(time.Duration(i) * time.Millisecond), UpdatedAt: now, Registration: now})
			}
			if err := s.BulkInsert(ctx, rows); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 400; i += 11 {
				if err := s.DeleteUser(ctx, "p1", fmt.Sprintf("u%03d", i)); err != nil && i%7 != 0 {
					t.Fatal(err)
				}
			}

			// The searches: pieces of the stored text in other cases, random
			// text, several terms, quoted phrases, and the common word.
			searches := []string{"common", "COMMON bulk", `"common bulk"`, "mon", "co", "c0001", "bulk ab", "Common xyz"}
			for range 100 {
				u := rows.Users[rnd.IntN(400)]
				src := []string{u.ID, u.Name, u.Email, u.Phone}[rnd.IntN(4)]
				r := []rune(src)
				if len(r) == 0 {
					continue
				}
				from := rnd.IntN(len(r))
				piece := string(r[from:min(len(r), from+1+rnd.IntN(5))])
				switch rnd.IntN(5) {
				case 0:
					piece = strings.ToUpper(piece)
				case 1:
					piece = `"` + piece + `"`
				case 2:
					piece += " " + text(1+rnd.IntN(3))
				case 3:
					piece = text(1 + rnd.IntN(4))
				}
				searches = append(searches, piece)
			}
			indexed := 0
			for _, search := range searches {
				for _, page := range []query.Page{{Limit: 25}, {Limit: 10, Offset: 20}} {
					got, total, err := s.ListUsers(ctx, "p1", storage.UserQuery{Search: search, Page: page})
					if err != nil {
						t.Fatalf("search %q: %v", search, err)
					}
					want, wantTotal := scanSearch(t, s, "p1", search, page)
					if gotIDs := userIDs(got); !slices.Equal(gotIDs, want) || total != wantTotal {
						t.Errorf("search %q %+v: got %v (total %d), want %v (total %d)", search, page, gotIDs, total, want, wantTotal)
					}
				}
				for _, term := range searchTerms(search) {
					if indexable(term) {
						indexed++
						break
					}
				}
			}
			if indexed < len(searches)/4 {
				t.Errorf("only %d of %d searches had a term the index serves", indexed, len(searches))
			}

			// Other orders (one of a nullable column), cursors both ways
			// and pages past the end: on PostgreSQL the page is then chosen
			// among the gathered matches (trgmPage), and must be the one
			// the list's order gives.
			orders := [][]query.Query{
				nil,
				{{Method: "orderDesc", Attribute: "$createdAt"}},
				{{Method: "orderAsc", Attribute: "email"}},
				{{Method: "orderDesc", Attribute: "email"}, {Method: "orderAsc", Attribute: "name"}},
			}
			for i, search := range append([]string{"common", "mon bulk"}, searches[8:20]...) {
				ord := orders[i%len(orders)]
				all := scanSearchAll(t, s, "p1", search, ord)
				pages := []query.Page{{Limit: 25}, {Limit: 5, Offset: len(all)}, {Limit: 5, Offset: len(all) + 3}}
				if len(all) > 2 {
					mid := all[len(all)/2]
					pages = append(pages, query.Page{Limit: 4, CursorAfter: mid}, query.Page{Limit: 4, Offset: 1, CursorBefore: mid},
						query.Page{Limit: 4, CursorAfter: all[len(all)-1]}, query.Page{Limit: 4, CursorBefore: all[0]})
				}
				for _, page := range pages {
					got, total, err := s.ListUsers(ctx, "p1", storage.UserQuery{Search: search, Orders: ord, Page: page})
					if err != nil {
						t.Fatalf("search %q %v %+v: %v", search, ord, page, err)
					}
					want := pageOf(all, page)
					if gotIDs := userIDs(got); !slices.Equal(gotIDs, want) || total != min(len(all), storage.MaxTotal) {
						t.Errorf("search %q %v %+v: got %v (total %d), want %v (total %d)", search, ord, page, gotIDs, total,
							want, min(len(all), storage.MaxTotal))
					}
				}
			}
		})
	}
}

// scanSearch is a search as the four-column condition alone answers it.
func scanSearch(t *testing.T, s *Store, projectID, search string, page query.Page) ([]string, int) {
	t.Helper()
	w, cond := scanCond(projectID, search)
	base := `FROM users WHERE ` + cond
	var total int
	if err := s.r.QueryRow(s.rebind(`SELECT COUNT(*) FROM (SELECT 1 `+base+` LIMIT `+strconv.Itoa(storage.MaxTotal)+`) t`), w.args...).Scan(&total); err != nil {
		t.Fatal(err)
	}
	return queryIDs(t, s, `SELECT id `+base+` ORDER BY created_at, id LIMIT `+w.arg(page.Limit)+` OFFSET `+w.arg(page.Offset), w.args), total
}

// scanCond is the four-column condition of a search in a project.
func scanCond(projectID, search string) (*where, string) {
	w := &where{spec: userList}
	conds := []string{"project_id = " + w.arg(projectID), "deleted_at = 0"}
	for _, term := range searchTerms(search) {
		conds = append(conds, userList.search(w.arg("%"+like(term)+"%")))
	}
	return w, strings.Join(conds, " AND ")
}

// queryIDs runs q and returns the ids it selects.
func queryIDs(t *testing.T, s *Store, q string, args []any) []string {
	t.Helper()
	rows, err := s.r.Query(s.rebind(q), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// scanSearchAll is every user a search finds, in the order ord gives
// (then the id), as the four-column condition alone answers it: NULLs
// first ascending and last descending, as the lists sort them.
func scanSearchAll(t *testing.T, s *Store, projectID, search string, ord []query.Query) []string {
	t.Helper()
	w, cond := scanCond(projectID, search)
	var ob []string
	last := " ASC NULLS FIRST"
	for _, o := range ord {
		last = " ASC NULLS FIRST"
		if o.Method == "orderDesc" {
			last = " DESC NULLS LAST"
		}
		ob = append(ob, userList.columns[o.Attribute]+last)
	}
	if ord == nil {
		ob = append(ob, "created_at ASC")
	}
	ob = append(ob, "id"+strings.TrimSuffix(strings.TrimSuffix(last, " NULLS FIRST"), " NULLS LAST"))
	return queryIDs(t, s, `SELECT id FROM users WHERE `+cond+` ORDER BY `+strings.Join(ob, ", "), w.args)
}

// pageOf is the page p of the ordered ids all: after or before a cursor,
// skipping p.Offset rows away from it.
func pageOf(all []string, p query.Page) []string {
	var out []string
	switch {
	case p.CursorAfter != "":
		rest := all[slices.Index(all, p.CursorAfter)+1:]
		out = rest[min(p.Offset, len(rest)):min(p.Offset+p.Limit, len(rest))]
	case p.CursorBefore != "":
		end := max(0, slices.Index(all, p.CursorBefore)-p.Offset)
		out = all[max(0, end-p.Limit):end]
	default:
		out = all[min(p.Offset, len(all)):min(p.Offset+p.Limit, len(all))]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func userIDs(users []*storage.User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.ID)
	}
	return out
}

// TestUsersSearchWithoutTrgm: on a PostgreSQL database without pg_trgm,
// whose role may not create it, Gatehouse still starts and searches (by
// reading the users), says why it has no index, and builds the index at
// the first start after the extension is installed.
func TestUsersSearchWithoutTrgm(t *testing.T) {
	base := os.Getenv(testdb.EnvPostgres)
	if base == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "gh_notrgm_" + strings.ToLower(secret.Hex(6))
	for _, q := range []string{"CREATE DATABASE " + name, "CREATE ROLE " + name + " LOGIN"} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
		admin.ExecContext(ctx, "DROP ROLE "+name)
	})
	dsn := func(user string) string {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		if user != "" {
			u.User = url.User(user)
			q := u.Query()
			q.Set("search_path", "app")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	super, err := sql.Open("pgx", dsn(""))
	if err != nil {
		t.Fatal(err)
	}
	defer super.Close()
	// The role owns its schema and nothing else: no CREATE on the
	// database, so no extension.
	if _, err := super.ExecContext(ctx, "CREATE SCHEMA app AUTHORIZATION "+name); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, "postgres", dsn(name))
	if err != nil {
		t.Fatalf("open without pg_trgm: %v", err)
	}
	if s.SearchIndexMissing() == "" {
		t.Error("SearchIndexMissing is empty without pg_trgm")
	}
	now := time.Now()
	if err := s.CreateProject(ctx, &storage.Project{ID: "p1", Name: "p1", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	for i, n := range []string{"Ann Smith", "Bob Jones"} {
		u := &storage.User{ProjectID: "p1", ID: fmt.Sprintf("u%d", i), Name: n, Hash: "argon2", Prefs: []byte("{}"),
			CreatedAt: now, UpdatedAt: now, Registration: now}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	search := func(s *Store) {
		t.Helper()
		got, total, err := s.ListUsers(ctx, "p1", storage.UserQuery{Search: "smith", Page: query.Page{Limit: 25}})
		if err != nil || total != 1 || len(got) != 1 || got[0].ID != "u0" {
			t.Errorf("search smith: %v (total %d), %v", userIDs(got), total, err)
		}
	}
	search(s)
	s.Close()

	if _, err := super.ExecContext(ctx, "CREATE EXTENSION pg_trgm"); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, "postgres", dsn(name))
	if err != nil {
		t.Fatalf("open with pg_trgm: %v", err)
	}
	defer s.Close()
	if why := s.SearchIndexMissing(); why != "" {
		t.Errorf("SearchIndexMissing with pg_trgm: %s", why)
	}
	var indexed bool
	if err := s.r.QueryRowContext(ctx, `SELECT to_regclass('app.users_search') IS NOT NULL`).Scan(&indexed); err != nil || !indexed {
		t.Errorf("no users_search index after pg_trgm was installed (%v)", err)
	}
	search(s)
}

// TestUsersSearchSurvivesBackupAndVacuum: users_search is keyed by the
// users' rowids, which neither a backup (VACUUM INTO) nor VACUUM may
// change: after both, with gaps left by purged users, every user is
// found by its name, and writes keep the index in step.
func TestUsersSearchSurvivesBackupAndVacuum(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	s, err := Open(ctx, "sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.CreateProject(ctx, &storage.Project{ID: "p1", Name: "p1", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		u := &storage.User{ProjectID: "p1", ID: fmt.Sprintf("u%02d", i), Name: fmt.Sprintf("Person%02dx", i), Hash: "argon2",
			Prefs: []byte("{}"), CreatedAt: now, UpdatedAt: now, Registration: now}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 60; i += 3 {
		id := fmt.Sprintf("u%02d", i)
		if err := s.DeleteUser(ctx, "p1", id); err != nil {
			t.Fatal(err)
		}
		if err := s.PurgeUser(ctx, "p1", id); err != nil {
			t.Fatal(err)
		}
	}
	check := func(s *Store, what string) {
		t.Helper()
		for i := range 60 {
			got, total, err := s.ListUsers(ctx, "p1", storage.UserQuery{Search: fmt.Sprintf("person%02dx", i), Page: query.Page{Limit: 25}})
			want := 1
			if i%3 == 0 {
				want = 0
			}
			if err != nil || total != want || len(got) != want {
				t.Errorf("%s: search person%02dx: %v (total %d), %v", what, i, userIDs(got), total, err)
			}
		}
	}
	check(s, "before")
	if _, err := s.w.ExecContext(ctx, "VACUUM"); err != nil {
		t.Fatal(err)
	}
	check(s, "after VACUUM")
	dest := filepath.Join(dir, "copy.db")
	if _, err := BackupSQLite(ctx, src, dest, false); err != nil {
		t.Fatal(err)
	}
	s.Close()
	c, err := Open(ctx, "sqlite", dest)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	check(c, "in the backup")
	if _, err := c.UpdateUser(ctx, "p1", "u01", func(u *storage.User) error { u.Name = "Renamed"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.ListUsers(ctx, "p1", storage.UserQuery{Search: "renamed", Page: query.Page{Limit: 25}}); err != nil ||
		len(got) != 1 || got[0].ID != "u01" {
		t.Errorf("search renamed in the backup: %v, %v", userIDs(got), err)
	}
}
