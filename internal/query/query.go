// Package query parses the Appwrite query strings the SDKs send
// (`{"method":"equal","attribute":"email","values":["a@b.c"]}`) and checks
// them against what a list route allows.
package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// Query is one parsed query. Values holds strings, float64 numbers,
// booleans or nil; and/or keep their children in Nested.
type Query struct {
	Method    string
	Attribute string
	Values    []any
	Nested    []Query
}

// Methods by kind.
var (
	filters = map[string]bool{"equal": true, "notEqual": true, "lessThan": true, "lessThanEqual": true,
		"greaterThan": true, "greaterThanEqual": true, "contains": true, "search": true, "isNull": true,
		"isNotNull": true, "between": true, "startsWith": true, "endsWith": true, "notContains": true,
		"notSearch": true, "notBetween": true, "notStartsWith": true, "notEndsWith": true}
	logical = map[string]bool{"and": true, "or": true}
	orders  = map[string]bool{"orderAsc": true, "orderDesc": true}
	paging  = map[string]bool{"limit": true, "offset": true, "cursorAfter": true, "cursorBefore": true}
)

// MaxValues bounds the values of one filter, as Appwrite does.
const MaxValues = 500

// MaxQueries bounds how many queries one request may carry.
const MaxQueries = 100

// maxDepth bounds and/or nesting.
const maxDepth = 3

type wire struct {
	Method    string            `json:"method"`
	Attribute json.RawMessage   `json:"attribute"`
	Values    []json.RawMessage `json:"values"`
}

func invalid(format string, args ...any) error {
	return apperr.Invalid("queries", "Invalid query: "+fmt.Sprintf(format, args...))
}

// Parse parses each query string.
func Parse(raw []string) ([]Query, error) {
	if len(raw) > MaxQueries {
		return nil, invalid("at most %d queries are allowed", MaxQueries)
	}
	out := make([]Query, 0, len(raw))
	for _, s := range raw {
		q, err := parseOne([]byte(s), 0)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

func parseOne(b []byte, depth int) (Query, error) {
	var w wire
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return Query{}, invalid("Query must be a JSON object")
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return Query{}, invalid("Invalid query: %s", "syntax error")
	}
	q := Query{Method: w.Method}
	if !filters[q.Method] && !logical[q.Method] && !orders[q.Method] && !paging[q.Method] {
		return Query{}, invalid("Invalid query method: %s", strconv.Quote(q.Method))
	}
	if len(w.Attribute) > 0 && string(w.Attribute) != "null" {
		if err := json.Unmarshal(w.Attribute, &q.Attribute); err != nil || !validate.Plain(q.Attribute) {
			return Query{}, invalid("Attribute must be a string")
		}
	}
	if len(w.Values) > MaxValues {
		return Query{}, invalid("Query on attribute has more than %d values", MaxValues)
	}
	if logical[q.Method] {
		if depth >= maxDepth {
			return Query{}, invalid("Too many nested queries")
		}
		for _, v := range w.Values {
			child, err := parseOne(v, depth+1)
			if err != nil {
				return Query{}, err
			}
			if !filters[child.Method] && !logical[child.Method] {
				return Query{}, invalid("%s queries can only contain filter queries", q.Method)
			}
			q.Nested = append(q.Nested, child)
		}
		return q, nil
	}
	for _, v := range w.Values {
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return Query{}, invalid("Values must be scalars")
		}
		switch x := x.(type) {
		case string:
			if !validate.Plain(x) {
				return Query{}, invalid("Values must be valid UTF-8 text without control characters")
			}
		case float64, bool, nil:
		default:
			return Query{}, invalid("Values must be scalars")
		}
		q.Values = append(q.Values, x)
	}
	return q, nil
}

// Page is what limit and offset queries select.
type Page struct {
	Limit        int
	Offset       int
	CursorAfter  string
	CursorBefore string
}

// DefaultLimit is the page size when no limit query is sent.
const DefaultLimit = 25

// Paging extracts limit, offset and cursors, checking their values. It
// returns the queries that are neither.
func Paging(qs []Query) (Page, []Query, error) {
	p := Page{Limit: DefaultLimit}
	var rest []Query
	for _, q := range qs {
		switch q.Method {
		case "limit", "offset":
			if len(q.Values) != 1 {
				return p, nil, invalid("%s queries require exactly one value", q.Method)
			}
			f, ok := q.Values[0].(float64)
			if !ok || f != float64(int64(f)) || f < 0 || f > 1<<31 || (q.Method == "limit" && f < 1) {
				return p, nil, invalid("Invalid %s: value must be a whole number", q.Method)
			}
			if q.Method == "limit" {
				p.Limit = int(f)
			} else {
				p.Offset = int(f)
			}
		case "cursorAfter", "cursorBefore":
			if len(q.Values) != 1 {
				return p, nil, invalid("%s queries require exactly one value", q.Method)
			}
			id, ok := q.Values[0].(string)
			if !ok || id == "" {
				return p, nil, invalid("Cursor must be a document id")
			}
			if q.Method == "cursorAfter" {
				p.CursorAfter = id
			} else {
				p.CursorBefore = id
			}
		default:
			rest = append(rest, q)
		}
	}
	return p, rest, nil
}

// OnlyPaging parses queries of a route that accepts only limit and offset
// (the logs lists).
func OnlyPaging(raw []string) (Page, error) {
	qs, err := Parse(raw)
	if err != nil {
		return Page{}, err
	}
	p, rest, err := Paging(qs)
	if err != nil {
		return p, err
	}
	if len(rest) > 0 || p.CursorAfter != "" || p.CursorBefore != "" {
		return p, invalid("Only limit and offset queries are allowed here")
	}
	return p, nil
}
