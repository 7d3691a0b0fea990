package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// The OAuth2 / OpenID Connect issuer of a project (Appwrite 2.0's OAuth2
// server), at /v1/oauth2/{projectId}: the project is in the path, never
// in X-Appwrite-Project. Protocol and policy live in oauth2server; this
// file decodes, calls once, encodes.

// issuerRoute says what an issuer endpoint needs.
type issuerRoute struct {
	// session resolves the caller's session, JWT or API key; a session
	// that does not authenticate counts as none.
	session bool
	// sameOrigin refuses a browser request from an origin that is not a
	// platform of the project (CSRF on the consent calls).
	sameOrigin bool
	// rfc: errors carry RFC 6749's error and error_description beside
	// Appwrite's keys; the endpoint is open to any origin, without
	// credentials (token-side endpoints called by SPAs and libraries).
	rfc    bool
	limits []ratelimit.Rule
}

func (s *Server) issuerHandle(pattern string, rt issuerRoute, h handlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r}
		err := s.issuerPipeline(c, rt)
		if err == nil {
			err = h(c)
		}
		if err != nil {
			if rt.rfc {
				s.writeOAuthError(c, err)
				return
			}
			s.writeError(w, r, err)
		}
	})
}

// openCORS lets any origin read a token-side answer: none uses cookies.
func openCORS(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Expose-Headers", "WWW-Authenticate")
}

func (s *Server) issuerPipeline(c *call, rt issuerRoute) error {
	if rt.rfc {
		openCORS(c.w)
	}
	pid := c.r.PathValue("projectId")
	if pid == "" || pid == project.Console || !validate.Plain(pid) {
		return apperr.New(apperr.ProjectNotFound)
	}
	snap, err := s.Projects.Lookup(c.ctx(), pid)
	if err != nil {
		return err
	}
	c.project = snap
	if !rt.rfc {
		s.cors(c)
	}
	if err := oauth2server.Enabled(snap.Project); err != nil {
		return err
	}
	if c.p, err = readParams(c.w, c.r); err != nil {
		return err
	}
	keyHeader := c.r.Header.Get("X-Appwrite-Key")
	if rt.sameOrigin && keyHeader == "" && !s.originAllowed(c) {
		return apperr.New(apperr.UnknownOrigin)
	}
	if rt.session {
		if err := s.authenticate(c, keyHeader, false); err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind.Status != http.StatusUnauthorized || keyHeader != "" {
				return err
			}
			c.caller = nil // a dead session is no session
		}
		// A blocked user, or a session still owing its second factor,
		// is not signed in as far as the issuer is concerned.
		if c.caller != nil && (!c.caller.User.Status || needsMoreFactors(c.caller)) {
			c.caller = nil
		}
	}
	if c.key == nil && len(rt.limits) > 0 {
		if err := s.rateLimit(c, rt.limits); err != nil {
			return err
		}
	}
	return nil
}

// subject is the signed-in user of an issuer request, nil for none.
func subject(c *call) *oauth2server.Subject {
	if c.caller == nil || c.key != nil {
		return nil
	}
	sub := &oauth2server.Subject{User: c.caller.User}
	if sess := c.caller.Session; sess != nil {
		sub.SessionID, sub.AuthTime, sub.Factors = sess.ID, sess.CreatedAt, sess.Factors
	}
	return sub
}

// oauthValues reads an OAuth request's parameters, from a query, a form
// or a JSON body (the node SDK sends JSON with snake_case keys): strings
// stay strings, arrays of strings become repeated values, numbers their
// text, anything else its JSON text (authorization_details as an array).
func oauthValues(c *call) url.Values {
	if c.p.json == nil {
		return url.Values(c.p.form)
	}
	out := url.Values{}
	for k, raw := range c.p.json {
		if string(raw) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out.Set(k, s)
			continue
		}
		var list []string
		if json.Unmarshal(raw, &list) == nil && k != "authorization_details" {
			out[k] = list
			continue
		}
		out.Set(k, string(raw))
	}
	return out
}

// clientCredentials reads client authentication: HTTP Basic
// (client_secret_basic, RFC 6749 §2.3.1: form-encoded id and secret) or
// the body (client_secret_post, or a public client's id alone).
func clientCredentials(c *call, v url.Values) (oauth2server.Credentials, error) {
	cr := oauth2server.Credentials{ClientID: v.Get("client_id"), Secret: v.Get("client_secret")}
	h := c.r.Header.Get("Authorization")
	if scheme, rest, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Basic") {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
		if err != nil {
			return cr, apperr.Newf(apperr.OAuth2InvalidClient, "Malformed Basic credentials.")
		}
		id, sec, ok := strings.Cut(string(raw), ":")
		uid, err1 := url.QueryUnescape(id)
		usec, err2 := url.QueryUnescape(sec)
		if !ok || err1 != nil || err2 != nil {
			return cr, apperr.Newf(apperr.OAuth2InvalidClient, "Malformed Basic credentials.")
		}
		if cr.Secret != "" || cr.ClientID != "" && cr.ClientID != uid {
			return cr, apperr.Newf(apperr.OAuth2InvalidRequest, "Use one client authentication method.")
		}
		cr = oauth2server.Credentials{ClientID: uid, Secret: usec, Basic: true}
	}
	return cr, nil
}

// writeOAuthError writes an error for a token-side endpoint: RFC 6749's
// error and error_description, and Appwrite's message, code, type and
// version, so generic OAuth libraries and the node SDK both read it.
func (s *Server) writeOAuthError(c *call, err error) {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		s.Log.ErrorContext(c.ctx(), "request failed", "err", err, "route", c.r.Pattern)
		ae = apperr.Wrap(apperr.Unknown, err)
	}
	status, msg := ae.Kind.Status, ae.Message()
	if !passThrough[status] {
		status, msg = http.StatusInternalServerError, "Server Error"
	}
	code, ok := strings.CutPrefix(ae.Kind.Type, "oauth2_")
	switch {
	case ok:
	case status >= 500:
		code = "server_error"
	case status == http.StatusTooManyRequests:
		code = "temporarily_unavailable"
	default:
		code = "invalid_request"
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		if code == "invalid_token" {
			h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		} else {
			h.Set("WWW-Authenticate", `Basic realm="oauth2"`)
		}
	}
	b, _ := json.Marshal(map[string]any{"error": code, "error_description": msg, "message": msg, "code": status,
		"type": ae.Kind.Type, "version": Version})
	c.w.WriteHeader(status)
	c.w.Write(b)
}

// wantsJSON: the consent page's SDK calls ask for JSON; a browser
// navigation does not.
func wantsJSON(c *call) bool { return strings.Contains(c.r.Header.Get("Accept"), "application/json") }

// redirect sends the browser on: 302 after a GET, 303 after a POST.
func (c *call) redirectTo(u string) error {
	status := http.StatusFound
	if c.r.Method == http.MethodPost {
		status = http.StatusSeeOther
	}
	c.w.Header().Set("Cache-Control", "no-store")
	http.Redirect(c.w, c.r, u, status)
	return nil
}

func (c *call) noStoreJSON(status int, v any) error {
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Pragma", "no-cache")
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.jsonRaw(status, b)
}

func oneMinute(n int, key string) ratelimit.Rule {
	return ratelimit.Rule{Limit: n, Window: time.Minute, Key: key}
}
