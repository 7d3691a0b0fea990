package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// userModel is the Users API's User: the account plus the stored hash.
type userModel struct {
	ID                string          `json:"$id"`
	CreatedAt         string          `json:"$createdAt"`
	UpdatedAt         string          `json:"$updatedAt"`
	Name              string          `json:"name"`
	Password          *string         `json:"password"`
	Hash              string          `json:"hash"`
	HashOptions       json.RawMessage `json:"hashOptions"`
	Registration      string          `json:"registration"`
	Status            bool            `json:"status"`
	Labels            []string        `json:"labels"`
	PasswordUpdate    string          `json:"passwordUpdate"`
	Email             string          `json:"email"`
	Phone             string          `json:"phone"`
	EmailVerification bool            `json:"emailVerification"`
	emailFields
	PhoneVerification bool            `json:"phoneVerification"`
	MFA               bool            `json:"mfa"`
	Prefs             json.RawMessage `json:"prefs"`
	Targets           []targetModel   `json:"targets"`
	AccessedAt        string          `json:"accessedAt"`
	// Since format 1.9.0; empty (left out) for older formats, see shape.
	Impersonator       json.RawMessage `json:"impersonator,omitempty"`
	ImpersonatorUserID json.RawMessage `json:"impersonatorUserId,omitempty"`
}

func userOf(u *storage.User) userModel {
	a := accountOf(u)
	m := userModel{ID: a.ID, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Name: a.Name, Hash: u.Hash,
		HashOptions: u.HashOptions, Registration: a.Registration, Status: a.Status, Labels: a.Labels,
		PasswordUpdate: a.PasswordUpdate, Email: a.Email, Phone: a.Phone, EmailVerification: a.EmailVerification,
		emailFields: a.emailFields, PhoneVerification: a.PhoneVerification, MFA: a.MFA, Prefs: a.Prefs, Targets: a.Targets, AccessedAt: a.AccessedAt,
		Impersonator: a.Impersonator, ImpersonatorUserID: a.ImpersonatorUserID}
	if u.PasswordHash != "" {
		pw := u.PasswordHash
		m.Password = &pw
	}
	if len(m.HashOptions) == 0 {
		m.HashOptions = json.RawMessage("null")
	}
	return m
}

type userListModel struct {
	Total int         `json:"total"`
	Users []userModel `json:"users"`
}

func (s *Server) userRoutes() {
	read, write := route{scope: "users.read"}, route{scope: "users.write"}
	s.handle("GET /v1/users", read, s.listUsers)
	s.handle("POST /v1/users", write, s.createUser)
	s.handle("GET /v1/users/{userId}", read, s.withUser(s.getUser))
	s.handle("DELETE /v1/users/{userId}", write, s.withUser(s.deleteUser))
	s.handle("PATCH /v1/users/{userId}/email", write, s.withUser(s.setUserEmail))
	s.handle("PATCH /v1/users/{userId}/phone", write, s.withUser(s.setUserPhone))
	s.handle("PATCH /v1/users/{userId}/name", write, s.withUser(s.setUserName))
	s.handle("PATCH /v1/users/{userId}/password", write, s.withUser(s.setUserPassword))
	s.handle("PATCH /v1/users/{userId}/status", write, s.withUser(s.setUserStatus))
	s.handle("PUT /v1/users/{userId}/labels", write, s.withUser(s.setUserLabels))
	s.handle("PATCH /v1/users/{userId}/verification", write, s.withUser(s.setUserFlag("emailVerification")))
	s.handle("PATCH /v1/users/{userId}/verification/phone", write, s.withUser(s.setUserFlag("phoneVerification")))
	s.handle("PATCH /v1/users/{userId}/mfa", write, s.withUser(s.setUserFlag("mfa")))
	s.handle("PATCH /v1/users/{userId}/impersonator", write, s.withUser(s.setUserImpersonator))
	s.handle("GET /v1/users/{userId}/prefs", read, s.withUser(s.getUserPrefs))
	s.handle("PATCH /v1/users/{userId}/prefs", write, s.withUser(s.setUserPrefs))
	s.handle("GET /v1/users/{userId}/logs", read, s.withUser(s.listUserLogs))
	s.importRoutes()
	s.userSessionRoutes()
	s.targetRoutes()
}

// userHandler serves a route about one user, already loaded.
type userHandler func(c *call, u *storage.User) error

