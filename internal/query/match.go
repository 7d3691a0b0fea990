package query

import "strings"

// Match reports whether a record passes validated filter queries, reading
// string attributes through get. It serves short lists kept in memory
// (a user's targets); database lists translate queries to SQL instead.
func Match(qs []Query, get func(attr string) string) bool {
	for _, q := range qs {
		if !match(q, get) {
			return false
		}
	}
	return true
}

func match(q Query, get func(string) string) bool {
	switch q.Method {
	case "and":
		return Match(q.Nested, get)
	case "or":
		for _, n := range q.Nested {
			if match(n, get) {
				return true
			}
		}
		return len(q.Nested) == 0
	case "orderAsc", "orderDesc":
		return true
	}
	v := get(q.Attribute)
	any := func(f func(string, string) bool) bool {
		for _, x := range q.Values {
			if s, ok := x.(string); ok && f(v, s) {
				return true
			}
		}
		return false
	}
	eq := func(a, b string) bool { return a == b }
	lower := func(f func(string, string) bool) func(string, string) bool {
		return func(a, b string) bool { return f(strings.ToLower(a), strings.ToLower(b)) }
	}
	switch q.Method {
	case "equal":
		return any(eq)
	case "notEqual":
		return !any(eq)
	case "lessThan":
		return any(func(a, b string) bool { return a < b })
	case "lessThanEqual":
		return any(func(a, b string) bool { return a <= b })
	case "greaterThan":
		return any(func(a, b string) bool { return a > b })
	case "greaterThanEqual":
		return any(func(a, b string) bool { return a >= b })
	case "between":
		lo, _ := q.Values[0].(string)
		hi, _ := q.Values[1].(string)
		return v >= lo && v <= hi
	case "notBetween":
		lo, _ := q.Values[0].(string)
		hi, _ := q.Values[1].(string)
		return v < lo || v > hi
	case "contains", "search":
		return any(lower(strings.Contains))
	case "notContains", "notSearch":
		return !any(lower(strings.Contains))
	case "startsWith":
		return any(lower(strings.HasPrefix))
	case "notStartsWith":
		return !any(lower(strings.HasPrefix))
	case "endsWith":
		return any(lower(strings.HasSuffix))
	case "notEndsWith":
		return !any(lower(strings.HasSuffix))
	case "isNull":
		return v == ""
	case "isNotNull":
		return v != ""
	}
	return false
}
