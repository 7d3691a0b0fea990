package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// consume redeems a user's token of one of types, counting a wrong guess
// against the user's short tokens: a guess names no token, so it counts
// against every one a search could reach.
func (s *Service) consume(ctx context.Context, p *storage.Project, userID, raw string, types ...storage.TokenType) (*storage.Token, error) {
	t, err := s.store.ConsumeToken(ctx, p.ID, userID, s.tokenHash(raw), types, s.nowUTC())
	if errors.Is(err, storage.ErrNotFound) {
		if ferr := s.store.FailTokens(ctx, p.ID, userID, maxCodeAttempts); ferr != nil {
			s.log.WarnContext(ctx, "count failed token attempt", "err", ferr)
		}
		return nil, apperr.New(apperr.UserInvalidToken)
	}
	return t, err
}

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
	expire := s.nowUTC().Add(RecoveryLifetime)
	link = withQuery(link, map[string]string{"userId": u.ID, "secret": raw, "expire": expire.Format(time.RFC3339)})
	return s.issue(ctx, p, u, storage.TokenRecovery, raw, RecoveryLifetime, false, a, func(string) outbox.Message {
		return outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "recovery", To: u.Email, ToName: u.Name,
			Locale: a.Locale, Vars: vars(p, u, map[string]string{"redirect": link})}
	})
}

// CompleteRecovery sets a new password with a recovery secret; the email
// counts as verified, since the link reached it. With the project's
// invalidateSessions on, every session of the user ends.
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
	t, err := s.consume(ctx, p, userID, raw, storage.TokenRecovery)
	if err != nil {
		return nil, err
	}
	if _, err := s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		s.setPassword(cur, hash)
		pushHistory(cur, hash, p.Settings.Auth.PasswordHistory)
		cur.EmailVerification = true
		return nil
	}); err != nil {
		return nil, err
	}
	if p.Settings.Auth.InvalidateSessions {
		if _, err := s.store.DeleteSessions(ctx, p.ID, userID, "", s.nowUTC()); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// CreateEmailVerification mails the caller a link proving its address.
func (s *Service) CreateEmailVerification(ctx context.Context, p *storage.Project, u *storage.User, link string, a Actor) (*IssuedToken, error) {
	if u.Email == "" {
		return nil, apperr.New(apperr.UserEmailNotFound)
	}
	if u.EmailVerification {
		return nil, apperr.New(apperr.UserEmailVerified)
	}
	raw := secret.Hex(32)
	expire := s.nowUTC().Add(VerificationLifetime)
	link = withQuery(link, map[string]string{"userId": u.ID, "secret": raw, "expire": expire.Format(time.RFC3339)})
	return s.issue(ctx, p, u, storage.TokenVerification, raw, VerificationLifetime, false, a, func(string) outbox.Message {
		return outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "verification", To: u.Email, ToName: u.Name,
			Locale: a.Locale, Vars: vars(p, u, map[string]string{"redirect": link})}
	})
}

// CreatePhoneVerification texts the caller a code proving its phone.
func (s *Service) CreatePhoneVerification(ctx context.Context, p *storage.Project, u *storage.User, a Actor) (*IssuedToken, error) {
	if u.Phone == "" {
		return nil, apperr.New(apperr.UserPhoneNotFound)
	}
	if u.PhoneVerification {
		return nil, apperr.New(apperr.UserPhoneVerified)
	}
	if mock, ok := mockCode(p, u.Phone); ok {
		return s.issue(ctx, p, u, storage.TokenPhoneVerification, mock, PhoneCodeLifetime, false, a, nil)
	}
	code := secret.Digits(6)
	return s.issue(ctx, p, u, storage.TokenPhoneVerification, code, PhoneCodeLifetime, false, a, func(string) outbox.Message {
		return outbox.Message{ProjectID: p.ID, Channel: outbox.SMS, Kind: "verification", To: u.Phone, Locale: a.Locale,
			Vars: vars(p, u, map[string]string{"secret": code, "otp": code})}
	})
}

// CompleteVerification marks the address a token proved as verified.
func (s *Service) CompleteVerification(ctx context.Context, p *storage.Project, userID, raw string, typ storage.TokenType, a Actor) (*storage.Token, error) {
	u, err := s.store.GetUser(ctx, p.ID, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.UserNotFound)
	}
	if err != nil {
		return nil, err
	}
	t, err := s.consume(ctx, p, userID, raw, typ)
	if err != nil {
		return nil, err
	}
	_, err = s.update(ctx, u, "user.update", a, func(cur *storage.User) error {
		if typ == storage.TokenVerification {
			cur.EmailVerification = true
		} else {
			cur.PhoneVerification = true
		}
		return nil
	})
	return t, err
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
	err := s.send(ctx, outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "sessionAlert", To: u.Email, ToName: u.Name,
		Locale: a.Locale, Vars: vars(p, u, map[string]string{"agentDevice": strings.TrimSpace(cl.DeviceBrand + " " + cl.DeviceModel),
			"agentClient": strings.TrimSpace(cl.ClientName + " " + cl.ClientVersion), "agentOs": strings.TrimSpace(cl.OSName + " " + cl.OSVersion),
			"ipAddress": cl.IP, "country": "Unknown"})})
	if err != nil {
		s.log.WarnContext(ctx, "session alert: queue mail", "err", err)
	}
}
