package httpapi

import "encoding/json"

// Response formats. An SDK names the Appwrite version it was built for in
// X-Appwrite-Response-Format (web 18: 1.7.0, console 23: 1.8.0, node 27:
// 1.9.5, web 27: 2.0.0). Gatehouse builds every model in its newest shape;
// for an older format c.json passes it through the steps of responseSteps
// whose version is newer than the format, newest first, as Appwrite's
// response filters run. Parameters go the other way: an older SDK's
// parameter names are turned into today's by requestSteps, oldest first,
// before the handler reads them. Handlers never look at the format.
//
// A request without the header gets the newest shapes, as in Appwrite,
// where an empty format runs no filter.

// format is the request's X-Appwrite-Response-Format, "" when none.
func (c *call) format() string { return c.r.Header.Get("X-Appwrite-Response-Format") }

// formatBefore reports whether the request asks for a response format
// older than v (compared numerically). No header is the newest format.
func (c *call) formatBefore(v string) bool {
	f := c.format()
	return f != "" && newerThan(v, f)
}

// A responseStep is one of Appwrite's response filters for one model:
// for a request naming a format older than before, it turns the model
// from the shape of before into the shape of the version before it.
// Build one with stepFor.
type responseStep struct {
	before string // the step runs for formats older than this version
	model  string // the model it changes, as Appwrite names it (for the docs)
	apply  func(v any) any
}

// stepFor makes a responseStep changing models of type M. Lists of M
// (models with a forEach method) get the step on each item; a model of
// another type passes unchanged. A model nested in another (the targets
// of a user) is the outer model's step's business.
func stepFor[M any](before, model string, f func(m *M)) responseStep {
	return responseStep{before: before, model: model, apply: func(v any) any {
		if m, ok := v.(M); ok {
			f(&m)
			return m
		}
		return v
	}}
}

// responseSteps is the table of format steps, newest first. A model
// without a step looks the same in every format from 1.6.0 to 2.0.0;
// docs/differences.md lists the rows ("Appwrite 1.9 and 2.0: versions,
// formats and callers"). Add a row with stepFor and a golden test.
var responseSteps = []responseStep{}

// listOf is a list model: forEach runs f on each item and keeps what it
// returns.
type listOf interface {
	forEach(f func(item any) any) any
}

// shape turns v, built in the newest shape, into the shape of format f
// ("" is the newest) by the steps of table.
func shape(v any, f string, table []responseStep) any {
	if f == "" {
		return v
	}
	for _, s := range table {
		if !newerThan(s.before, f) {
			continue
		}
		if l, ok := v.(listOf); ok {
			v = l.forEach(s.apply)
		} else {
			v = s.apply(v)
		}
	}
	return v
}

// since is a model field that older formats lack: a step hides it, and
// with the omitzero option in its tag encoding/json then leaves it out.
// Shown, it encodes as its value.
type since[T any] struct {
	V      T
	hidden bool
}

// shown wraps a field value that is on the wire.
func shown[T any](v T) since[T] { return since[T]{V: v} }

// hide drops the field from the model's JSON.
func (s *since[T]) hide() { s.hidden = true }

// IsZero is what omitzero asks: true once hidden.
func (s since[T]) IsZero() bool { return s.hidden }

// MarshalJSON encodes the value.
func (s since[T]) MarshalJSON() ([]byte, error) { return json.Marshal(s.V) }

// A requestStep is one of Appwrite's request filters for one route: for a
// request naming a format older than before, it turns the parameters an
// SDK of that age sends into today's (a renamed parameter, say, with
// params.rename).
type requestStep struct {
	before  string // the step runs for formats older than this version
	pattern string // the route's pattern, "PATCH /v1/project/auth/{method}"
	apply   func(p *params)
}

// requestSteps is the table of parameter steps, oldest first. Appwrite's
// request filters for formats 1.6.0 and newer touch none of the Account
// and Users parameters Gatehouse serves; the Project API's arrive with it.
var requestSteps = []requestStep{}

// upgradeParams runs the request steps of c's route for its format.
func (c *call) upgradeParams(table []requestStep) {
	f := c.format()
	if f == "" {
		return
	}
	for _, s := range table {
		if s.pattern == c.r.Pattern && newerThan(s.before, f) {
			s.apply(&c.p)
		}
	}
}

// rename moves parameter from to the name to, unless to was sent too
// (then the new name wins and from is dropped).
func (p *params) rename(from, to string) {
	if p.json != nil {
		if v, ok := p.json[from]; ok {
			if _, dup := p.json[to]; !dup {
				p.json[to] = v
			}
			delete(p.json, from)
		}
		return
	}
	if vs, ok := p.form[from]; ok {
		if _, dup := p.form[to]; !dup {
			p.form[to] = vs
		}
		delete(p.form, from)
	}
}

// The lists whose items the steps reach.

func (l userListModel) forEach(f func(any) any) any {
	for i := range l.Users {
		l.Users[i] = f(l.Users[i]).(userModel)
	}
	return l
}

func (l sessionListModel) forEach(f func(any) any) any {
	for i := range l.Sessions {
		l.Sessions[i] = f(l.Sessions[i]).(sessionModel)
	}
	return l
}

func (l logListModel) forEach(f func(any) any) any {
	for i := range l.Logs {
		l.Logs[i] = f(l.Logs[i]).(logModel)
	}
	return l
}

func (l identityListModel) forEach(f func(any) any) any {
	for i := range l.Identities {
		l.Identities[i] = f(l.Identities[i]).(identityModel)
	}
	return l
}

func (l targetListModel) forEach(f func(any) any) any {
	for i := range l.Targets {
		l.Targets[i] = f(l.Targets[i]).(targetModel)
	}
	return l
}

// shape is the one place a model is fitted to the request before it is
// written: the steps of older response formats, and what only the
// request knows (who impersonates). Handlers never branch on versions.
func (c *call) shape(v any) any {
	switch m := v.(type) {
	case accountModel:
		return c.shapeAccount(m)
	case userModel:
		return c.shapeUser(m)
	case userListModel:
		for i := range m.Users {
			m.Users[i] = c.shapeUser(m.Users[i])
		}
		return m
	case previewModel:
		m.User = c.shapeAccount(m.User)
		return m
	}
	return v
}

// shapeAccount names the operator in the account of the user it
// impersonates (impersonatorUserId), and drops the 1.9.0 fields for
// older formats.
func (c *call) shapeAccount(m accountModel) accountModel {
	if c.formatBefore("1.9.0") {
		m.Impersonator, m.ImpersonatorUserID = nil, nil
		return m
	}
	if c.impersonating() && m.ID == c.caller.User.ID {
		m.ImpersonatorUserID = appendString(nil, c.caller.Operator.ID)
	}
	return m
}

// shapeUser drops the 1.9.0 fields of the Users API's User for older
// formats. The Users API never impersonates: impersonatorUserId is null.
// An impersonator reading users with its session (users.read) gets no
// password hash and no hash options (a scrypt signer key is a secret).
func (c *call) shapeUser(m userModel) userModel {
	if c.key == nil && !c.admin {
		m.Password, m.HashOptions = nil, jsonNull
	}
	if c.formatBefore("1.9.0") {
		m.Impersonator, m.ImpersonatorUserID = nil, nil
	}
	return m
}
