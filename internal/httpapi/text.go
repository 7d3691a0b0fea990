package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// multilineParams are the parameters whose text may span lines: a
// template's body, and the secrets a person types (which are hashed, never
// shown). Every other string parameter is one line of text.
var multilineParams = map[string]bool{"message": true, "password": true, "oldPassword": true}

// checkText refuses control characters and invalid UTF-8 anywhere in a
// request's path, query string and parameters, in one place, so that both
// engines see the same text and neither is asked to store a NUL.
func checkText(r *http.Request, p params) error {
	if !validate.Plain(r.URL.Path) {
		return apperr.Newf(apperr.ArgumentInvalid, "The request path must be valid UTF-8 text without control characters.")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		for name, vs := range r.URL.Query() {
			if err := plainValues(name, vs); err != nil {
				return err
			}
		}
	}
	for name, vs := range p.form {
		if err := plainValues(name, vs); err != nil {
			return err
		}
	}
	for name, raw := range p.json {
		if !validate.Plain(name) {
			return apperr.Newf(apperr.ArgumentInvalid, "Parameter names must be valid UTF-8 text without control characters.")
		}
		var v any
		if json.Unmarshal(raw, &v) != nil {
			continue // the parameter's own reader names the error
		}
		if err := textValue(name, v, multilineParams[name]); err != nil {
			return err
		}
	}
	return nil
}

func plainValues(name string, vs []string) error {
	if !validate.Plain(name) {
		return apperr.Newf(apperr.ArgumentInvalid, "Parameter names must be valid UTF-8 text without control characters.")
	}
	for _, v := range vs {
		if multilineParams[name] && validate.Multiline(v) {
			continue
		}
		if err := validate.PlainText(name, v); err != nil {
			return err
		}
	}
	return nil
}

// textValue checks a decoded JSON value: a top-level string by the
// parameter's rule, list items as single lines, and strings nested in
// objects (prefs) as multi-line text, their keys as single lines.
func textValue(name string, v any, multiline bool) error {
	switch x := v.(type) {
	case string:
		if multiline && validate.Multiline(x) {
			return nil
		}
		return validate.PlainText(name, x)
	case []any:
		for _, e := range x {
			if err := textValue(name, e, multiline); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			if !validate.Plain(k) {
				return validate.PlainText(name, k)
			}
			if err := textValue(name, e, true); err != nil {
				return err
			}
		}
	}
	return nil
}
