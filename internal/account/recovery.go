package account

import (
	"context"
	"errors"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/locale"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// CreateRecovery mails a password reset link, valid one hour. As in
// Appwrite, an unknown email is user_not_found.
func (s *Service) CreateRecovery(ctx context.Context, p *storage.Project, email, link string, a Actor) (*IssuedToken, error) {
	u, err := s.store.UserByEmail(ctx, p.ID, strings.ToLower(email))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserNotFound)
	}
	if err != nil {
		return nil, err
	}
	if !u.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	raw := secret.Hex(32)
	return s.issue(ctx, p, u, storage.TokenRecovery, raw, RecoveryLifetime, false, u.Email, "", a, func(_ string, t *storage.Token) outbox.Message {
		link := withQuery(link, map[string]string{"userId": u.ID, "secret": raw, "expire": linkTime(t.Expire)})
		return outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "recovery", To: u.Email, ToName: u.Name,
			Locale: a.Locale, Vars: vars(p, u, map[string]string{"redirect": link})}
	})
}

// CompleteRecovery sets a new password with a recovery secret; the email
// counts as verified, since the link reached it (see prove: an email not
// verified before is claimed). With the project's invalidateSessions on,
// every session of the user ends.
func (s *Service) CompleteRecovery(ctx context.Context, p *storage.Project, userID, raw, pw string, a Actor) (*storage.Token, error) {
	u, err := s.store.GetUser(ctx, p.ID, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserNotFound)
	}
	if err != nil {
		return nil, err
	}
	// Check the password before spending the token, so a rejected
	// password can be corrected with the same link.
	if err := s.checkNewPassword(ctx, p, pw, u); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return nil, err
	}
	// The link proves the email it was sent to: spending it, setting
	// the password and (for an address not verified before) claiming the
	// account are one transaction.
	res, err := s.prove(ctx, p, userID, raw, []storage.TokenType{storage.TokenRecovery}, proof{edit: func(cur *storage.User) {
		s.setPassword(cur, hash)
		pushHistory(cur, hash, p.Settings.Auth.PasswordHistory)
		cur.UpdatedAt = s.nowUTC()
	}}, a)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, res.user, "user.update", a)
	if p.Settings.Auth.InvalidateSessions {
		if _, err := s.store.DeleteSessions(ctx, p.ID, userID, "", s.nowUTC()); err != nil {
			return nil, err
		}
	}
	return res.token, nil
}

// CreateEmailVerification mails the caller a link proving its address,
// with a "this wasn't me" link to disownURL (with the same secret; ""
// leaves it out). The token remembers the caller's session: redeemed by
// that session, it claims nothing (see prove).
func (s *Service) CreateEmailVerification(ctx context.Context, p *storage.Project, c *Caller, link, disownURL string, a Actor) (*IssuedToken, error) {
	u := c.User
	if u.Email == "" {
		return nil, apperr.New(apperr.UserEmailNotFound)
	}
	if u.EmailVerification {
		return nil, apperr.New(apperr.UserEmailVerified)
	}
	raw := secret.Hex(32)
	return s.issue(ctx, p, u, storage.TokenVerification, raw, VerificationLifetime, false, u.Email, sessionOf(c), a, func(_ string, t *storage.Token) outbox.Message {
		extra := map[string]string{"redirect": withQuery(link, map[string]string{"userId": u.ID, "secret": raw, "expire": linkTime(t.Expire)})}
		if disownURL != "" {
			extra["disown"] = withQuery(disownURL, map[string]string{"userId": u.ID, "secret": raw})
		}
		return outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "verification", To: u.Email, ToName: u.Name,
			Locale: a.Locale, Vars: vars(p, u, extra)}
	})
}

