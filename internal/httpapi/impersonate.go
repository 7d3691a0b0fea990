package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Impersonation (Appwrite 1.9): a user flagged impersonator, signed in by
// session or JWT, names another user of its project in a header (or a
// query parameter, for URLs a browser loads itself) and Account API
// routes act as that user. Only the routes marked asTarget do: reads and
// harmless writes. Every other Account API route is refused while
// impersonating, so an operator can neither read the target's secrets nor
// change its ways in, nor mint credentials of its own for it. Other
// services ignore the headers and run as the operator. docs/security.md
// ("Impersonation: who can do what") lists the routes.

// impersonationSources are the headers and their query parameters, in
// Appwrite's order of preference: id, then email, then phone. An empty
// value is not set (the web SDK adds impersonateuserid= to every URL it
// builds).
var impersonationSources = [3]struct{ header, param, lower string }{
	{"X-Appwrite-Impersonate-User-Id", "impersonateUserId", "impersonateuserid"},
	{"X-Appwrite-Impersonate-User-Email", "impersonateEmail", "impersonateemail"},
	{"X-Appwrite-Impersonate-User-Phone", "impersonatePhone", "impersonatephone"},
}

// impersonationOf reads the user a request asks to act as.
func impersonationOf(r *http.Request) account.Impersonation {
	var vals [3]string
	q := r.URL.Query()
	for i, src := range impersonationSources {
		v := r.Header.Get(src.header)
		if v == "" {
			v = q.Get(src.param)
		}
		if v == "" {
			v = q.Get(src.lower)
		}
		vals[i] = v
	}
	return account.Impersonation{ID: vals[0], Email: vals[1], Phone: vals[2]}
}

// errImpersonating refuses an Account API route that may not act as an
// impersonated user.
func errImpersonating() error {
	return apperr.Newf(apperr.UserUnauthorized, "This action is not allowed while impersonating another user.")
}

// impersonate switches the caller to the user it impersonates, once the
// operator passed its own checks (blocked, password reset, factors).
func (s *Server) impersonate(c *call, rt route) error {
	if c.key != nil || c.bearer != nil || c.caller == nil || !c.caller.User.Impersonator || serviceOf(c.r.Pattern) != "account" {
		return nil
	}
	im := impersonationOf(c.r)
	if !im.IsSet() {
		return nil
	}
	as, err := s.Accounts.Impersonate(c.ctx(), c.caller, im)
	if err != nil || as == nil {
		return err
	}
	if !rt.asTarget {
		return errImpersonating()
	}
	s.Log.InfoContext(c.ctx(), "impersonation", "project", c.project.ID, "operator", as.Operator.ID,
		"user", as.User.ID, "route", c.r.Pattern)
	c.caller = as
	return nil
}

// impersonating reports whether the request acts as an impersonated user.
func (c *call) impersonating() bool { return c.caller != nil && c.caller.Operator != nil }

// operator is the user the request's session or JWT authenticated: the
// impersonator while impersonating, else the caller; nil for guests.
func (c *call) operator() *storage.User {
	switch {
	case c.caller == nil:
		return nil
	case c.caller.Operator != nil:
		return c.caller.Operator
	}
	return c.caller.User
}

// providerAccess opens a sealed provider access token for an API key and
// for the user it belongs to, signed in as itself. An impersonator sees
// it blank, both as the user it impersonates and through the Users API it
// reads with its session.
func (c *call) providerAccess(sealed, owner string) string {
	if c.key != nil || c.admin || c.caller != nil && c.bearer == nil && !c.impersonating() && c.caller.User.ID == owner {
		return c.s.Accounts.Unseal(sealed)
	}
	return ""
}

// setUserImpersonator is PATCH /v1/users/{userId}/impersonator.
func (s *Server) setUserImpersonator(c *call, u *storage.User) error {
	on, err := c.looseBool("impersonator")
	if err != nil {
		return err
	}
	out, err := s.Accounts.Set(c.ctx(), u, c.actor(), func(cur *storage.User) { cur.Impersonator = on })
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, userOf(out))
}
