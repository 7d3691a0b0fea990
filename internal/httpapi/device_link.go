package httpapi

import (
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// Linking two accounts of one device: the signed-in primary names the
// account it merges by user id, {"deviceAccount": "<userId>"}, and that
// account must be one the device itself holds (deviceEntries: over https
// only what Gatehouse's own __Host- cookie lists). Nothing is picked for
// the caller: not the current account, not the first other one, not an
// account a sibling subdomain planted in a cookie.

// deviceSecondary finds the device account id for an on-device link.
func (s *Server) deviceSecondary(c *call, id string) (*storage.User, error) {
	if c.caller == nil || c.caller.Session == nil || c.caller.ByJWT {
		return nil, apperr.Newf(apperr.ArgumentInvalid,
			"deviceAccount names an account signed in on this device; only a session of that device can link it.")
	}
	if err := validate.UID("deviceAccount", id); err != nil {
		return nil, err
	}
	for _, e := range c.deviceEntries() {
		if e.userID != id {
			continue
		}
		live, who := c.liveEntries([]deviceEntry{e})
		if len(live) != 1 {
			break
		}
		// The same rule as a JWT of that account (linkWith): a session
		// still owing its second factor proves nothing yet.
		if s.needsMoreFactors(c.ctx(), who[0]) {
			return nil, apperr.Newf(apperr.UserMoreFactorsRequired,
				"The account to link has not completed its second factor on this device.")
		}
		return who[0].User, nil
	}
	return nil, apperr.Newf(apperr.UserSessionNotFound, "The account named by deviceAccount is not signed in on this device.")
}
