package httpapi

import (
	"net/http"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func perHour(n int, key string) ratelimit.Rule {
	return ratelimit.Rule{Limit: n, Window: time.Hour, Key: key}
}

// perMinute is a rule over a one-minute window (Appwrite 1.9's
// abuse-time 60).
func perMinute(n int, key string) ratelimit.Rule {
	return ratelimit.Rule{Limit: n, Window: time.Minute, Key: key}
}

func (s *Server) accountRoutes() {
	user := route{scope: "account"}
	// What an impersonator may do as the user it impersonates: read the
	// account and change its name and preferences.
	target := route{scope: "account", asTarget: true}
	s.handle("POST /v1/account", route{scope: "sessions.write", method: "emailPassword",
		limits: []ratelimit.Rule{perHour(10, "url:{url},ip:{ip}")}}, s.createAccount)
	// The two reads every app makes most: they show no more than the
	// account model, so the session check skips the user's secrets.
	read := route{scope: "account", lite: true, asTarget: true}
	s.handle("GET /v1/account", read, s.getAccount)
	s.handle("DELETE /v1/account", user, s.deleteAccount)
	s.handle("GET /v1/account/prefs", read, s.getPrefs)
	s.handle("PATCH /v1/account/prefs", target, s.updatePrefs)
	s.handle("PATCH /v1/account/name", target, s.updateName)
	sensitive := route{scope: "account", fresh: freshIfMFA}
	s.handle("PATCH /v1/account/email", sensitive, s.updateEmail)
	s.handle("PATCH /v1/account/phone", sensitive, s.updatePhone)
	s.handle("PATCH /v1/account/password", route{scope: "account", fresh: freshIfMFA,
		limits: []ratelimit.Rule{perHour(10, "url:{url},ip:{ip}")}}, s.updatePassword)
	s.handle("PATCH /v1/account/status", user, s.updateStatus)
	s.handle("GET /v1/account/logs", target, s.listLogs)
}

func (s *Server) createAccount(c *call) error {
	id, err := c.p.required("userId")
	if err != nil {
		return err
	}
	if err := validate.CustomID("userId", id); err != nil {
		return err
	}
	email, err := c.p.required("email")
	if err != nil {
		return err
	}
	if err := validate.Email("email", email); err != nil {
		return err
	}
	pw, err := c.newPasswordParam()
	if err != nil {
		return err
	}
	name, sent, err := c.p.str("name")
	if err != nil {
		return err
	}
	if sent {
		if err := validate.Text("name", name, 1, 128); err != nil {
			return err
		}
	}
	u, err := s.Accounts.Create(c.ctx(), c.project.Project, account.SignUp{UserID: id, Email: email, Password: pw, Name: name}, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, accountOf(u))
}

func (s *Server) getAccount(c *call) error {
	return c.json(http.StatusOK, accountOf(c.user()))
}

func (s *Server) deleteAccount(c *call) error {
	if err := s.Accounts.Delete(c.ctx(), c.user()); err != nil {
		return err
	}
	c.clearSessionCookies()
	return c.noContent()
}

func (s *Server) getPrefs(c *call) error {
	return c.jsonRaw(http.StatusOK, prefsOf(c.user().Prefs))
}

func (s *Server) updatePrefs(c *call) error {
	raw, ok := c.p.raw("prefs")
	if !ok {
		return apperr.Missing("prefs")
	}
	u, err := s.Accounts.UpdatePrefs(c.ctx(), c.user(), raw, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, accountOf(u))
}

func (s *Server) updateName(c *call) error {
	name, err := c.p.required("name")
	if err != nil {
		return err
	}
	if err := validate.Text("name", name, 1, 128); err != nil {
		return err
	}
	u, err := s.Accounts.UpdateName(c.ctx(), c.user(), name, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, accountOf(u))
}

// newPasswordParam reads a password about to be set: the project's
// password-strength and dictionary policies are its validator.
func (c *call) newPasswordParam() (string, error) {
	pw, err := c.p.required("password")
	if err != nil {
		return "", err
	}
	return pw, account.CheckPasswordPolicy(c.project.Project, "password", pw)
}

// passwordParam reads the current password PATCH /account/email and
// /account/phone confirm with.
func (c *call) passwordParam() (string, error) {
	pw, err := c.p.required("password")
	if err != nil {
		return "", err
	}
	return pw, validate.Password("password", pw)
}

func (s *Server) updateEmail(c *call) error {
	email, err := c.p.required("email")
	if err != nil {
		return err
	}
	if err := validate.Email("email", email); err != nil {
		return err
	}
	pw, err := c.passwordParam()
	if err != nil {
		return err
	}
	u, err := s.Accounts.UpdateEmail(c.ctx(), c.project.Project, c.user(), email, pw, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, accountOf(u))
}

func (s *Server) updatePhone(c *call) error {
	phone, err := c.p.required("phone")
	if err != nil {
		return err
	}
	if err := validate.Phone("phone", phone); err != nil {
		return err
	}
	pw, err := c.passwordParam()
	if err != nil {
		return err
	}
	u, err := s.Accounts.UpdatePhone(c.ctx(), c.user(), phone, pw, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, accountOf(u))
}

func (s *Server) updatePassword(c *call) error {
	pw, err := c.newPasswordParam()
	if err != nil {
		return err
	}
	// Any string: since Appwrite 1.9 a short old password is a wrong
	// password, not a malformed request.
	old, sent, err := c.p.str("oldPassword")
	if err != nil {
		return err
	}
	if sent {
		if err := validate.Text("oldPassword", old, 0, 256); err != nil {
			return err
		}
	}
	u, err := s.Accounts.UpdatePassword(c.ctx(), c.project.Project, c.me(), pw, old, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, accountOf(u))
}

func (s *Server) updateStatus(c *call) error {
	u, err := s.Accounts.Block(c.ctx(), c.user(), c.actor())
	if err != nil {
		return err
	}
	c.clearSessionCookies()
	return c.json(http.StatusOK, accountOf(u))
}

func (s *Server) listLogs(c *call) error {
	page, err := logsPage(c)
	if err != nil {
		return err
	}
	counts, err := c.countsTotal()
	if err != nil {
		return err
	}
	logs, total, err := s.Accounts.ListLogs(c.ctx(), c.user(), page)
	if err != nil {
		return err
	}
	if !counts {
		total = 0
	}
	return c.json(http.StatusOK, c.logList(logs, total))
}

type logListModel struct {
	Total int        `json:"total"`
	Logs  []logModel `json:"logs"`
}

func (c *call) logList(logs []*storage.Log, total int) logListModel {
	out := logListModel{Total: total, Logs: make([]logModel, len(logs))}
	for i, l := range logs {
		out.Logs[i] = c.logOf(l)
	}
	return out
}
