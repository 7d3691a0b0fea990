package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// Several accounts on one device (a project setting, off by default).
//
// The device keeps the session strings of all its accounts in a second
// cookie, a_device_<project> (__Host-a_device_<project> over https, which
// a sibling subdomain cannot set), next to Appwrite's a_session_<project>,
// which names the current one. Cross-site callers get both in
// X-Fallback-Cookies, which the official web SDK stores and sends back
// whole, so the SDK works unchanged. Nothing about the device is kept on
// the server: every entry is a session string checked like any other on
// use, so a node needs no shared state beyond the sessions table, and an
// entry whose session ended is dead everywhere at once.

// maxDeviceAccounts bounds the accounts one device holds (and the cookie's
// size: ten session strings stay well under 4 kB).
const maxDeviceAccounts = 10

// accountHeader names the device account a request acts as, instead of the
// current one: two tabs can use two accounts at once.
const accountHeader = "X-Gatehouse-Account"

func deviceCookieName(projectID string) string { return "a_device_" + strings.ToLower(projectID) }

func (s *Server) deviceRoutes() {
	dev := route{scope: "public", mfaExempt: true}
	write := route{scope: "public", mfaExempt: true, limits: []ratelimit.Rule{perHour(100, "url:{url},ip:{ip}")}}
	s.handle("GET /v1/account/device/accounts", dev, s.listDeviceAccounts)
	s.handle("PATCH /v1/account/device/accounts/{userId}", write, s.switchDeviceAccount)
	s.handle("DELETE /v1/account/device/accounts/{userId}", write, s.signOutDeviceAccount)
	s.handle("DELETE /v1/account/device/accounts", write, s.signOutDevice)
}

// multiAccounts reports whether the project lets a device hold several
// accounts.
func (c *call) multiAccounts() bool {
	return c.project != nil && c.project.Settings.Auth.MultiAccounts
}

// deviceCookie reads the raw device list: its cookie (or legacy twin;
// over https only the __Host- one, see hostcookie.go), else the fallback
// header.
func (c *call) deviceCookie() (string, bool) {
	name := deviceCookieName(c.project.ID)
	if v, ok := c.readOwnCookie(name); ok {
		return v, true
	}
	if v := c.r.Header.Get("X-Fallback-Cookies"); v != "" && len(v) < 16384 {
		var m map[string]string
		if json.Unmarshal([]byte(v), &m) == nil {
			if d, ok := m["a_device_"+c.project.ID]; ok {
				return d, true
			}
			d, ok := m[name]
			return d, ok
		}
	}
	return "", false
}

// deviceEntry is one account on the device: its session string and the
// user id that string names (not yet checked against the database).
type deviceEntry struct {
	raw    string
	userID string
}

// deviceEntries lists the device's accounts, the current one included,
// one per user, in the device's order, at most maxDeviceAccounts. Entries
// that do not even decode are dropped. Without the project setting the
// device holds only its current account, whatever cookie it still has.
//
// Over https the device's own list is the authority on which accounts it
// holds: a current session read from Appwrite's cookie, which a sibling
// subdomain can set for the parent domain, counts only when the list
// holds it too. A planted session then never reaches the account chooser,
// X-Gatehouse-Account or an on-device link, and a later sign-in or switch
// does not write it into the list.
func (c *call) deviceEntries() []deviceEntry {
	var out []deviceEntry
	add := func(raw string) {
		cred, ok := session.Decode(raw)
		if !ok {
			return
		}
		for _, e := range out {
			if e.userID == cred.ID {
				return
			}
		}
		out = append(out, deviceEntry{raw: raw, userID: cred.ID})
	}
	cur := sessionString(c.r, c.project.ID)
	if !c.multiAccounts() {
		if cur != "" {
			add(cur)
		}
		return out
	}
	var list []string
	if raw, ok := c.deviceCookie(); ok && len(raw) <= 16384 {
		list = strings.Split(raw, ".")
	}
	if cur != "" && (!c.tossableSession() || slices.Contains(list, cur)) {
		add(cur)
	}
	for _, s := range list {
		add(s)
	}
	if len(out) > maxDeviceAccounts {
		out = out[:maxDeviceAccounts]
	}
	return out
}

