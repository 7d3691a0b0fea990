package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// listSpec is what the query builder knows of one list route's table: the
// Users list and the identity lists share one implementation.
type listSpec struct {
	table string
	// cols lists the columns a row is read with (for scan).
	cols string
	// columns maps the route's query attributes to columns.
	columns map[string]string
	// times are the columns holding Unix microseconds, 0 for none.
	times map[string]bool
	// nullable are the columns that may be NULL.
	nullable map[string]bool
	// labels is the JSON array column of plain [A-Za-z0-9] strings, if any.
	labels string
	// search is the condition one word of a search puts on a row, p being
	// its LIKE pattern's placeholder.
	search func(p string) string
	// indexed: migration 00015's users_search index serves the search
	// (search.go).
	indexed bool
	// what names a row in errors ("list users: ...").
	what string
}

// userList is GET /v1/users.
var userList = &listSpec{
	table: "users",
	cols:  userCols,
	columns: map[string]string{
		"$id": "id", "$createdAt": "created_at", "$updatedAt": "updated_at", "name": "name", "email": "email",
		"phone": "phone", "status": "status", "passwordUpdate": "password_update", "registration": "registration",
		"emailVerification": "email_verification", "phoneVerification": "phone_verification", "labels": "labels",
		"impersonator": "impersonator",
		"accessedAt":   "accessed_at",
	},
	times: map[string]bool{"created_at": true, "updated_at": true, "password_update": true, "registration": true,
		"accessed_at": true},
	nullable: map[string]bool{"email": true, "phone": true},
	labels:   "labels",
	// Search looks for each word in the id, email, phone and name.
	search: func(p string) string {
		return "(LOWER(id) LIKE " + p + ` ESCAPE '\' OR LOWER(COALESCE(email, '')) LIKE ` + p + ` ESCAPE '\'` +
			` OR COALESCE(phone, '') LIKE ` + p + ` ESCAPE '\' OR LOWER(name) LIKE ` + p + ` ESCAPE '\')`
	},
	indexed: true,
	what:    "users",
}

// identityList is GET /v1/users/identities and GET /v1/account/identities.
var identityList = &listSpec{
	table: "identities",
	cols:  identityCols,
	columns: map[string]string{
		"$id": "id", "$createdAt": "created_at", "$updatedAt": "updated_at", "userId": "user_id", "provider": "provider",
		"providerUid": "provider_uid", "providerEmail": "provider_email", "providerAccessTokenExpiry": "provider_access_token_expiry",
	},
	times:    map[string]bool{"created_at": true, "updated_at": true, "provider_access_token_expiry": true},
	nullable: map[string]bool{},
	// Appwrite's identities have no search index; Gatehouse looks for
	// each word in the id, the user id, the provider, its uid and email.
	search: func(p string) string {
		return "(LOWER(id) LIKE " + p + ` ESCAPE '\' OR LOWER(user_id) LIKE ` + p + ` ESCAPE '\' OR LOWER(provider) LIKE ` + p +
			` ESCAPE '\' OR LOWER(provider_uid) LIKE ` + p + ` ESCAPE '\' OR LOWER(provider_email) LIKE ` + p + ` ESCAPE '\')`
	},
	what: "identities",
}

// where builds SQL from validated queries, appending arguments to args.
type where struct {
	spec *listSpec
	args []any
}

