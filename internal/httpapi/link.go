package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// linkRoutes are Gatehouse's account linking, beyond Appwrite: merge a
// secondary account into a primary one (Auth0's model, and Authress's
// PATCH shape), preview it, and split an identity back out.
func (s *Server) linkRoutes() {
	// Either a key with users.write or the signed-in primary itself.
	either := route{}
	s.handle("POST /v1/users/{userId}/identities", either, s.linkIdentity)
	s.handle("PATCH /v1/users/{userId}/identities", either, s.linkIdentity)
	s.handle("GET /v1/users/{userId}/identities/preview", either, s.previewLink)
	s.handle("DELETE /v1/users/{userId}/identities/{provider}/{providerUid}", either, s.unlinkIdentity)
	// The same for the signed-in user, under the Account API.
	me := route{scope: "account"}
	s.handle("POST /v1/account/identities", me, asSelf(s.linkIdentity))
	s.handle("GET /v1/account/identities/preview", me, asSelf(s.previewLink))
	s.handle("DELETE /v1/account/identities/{provider}/{providerUid}", me, asSelf(s.unlinkIdentity))
	s.undoRoutes()
}

// asSelf runs a /users/{userId} handler for the signed-in user.
func asSelf(h handlerFunc) handlerFunc {
	return func(c *call) error {
		c.r.SetPathValue("userId", c.user().ID)
		return h(c)
	}
}

// linkCaller admits an API key with users.write, or the user named by
// {userId} acting on itself (after a fresh second factor when MFA is on).
func (s *Server) linkCaller(c *call) (*storage.User, error) {
	id := c.r.PathValue("userId")
	if err := validate.UID("userId", id); err != nil {
		return nil, err
	}
	switch {
	case c.key != nil:
		if !c.hasScope("users.write") {
			return nil, c.missingScopes("users.write")
		}
	case c.caller != nil:
		if c.caller.User.ID != id {
			return nil, apperr.Newf(apperr.UserUnauthorized, "A user may only link accounts into itself.")
		}
		// A session a sibling subdomain planted in Appwrite's cookie is
		// not one of the device's accounts (see deviceEntries): it may
		// not pull the device's real accounts into itself.
		if !c.caller.ByJWT && !c.sessionOnDevice() {
			return nil, errNotOnDevice
		}
		if c.caller.User.MFA && !s.Accounts.FreshFactor(c.caller) {
			return nil, apperr.New(apperr.UserChallengeRequired)
		}
	default:
		return nil, c.missingScopes("users.write")
	}
	return s.Accounts.User(c.ctx(), c.project.Project, id)
}

// errNotOnDevice refuses a link by a session the device's own list does
// not hold: over https, one a sibling subdomain may have planted in
// Appwrite's cookie.
var errNotOnDevice = apperr.Newf(apperr.UserUnauthorized, "The signed-in account is not one of this device's accounts: sign in again to link.")

// secondaryOf finds the account to merge: by id, by one of its identities,
// or (for a user linking itself) by a JWT proving control of it or by
// naming another account signed in on the same device.
func (s *Server) secondaryOf(c *call) (*storage.User, error) {
	if id, sent, err := c.p.str("deviceAccount"); err != nil {
		return nil, err
	} else if sent {
		return s.deviceSecondary(c, id)
	}
	if tok, sent, err := c.p.str("linkWith"); err != nil {
		return nil, err
	} else if sent {
		other, err := s.Accounts.AuthenticateJWT(c.ctx(), c.project.ID, tok)
		if err != nil {
			return nil, err
		}
		if other == nil {
			return nil, apperr.New(apperr.UserJWTInvalid)
		}
		return other.User, nil
	}
	if c.key == nil {
		return nil, apperr.Newf(apperr.ArgumentInvalid,
			"A user links another account by proving control of it: send deviceAccount, the id of another account on this device, or linkWith, a JWT of that account.")
	}
	if id, sent, err := c.p.str("userId"); err != nil {
		return nil, err
	} else if sent {
		if err := validate.UID("userId", id); err != nil {
			return nil, err
		}
		return s.Accounts.User(c.ctx(), c.project.Project, id)
	}
	provider, _, err := c.p.str("provider")
	if err != nil {
		return nil, err
	}
	uid, _, err := c.p.str("providerUid")
	if err != nil {
		return nil, err
	}
	if provider == "" { // Authress's names
		provider, _, _ = c.p.str("connectionId")
		uid, _, _ = c.p.str("connectionUserId")
	}
	if provider == "" || uid == "" {
		return nil, apperr.Newf(apperr.ArgumentInvalid, "Name the account to link: userId, provider and providerUid, or linkWith.")
	}
	if u, ok, err := s.secondaryByMethod(c, provider, uid); ok || err != nil {
		return u, err
	}
	i, err := s.Store.IdentityByProvider(c.ctx(), c.project.ID, provider, uid)
	if err != nil {
		return nil, apperr.New(apperr.UserIdentityNotFound)
	}
	return s.Accounts.User(c.ctx(), c.project.Project, i.UserID)
}