// withUser validates {userId} and loads the user.
func (s *Server) withUser(h userHandler) handlerFunc {
	return func(c *call) error {
		id := c.r.PathValue("userId")
		if err := validate.UID("userId", id); err != nil {
			return err
		}
		u, err := s.Accounts.User(c.ctx(), c.project.Project, id)
		if err != nil {
			return err
		}
		return h(c, u)
	}
}

// userSchema is what GET /users may filter and order on.
var userSchema = query.Schema{"name": query.String, "email": query.String, "phone": query.String, "status": query.Bool,
	"passwordUpdate": query.Datetime, "registration": query.Datetime, "emailVerification": query.Bool,
	"phoneVerification": query.Bool, "labels": query.StringArray, "impersonator": query.Bool}

// listQuery reads queries[] and search for a list route over schema.
func listQuery(c *call, schema query.Schema) (storage.UserQuery, error) {
	var uq storage.UserQuery
	raw, _, err := c.p.strings("queries")
	if err != nil {
		return uq, err
	}
	qs, err := query.Parse(raw)
	if err != nil {
		return uq, err
	}
	page, rest, err := query.Paging(qs)
	if err != nil {
		return uq, err
	}
	if page.CursorAfter != "" && page.CursorBefore != "" {
		return uq, apperr.Invalid("queries", "Invalid query: cursorAfter and cursorBefore cannot be combined")
	}
	rest, err = query.Validate(rest, schema)
	if err != nil {
		return uq, err
	}
	for _, q := range rest {
		if q.Method == "orderAsc" || q.Method == "orderDesc" {
			uq.Orders = append(uq.Orders, q)
		} else {
			uq.Filters = append(uq.Filters, q)
		}
	}
	search, sent, err := c.p.str("search")
	if err != nil {
		return uq, err
	}
	if sent {
		if err := validate.Text("search", search, 0, 256); err != nil {
			return uq, err
		}
	}
	uq.Search, uq.Page = search, page
	return uq, nil
}

func (s *Server) listUsers(c *call) error {
	uq, err := listQuery(c, userSchema)
	if err != nil {
		return err
	}
	counts, err := c.countsTotal()
	if err != nil {
		return err
	}
	users, total, err := s.Accounts.ListUsers(c.ctx(), c.project.Project, uq)
	if err != nil {
		return err
	}
	if !counts {
		total = 0
	}
	out := userListModel{Total: total, Users: make([]userModel, len(users))}
	for i, u := range users {
		out.Users[i] = userOf(u)
	}
	return c.json(http.StatusOK, out)
}

// newUserFields reads the fields every create-user route shares.
func newUserFields(c *call, emailRequired bool) (account.NewUser, error) {
	var in account.NewUser
	id, err := c.p.required("userId")
	if err != nil {
		return in, err
	}
	if err := validate.CustomID("userId", id); err != nil {
		return in, err
	}
	in.ID = id
	email, sent, err := c.p.str("email")
	if err != nil {
		return in, err
	}
	if sent && email != "" {
		if err := validate.Email("email", email); err != nil {
			return in, err
		}
		in.Email = email
	} else if emailRequired {
		return in, apperr.Missing("email")
	}
	if phone, sent, err := c.p.str("phone"); err != nil {
		return in, err
	} else if sent && phone != "" {
		if err := validate.Phone("phone", phone); err != nil {
			return in, err
		}
		in.Phone = phone
	}
	if name, sent, err := c.p.str("name"); err != nil {
		return in, err
	} else if sent {
		if err := validate.Text("name", name, 0, 128); err != nil {
			return in, err
		}
		in.Name = name
	}
	return in, nil
}

func (s *Server) createUser(c *call) error {
	in, err := newUserFields(c, false)
	if err != nil {
		return err
	}
	if pw, sent, err := c.p.str("password"); err != nil {
		return err
	} else if sent && pw != "" {
		if err := account.CheckPasswordPolicy(c.project.Project, "password", pw); err != nil {
			return err
		}
		in.Password = pw
	}
	u, err := s.Accounts.CreateUser(c.ctx(), c.project.Project, in, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, userOf(u))
}

func (s *Server) getUser(c *call, u *storage.User) error {
	return c.json(http.StatusOK, userOf(u))
}

func (s *Server) deleteUser(c *call, u *storage.User) error {
	if err := s.Accounts.DeleteUser(c.ctx(), u, c.actor()); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) setUserEmail(c *call, u *storage.User) error {
	email, err := c.p.required("email")
	if err != nil {
		return err
	}
	if email != "" {
		if err := validate.Email("email", email); err != nil {
			return err
		}
	}
	out, err := s.Accounts.SetEmail(c.ctx(), u, email, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, userOf(out))
}

