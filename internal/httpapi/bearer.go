package httpapi

import (
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

// Bearer access tokens (Appwrite 2.0's `Authorization: Bearer`, set by the
// SDKs' setBearer): an access token of the project's own OAuth2 server
// acts as its user on Gatehouse's API. A token is a grant the user gave a
// third-party app, so it reaches less than a session does:
//
//   - only the Account API routes an impersonator may use (asTarget: the
//     account, prefs, name, sessions list, logs, factors and identities)
//     and the avatars and locale services; never a route that changes a
//     way in, mints a credential or answers a consent;
//   - only the user-role scopes it was granted by name: a project that
//     wants apps to read the account defines the scope `account` in its
//     oauth2-server settings and apps ask for it;
//   - provider access tokens stay hidden, as from an impersonator.
//
// The token is checked on every call through oauth2server's Verify: its
// signature, expiry and family (one indexed read), so a revoked consent,
// a blocked or a deleted user stop it at once on every node.

// bearerToken reads an `Authorization: Bearer` credential, or "".
func bearerToken(r *http.Request) string {
	const prefix = "bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return ""
	}
	return strings.TrimSpace(h[len(prefix):])
}

// authenticateBearer makes the token's user the caller, after authenticate
// found no other credential: a token beside a session, a JWT or a key is
// refused, as which one acts would be a guess.
func (s *Server) authenticateBearer(c *call, tok string) error {
	if c.key != nil {
		return apperr.New(apperr.UserKeyAndSessionSet)
	}
	if c.caller != nil {
		return apperr.Newf(apperr.UserJWTAndCookieSet, "Send one credential: a session, a JWT or an OAuth2 access token.")
	}
	at, err := s.oauth2.VerifyIn(c.ctx(), c.project.Project, tok)
	if err != nil {
		if apperr.Is(err, apperr.OAuth2ServerDisabled) {
			// The project turned its server off: its tokens are dead.
			return apperr.New(apperr.OAuth2InvalidToken)
		}
		return err
	}
	u, err := s.Store.GetUser(c.ctx(), c.project.ID, at.UserID)
	if err != nil {
		// Verify saw the user a moment ago; one deleted since is gone.
		return apperr.New(apperr.OAuth2InvalidToken)
	}
	// No session: routes that need one refuse, as for a JWT caller.
	c.caller = &account.Caller{User: u, ByJWT: true}
	c.bearer = at
	return nil
}

// bearerAllowed reports whether a route accepts an access token.
func bearerAllowed(pattern string, rt route) bool {
	switch serviceOf(pattern) {
	case "account":
		return rt.asTarget
	case "avatars", "locale":
		return true
	}
	return false
}

// errBearerRoute refuses a route an access token may not call.
func errBearerRoute() error {
	return apperr.Newf(apperr.UserUnauthorized, "This route does not accept an OAuth2 access token: sign in with a session.")
}
