package httpapi

import (
	"net/http"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func (s *Server) userSessionRoutes() {
	write := route{scope: "users.write"}
	// Since Appwrite 1.9 a key with sessions.read or sessions.write
	// alone reaches a user's sessions. Guests and users hold
	// sessions.write, so writes count a key's scopes only; no session
	// holds sessions.read, and an impersonator's users.read lists
	// sessions as Appwrite's does (provider tokens blank).
	readSessions := route{scopes: []string{"users.read", "sessions.read"}}
	writeSessions := route{scopes: []string{"users.write", "sessions.write"}, keyOnly: true}
	s.handle("GET /v1/users/{userId}/sessions", readSessions, s.withUser(s.listUserSessions))
	s.handle("POST /v1/users/{userId}/sessions", writeSessions, s.withUser(s.createUserSession))
	// DELETE /v1/users/{userId}/sessions and DELETE /v1/users/identities/
	// {identityId} overlap, which ServeMux refuses to register side by
	// side; one pattern serves both, and the identity branch asks for
	// users.write itself.
	s.handle("DELETE /v1/users/{userId}/{sub}", writeSessions, s.deleteUserChild)
	s.handle("DELETE /v1/users/{userId}/sessions/{sessionId}", writeSessions, s.withUser(s.deleteUserSession))
	s.handle("POST /v1/users/{userId}/tokens", write, s.withUser(s.createUserToken))
	s.handle("POST /v1/users/{userId}/jwts", write, s.withUser(s.createUserJWT))

	// Appwrite counts per address and user; a per-user count on top keeps
	// a short token out of reach of guesses spread over many addresses.
	redeem := route{scope: "sessions.write", guestOnly: true, limits: []ratelimit.Rule{perHour(10, "ip:{ip},userId:{param-userId}"),
		perHour(10, "url:{url},userId:{param-userId}")}}
	s.handle("POST /v1/account/sessions/token", redeem, s.redeemToken)
	s.handle("PUT /v1/account/sessions/magic-url", redeem, s.redeemToken)
	s.handle("PUT /v1/account/sessions/phone", redeem, s.redeemToken)
}

func (s *Server) listUserSessions(c *call, u *storage.User) error {
	counts, err := c.countsTotal()
	if err != nil {
		return err
	}
	list, err := s.Accounts.ListSessions(c.ctx(), u)
	if err != nil {
		return err
	}
	out := sessionListModel{Total: len(list), Sessions: make([]sessionModel, len(list))}
	if !counts {
		out.Total = 0
	}
	for i, sess := range list {
		// A key sees the stored hash, useless as a credential, as in Appwrite.
		out.Sessions[i] = c.sessionOf(sess, false, sess.SecretHash)
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) createUserSession(c *call, u *storage.User) error {
	ns, err := s.Accounts.CreateServerSession(c.ctx(), c.project.Project, u, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, c.sessionOf(ns.Session, false, ns.Credential))
}

func (s *Server) deleteUserChild(c *call) error {
	switch {
	case c.r.PathValue("userId") == "identities":
		if !c.hasScope("users.write") {
			return c.missingScopes("users.write")
		}
		return s.deleteAnyIdentityID(c, c.r.PathValue("sub"))
	case c.r.PathValue("sub") == "sessions":
		return s.withUser(s.deleteUserSessions)(c)
	}
	return apperr.New(apperr.RouteNotFound)
}

func (s *Server) deleteUserSessions(c *call, u *storage.User) error {
	if err := s.Accounts.DeleteSessions(c.ctx(), u, c.actor()); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) deleteUserSession(c *call, u *storage.User) error {
	id := c.r.PathValue("sessionId")
	if err := validate.UID("sessionId", id); err != nil {
		return err
	}
	if err := s.Accounts.DeleteUserSession(c.ctx(), u, id, c.actor()); err != nil {
		return err
	}
	return c.noContent()
}

type tokenModel struct {
	ID        string `json:"$id"`
	CreatedAt string `json:"$createdAt"`
	UserID    string `json:"userId"`
	Secret    string `json:"secret"`
	Expire    string `json:"expire"`
	Phrase    string `json:"phrase"`
}

func tokenOf(t *storage.Token, secret, phrase string) tokenModel {
	return tokenModel{ID: t.ID, CreatedAt: when(t.CreatedAt), UserID: t.UserID, Secret: secret, Expire: when(t.Expire), Phrase: phrase}
}

func (s *Server) createUserToken(c *call, u *storage.User) error {
	length, sent, err := c.p.integer("length", 4, 128)
	if err != nil {
		return err
	}
	if !sent {
		length = 6
	}
	expire, sent, err := c.p.integer("expire", 60, 31536000)
	if err != nil {
		return err
	}
	if !sent {
		expire = 900
	}
	t, err := s.Accounts.CreateGenericToken(c.ctx(), u, int(length), time.Duration(expire)*time.Second, c.actor())
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, tokenOf(t.Token, t.Secret, ""))
}

func (s *Server) createUserJWT(c *call, u *storage.User) error {
	sid, _, err := c.p.str("sessionId")
	if err != nil {
		return err
	}
	if sid != "" && sid != "recent" {
		if err := validate.UID("sessionId", sid); err != nil {
			return err
		}
	}
	d, sent, err := c.p.integer("duration", 0, 3600)
	if err != nil {
		return err
	}
	if !sent {
		d = 900
	}
	tok, err := s.Accounts.CreateUserJWT(c.ctx(), u, sid, time.Duration(d)*time.Second)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, jwtModel{JWT: tok})
}

func (s *Server) redeemToken(c *call) error {
	uid, err := c.p.required("userId")
	if err != nil {
		return err
	}
	if err := validate.CustomID("userId", uid); err != nil {
		return err
	}
	raw, err := c.p.required("secret")
	if err != nil {
		return err
	}
	if err := validate.Text("secret", raw, 1, 256); err != nil {
		return err
	}
	ns, err := s.Accounts.RedeemToken(c.ctx(), c.project.Project, uid, raw, c.actor())
	if err != nil {
		return err
	}
	return c.sessionCreated(ns)
}