// tossableSession reports whether the current session string came from
// Appwrite's session cookie on an https request: the one source a sibling
// subdomain can set that the device's own __Host- list cannot vouch for.
// Over plain http nothing can be vouched for; a session sent in a header
// (X-Appwrite-Session, X-Fallback-Cookies) was put there by the app.
func (c *call) tossableSession() bool {
	if !c.s.isHTTPS(c.r) {
		return false
	}
	name := cookieName(c.project.ID)
	for _, n := range []string{name, name + "_legacy"} {
		if ck, err := c.r.Cookie(n); err == nil && ck.Value != "" {
			return true
		}
	}
	return false
}

// sessionOnDevice reports whether a session caller acts through one of
// the device's own accounts (see deviceEntries): picked by
// X-Gatehouse-Account, or the current session when the device vouches for
// it.
func (c *call) sessionOnDevice() bool {
	if c.r.Header.Get(accountHeader) != "" {
		return true // authenticate took it from deviceEntries
	}
	cur := sessionString(c.r, c.project.ID)
	for _, e := range c.deviceEntries() {
		if e.raw == cur {
			return true
		}
	}
	return false
}

// currentUserID is the user the current session cookie names.
func (c *call) currentUserID() string {
	cred, _ := session.Decode(sessionString(c.r, c.project.ID))
	return cred.ID
}

// deviceSession finds the session string of a device account, for
// X-Gatehouse-Account.
func (c *call) deviceSession(userID string) string {
	for _, e := range c.deviceEntries() {
		if e.userID == userID {
			return e.raw
		}
	}
	return ""
}

// writeDevice sets the current session and the device list, and mirrors
// both in X-Fallback-Cookies for cross-site callers.
func (c *call) writeDevice(current string, entries []deviceEntry, expire time.Time) {
	pid := c.project.ID
	c.writeCookies(cookieName(pid), url.QueryEscape(current), expire)
	list := make([]string, len(entries))
	for i, e := range entries {
		list[i] = e.raw
	}
	joined := strings.Join(list, ".")
	c.writeOwnCookies(deviceCookieName(pid), url.QueryEscape(joined), expire)
	if !sameSite(c.r) {
		b, _ := json.Marshal(map[string]string{"a_session_" + pid: current, "a_device_" + pid: joined})
		c.w.Header().Set("X-Fallback-Cookies", string(b))
	}
}

// addToDevice makes a new sign-in the current account of the device,
// keeping the others. A session the same user already had on this device
// is ended (the device holds one per account), and so is the oldest
// account's when the device is full: no session string the device has
// dropped stays usable.
func (c *call) addToDevice(credential string, expire time.Time) {
	cred, _ := session.Decode(credential)
	entries := []deviceEntry{{raw: credential, userID: cred.ID}}
	for _, e := range c.deviceEntries() {
		if e.raw == credential {
			continue
		}
		if e.userID == cred.ID || len(entries) == maxDeviceAccounts {
			c.endDeviceSession(e)
			continue
		}
		entries = append(entries, e)
	}
	c.writeDevice(credential, entries, expire)
}

// endDeviceSession ends the session behind an entry, if it still lives.
func (c *call) endDeviceSession(e deviceEntry) {
	who, err := c.s.Accounts.Authenticate(c.ctx(), c.project.ID, e.raw)
	if err != nil || who == nil || who.Session == nil {
		return
	}
	if _, err := c.s.Accounts.DeleteSession(c.ctx(), who, who.Session.ID, c.actor()); err != nil {
		c.s.Log.Warn("end device session", "err", err)
	}
}

// liveEntries checks each entry against the database and returns the
// living ones with who they are.
func (c *call) liveEntries(entries []deviceEntry) ([]deviceEntry, []*account.Caller) {
	var live []deviceEntry
	var who []*account.Caller
	for _, e := range entries {
		w, err := c.s.Accounts.Authenticate(c.ctx(), c.project.ID, e.raw)
		if err != nil || w == nil || w.Session == nil {
			continue
		}
		live = append(live, e)
		who = append(who, w)
	}
	return live, who
}

