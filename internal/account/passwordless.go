package account

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/emailpolicy"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Lifetimes of the secrets sent to people.
const (
	EmailCodeLifetime    = 15 * time.Minute
	PhoneCodeLifetime    = 15 * time.Minute
	MagicURLLifetime     = time.Hour
	RecoveryLifetime     = time.Hour
	VerificationLifetime = 7 * 24 * time.Hour
)

// maxCodeAttempts is how many wrong guesses withdraw a user's short
// tokens (six-digit codes, short server-made tokens).
const maxCodeAttempts = 10

// TokenRequest is POST /account/tokens/email, /magic-url or /phone.
type TokenRequest struct {
	UserID string // used only when the address is new: "unique()" or an id
	Email  string
	Phone  string
	URL    string // magic URL: where the link points (already checked)
	Phrase bool   // add a security phrase to the mail and the answer
}

// IssuedToken is a created token with what the client may see.
type IssuedToken struct {
	*storage.Token
	Secret string // the plain secret, for API-key callers only
	Phrase string
}

// userFor finds the user with the address, or signs a new one up with
// the given id: the one-time-secret flows double as sign-up.
func (s *Service) userFor(ctx context.Context, p *storage.Project, in TokenRequest, a Actor) (*storage.User, error) {
	var u *storage.User
	var err error
	if in.Email != "" {
		u, err = s.store.UserByEmail(ctx, p.ID, in.Email)
	} else {
		u, err = s.store.UserByPhone(ctx, p.ID, in.Phone)
	}
	if errors.Is(err, storage.ErrNotFound) {
		// An address of an account linked into another signs that one in.
		way, uid := WayEmail, in.Email
		if in.Email == "" {
			way, uid = WayPhone, in.Phone
		}
		u, _, err = s.linkedWay(ctx, p.ID, way, uid)
	}
	if err == nil {
		if !u.Status {
			return nil, apperr.New(apperr.UserBlocked)
		}
		return u, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	if in.Email != "" {
		// Signing up with an email code or magic URL: the project's
		// email policies apply. A known address above signs in whatever
		// the policies say now.
		if err := emailpolicy.Check(p.Settings.Auth, in.Email); err != nil {
			return nil, err
		}
	}
	if err := s.emailOfIdentity(ctx, p.ID, in.Email, "", apperr.BadRequest); err != nil {
		return nil, err
	}
	if err := s.checkUserLimit(ctx, p); err != nil {
		return nil, err
	}
	id := in.UserID
	if id == "unique()" {
		id = secret.ID()
	}
	now := s.nowUTC()
	u = &storage.User{ProjectID: p.ID, ID: id, Email: in.Email, Phone: in.Phone, Hash: "argon2", HashOptions: s.hasher.Options(),
		Registration: now, Status: true, Prefs: []byte("{}"), AccessedAt: now, CreatedAt: now, UpdatedAt: now}
	stampEmail(u)
	if err := s.store.CreateUserWithin(ctx, u, p.Settings.Auth.Limit); err != nil {
		if errors.Is(err, storage.ErrLimit) {
			return nil, apperr.New(apperr.UserCountExceeded)
		}
		if errors.Is(err, storage.ErrConflict) {
			return nil, apperr.New(apperr.UserAlreadyExists)
		}
		return nil, err
	}
	s.signedUp(ctx, u, a)
	return u, nil
}

func (s *Service) send(ctx context.Context, m outbox.Message) error {
	if s.outbox == nil {
		if m.Channel == outbox.SMS {
			return apperr.New(apperr.PhoneDisabled)
		}
		return apperr.New(apperr.SMTPDisabled)
	}
	return s.outbox.Send(ctx, m)
}

// vars are the template variables every message has.
func vars(p *storage.Project, u *storage.User, extra map[string]string) map[string]string {
	v := map[string]string{"project": p.Name, "user": u.Name, "team": ""}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

// CreateEmailToken mails a six-digit sign-in code, valid 15 minutes.
func (s *Service) CreateEmailToken(ctx context.Context, p *storage.Project, in TokenRequest, a Actor) (*IssuedToken, error) {
	in.Email = strings.ToLower(in.Email)
	u, err := s.userFor(ctx, p, in, a)
	if err != nil {
		return nil, err
	}
	code := secret.Digits(6)
	return s.issue(ctx, p, u, storage.TokenEmail, code, EmailCodeLifetime, in.Phrase, in.Email, "", a, func(phrase string, _ *storage.Token) outbox.Message {
		return outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "otpSession", To: in.Email, ToName: u.Name,
			Locale: a.Locale, Vars: vars(p, u, map[string]string{"otp": code, "phrase": phrase})}
	})
}

// CreateMagicURLToken mails a sign-in link, valid one hour.
func (s *Service) CreateMagicURLToken(ctx context.Context, p *storage.Project, in TokenRequest, a Actor) (*IssuedToken, error) {
	in.Email = strings.ToLower(in.Email)
	u, err := s.userFor(ctx, p, in, a)
	if err != nil {
		return nil, err
	}
	raw := secret.Hex(32)
	return s.issue(ctx, p, u, storage.TokenMagicURL, raw, MagicURLLifetime, in.Phrase, in.Email, "", a, func(phrase string, t *storage.Token) outbox.Message {
		link := withQuery(in.URL, map[string]string{"userId": u.ID, "secret": raw, "expire": linkTime(t.Expire), "project": p.ID})
		return outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "magicSession", To: in.Email, ToName: u.Name,
			Locale: a.Locale, Vars: vars(p, u, map[string]string{"redirect": link, "phrase": phrase})}
	})
}

