package oauth

import (
	"encoding/json"
	"strconv"
	"strings"
)

// at follows a dotted path ("data.0.id", "bot.owner.user.person.email")
// through decoded JSON; numeric parts index arrays.
func at(v any, path string) any {
	if path == "" {
		return nil
	}
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// str renders a JSON scalar as a string: ids may be numbers or strings.
func str(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// truthy reads a provider's "verified" flag: true, "true" or 1. Anything
// else, including absence, is false.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(strings.TrimSpace(x), "true")
	case json.Number:
		return x.String() == "1"
	case float64:
		return x == 1
	}
	return false
}

// firstStr returns the first non-empty string among paths.
func firstStr(m any, paths ...string) string {
	for _, p := range paths {
		if s := str(at(m, p)); s != "" {
			return s
		}
	}
	return ""
}

// joinName joins the non-empty values at paths with a space
// ("first_name", "last_name").
func joinName(m any, paths ...string) string {
	var parts []string
	for _, p := range paths {
		if s := str(at(m, p)); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// pickEmail chooses from a list of email objects: the entry whose primary
// flag is true, else none. It returns the address and that entry's
// verified flag.
func pickEmail(list any, emailKey, primaryKey, verifiedKey string) (string, bool) {
	arr, _ := list.([]any)
	for _, e := range arr {
		if truthy(at(e, primaryKey)) {
			return str(at(e, emailKey)), truthy(at(e, verifiedKey))
		}
	}
	return "", false
}
