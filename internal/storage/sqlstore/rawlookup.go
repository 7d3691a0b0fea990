package sqlstore

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// The session lookup on SQLite, without database/sql.
//
// Every authenticated request checks its session, so this one query is
// the hot path. Through database/sql and the driver each run of it costs
// far more than SQLite's own work: the driver looks up and copies every
// column's name and declared type on every query, each value travels
// boxed through driver.Value and is converted by reflection in Scan, and
// a Row, a Rows and their locks come and go. By profile that overhead was
// about half of the lookup. Here a few connections of our own hold the
// lookups prepared once, and a query binds, steps, copies the values it
// needs straight into the caller's variables, and resets.
//
// These connections only read (query_only), each is used by one goroutine
// at a time (so SQLite's own mutexes are off), and each query is its own
// read transaction in WAL mode, so it sees every write committed before it
// started, as the database/sql pool does. PostgreSQL and in-memory SQLite
// databases (which a second connection could not see) keep the
// database/sql path.

// lookupKind names a prepared lookup on every raw connection.
type lookupKind int

const (
	lookupFull lookupKind = iota
	lookupLite
	lookupKinds
)

// rawLookups is a small pool of SQLite connections for the lookups.
type rawLookups struct {
	free   chan *rawConn
	n      int
	closed atomic.Bool
}

// rawConn is one connection with its statements. tls is the C runtime
// state the library needs per caller; the pool hands a connection to one
// goroutine at a time, which is all it asks.
type rawConn struct {
	tls   *libc.TLS
	db    uintptr
	stmts [lookupKinds]uintptr
	cols  [lookupKinds]int
}

// errRawClosed is a lookup after the store closed.
var errRawClosed = errors.New("sqlite: store closed")

// openRawLookups opens n connections to the database file at path, each
// with the queries prepared (indexed by lookupKind).
func openRawLookups(path string, n int, queries [lookupKinds]string) (*rawLookups, error) {
	r := &rawLookups{free: make(chan *rawConn, n), n: n}
	for range n {
		c, err := openRawConn(path, queries)
		if err != nil {
			for range len(r.free) {
				(<-r.free).close()
			}
			return nil, err
		}
		r.free <- c
	}
	return r, nil
}

func openRawConn(path string, queries [lookupKinds]string) (_ *rawConn, err error) {
	c := &rawConn{tls: libc.NewTLS()}
	defer func() {
		if err != nil {
			c.close()
		}
	}()
	cpath, err := libc.CString(path)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(c.tls, cpath)
	out := libc.Xmalloc(c.tls, types.Size_t(unsafe.Sizeof(uintptr(0))))
	if out == 0 {
		return nil, errors.New("sqlite: out of memory")
	}
	defer libc.Xfree(c.tls, out)
	// No SQLITE_OPEN_CREATE: the store's own pool made the file and its
	// schema first, and a missing file here is an error, not a new one.
	rc := sqlite3.Xsqlite3_open_v2(c.tls, cpath, out, sqlite3.SQLITE_OPEN_READWRITE|sqlite3.SQLITE_OPEN_NOMUTEX, 0)
	c.db = readPtr(out)
	if rc != sqlite3.SQLITE_OK {
		return nil, c.errorf("open", rc)
	}
	sqlite3.Xsqlite3_extended_result_codes(c.tls, c.db, 1)
	sqlite3.Xsqlite3_busy_timeout(c.tls, c.db, 10000)
	if err := c.exec("PRAGMA query_only = 1"); err != nil {
		return nil, err
	}
	for k, q := range queries {
		csql, err := libc.CString(q)
		if err != nil {
			return nil, err
		}
		rc := sqlite3.Xsqlite3_prepare_v2(c.tls, c.db, csql, -1, out, 0)
		libc.Xfree(c.tls, csql)
		if rc != sqlite3.SQLITE_OK {
			return nil, c.errorf("prepare", rc)
		}
		c.stmts[k] = readPtr(out)
		c.cols[k] = int(sqlite3.Xsqlite3_column_count(c.tls, c.stmts[k]))
	}
	return c, nil
}

// readPtr reads the pointer SQLite wrote at p (an out parameter in C
// memory), 4 or 8 bytes as the platform's pointers are.
func readPtr(p uintptr) uintptr {
	b := libc.GoBytes(p, int(unsafe.Sizeof(p)))
	if len(b) == 4 {
		return uintptr(binary.NativeEndian.Uint32(b))
	}
	return uintptr(binary.NativeEndian.Uint64(b))
}

func (c *rawConn) exec(q string) error {
	csql, err := libc.CString(q)
	if err != nil {
		return err
	}
	defer libc.Xfree(c.tls, csql)
	if rc := sqlite3.Xsqlite3_exec(c.tls, c.db, csql, 0, 0, 0); rc != sqlite3.SQLITE_OK {
		return c.errorf(q, rc)
	}
	return nil
}