func (s *Server) setUserPhone(c *call, u *storage.User) error {
	phone, err := c.p.required("number")
	if err != nil {
		return err
	}
	if phone != "" {
		if err := validate.Phone("number", phone); err != nil {
			return err
		}
	}
	out, err := s.Accounts.SetPhone(c.ctx(), u, phone, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, userOf(out))
}

func (s *Server) setUserName(c *call, u *storage.User) error {
	name, err := c.p.required("name")
	if err != nil {
		return err
	}
	if err := validate.Text("name", name, 0, 128); err != nil {
		return err
	}
	out, err := s.Accounts.Set(c.ctx(), u, c.actor(), func(cur *storage.User) { cur.Name = name })
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, userOf(out))
}

func (s *Server) setUserPassword(c *call, u *storage.User) error {
	pw, err := c.p.required("password")
	if err != nil {
		return err
	}
	if pw != "" {
		if err := account.CheckPasswordPolicy(c.project.Project, "password", pw); err != nil {
			return err
		}
	}
	out, err := s.Accounts.SetPassword(c.ctx(), c.project.Project, u, pw, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, userOf(out))
}

// looseBool reads Appwrite's loose booleans: true/false, "true"/"false",
// 1/0 and "1"/"0".
func (c *call) looseBool(name string) (bool, error) {
	if raw, ok := c.p.raw(name); ok {
		switch strings.Trim(string(raw), `"`) {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
		return false, apperr.Invalid(name, "Value must be a valid boolean")
	}
	v, sent, err := c.p.boolean(name)
	if err != nil {
		return false, err
	}
	if !sent {
		return false, apperr.Missing(name)
	}
	return v, nil
}

func (s *Server) setUserStatus(c *call, u *storage.User) error {
	on, err := c.looseBool("status")
	if err != nil {
		return err
	}
	out, err := s.Accounts.Set(c.ctx(), u, c.actor(), func(cur *storage.User) { cur.Status = on })
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, userOf(out))
}

// setUserFlag serves the boolean switches: email and phone verification
// and MFA.
func (s *Server) setUserFlag(name string) userHandler {
	return func(c *call, u *storage.User) error {
		on, sent, err := c.p.boolean(name)
		if err != nil {
			return err
		}
		if !sent {
			return apperr.Missing(name)
		}
		out, err := s.Accounts.Set(c.ctx(), u, c.actor(), func(cur *storage.User) {
			switch name {
			case "emailVerification":
				cur.EmailVerification = on
			case "phoneVerification":
				cur.PhoneVerification = on
			case "mfa":
				cur.MFA = on
			}
		})
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, userOf(out))
	}
}

func (s *Server) setUserLabels(c *call, u *storage.User) error {
	labels, sent, err := c.p.strings("labels")
	if err != nil {
		return err
	}
	if !sent {
		return apperr.Missing("labels")
	}
	if len(labels) > 1000 {
		return apperr.Invalid("labels", "Value must be an array of at most 1000 labels")
	}
	seen := map[string]bool{}
	clean := []string{}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 36 || !alnum(l) {
			return apperr.Invalid("labels", "Each label must be 1 to 36 alphanumeric characters")
		}
		if !seen[l] {
			seen[l] = true
			clean = append(clean, l)
		}
	}
	out, err := s.Accounts.Set(c.ctx(), u, c.actor(), func(cur *storage.User) { cur.Labels = clean })
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, userOf(out))
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
			return false
		}
	}
	return true
}

func (s *Server) getUserPrefs(c *call, u *storage.User) error {
	return c.jsonRaw(http.StatusOK, prefsOf(u.Prefs))
}

func (s *Server) setUserPrefs(c *call, u *storage.User) error {
	raw, ok := c.p.raw("prefs")
	if !ok {
		return apperr.Missing("prefs")
	}
	out, err := s.Accounts.UpdatePrefs(c.ctx(), u, raw, c.actor())
	if err != nil {
		return err
	}
	return c.jsonRaw(http.StatusOK, prefsOf(out.Prefs))
}

func (s *Server) listUserLogs(c *call, u *storage.User) error {
	page, err := logsPage(c)
	if err != nil {
		return err
	}
	counts, err := c.countsTotal()
	if err != nil {
		return err
	}
	logs, total, err := s.Accounts.ListLogs(c.ctx(), u, page)
	if err != nil {
		return err
	}
	if !counts {
		total = 0
	}
	return c.json(http.StatusOK, c.logList(logs, total))
}
