package oauth2server

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// AuthRequest is an authorization request after parsing: what /authorize
// and /par receive, and what a pending grant or PAR handle keeps.
type AuthRequest struct {
	ClientID             string   `json:"client_id"`
	RedirectURI          string   `json:"redirect_uri"`
	ResponseType         string   `json:"response_type"`
	Scopes               []string `json:"scopes,omitempty"`
	ScopeSent            bool     `json:"scope_sent,omitempty"`
	State                string   `json:"state,omitempty"`
	Nonce                string   `json:"nonce,omitempty"`
	CodeChallenge        string   `json:"code_challenge,omitempty"`
	CodeChallengeMethod  string   `json:"code_challenge_method,omitempty"`
	Prompt               []string `json:"prompt,omitempty"`
	MaxAge               int      `json:"max_age"` // -1: none
	AuthorizationDetails string   `json:"authorization_details,omitempty"`
	Resources            []string `json:"resources,omitempty"`
	RequestURI           string   `json:"-"`
}

// Limits on outside input.
const (
	maxParam          = 2048
	maxScopeParam     = 8192
	maxDetails        = 16 << 10
	maxResources      = 20
	maxDetailsEntries = 50
)

// ParamError is a malformed parameter, reported as invalid_request.
type ParamError struct {
	Code string // RFC 6749 error code
	Desc string
}

func (e *ParamError) Error() string { return e.Code + ": " + e.Desc }

func badParam(desc string) *ParamError { return &ParamError{Code: "invalid_request", Desc: desc} }

// ParseAuthRequest reads the parameters of an authorization request. It
// checks their form only; ValidateAuth checks them against the client and
// the project.
func ParseAuthRequest(v url.Values) (*AuthRequest, *ParamError) {
	for name, vals := range v {
		if len(vals) > 1 && name != "resource" {
			return nil, badParam("Parameter " + name + " may be sent once.")
		}
		for _, x := range vals {
			limit := maxParam
			switch name {
			case "scope":
				limit = maxScopeParam
			case "authorization_details":
				limit = maxDetails
			}
			if len(x) > limit {
				return nil, badParam("Parameter " + name + " is too long.")
			}
		}
	}
	r := &AuthRequest{ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), ResponseType: v.Get("response_type"),
		State: v.Get("state"), Nonce: v.Get("nonce"), CodeChallenge: v.Get("code_challenge"),
		CodeChallengeMethod: v.Get("code_challenge_method"), RequestURI: v.Get("request_uri"), MaxAge: -1}
	if _, ok := v["scope"]; ok {
		r.ScopeSent = true
		r.Scopes = ParseScope(v.Get("scope"))
	}
	if p := v.Get("prompt"); p != "" {
		r.Prompt = strings.Fields(p)
		for _, x := range r.Prompt {
			if !slices.Contains([]string{"none", "login", "consent", "select_account"}, x) {
				return nil, badParam("Unknown prompt value.")
			}
		}
		if slices.Contains(r.Prompt, "none") && len(r.Prompt) > 1 {
			return nil, badParam("prompt=none cannot be combined with other values.")
		}
	}
	if m := v.Get("max_age"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 || n > 10*365*24*3600 {
			return nil, badParam("max_age must be a whole number of seconds.")
		}
		r.MaxAge = n
	}
	res, perr := ParseResources(v["resource"], v.Get("audience"))
	if perr != nil {
		return nil, perr
	}
	r.Resources = res
	if d := v.Get("authorization_details"); d != "" {
		norm, perr := ParseAuthorizationDetails(d, nil)
		if perr != nil {
			return nil, perr
		}
		r.AuthorizationDetails = norm
	}
	return r, nil
}

// ParseScope splits a scope parameter on spaces, dropping repeats.
func ParseScope(v string) []string {
	var out []string
	for _, s := range strings.Fields(v) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ParseResources reads RFC 8707 resource indicators: absolute URIs
// without a fragment; audience is a one-value alias.
func ParseResources(resources []string, audience string) ([]string, *ParamError) {
	all := slices.Clone(resources)
	if audience != "" {
		all = append(all, audience)
	}
	if len(all) > maxResources {
		return nil, &ParamError{Code: "invalid_target", Desc: "Too many resources."}
	}
	var out []string
	for _, r := range all {
		u, err := url.Parse(r)
		if err != nil || !u.IsAbs() || u.Fragment != "" || strings.Contains(r, "#") || len(r) > maxParam ||
			strings.ContainsAny(r, " \t\r\n") || u.Opaque == "" && u.Host == "" {
			return nil, &ParamError{Code: "invalid_target", Desc: "Each resource must be an absolute URI without a fragment."}
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ParseAuthorizationDetails reads RFC 9396 authorization_details: a JSON
// array of objects, each with a string type; with types set, each type
// must be one of them. It returns the array re-encoded compactly, "" for
// an empty array.
func ParseAuthorizationDetails(raw string, types []string) (string, *ParamError) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var list []map[string]any
	if err := dec.Decode(&list); err != nil || dec.More() {
		return "", &ParamError{Code: "invalid_authorization_details", Desc: "authorization_details must be a JSON array of objects."}
	}
	if len(list) > maxDetailsEntries {
		return "", &ParamError{Code: "invalid_authorization_details", Desc: "Too many authorization_details entries."}
	}
	for _, d := range list {
		t, ok := d["type"].(string)
		if d == nil || !ok || t == "" {
			return "", &ParamError{Code: "invalid_authorization_details", Desc: "Each authorization_details entry needs a type."}
		}
		if types != nil && !slices.Contains(types, t) {
			return "", &ParamError{Code: "invalid_authorization_details", Desc: "Unknown authorization_details type " + strconv.Quote(t) + "."}
		}
	}
	if len(list) == 0 {
		return "", nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(list); err != nil {
		return "", &ParamError{Code: "invalid_authorization_details", Desc: "authorization_details could not be read."}
	}
	return strings.TrimSpace(buf.String()), nil
}

// detailsSubset reports whether every entry of narrow is an entry of wide
// (both normalised by ParseAuthorizationDetails).
func detailsSubset(narrow, wide string) bool {
	if narrow == "" {
		return true
	}
	var n, w []json.RawMessage
	if json.Unmarshal([]byte(narrow), &n) != nil || json.Unmarshal([]byte(wide), &w) != nil {
		return false
	}
	for _, a := range n {
		if !slices.ContainsFunc(w, func(b json.RawMessage) bool { return bytes.Equal(a, b) }) {
			return false
		}
	}
	return true
}

// values renders r back as the query of the consent page's sign-in
// redirect.
func (r *AuthRequest) values() url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("client_id", r.ClientID)
	set("redirect_uri", r.RedirectURI)
	set("response_type", r.ResponseType)
	if r.ScopeSent {
		v.Set("scope", strings.Join(r.Scopes, " "))
	}
	set("state", r.State)
	set("nonce", r.Nonce)
	set("code_challenge", r.CodeChallenge)
	set("code_challenge_method", r.CodeChallengeMethod)
	set("prompt", strings.Join(r.Prompt, " "))
	if r.MaxAge >= 0 {
		v.Set("max_age", strconv.Itoa(r.MaxAge))
	}
	set("authorization_details", r.AuthorizationDetails)
	for _, res := range r.Resources {
		v.Add("resource", res)
	}
	return v
}