func (w *where) arg(v any) string {
	switch x := v.(type) {
	case time.Time:
		v = micros(x)
	}
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func like(v string) string { return likeEscape(strings.ToLower(v)) }

func (w *where) expr(q query.Query) (string, error) {
	if q.Method == "and" || q.Method == "or" {
		if len(q.Nested) == 0 {
			return "1=1", nil
		}
		parts := make([]string, len(q.Nested))
		for i, n := range q.Nested {
			p, err := w.expr(n)
			if err != nil {
				return "", err
			}
			parts[i] = "(" + p + ")"
		}
		return strings.Join(parts, " "+strings.ToUpper(q.Method)+" "), nil
	}
	col, ok := w.spec.columns[q.Attribute]
	if !ok {
		return "", fmt.Errorf("unknown attribute %q", q.Attribute)
	}
	if col == w.spec.labels {
		// Labels are a JSON array of plain [A-Za-z0-9] strings, so the
		// quoted label is an exact element match in its text.
		var parts []string
		for _, v := range q.Values {
			s, _ := v.(string)
			parts = append(parts, col+" LIKE "+w.arg(`%"`+likeEscape(s)+`"%`)+` ESCAPE '\'`)
		}
		switch q.Method {
		case "contains", "equal":
			return strings.Join(parts, " OR "), nil
		case "notContains", "notEqual":
			return "NOT (" + strings.Join(parts, " OR ") + ")", nil
		case "isNull":
			return col + " = '[]'", nil
		case "isNotNull":
			return col + " <> '[]'", nil
		}
		return "", fmt.Errorf("%s is not supported on %s", q.Method, q.Attribute)
	}
	cmp := func(op string) string {
		parts := make([]string, len(q.Values))
		for i, v := range q.Values {
			parts[i] = col + " " + op + " " + w.arg(v)
		}
		return strings.Join(parts, " OR ")
	}
	lower := "LOWER(COALESCE(" + col + ", ''))"
	likeAny := func(pattern func(string) string) string {
		parts := make([]string, len(q.Values))
		for i, v := range q.Values {
			s, _ := v.(string)
			parts[i] = lower + " LIKE " + w.arg(pattern(like(s))) + ` ESCAPE '\'`
		}
		return strings.Join(parts, " OR ")
	}
	isTime := w.spec.times[col]
	if isTime {
		if c, ok := w.timeExpr(col, q); ok {
			return c, nil
		}
	}
	switch q.Method {
	case "equal":
		return cmp("="), nil
	case "notEqual":
		return "NOT (" + cmp("=") + ")", nil
	case "lessThan":
		return cmp("<"), nil
	case "lessThanEqual":
		return cmp("<="), nil
	case "greaterThan":
		return cmp(">"), nil
	case "greaterThanEqual":
		return cmp(">="), nil
	case "between":
		return col + " BETWEEN " + w.arg(q.Values[0]) + " AND " + w.arg(q.Values[1]), nil
	case "notBetween":
		return col + " NOT BETWEEN " + w.arg(q.Values[0]) + " AND " + w.arg(q.Values[1]), nil
	case "contains", "search":
		return likeAny(func(s string) string { return "%" + s + "%" }), nil
	case "notContains", "notSearch":
		return "NOT (" + likeAny(func(s string) string { return "%" + s + "%" }) + ")", nil
	case "startsWith":
		return likeAny(func(s string) string { return s + "%" }), nil
	case "notStartsWith":
		return "NOT (" + likeAny(func(s string) string { return s + "%" }) + ")", nil
	case "endsWith":
		return likeAny(func(s string) string { return "%" + s }), nil
	case "notEndsWith":
		return "NOT (" + likeAny(func(s string) string { return "%" + s }) + ")", nil
	case "isNull":
		if isTime {
			return col + " = 0", nil
		}
		return col + " IS NULL", nil
	case "isNotNull":
		if isTime {
			return col + " <> 0", nil
		}
		return col + " IS NOT NULL", nil
	}
	return "", fmt.Errorf("unsupported query method %q", q.Method)
}

// timeExpr compares a time column as Appwrite does: to the millisecond.
// Rows hold microseconds, the wire shows milliseconds, so a value read
// from a response must find its row: a stored time t counts as t cut to
// its millisecond, m(t). ok is false for the methods it does not handle.
func (w *where) timeExpr(col string, q query.Query) (string, bool) {
	// floor and ceil are v's microseconds rounded down and up to a
	// millisecond; m(t) <= v is t < floor(v)+1ms, m(t) >= v is
	// t >= ceil(v).
	floor := func(v any) int64 {
		t, _ := v.(time.Time)
		us := micros(t)
		r := us % 1000
		if r < 0 {
			r += 1000
		}
		return us - r
	}
	ceil := func(v any) int64 {
		f := floor(v)
		t, _ := v.(time.Time)
		if micros(t) != f {
			return f + 1000
		}
		return f
	}
	atMost := func(v any) string { return col + " < " + w.arg(floor(v)+1000) }
	atLeast := func(v any) string { return col + " >= " + w.arg(ceil(v)) }
	each := func(f func(v any) string) string {
		parts := make([]string, len(q.Values))
		for i, v := range q.Values {
			parts[i] = f(v)
		}
		return strings.Join(parts, " OR ")
	}
	equal := func(v any) string {
		if floor(v) != ceil(v) {
			return "1=0" // no millisecond equals a value between two
		}
		return "(" + atLeast(v) + " AND " + atMost(v) + ")"
	}
	switch q.Method {
	case "equal":
		return each(equal), true
	case "notEqual":
		return "NOT (" + each(equal) + ")", true
	case "lessThan":
		return each(func(v any) string { return col + " < " + w.arg(ceil(v)) }), true
	case "lessThanEqual":
		return each(atMost), true
	case "greaterThan":
		return each(func(v any) string { return col + " >= " + w.arg(floor(v)+1000) }), true
	case "greaterThanEqual":
		return each(atLeast), true
	case "between":
		return "(" + atLeast(q.Values[0]) + " AND " + atMost(q.Values[1]) + ")", true
	case "notBetween":
		return "NOT (" + atLeast(q.Values[0]) + " AND " + atMost(q.Values[1]) + ")", true
	}
	return "", false
}

// searchTerms splits a search into the terms every row must hold: words,
// and "quoted phrases" taken whole, as in Appwrite's full-text search.
func searchTerms(search string) []string {
	var terms []string
	for i, part := range strings.Split(search, `"`) {
		if i%2 == 1 {
			// Inside quotes (an unclosed quote runs to the end).
			if p := strings.TrimSpace(part); p != "" {
				terms = append(terms, p)
			}
			continue
		}
		terms = append(terms, strings.Fields(part)...)
	}
	return terms
}

// order is one ORDER BY term.
type order struct {
	col  string
	desc bool
}

// scope gives the conditions every row of a list (and its cursor) must
// meet, whatever the queries say: the project, and for the Account API
// the caller. Each call adds its arguments to w.
type scope func(w *where) []string

func (s *Store) ListUsers(ctx context.Context, projectID string, uq storage.UserQuery) ([]*storage.User, int, error) {
	in := func(w *where) []string { return []string{"project_id = " + w.arg(projectID), "deleted_at = 0"} }
	return list(ctx, s, userList, in, uq, scanUser)
}

func (s *Store) FindIdentities(ctx context.Context, projectID, userID string, q storage.ListQuery) ([]*storage.Identity, int, error) {
	in := func(w *where) []string {
		conds := []string{"project_id = " + w.arg(projectID)}
		if userID != "" {
			conds = append(conds, "user_id = "+w.arg(userID))
		}
		return conds
	}
	return list(ctx, s, identityList, in, q, scanIdentity)
}

// list runs a list route's query over spec's table: the rows in scope
// matching lq's filters and search, in its order, after or before its
// cursor, one page; and the total, which ignores cursors and paging.
func list[T any](ctx context.Context, s *Store, spec *listSpec, in scope, lq storage.ListQuery, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, int, error) {
	w := &where{spec: spec}
	conds := in(w)
	for _, f := range lq.Filters {
		c, err := w.expr(f)
		if err != nil {
			return nil, 0, err
		}
		conds = append(conds, "("+c+")")
	}
	// fts is the users_search match narrowing a search on SQLite; trgm
	// says the trigram index narrows it on PostgreSQL.
	var fts []string
	trgm := false
	for _, word := range searchTerms(lq.Search) {
		p := w.arg("%" + like(word) + "%")
		switch {
		case !spec.indexed || !indexable(word):
			conds = append(conds, spec.search(p))
		case s.engine == "postgres":
			conds = append(conds, searchExprPG+" LIKE "+p+` ESCAPE '\'`)
			trgm = true
		default:
			conds = append(conds, spec.search(p))
			fts = append(fts, ftsPhrase(strings.ToLower(word)))
		}
	}
	var orders []order
	for _, o := range lq.Orders {
		col, ok := spec.columns[o.Attribute]
		if !ok || col == spec.labels {
			return nil, 0, fmt.Errorf("cannot order by %q", o.Attribute)
		}
		orders = append(orders, order{col: col, desc: o.Method == "orderDesc"})
	}
	if len(orders) == 0 {
		orders = []order{{col: "created_at"}}
	}
	// The id breaks ties so pages and cursors are stable.
	orders = append(orders, order{col: "id", desc: orders[len(orders)-1].desc})
	base := strings.Join(conds, " AND ")
	baseArgs := w.args[:len(w.args):len(w.args)]

	reverse := false
	cursor, before := lq.Page.CursorAfter, false
	if lq.Page.CursorBefore != "" {
		cursor, before = lq.Page.CursorBefore, true
	}
	after := ""
	if cursor != "" {
		cond, err := s.cursorCond(ctx, w, in, cursor, orders, before)
		if err != nil {
			return nil, 0, err
		}
		after = cond
		reverse = before
	}
	ob := orderBy(spec, orders, reverse)
	page := &listPage[T]{spec: spec, scan: scan, reverse: reverse}

	if trgm {
		n := len(w.args)
		out, total, ok, err := trgmPage(ctx, s, w, in, base, baseArgs, after, ob, orders, lq.Page, page)
		if err != nil || ok {
			return out, total, err
		}
		// The matches reached MaxTotal: the page walks the list's order,
		// with none of trgmPage's arguments.
		w.args = w.args[:n]
	}

	// The total stops counting at MaxTotal so it never scans more than
	// that many rows.
	from := spec.table
	switch {
	case trgm:
		// trgmPage found MaxTotal matches: the total is known.
	case fts != nil:
		// SQLite: one pass over the FTS5 match gives the total and the
		// matching rows; the page then reads only those (a second match
		// would cost as much again). When there are MaxTotal of them the
		// page walks the list's order instead, which finds common words
		// sooner than sorting them all.
		found, n, err := s.searchRows(ctx, base, baseArgs, strings.Join(fts, " "))
		if err != nil {
			return nil, 0, fmt.Errorf("count %s: %w", spec.what, err)
		}
		if page.total = n; n < storage.MaxTotal {
			from = searchPageFromSQLite(w.arg(found))
		}
	default:
		n, err := s.countRows(ctx, spec, base, baseArgs)
		if err != nil {
			return nil, 0, err
		}
		page.total = n
	}
	if after != "" {
		conds = append(conds, after)
	}
	q := `SELECT ` + spec.cols + ` FROM ` + from + ` WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY ` + ob +
		` LIMIT ` + w.arg(lq.Page.Limit) + ` OFFSET ` + w.arg(lq.Page.Offset)
	out, err := page.read(ctx, s, q, w.args, nil)
	return out, page.total, err
}

// countRows counts the rows in spec's table meeting cond, up to MaxTotal.
func (s *Store) countRows(ctx context.Context, spec *listSpec, cond string, args []any) (int, error) {
	var total int
	if err := s.r.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM (SELECT 1 FROM `+spec.table+` WHERE `+cond+` LIMIT `+
		strconv.Itoa(storage.MaxTotal)+`) t`), args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count %s: %w", spec.what, err)
	}
	return total, nil
}

// orderBy is the ORDER BY list of orders, each reversed when reverse is
// set (a page before a cursor is read backwards).
func orderBy(spec *listSpec, orders []order, reverse bool) string {
	var ob []string
	for _, o := range orders {
		desc := o.desc != reverse
		dir := " ASC"
		if desc {
			dir = " DESC"
		}
		switch {
		case !spec.nullable[o.col]:
			// A plain ORDER BY lets the engine walk an index and stop
			// after one page.
			ob = append(ob, o.col+dir)
		case desc:
			// NULLs sort first ascending and last descending on both
			// engines, as the cursor condition expects.
			ob = append(ob, "("+o.col+" IS NULL) ASC, "+o.col+dir)
		default:
			ob = append(ob, "("+o.col+" IS NULL) DESC, "+o.col+dir)
		}
	}
	return strings.Join(ob, ", ")
}

// trgmPage answers a PostgreSQL search the trigram index narrows in one
// pass over its matches. Counting them and then reading a page in the
// list's order read every matching row twice: a word in 0.4% of a
// million users has its 4,000 matches on as many table pages, each read
// and rechecked once for the count and once more to sort them (50 ms a
// request, half of it the second pass). Here the matches' ids and order
// columns are gathered once (at most MaxTotal of them), the total is
// their number and the page is sorted among them, and only the page's
// rows are read in full. ok is false when the matches reached MaxTotal:
// the gathered ones are then an arbitrary subset, and the caller walks
// the list's order instead.
func trgmPage[T any](ctx context.Context, s *Store, w *where, in scope, base string, baseArgs []any, after, ob string, orders []order,
	p query.Page, page *listPage[T]) (out []T, total int, ok bool, err error) {
	cols := []string{"id"}
	for _, o := range orders {
		if !slices.Contains(cols, o.col) {
			cols = append(cols, o.col)
		}
	}
	// The gathered rows' columns keep their names, so the cursor
	// condition and the ORDER BY apply to them unchanged.
	cond := ""
	if after != "" {
		cond = ` WHERE ` + after
	}
	q := `WITH m AS MATERIALIZED (SELECT ` + strings.Join(cols, ", ") + ` FROM ` + page.spec.table + ` WHERE ` + base +
		` LIMIT ` + strconv.Itoa(storage.MaxTotal) + `)
		SELECT (SELECT COUNT(*) FROM m), ` + page.spec.cols + ` FROM ` + page.spec.table + ` WHERE ` + strings.Join(in(w), " AND ") +
		` AND id IN (SELECT id FROM m` + cond + ` ORDER BY ` + ob + ` LIMIT ` + w.arg(p.Limit) + ` OFFSET ` + w.arg(p.Offset) +
		`) ORDER BY ` + ob
	page.total = -1
	out, err = page.read(ctx, s, q, w.args, &page.total)
	if err != nil {
		return nil, 0, false, err
	}
	if page.total < 0 {
		// An empty page (past the end, or past the cursor) carries no
		// total.
		if page.total, err = s.countRows(ctx, page.spec, base, baseArgs); err != nil {
			return nil, 0, false, err
		}
	}
	if page.total >= storage.MaxTotal {
		return nil, 0, false, nil
	}
	return out, page.total, true, nil
}

// listPage reads one page of a list.
type listPage[T any] struct {
	spec    *listSpec
	scan    func(interface{ Scan(...any) error }) (T, error)
	reverse bool
	total   int
}

// read runs q and scans its rows, each led by the total into *total when
// total is not nil.
func (p *listPage[T]) read(ctx context.Context, s *Store, q string, args []any, total *int) ([]T, error) {
	rows, err := s.r.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", p.spec.what, err)
	}
	defer rows.Close()
	var src interface{ Scan(...any) error } = rows
	if total != nil {
		src = totalLed{rows: rows, total: total}
	}
	var out []T
	for rows.Next() {
		v, err := p.scan(src)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p.reverse {
		slices.Reverse(out)
	}
	return out, nil
}

// totalLed scans a row whose first column is the list's total.
type totalLed struct {
	rows  *sql.Rows
	total *int
}

func (t totalLed) Scan(dest ...any) error {
	return t.rows.Scan(append([]any{t.total}, dest...)...)
}

// ErrCursor means a cursor names no row in the list's scope: not of the
// project, not the caller's, or gone.
var ErrCursor = fmt.Errorf("%w: cursor", storage.ErrNotFound)

// cursorCond is the keyset condition "after (or before) the cursor row in
// this order": (a > x) OR (a = x AND b > y) ...
func (s *Store) cursorCond(ctx context.Context, w *where, in scope, id string, orders []order, before bool) (string, error) {
	cols := make([]string, len(orders))
	for i, o := range orders {
		cols[i] = o.col
	}
	vals := make([]any, len(orders))
	ptrs := make([]any, len(orders))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	// The cursor row must be in the list's scope, or a caller could learn
	// where a row it may not see sorts.
	cw := &where{spec: w.spec}
	conds := append(in(cw), "id = "+cw.arg(id))
	err := s.r.QueryRowContext(ctx, s.rebind(`SELECT `+strings.Join(cols, ", ")+` FROM `+w.spec.table+` WHERE `+strings.Join(conds, " AND ")),
		cw.args...).Scan(ptrs...)
	if err != nil {
		if notFound(err) == storage.ErrNotFound {
			return "", ErrCursor
		}
		return "", fmt.Errorf("read cursor: %w", err)
	}
	var ors []string
	for i := range orders {
		var ands []string
		for j := 0; j < i; j++ {
			if vals[j] == nil {
				ands = append(ands, orders[j].col+" IS NULL")
			} else {
				ands = append(ands, orders[j].col+" = "+w.arg(vals[j]))
			}
		}
		after := orders[i].desc == before // ascending "after" means greater
		op := ">"
		if !after {
			op = "<"
		}
		switch {
		case vals[i] == nil && op == ">":
			// NULLs come first: everything non-null is after a null.
			ands = append(ands, orders[i].col+" IS NOT NULL")
		case vals[i] == nil:
			continue // nothing is before a null
		case op == "<":
			ands = append(ands, "("+orders[i].col+" IS NULL OR "+orders[i].col+" < "+w.arg(vals[i])+")")
		default:
			ands = append(ands, orders[i].col+" > "+w.arg(vals[i]))
		}
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	if len(ors) == 0 {
		return "1=0", nil
	}
	cond := "(" + strings.Join(ors, " OR ") + ")"
	if first := orders[0]; vals[0] != nil && !w.spec.nullable[first.col] {
		// Implied by the OR, but only this form lets the engines start an
		// index range at the cursor instead of walking to it from the
		// list's start.
		op := ">="
		if first.desc != before {
			op = "<="
		}
		cond = first.col + " " + op + " " + w.arg(vals[0]) + " AND " + cond
	}
	return cond, nil
}