// leaveDevice takes userID off the device after its session ended. When it
// was the current account the next living one becomes current; when none
// is left every cookie is cleared.
func (c *call) leaveDevice(userID string) {
	var rest []deviceEntry
	for _, e := range c.deviceEntries() {
		if e.userID != userID {
			rest = append(rest, e)
		}
	}
	live, who := c.liveEntries(rest)
	if len(live) == 0 {
		c.clearAllCookies()
		return
	}
	current := live[0]
	expire := who[0].Session.Expire
	if cur := c.currentUserID(); cur != userID {
		for i, e := range live {
			if e.userID == cur {
				current, expire = e, who[i].Session.Expire
			}
		}
	}
	c.writeDevice(current.raw, live, expire)
}

// clearAllCookies expires the session cookies and, when the device had
// one, the device cookie.
func (c *call) clearAllCookies() {
	past := c.s.Now().Add(-time.Hour)
	c.writeCookies(cookieName(c.project.ID), deletedCookie, past)
	if _, ok := c.deviceCookie(); ok {
		c.writeOwnCookies(deviceCookieName(c.project.ID), "", past)
	}
	if !sameSite(c.r) {
		c.w.Header().Set("X-Fallback-Cookies", "[]")
	}
}

type deviceAccountModel struct {
	UserID    string `json:"userId"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	SessionID string `json:"sessionId"`
	Current   bool   `json:"current"`
}

type deviceAccountListModel struct {
	Total    int                  `json:"total"`
	Accounts []deviceAccountModel `json:"accounts"`
}

// listDeviceAccounts shows the accounts signed in on this device (for an
// account chooser), dropping the ones whose sessions ended. When the
// current account's session ended elsewhere, the next living account
// becomes current, as after signing out on this device.
func (s *Server) listDeviceAccounts(c *call) error {
	entries := c.deviceEntries()
	live, who := c.liveEntries(entries)
	cur, curAt := c.currentUserID(), -1
	for i, e := range live {
		if e.userID == cur {
			curAt = i
		}
	}
	if len(live) != len(entries) && c.multiAccounts() {
		switch {
		case len(live) == 0:
			c.clearAllCookies()
		case curAt < 0:
			curAt = 0
			fallthrough
		default:
			c.writeDevice(live[curAt].raw, live, who[curAt].Session.Expire)
		}
	}
	out := deviceAccountListModel{Total: len(live), Accounts: make([]deviceAccountModel, len(live))}
	for i, w := range who {
		out.Accounts[i] = deviceAccountModel{UserID: w.User.ID, Name: w.User.Name, Email: w.User.Email,
			SessionID: w.Session.ID, Current: i == curAt}
	}
	return c.json(http.StatusOK, out)
}

// deviceAccount finds the living device account {userId}.
func (c *call) deviceAccount() (deviceEntry, *account.Caller, error) {
	id := c.r.PathValue("userId")
	if err := validate.UID("userId", id); err != nil {
		return deviceEntry{}, nil, err
	}
	for _, e := range c.deviceEntries() {
		if e.userID != id {
			continue
		}
		live, who := c.liveEntries([]deviceEntry{e})
		if len(live) == 1 {
			return e, who[0], nil
		}
	}
	return deviceEntry{}, nil, apperr.Newf(apperr.UserSessionNotFound, "The account is not signed in on this device.")
}

// switchDeviceAccount makes a device account the current one.
func (s *Server) switchDeviceAccount(c *call) error {
	e, who, err := c.deviceAccount()
	if err != nil {
		return err
	}
	if !who.User.Status {
		return apperr.New(apperr.UserBlocked)
	}
	c.writeDevice(e.raw, c.deviceEntries(), who.Session.Expire)
	return c.json(http.StatusOK, accountOf(who.User))
}

// signOutDeviceAccount ends one device account's session; the others stay
// signed in.
func (s *Server) signOutDeviceAccount(c *call) error {
	e, who, err := c.deviceAccount()
	if err != nil {
		return err
	}
	if _, err := s.Accounts.DeleteSession(c.ctx(), who, who.Session.ID, c.actor()); err != nil {
		return err
	}
	c.leaveDevice(e.userID)
	return c.noContent()
}

// signOutDevice ends the session of every account on the device.
func (s *Server) signOutDevice(c *call) error {
	for _, e := range c.deviceEntries() {
		c.endDeviceSession(e)
	}
	c.clearAllCookies()
	return c.noContent()
}