// CreatePhoneToken texts a six-digit sign-in code, valid 15 minutes. A
// project's mock numbers get their fixed code and no text.
func (s *Service) CreatePhoneToken(ctx context.Context, p *storage.Project, in TokenRequest, a Actor) (*IssuedToken, error) {
	u, err := s.userFor(ctx, p, in, a)
	if err != nil {
		return nil, err
	}
	if mock, ok := mockCode(p, in.Phone); ok {
		return s.issue(ctx, p, u, storage.TokenPhone, mock, PhoneCodeLifetime, false, in.Phone, "", a, nil)
	}
	code := secret.Digits(6)
	return s.issue(ctx, p, u, storage.TokenPhone, code, PhoneCodeLifetime, false, in.Phone, "", a, func(string, *storage.Token) outbox.Message {
		return outbox.Message{ProjectID: p.ID, Channel: outbox.SMS, Kind: "login", To: in.Phone, Locale: a.Locale,
			Vars: vars(p, u, map[string]string{"secret": code, "otp": code})}
	})
}

func mockCode(p *storage.Project, phone string) (string, bool) {
	for _, m := range p.Settings.Auth.MockNumbers {
		if m.Phone == phone {
			return m.OTP, true
		}
	}
	return "", false
}

// issue stores a token bound to the address to, asked for by session
// sessionID ("" for none), and queues its message (msg nil: nothing to
// send). msg gets the stored token, so a link in the message can carry
// the token's own expiry.
func (s *Service) issue(ctx context.Context, p *storage.Project, u *storage.User, typ storage.TokenType, raw string,
	life time.Duration, withPhrase bool, to, sessionID string, a Actor, msg func(phrase string, t *storage.Token) outbox.Message) (*IssuedToken, error) {
	phrase := ""
	if withPhrase {
		phrase = Phrase()
	}
	t, err := s.createTokenFor(ctx, u, typ, raw, life, to, sessionID, a)
	if err != nil {
		return nil, err
	}
	if msg != nil {
		if err := s.send(ctx, msg(phrase, t.Token)); err != nil {
			return nil, err
		}
	}
	return &IssuedToken{Token: t.Token, Secret: raw, Phrase: phrase}, nil
}

// linkTime is a token's expiry as its link's `expire` parameter: the
// same text as the Token model's `expire`, as Appwrite writes both.
func linkTime(t time.Time) string {
	return t.UTC().Format(profileTime)
}

// withQuery adds params to a URL, keeping its own.
func withQuery(raw string, params map[string]string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