// CreatePhoneVerification texts the caller a code proving its phone; the
// token remembers the caller's session, as the email's does.
func (s *Service) CreatePhoneVerification(ctx context.Context, p *storage.Project, c *Caller, a Actor) (*IssuedToken, error) {
	u := c.User
	if u.Phone == "" {
		return nil, apperr.New(apperr.UserPhoneNotFound)
	}
	if u.PhoneVerification {
		return nil, apperr.New(apperr.UserPhoneVerified)
	}
	if mock, ok := mockCode(p, u.Phone); ok {
		return s.issue(ctx, p, u, storage.TokenPhoneVerification, mock, PhoneCodeLifetime, false, u.Phone, sessionOf(c), a, nil)
	}
	code := secret.Digits(6)
	return s.issue(ctx, p, u, storage.TokenPhoneVerification, code, PhoneCodeLifetime, false, u.Phone, sessionOf(c), a, func(string, *storage.Token) outbox.Message {
		return outbox.Message{ProjectID: p.ID, Channel: outbox.SMS, Kind: "verification", To: u.Phone, Locale: a.Locale,
			Vars: vars(p, u, map[string]string{"secret": code, "otp": code})}
	})
}

// CompleteVerification marks the address a token proved as verified. c
// is the caller, nil for a guest: Appwrite lets anyone redeem the link,
// but only the session that asked for it keeps the account as it is
// when the address was not verified before (see prove).
func (s *Service) CompleteVerification(ctx context.Context, p *storage.Project, c *Caller, userID, raw string, typ storage.TokenType, a Actor) (*storage.Token, error) {
	if _, err := s.User(ctx, p, userID); err != nil {
		return nil, err
	}
	pf := proof{}
	if c != nil && c.User.ID == userID {
		pf.keepSession = sessionOf(c)
	}
	res, err := s.prove(ctx, p, userID, raw, []storage.TokenType{typ}, pf, a)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, res.user, "user.update", a)
	return res.token, nil
}

// Disown is the "this wasn't me" link of a verification mail: the
// recipient proves the address with the link's secret and takes the
// account from whoever set it up, whichever session asked for the link.
func (s *Service) Disown(ctx context.Context, p *storage.Project, userID, raw string, a Actor) ([]string, error) {
	res, err := s.prove(ctx, p, userID, raw, []storage.TokenType{storage.TokenVerification}, proof{disown: true}, a)
	if err != nil {
		return nil, err
	}
	return res.removed, nil
}

// sessionOf is the id of the caller's session, "" without one.
func sessionOf(c *Caller) string {
	if c == nil || c.Session == nil {
		return ""
	}
	return c.Session.ID
}

// sessionAlertDue reports whether the user is to be mailed about the new
// session sess, when the project asks for it: not for the first session a
// user ever opens, nor for one opened through a link or code that was
// itself mailed to them. It reads the log, so it runs before sess is
// logged.
func (s *Service) sessionAlertDue(ctx context.Context, p *storage.Project, u *storage.User, sess *storage.Session) bool {
	if !p.Settings.Auth.SessionAlerts || u.Email == "" || sess.Provider == "server" || sess.Provider == "magic-url" ||
		(sess.Provider == "token" && sess.Factors[0] == "email") {
		return false
	}
	logs, _, err := s.store.ListLogs(ctx, p.ID, u.ID, storage.Page{Limit: 100})
	if err != nil {
		s.log.WarnContext(ctx, "session alert: read log", "err", err)
		return false
	}
	for _, l := range logs {
		if l.Event == "session.create" {
			return true
		}
	}
	return false
}

// sendSessionAlert queues the new-session mail to u.
func (s *Service) sendSessionAlert(ctx context.Context, p *storage.Project, u *storage.User, a Actor) {
	cl := a.Client
	now := s.nowUTC()
	err := s.send(ctx, outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "sessionAlert", To: u.Email, ToName: u.Name,
		Locale: a.Locale, Vars: vars(p, u, map[string]string{"agentDevice": strings.TrimSpace(cl.DeviceBrand + " " + cl.DeviceModel),
			"agentClient": strings.TrimSpace(cl.ClientName + " " + cl.ClientVersion), "agentOs": strings.TrimSpace(cl.OSName + " " + cl.OSVersion),
			"ipAddress": cl.IP, "country": locale.ForLocale(a.Locale).Country(cl.CountryCode),
			"time": now.Format("15:04:05"), "date": now.Format("January 2"), "year": now.Format("2006")})})
	if err != nil {
		s.log.WarnContext(ctx, "session alert: queue mail", "err", err)
	}
}
