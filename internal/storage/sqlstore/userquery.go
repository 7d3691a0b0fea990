package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// userColumns maps the Users API's query attributes to columns.
var userColumns = map[string]string{
	"$id": "id", "$createdAt": "created_at", "$updatedAt": "updated_at", "name": "name", "email": "email",
	"phone": "phone", "status": "status", "passwordUpdate": "password_update", "registration": "registration",
	"emailVerification": "email_verification", "phoneVerification": "phone_verification", "labels": "labels",
}

// where builds SQL from validated queries, appending arguments to args.
type where struct {
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
	col, ok := userColumns[q.Attribute]
	if !ok {
		return "", fmt.Errorf("unknown attribute %q", q.Attribute)
	}
	isLabels := col == "labels"
	if isLabels {
		// Labels are a JSON array of plain [A-Za-z0-9] strings, so the
		// quoted label is an exact element match in its text.
		var parts []string
		for _, v := range q.Values {
			s, _ := v.(string)
			parts = append(parts, "labels LIKE "+w.arg(`%"`+likeEscape(s)+`"%`)+` ESCAPE '\'`)
		}
		switch q.Method {
		case "contains", "equal":
			return strings.Join(parts, " OR "), nil
		case "notContains", "notEqual":
			return "NOT (" + strings.Join(parts, " OR ") + ")", nil
		case "isNull":
			return "labels = '[]'", nil
		case "isNotNull":
			return "labels <> '[]'", nil
		}
		return "", fmt.Errorf("%s is not supported on labels", q.Method)
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
	isTime := col == "created_at" || col == "updated_at" || col == "password_update" || col == "registration"
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

// nullableColumn: only email and phone may be NULL in users.
func nullableColumn(col string) bool { return col == "email" || col == "phone" }

// order is one ORDER BY term.
type order struct {
	col  string
	desc bool
}

func (s *Store) ListUsers(ctx context.Context, projectID string, uq storage.UserQuery) ([]*storage.User, int, error) {
	w := &where{}
	conds := []string{"project_id = " + w.arg(projectID), "deleted_at = 0"}
	for _, f := range uq.Filters {
		c, err := w.expr(f)
		if err != nil {
			return nil, 0, err
		}
		conds = append(conds, "("+c+")")
	}
	if uq.Search != "" {
		// Search looks for each word in the id, email, phone and name.
		for _, word := range strings.Fields(uq.Search) {
			p := w.arg("%" + like(word) + "%")
			conds = append(conds, "(LOWER(id) LIKE "+p+` ESCAPE '\' OR LOWER(COALESCE(email, '')) LIKE `+p+` ESCAPE '\'`+
				` OR COALESCE(phone, '') LIKE `+p+` ESCAPE '\' OR LOWER(name) LIKE `+p+` ESCAPE '\')`)
		}
	}
	var orders []order
	for _, o := range uq.Orders {
		col, ok := userColumns[o.Attribute]
		if !ok || col == "labels" {
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

	// The total ignores cursors and paging, and stops counting at
	// MaxTotal so it never scans more than that many rows.
	var total int
	countArgs := append([]any(nil), w.args...)
	if err := s.r.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE `+base+` LIMIT `+
		strconv.Itoa(storage.MaxTotal)+`) t`), countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}

	reverse := false
	cursor, before := uq.Page.CursorAfter, false
	if uq.Page.CursorBefore != "" {
		cursor, before = uq.Page.CursorBefore, true
	}
	if cursor != "" {
		cond, err := s.cursorCond(ctx, w, projectID, cursor, orders, before)
		if err != nil {
			return nil, 0, err
		}
		conds = append(conds, cond)
		reverse = before
	}
	var ob []string
	for _, o := range orders {
		desc := o.desc != reverse
		dir := " ASC"
		if desc {
			dir = " DESC"
		}
		switch {
		case !nullableColumn(o.col):
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
	q := `SELECT ` + userCols + ` FROM users WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY ` + strings.Join(ob, ", ") +
		` LIMIT ` + w.arg(uq.Page.Limit) + ` OFFSET ` + w.arg(uq.Page.Offset)
	rows, err := s.r.QueryContext(ctx, s.rebind(q), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*storage.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if reverse {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, total, nil
}

// ErrCursor means a cursor names no user of the project.
var ErrCursor = fmt.Errorf("%w: cursor", storage.ErrNotFound)

// cursorCond is the keyset condition "after (or before) the cursor row in
// this order": (a > x) OR (a = x AND b > y) ...
func (s *Store) cursorCond(ctx context.Context, w *where, projectID, id string, orders []order, before bool) (string, error) {
	cols := make([]string, len(orders))
	for i, o := range orders {
		cols[i] = o.col
	}
	vals := make([]any, len(orders))
	ptrs := make([]any, len(orders))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := s.r.QueryRowContext(ctx, s.rebind(`SELECT `+strings.Join(cols, ", ")+` FROM users WHERE project_id = $1 AND id = $2 AND deleted_at = 0`),
		projectID, id).Scan(ptrs...)
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
	return "(" + strings.Join(ors, " OR ") + ")", nil
}
