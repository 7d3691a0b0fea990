package query

import (
	"time"
)

// Type is an attribute's type, which decides the values it accepts.
type Type int

const (
	String Type = iota
	Bool
	Datetime
	StringArray
)

// Schema lists the attributes a list route may filter and order on.
type Schema map[string]Type

// Common attributes every list route accepts.
var common = Schema{"$id": String, "$createdAt": Datetime, "$updatedAt": Datetime}

func (s Schema) typeOf(attr string) (Type, bool) {
	if t, ok := common[attr]; ok {
		return t, true
	}
	t, ok := s[attr]
	return t, ok
}

// Validate checks filters and orders against the schema, turning datetime
// values into time.Time. It returns the checked queries.
func Validate(qs []Query, s Schema) ([]Query, error) {
	out := make([]Query, len(qs))
	for i, q := range qs {
		v, err := s.check(q)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// arity says how many values a filter takes: -1 any (at least one), 0
// none, 2 exactly two.
var arity = map[string]int{"isNull": 0, "isNotNull": 0, "between": 2, "notBetween": 2}

func (s Schema) check(q Query) (Query, error) {
	if logical[q.Method] {
		nested := make([]Query, len(q.Nested))
		for i, n := range q.Nested {
			v, err := s.check(n)
			if err != nil {
				return q, err
			}
			nested[i] = v
		}
		q.Nested = nested
		return q, nil
	}
	if paging[q.Method] {
		return q, nil
	}
	t, ok := s.typeOf(q.Attribute)
	if !ok {
		return q, invalid("Attribute not found in schema: %s", q.Attribute)
	}
	if orders[q.Method] {
		if t == StringArray {
			return q, invalid("Cannot order by an array attribute: %s", q.Attribute)
		}
		return q, nil
	}
	n, fixed := arity[q.Method]
	switch {
	case fixed && len(q.Values) != n:
		return q, invalid("%s queries require %d values", q.Method, n)
	case !fixed && len(q.Values) == 0:
		return q, invalid("%s queries require at least one value", q.Method)
	}
	switch q.Method {
	case "contains", "notContains", "search", "notSearch", "startsWith", "endsWith", "notStartsWith", "notEndsWith":
		if t != String && t != StringArray {
			return q, invalid("%s queries need a string attribute, %s is not one", q.Method, q.Attribute)
		}
	case "lessThan", "lessThanEqual", "greaterThan", "greaterThanEqual", "between", "notBetween":
		if t == Bool || t == StringArray {
			return q, invalid("%s queries cannot compare %s", q.Method, q.Attribute)
		}
	}
	vals := make([]any, len(q.Values))
	for i, v := range q.Values {
		switch t {
		case String, StringArray:
			sv, ok := v.(string)
			if !ok {
				return q, invalid("Query value is invalid for attribute %q", q.Attribute)
			}
			vals[i] = sv
		case Bool:
			bv, ok := v.(bool)
			if !ok {
				return q, invalid("Query value is invalid for attribute %q", q.Attribute)
			}
			vals[i] = bv
		case Datetime:
			sv, ok := v.(string)
			tv, err := parseTime(sv)
			if !ok || err != nil {
				return q, invalid("Query value is invalid for attribute %q: want an ISO 8601 date-time", q.Attribute)
			}
			vals[i] = tv
		}
	}
	q.Values = vals
	return q, nil
}

func parseTime(v string) (time.Time, error) {
	var err error
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		var t time.Time
		if t, err = time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
