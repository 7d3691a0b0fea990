package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/admins"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// consoleAdminRoutes manage the console's administrators: a Gatehouse
// addition, on the console project with the instance admin key or an
// administrator's session. Appwrite's console invites members to a team
// instead; Gatehouse's console has one team, the administrators.
func (s *Server) consoleAdminRoutes() {
	admin := route{console: true}
	s.handle("GET /v1/console/admins", admin, s.listAdmins)
	s.handle("POST /v1/console/admins", admin, s.createAdmin)
	s.handle("GET /v1/console/admins/{adminId}", admin, s.withAdmin(s.getAdmin))
	s.handle("PATCH /v1/console/admins/{adminId}/status", admin, s.withAdmin(s.setAdminStatus))
	s.handle("POST /v1/console/admins/{adminId}/link", admin, s.withAdmin(s.createAdminLink))
	s.handle("DELETE /v1/console/admins/{adminId}", admin, s.withAdmin(s.deleteAdmin))
	s.consoleInfoRoutes()
}

// adminModel is an administrator on the wire: no password hash, no
// secrets.
type adminModel struct {
	ID                string `json:"$id"`
	CreatedAt         string `json:"$createdAt"`
	Name              string `json:"name"`
	Email             string `json:"email"`
	Status            bool   `json:"status"`
	MFA               bool   `json:"mfa"`
	PasswordSet       bool   `json:"passwordSet"`
	PasswordUpdate    string `json:"passwordUpdate"`
	EmailVerification bool   `json:"emailVerification"`
	AccessedAt        string `json:"accessedAt"`
}

func adminOf(u *storage.User) adminModel {
	return adminModel{ID: u.ID, CreatedAt: when(u.CreatedAt), Name: u.Name, Email: u.Email, Status: u.Status, MFA: u.MFA,
		PasswordSet: u.PasswordHash != "", PasswordUpdate: when(u.PasswordUpdate), EmailVerification: u.EmailVerification,
		AccessedAt: when(u.AccessedAt)}
}

// adminLinkModel is a new administrator, or a new link for one, with
// the one-time sign-in link (shown once).
type adminLinkModel struct {
	Admin  adminModel `json:"admin"`
	URL    string     `json:"url"`
	Expire string     `json:"expire"`
}

func (s *Server) admins() *admins.Service { return admins.New(s.Accounts, s.Projects, s.Store) }

// baseURL is the instance's external base URL, for links.
func (s *Server) baseURL() string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	return s.ListenURL
}

func (s *Server) withAdmin(h func(c *call, u *storage.User) error) handlerFunc {
	return func(c *call) error {
		id := c.r.PathValue("adminId")
		if err := validate.UID("adminId", id); err != nil {
			return err
		}
		u, err := s.admins().Get(c.ctx(), id)
		if err != nil {
			return err
		}
		return h(c, u)
	}
}

func (s *Server) listAdmins(c *call) error {
	uq, err := listQuery(c, userSchema)
	if err != nil {
		return err
	}
	list, total, err := s.admins().List(c.ctx(), uq)
	if err != nil {
		return err
	}
	out := struct {
		Total  int          `json:"total"`
		Admins []adminModel `json:"admins"`
	}{Total: total, Admins: make([]adminModel, len(list))}
	for i, u := range list {
		out.Admins[i] = adminOf(u)
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) createAdmin(c *call) error {
	email, err := c.p.required("email")
	if err != nil {
		return err
	}
	if err := validate.Email("email", email); err != nil {
		return err
	}
	name, _, err := c.p.str("name")
	if err != nil {
		return err
	}
	if err := validate.Text("name", name, 0, 128); err != nil {
		return err
	}
	u, l, err := s.admins().Create(c.ctx(), email, name, s.baseURL(), c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, adminLinkModel{Admin: adminOf(u), URL: l.URL, Expire: when(l.Expire)})
}

func (s *Server) getAdmin(c *call, u *storage.User) error { return c.json(http.StatusOK, adminOf(u)) }

// notSelf refuses an administrator blocking or deleting itself, which
// would lock it out of the console it is using.
func notSelf(c *call, u *storage.User) error {
	if c.console != nil && c.console.ID == u.ID {
		return apperr.Invalid("adminId", "An administrator cannot block or delete itself; ask another administrator.")
	}
	return nil
}

func (s *Server) setAdminStatus(c *call, u *storage.User) error {
	on, err := c.looseBool("status")
	if err != nil {
		return err
	}
	if err := notSelf(c, u); err != nil {
		return err
	}
	out, err := s.admins().SetStatus(c.ctx(), u, on, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, adminOf(out))
}

func (s *Server) createAdminLink(c *call, u *storage.User) error {
	l, err := s.admins().NewLink(c.ctx(), u, s.baseURL(), c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, adminLinkModel{Admin: adminOf(u), URL: l.URL, Expire: when(l.Expire)})
}

func (s *Server) deleteAdmin(c *call, u *storage.User) error {
	if err := notSelf(c, u); err != nil {
		return err
	}
	if err := s.admins().Delete(c.ctx(), u, c.actor()); err != nil {
		return err
	}
	return c.noContent()
}
