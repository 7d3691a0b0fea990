package sqlstore

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"
)

// rawFixture makes a database file with one table and returns a pool of
// raw connections running queries on it.
func rawFixture(t *testing.T, queries [lookupKinds]string) (*rawLookups, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "raw.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (k TEXT PRIMARY KEY, s TEXT, n INTEGER, b INTEGER, z TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO t VALUES ('a', 'héllo' || char(0) || 'x', 42, 1, NULL), ('b', '', -7, 2, 'z')`); err != nil {
		t.Fatal(err)
	}
	r, err := openRawLookups(path, 2, queries)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.close)
	return r, db
}

var rawQueries = [lookupKinds]string{
	lookupFull: `SELECT s, n, b, z, z FROM t WHERE k = ?1`,
	lookupLite: `SELECT s, n FROM t WHERE k = ?1 AND ?2 = ?2 AND ?3 = ?3`,
}

// TestRawLookupValues: values arrive as Row.Scan would store them,
// including text with a NUL inside, NULL and booleans.
func TestRawLookupValues(t *testing.T) {
	r, _ := rawFixture(t, rawQueries)
	var s string
	var n int64
	var b bool
	var z *string
	var zn sql.NullString
	if err := r.query(lookupFull, []any{&s, &n, &b, &z, &zn}, "a"); err != nil {
		t.Fatal(err)
	}
	if s != "héllo\x00x" || n != 42 || !b || z != nil || zn.Valid {
		t.Fatalf("got %q %d %v %v %v", s, n, b, z, zn)
	}
	if err := r.query(lookupLite, []any{&s, &n}, "b", "p", "u"); err != nil || s != "" || n != -7 {
		t.Fatalf("got %q %d, %v", s, n, err)
	}
	if err := r.query(lookupLite, []any{&s, &n}, "nobody", "p", "u"); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("missing row: %v", err)
	}
}

// TestRawLookupRefuses: what Scan would refuse is refused, and the
// connection stays usable after it.
func TestRawLookupRefuses(t *testing.T) {
	r, _ := rawFixture(t, rawQueries)
	var s, s2 string
	var n int64
	var b bool
	var z *string
	cases := []struct {
		name string
		dest []any
		key  string
		want string
	}{
		{"NULL into a string", []any{&s, &n, &b, &z, &s2}, "a", "into a string"},
		{"2 into a bool", []any{&s, &n, &b, &z, &z}, "b", "other than 0 or 1"},
		{"text into an integer", []any{&s, &s2, &b, &z, &z}, "a", "type 1 into a string"},
		{"too few destinations", []any{&s}, "a", "1 destinations for 5 columns"},
		{"unsupported type", []any{&s, new(int), &b, &z, &z}, "a", "unsupported destination"},
	}
	for _, c := range cases {
		if err := r.query(lookupFull, c.dest, c.key); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if err := r.query(lookupLite, []any{&s, &n}, "a", "p", "u"); err != nil || n != 42 {
		t.Fatalf("after refusals: %d, %v", n, err)
	}
}

// TestRawLookupSeesWrites: each lookup reads the latest committed state,
// concurrently with the writer.
func TestRawLookupSeesWrites(t *testing.T) {
	r, db := rawFixture(t, rawQueries)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			var s string
			var n int64
			for range 200 {
				if err := r.query(lookupLite, []any{&s, &n}, "a", "p", "u"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 50 {
		if _, err := db.Exec(`UPDATE t SET n = ? WHERE k = 'a'`, i); err != nil {
			t.Fatal(err)
		}
		var s string
		var n int64
		if err := r.query(lookupLite, []any{&s, &n}, "a", "p", "u"); err != nil || n != int64(i) {
			t.Fatalf("after writing %d: read %d, %v", i, n, err)
		}
	}
	wg.Wait()
}

// TestRawLookupClosed: a lookup after close, or waiting during it, gets
// an error, not a hang or a crash.
func TestRawLookupClosed(t *testing.T) {
	r, _ := rawFixture(t, rawQueries)
	r.close()
	var s string
	var n int64
	if err := r.query(lookupLite, []any{&s, &n}, "a", "p", "u"); !errors.Is(err, errRawClosed) {
		t.Fatalf("after close: %v", err)
	}
}

// TestRawLookupOpenErrors: a missing file or a bad query fails the open.
func TestRawLookupOpenErrors(t *testing.T) {
	if _, err := openRawLookups(filepath.Join(t.TempDir(), "none.db"), 1, rawQueries); err == nil {
		t.Error("opened a missing file")
	}
	bad := rawQueries
	bad[lookupLite] = `SELECT k FROM nowhere`
	path := filepath.Join(t.TempDir(), "bad.db")
	w, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec(`CREATE TABLE t (k TEXT, s TEXT, n INTEGER, b INTEGER, z TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := openRawLookups(path, 2, bad); err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Errorf("bad query: %v", err)
	}
}

// TestOpenInMemoryRefused: an in-memory SQLite database, which each
// connection of the pools would open anew, is refused with a clear error
// instead of failing later for want of tables.
func TestOpenInMemoryRefused(t *testing.T) {
	for _, dsn := range []string{":memory:", "file:x.db?mode=memory"} {
		_, err := Open(t.Context(), "sqlite", dsn)
		if err == nil || !strings.Contains(err.Error(), "give the path of a file") {
			t.Errorf("Open(%q) = %v", dsn, err)
		}
	}
}