func (c *rawConn) errorf(what string, rc int32) error {
	msg := "unknown error"
	if c.db != 0 {
		msg = libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db))
	}
	return fmt.Errorf("sqlite %s: %s (%d)", what, msg, rc)
}

func (c *rawConn) close() {
	for _, st := range c.stmts {
		if st != 0 {
			sqlite3.Xsqlite3_finalize(c.tls, st)
		}
	}
	if c.db != 0 {
		sqlite3.Xsqlite3_close_v2(c.tls, c.db)
	}
	c.tls.Close()
}

// close waits for every connection to come back, then closes them all.
func (r *rawLookups) close() {
	if r.closed.Swap(true) {
		return
	}
	for range r.n {
		(<-r.free).close()
	}
	close(r.free) // wakes lookups still waiting, with errRawClosed
}

// query runs lookup k with args bound to ?1, ?2, ... and stores the one
// row's columns in dest, as Row.Scan would (sql.ErrNoRows when there is
// none). dest takes *string, **string, *sql.NullString, *int64, *bool and
// *sql.NullBool.
func (r *rawLookups) query(k lookupKind, dest []any, args ...string) error {
	if r.closed.Load() {
		return errRawClosed
	}
	c, ok := <-r.free
	if !ok {
		return errRawClosed
	}
	err := c.query(k, dest, args)
	r.free <- c
	return err
}

func (c *rawConn) query(k lookupKind, dest []any, args []string) error {
	st := c.stmts[k]
	if len(dest) != c.cols[k] {
		return fmt.Errorf("sqlite lookup: %d destinations for %d columns", len(dest), c.cols[k])
	}
	defer sqlite3.Xsqlite3_reset(c.tls, st)
	for i, a := range args {
		p, err := libc.CString(a)
		if err != nil {
			return err
		}
		// SQLITE_TRANSIENT: SQLite copies the value, so it is freed at once.
		rc := sqlite3.Xsqlite3_bind_text(c.tls, st, int32(i+1), p, int32(len(a)), sqlite3.SQLITE_TRANSIENT)
		libc.Xfree(c.tls, p)
		if rc != sqlite3.SQLITE_OK {
			return c.errorf("bind", rc)
		}
	}
	switch rc := sqlite3.Xsqlite3_step(c.tls, st); rc {
	case sqlite3.SQLITE_ROW:
	case sqlite3.SQLITE_DONE:
		return sql.ErrNoRows
	default:
		return c.errorf("step", rc)
	}
	for i, d := range dest {
		if err := c.column(st, int32(i), d); err != nil {
			return fmt.Errorf("sqlite lookup: column %d: %w", i, err)
		}
	}
	return nil
}

// column stores column i of the current row in d.
func (c *rawConn) column(st uintptr, i int32, d any) error {
	typ := sqlite3.Xsqlite3_column_type(c.tls, st, i)
	switch d := d.(type) {
	case *string:
		if typ != sqlite3.SQLITE_TEXT {
			return fmt.Errorf("type %d into a string", typ)
		}
		*d = c.text(st, i)
	case **string:
		switch typ {
		case sqlite3.SQLITE_NULL:
			*d = nil
		case sqlite3.SQLITE_TEXT:
			s := c.text(st, i)
			*d = &s
		default:
			return fmt.Errorf("type %d into a string", typ)
		}
	case *sql.NullString:
		switch typ {
		case sqlite3.SQLITE_NULL:
			*d = sql.NullString{}
		case sqlite3.SQLITE_TEXT:
			*d = sql.NullString{String: c.text(st, i), Valid: true}
		default:
			return fmt.Errorf("type %d into a string", typ)
		}
	case *int64:
		if typ != sqlite3.SQLITE_INTEGER {
			return fmt.Errorf("type %d into an integer", typ)
		}
		*d = sqlite3.Xsqlite3_column_int64(c.tls, st, i)
	case *sql.NullBool:
		if typ == sqlite3.SQLITE_NULL {
			*d = sql.NullBool{}
			return nil
		}
		d.Valid = true
		return c.column(st, i, &d.Bool)
	case *bool:
		if typ != sqlite3.SQLITE_INTEGER {
			return fmt.Errorf("type %d into a bool", typ)
		}
		switch sqlite3.Xsqlite3_column_int64(c.tls, st, i) {
		case 0:
			*d = false
		case 1:
			*d = true
		default:
			return errors.New("an integer other than 0 or 1 into a bool")
		}
	default:
		return fmt.Errorf("unsupported destination %T", d)
	}
	return nil
}

// text copies a TEXT column into a Go string: one allocation, and none
// for an empty one.
func (c *rawConn) text(st uintptr, i int32) string {
	p := sqlite3.Xsqlite3_column_text(c.tls, st, i)
	n := int(sqlite3.Xsqlite3_column_bytes(c.tls, st, i))
	if p == 0 || n == 0 {
		return ""
	}
	return string(libc.GoBytes(p, n))
}
