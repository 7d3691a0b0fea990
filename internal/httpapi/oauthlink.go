package httpapi

import (
	"net/http"
	"net/url"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// linkingCaller is who finishes a link flow: the browser must still hold
// the very session that started it (not signed out, not switched to
// another account meanwhile), so a link cannot be finished for anyone
// else.
func (s *Server) linkingCaller(c *call, st *storage.OAuthState) (*account.Caller, error) {
	pid := c.project.ID
	who, err := s.Accounts.Authenticate(c.ctx(), pid, sessionString(c.r, pid))
	if err != nil {
		return nil, err
	}
	if who == nil || who.Session == nil || !secret.Equal(who.Session.ID, st.LinkSession) || !secret.Equal(who.User.ID, st.LinkUserID) {
		return nil, apperr.Newf(apperr.UserUnauthorized, "The link must be finished in the session that started it. Sign in and start it again.")
	}
	if !who.User.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	return who, nil
}

// endReplacedSession ends the session the browser held before a sign-in
// replaced its cookie, as Appwrite does: a session no browser holds any
// more should not stay usable. With several accounts per device the
// device keeps it (see addToDevice).
func (s *Server) endReplacedSession(c *call, newID string) {
	if c.multiAccounts() {
		return
	}
	pid := c.project.ID
	who, err := s.Accounts.Authenticate(c.ctx(), pid, sessionString(c.r, pid))
	if err != nil || who == nil || who.Session == nil || who.Session.ID == newID {
		return
	}
	if err := s.Store.DeleteSession(c.ctx(), pid, who.User.ID, who.Session.ID); err != nil {
		s.Log.WarnContext(c.ctx(), "end the replaced session", "err", err)
	}
}

// oauthCallbackPost answers Apple's form POST (response_mode=form_post)
// with a redirect to the GET callback carrying the same parameters. A
// cross-site POST does not carry SameSite=Lax cookies, the GET navigation
// it turns into does, and so the flow's browser cookie comes back.
func (s *Server) oauthCallbackPost(c *call) error {
	var err error
	if c.p, err = readParams(c.w, c.r); err != nil {
		return err
	}
	q := url.Values{}
	for _, k := range []string{"state", "code", "error", "error_description", "user"} {
		if v, _, _ := c.p.str(k); v != "" {
			q.Set(k, v)
		}
	}
	noStore(c.w)
	to := s.callbackURL(c.r, c.r.PathValue("provider"), c.r.PathValue("projectId"))
	http.Redirect(c.w, c.r, to+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}