// secondaryByMethod finds an account named by its own sign-in method
// rather than by an OAuth identity, as Auth0's and Authress's link calls
// name one ({"provider": "sms", "providerUid": <its user id>}): "email"
// with the account's address or id, "phone" or "sms" with its number or
// id. ok is false for any other provider, which names an identity. The
// account must have that way in.
func (s *Server) secondaryByMethod(c *call, provider, uid string) (*storage.User, bool, error) {
	ctx, pid := c.ctx(), c.project.ID
	var u *storage.User
	var err error
	switch strings.ToLower(provider) {
	case "email":
		if validate.Email("providerUid", uid) == nil {
			u, err = s.Store.UserByEmail(ctx, pid, strings.ToLower(uid))
		} else {
			u, err = s.Store.GetUser(ctx, pid, uid)
			if err == nil && u.Email == "" {
				err = storage.ErrNotFound
			}
		}
	case "phone", "sms":
		if strings.HasPrefix(uid, "+") {
			u, err = s.Store.UserByPhone(ctx, pid, uid)
		} else {
			u, err = s.Store.GetUser(ctx, pid, uid)
			if err == nil && u.Phone == "" {
				err = storage.ErrNotFound
			}
		}
	default:
		return nil, false, nil
	}
	if errors.Is(err, storage.ErrNotFound) {
		return nil, true, apperr.New(apperr.UserIdentityNotFound)
	}
	if err != nil {
		return nil, true, err
	}
	return u, true, nil
}

func (s *Server) linkIdentity(c *call) error {
	primary, err := s.linkCaller(c)
	if err != nil {
		return err
	}
	secondary, err := s.secondaryOf(c)
	if err != nil {
		return err
	}
	u, err := s.Accounts.Link(c.ctx(), c.project.Project, primary, secondary, c.actor(), s.undoURL(c.project.ID))
	if err != nil {
		return err
	}
	if c.key != nil {
		return c.json(http.StatusOK, userOf(u))
	}
	return c.json(http.StatusOK, accountOf(u))
}

type previewModel struct {
	User       accountModel    `json:"user"`
	Identities []identityModel `json:"identities"`
}

// previewLink shows the merged account without changing anything.
func (s *Server) previewLink(c *call) error {
	primary, err := s.linkCaller(c)
	if err != nil {
		return err
	}
	secondary, err := s.secondaryOf(c)
	if err != nil {
		return err
	}
	if primary.ID == secondary.ID {
		return apperr.Newf(apperr.ArgumentInvalid, "A user cannot be linked to itself.")
	}
	out := previewModel{User: accountOf(primary)}
	for _, u := range []*storage.User{primary, secondary} {
		list, _, err := s.Accounts.ListIdentities(c.ctx(), c.project.ID, u.ID, storage.Page{Limit: 1000})
		if err != nil {
			return err
		}
		for _, i := range list {
			out.Identities = append(out.Identities, c.identityOf(i))
		}
	}
	prof, _ := json.Marshal(account.Profile{UserID: secondary.ID, Name: secondary.Name, Email: secondary.Email,
		EmailVerification: secondary.EmailVerification, Phone: secondary.Phone, PhoneVerification: secondary.PhoneVerification,
		Prefs: secondary.Prefs, Labels: secondary.Labels})
	for _, way := range []struct{ kind, v string }{{account.WayEmail, secondary.Email}, {account.WayPhone, secondary.Phone}} {
		if way.v != "" {
			out.Identities = append(out.Identities, identityModel{UserID: primary.ID, Provider: way.kind, ProviderUID: way.v,
				ProviderEmail: map[bool]string{true: way.v}[way.kind == account.WayEmail], ProfileData: prof})
		}
	}
	return c.json(http.StatusOK, out)
}

func (s *Server) unlinkIdentity(c *call) error {
	u, err := s.linkCaller(c)
	if err != nil {
		return err
	}
	nu, err := s.Accounts.Unlink(c.ctx(), c.project.Project, u, c.r.PathValue("provider"), c.r.PathValue("providerUid"), c.actor(),
		s.undoURL(c.project.ID))
	if err != nil {
		return err
	}
	if c.key != nil {
		return c.json(http.StatusOK, userOf(nu))
	}
	return c.json(http.StatusOK, accountOf(nu))
}
