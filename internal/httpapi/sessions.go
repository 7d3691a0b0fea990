package httpapi

import (
	"net/http"
	"slices"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/oauth"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

func (s *Server) sessionRoutes() {
	emailSignIn := route{scope: "sessions.write", guestOnly: true, method: "emailPassword",
		limits: []ratelimit.Rule{perHour(10, "url:{url},email:{param-email}")}}
	s.handle("POST /v1/account/sessions/email", emailSignIn, s.createEmailSession)
	s.handle("POST /v1/account/sessions", emailSignIn, s.createEmailSession) // before 1.4
	s.handle("POST /v1/account/sessions/anonymous", route{scope: "sessions.write", guestOnly: true, method: "anonymous",
		limits: []ratelimit.Rule{perHour(50, "ip:{ip}")}}, s.createAnonymousSession)
	// An impersonator sees the user's sessions, without provider tokens,
	// and changes none of them.
	target := route{scope: "account", asTarget: true}
	s.handle("GET /v1/account/sessions", target, s.listSessions)
	s.handle("DELETE /v1/account/sessions", route{scope: "account", limits: []ratelimit.Rule{perHour(100, "url:{url},ip:{ip}")}}, s.deleteSessions)
	s.handle("GET /v1/account/sessions/{sessionId}", target, s.getSession)
	s.handle("PATCH /v1/account/sessions/{sessionId}", route{scope: "account", limits: []ratelimit.Rule{perHour(10, "url:{url},ip:{ip}")}}, s.updateSession)
	s.handle("DELETE /v1/account/sessions/{sessionId}", route{scope: "account", mfaExempt: true,
		limits: []ratelimit.Rule{perHour(100, "url:{url},ip:{ip}")}}, s.deleteSession)
	// Not needsSess: a JWT caller gets user_jwt_creation_denied from the
	// handler, after the rate limit has counted the call, as in Appwrite.
	jwt := route{scope: "account", method: "JWT", limits: []ratelimit.Rule{perMinute(120, "url:{url},userId:{userId}")}}
	s.handle("POST /v1/account/jwts", jwt, s.createJWT)
	s.handle("POST /v1/account/jwt", jwt, s.createJWT)
}

// sessionCreated answers a sign-in: cookies for browsers, and the session
// string in `secret` only for an API-key caller (server-side rendering).
func (c *call) sessionCreated(ns *account.NewSession) error {
	secret := ""
	if c.key != nil {
		secret = ns.Credential
	} else {
		c.setSessionCookies(ns.Credential, ns.Expire)
	}
	return c.json(http.StatusCreated, c.sessionOf(ns.Session, true, secret))
}

// sessionStringOf wraps a user id and secret the way session strings are.
func sessionStringOf(userID, secret string) string { return session.Encode(userID, secret) }

func (s *Server) createEmailSession(c *call) error {
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
	ns, err := s.Accounts.SignInEmail(c.ctx(), c.project.Project, email, pw, c.actor())
	if err != nil {
		return err
	}
	return c.sessionCreated(ns)
}

func (s *Server) createAnonymousSession(c *call) error {
	ns, err := s.Accounts.SignInAnonymous(c.ctx(), c.project.Project, c.actor())
	if err != nil {
		return err
	}
	return c.sessionCreated(ns)
}

type sessionListModel struct {
	Total    int            `json:"total"`
	Sessions []sessionModel `json:"sessions"`
}

func (s *Server) listSessions(c *call) error {
	list, err := s.Accounts.ListSessions(c.ctx(), c.user())
	if err != nil {
		return err
	}
	out := sessionListModel{Total: len(list), Sessions: make([]sessionModel, len(list))}
	for i, sess := range list {
		out.Sessions[i] = c.sessionOf(sess, c.isCurrent(sess.ID), "")
	}
	return c.json(http.StatusOK, out)
}

func (c *call) isCurrent(id string) bool {
	return c.caller != nil && c.caller.Session != nil && !c.caller.ByJWT && c.caller.Session.ID == id
}

// sessionIDParam validates {sessionId}: an id or "current".
func (c *call) sessionIDParam() (string, error) {
	id := c.r.PathValue("sessionId")
	if id == "current" {
		return id, nil
	}
	return id, validate.UID("sessionId", id)
}

func (s *Server) getSession(c *call) error {
	id, err := c.sessionIDParam()
	if err != nil {
		return err
	}
	sess, err := s.Accounts.GetSession(c.ctx(), c.me(), id)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, c.sessionOf(sess, c.isCurrent(sess.ID), ""))
}

func (s *Server) updateSession(c *call) error {
	id, err := c.sessionIDParam()
	if err != nil {
		return err
	}
	sess, err := s.Accounts.ExtendSession(c.ctx(), c.project.Project, c.me(), id, c.actor())
	if err != nil {
		return err
	}
	if sess, err = s.refreshProviderTokens(c, sess); err != nil {
		return err
	}
	return c.json(http.StatusOK, c.sessionOf(sess, c.isCurrent(sess.ID), ""))
}

// refreshProviderTokens renews an OAuth2 session's provider tokens with
// the provider's refresh grant, as Appwrite does when a session is
// extended. Sessions of other kinds are left as they are.
func (s *Server) refreshProviderTokens(c *call, sess *storage.Session) (*storage.Session, error) {
	if sess.ProviderRefreshToken == "" || !slices.Contains(oauth.Names(), sess.Provider) {
		return sess, nil
	}
	prov, err := s.providerFor(c.r, c.project.Project, sess.Provider, nil)
	if err != nil {
		return nil, err
	}
	ref, ok := prov.(oauth.Refresher)
	if !ok {
		return sess, nil
	}
	tok, err := ref.Refresh(c.ctx(), s.Accounts.Unseal(sess.ProviderRefreshToken))
	if err != nil {
		return nil, providerErr(err)
	}
	return s.Store.UpdateSession(c.ctx(), sess.ProjectID, sess.UserID, sess.ID, func(cur *storage.Session) error {
		cur.ProviderAccessToken = s.Seal.Seal(tok.AccessToken)
		if tok.RefreshToken != "" {
			cur.ProviderRefreshToken = s.Seal.Seal(tok.RefreshToken)
		}
		cur.ProviderAccessTokenExpiry = tok.Expiry.UTC()
		return nil
	})
}

func (s *Server) deleteSession(c *call) error {
	id, err := c.sessionIDParam()
	if err != nil {
		return err
	}
	current, err := s.Accounts.DeleteSession(c.ctx(), c.me(), id, c.actor())
	if err != nil {
		return err
	}
	if current {
		c.clearSessionCookies()
	}
	return c.noContent()
}

func (s *Server) deleteSessions(c *call) error {
	if err := s.Accounts.DeleteSessions(c.ctx(), c.user(), c.actor()); err != nil {
		return err
	}
	c.clearSessionCookies()
	return c.noContent()
}

func (s *Server) createJWT(c *call) error {
	d, sent, err := c.p.integer("duration", 0, 3600)
	if err != nil {
		return err
	}
	if !sent {
		d = int64(account.JWTLifetime / time.Second)
	}
	tok, err := s.Accounts.CreateJWT(c.me(), time.Duration(d)*time.Second)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, jwtModel{JWT: tok})
}
