package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

// maxBody bounds request bodies; the largest legitimate one is a 64 kB
// prefs object.
const maxBody = 1 << 20

var errBodyTooLarge = errors.New("request body too large")

// params are a request's parameters: from the query string on GET, from
// the body otherwise (JSON, or form fields for any other content type), as
// Appwrite reads them. Path values are looked up separately.
type params struct {
	json map[string]json.RawMessage
	form url.Values
}

// readParams decodes r's parameters. A malformed JSON body counts as no
// parameters, as in Appwrite, so the missing ones are then reported by
// name.
func readParams(w http.ResponseWriter, r *http.Request) (params, error) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return params{form: r.URL.Query()}, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return params{}, errBodyTooLarge
		}
		return params{}, apperr.Wrap(apperr.ArgumentInvalid, err)
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" || (ct == "" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))) {
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) != nil {
			m = nil
		}
		return params{json: m}, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		form = url.Values{}
	}
	return params{form: form}, nil
}

// has reports whether name was sent (an explicit JSON null counts as not
// sent).
func (p params) has(name string) bool {
	if p.json != nil {
		v, ok := p.json[name]
		return ok && string(v) != "null"
	}
	_, ok := p.form[name]
	return ok
}

// str returns a string parameter. JSON numbers and booleans are not
// strings and fail, naming the parameter.
func (p params) str(name string) (string, bool, error) {
	if p.json != nil {
		v, ok := p.json[name]
		if !ok || string(v) == "null" {
			return "", false, nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", true, apperr.Invalid(name, "Value must be a valid string")
		}
		return s, true, nil
	}
	vs, ok := p.form[name]
	if !ok || len(vs) == 0 {
		return "", false, nil
	}
	return vs[0], true, nil
}

// required returns a string parameter that must be present.
func (p params) required(name string) (string, error) {
	v, ok, err := p.str(name)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", apperr.Missing(name)
	}
	return v, nil
}

// boolean reads a strict boolean: JSON true/false, or "true"/"false" in a
// query string or form.
func (p params) boolean(name string) (bool, bool, error) {
	if p.json != nil {
		v, ok := p.json[name]
		if !ok || string(v) == "null" {
			return false, false, nil
		}
		switch string(v) {
		case "true":
			return true, true, nil
		case "false":
			return false, true, nil
		}
		return false, true, apperr.Invalid(name, "Value must be a valid boolean")
	}
	v, ok, _ := p.str(name)
	if !ok {
		return false, false, nil
	}
	switch v {
	case "true", "1":
		return true, true, nil
	case "false", "0":
		return false, true, nil
	}
	return false, true, apperr.Invalid(name, "Value must be a valid boolean")
}

// integer reads a whole number within [min, max].
func (p params) integer(name string, min, max int64) (int64, bool, error) {
	bad := apperr.Invalid(name, "Value must be a valid range between "+strconv.FormatInt(min, 10)+" and "+strconv.FormatInt(max, 10))
	var n int64
	if p.json != nil {
		v, ok := p.json[name]
		if !ok || string(v) == "null" {
			return 0, false, nil
		}
		var f json.Number
		if err := json.Unmarshal(v, &f); err != nil {
			// Form-style SDKs may send numbers as strings.
			var s string
			if json.Unmarshal(v, &s) != nil {
				return 0, true, bad
			}
			f = json.Number(s)
		}
		i, err := strconv.ParseInt(f.String(), 10, 64)
		if err != nil {
			return 0, true, bad
		}
		n = i
	} else {
		v, ok, _ := p.str(name)
		if !ok {
			return 0, false, nil
		}
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, true, bad
		}
		n = i
	}
	if n < min || n > max {
		return 0, true, bad
	}
	return n, true, nil
}

// raw returns the JSON text of a parameter (for objects such as prefs).
func (p params) raw(name string) (json.RawMessage, bool) {
	if p.json != nil {
		v, ok := p.json[name]
		if !ok || string(v) == "null" {
			return nil, false
		}
		return v, true
	}
	return nil, false
}

var indexed = regexp.MustCompile(`^(.+)\[(\d*)\]$`)

// strings returns an array parameter: a JSON array, or in a query string
// or form the indexed (name[0]=…) or bare (name[]=…, name=…) forms the
// SDKs and PHP accept.
func (p params) strings(name string) ([]string, bool, error) {
	if p.json != nil {
		v, ok := p.json[name]
		if !ok || string(v) == "null" {
			return nil, false, nil
		}
		var out []string
		if err := json.Unmarshal(v, &out); err != nil {
			return nil, true, apperr.Invalid(name, "Value must be an array of strings")
		}
		return out, true, nil
	}
	type item struct {
		idx int
		v   string
	}
	var items []item
	found := false
	for k, vs := range p.form {
		if k == name {
			found = true
			for _, v := range vs {
				items = append(items, item{-1, v})
			}
			continue
		}
		if !strings.HasPrefix(k, name+"[") {
			continue
		}
		m := indexed.FindStringSubmatch(k)
		if m == nil || m[1] != name {
			continue
		}
		found = true
		idx := -1
		if m[2] != "" {
			idx, _ = strconv.Atoi(m[2])
		}
		for _, v := range vs {
			items = append(items, item{idx, v})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].idx < items[j].idx })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out, found, nil
}
