package account

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/passkey"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Proving an address, and what it takes from whoever held the account
// before (pre-account hijacking, Sudhodanan and Paverd, USENIX Security
// 2022; docs/security.md lists the five attack classes).
//
// Anyone may create an account with an address they do not own: sign up
// with a password, link a provider that does not check emails, change an
// account's email. Until the address is proven, the account is not its
// owner's. When its owner proves it (an email code, a magic link, a
// verification link, a recovery link, a phone code, a provider that
// verified the email), whatever was set up before stops opening the
// account: the password, the other sessions, every way in that does not
// itself prove the address, a phone, a second factor, and every
// outstanding token. The owner is mailed what was removed. This is the
// claim; every proof goes through prove, which makes it in the proof's
// own transaction.
//
// Only an address that was not verified is claimed: a verified address
// already made the account its owner's. And only the account's anchor
// is: its email, or its phone when it has no email; proving a phone
// added to an account whose email is the owner's verifies the phone and
// takes nothing. The one proof that claims nothing is a verification
// link redeemed by the very session that asked for it: that shows the
// person who set the account up also reads the mailbox.

// Address kinds of a token.
const (
	addrEmail = "email"
	addrPhone = "phone"
)

// addressKind says which address a token of type t was sent to; "" for
// tokens sent nowhere (OAuth2 token flow, server-made tokens).
func addressKind(t storage.TokenType) string {
	switch t {
	case storage.TokenVerification, storage.TokenRecovery, storage.TokenMagicURL, storage.TokenEmail:
		return addrEmail
	case storage.TokenPhone, storage.TokenPhoneVerification:
		return addrPhone
	}
	return ""
}

// proof describes one redemption for prove.
type proof struct {
	// kind and address name what a proof without token proves (a
	// provider's verified email); a token proves its own address.
	kind, address string
	// keepSession is the redeeming caller's session: when the token was
	// asked for by that same session, the proof verifies and claims
	// nothing ("" never matches).
	keepSession string
	// disown: the recipient said "this wasn't me"; nothing is kept, even
	// for the session that asked for the token.
	disown bool
	// signIn refuses a blocked user, before anything is spent.
	signIn bool
	// edit, when set, also changes the user (recovery's new password).
	edit func(u *storage.User)
}

// proven is the outcome of prove.
type proven struct {
	user    *storage.User
	token   *storage.Token
	removed []string // what the claim removed; nil when nothing was claimed
}

// prove redeems a secret of the user (raw "" for a proof without token)
// and makes what proving its address changes, in one transaction. A
// token whose address is no longer a way into the user is spent and
// refused with user_invalid_token.
func (s *Service) prove(ctx context.Context, p *storage.Project, userID, raw string, types []storage.TokenType, pf proof, a Actor) (*proven, error) {
	var out proven
	var later []outbox.Message
	pr := &storage.Proof{ProjectID: p.ID, UserID: userID, Types: types, Now: s.nowUTC()}
	if raw != "" {
		pr.SecretHash = s.tokenHash(raw)
	}
	pr.Apply = func(u *storage.User, t *storage.Token, ids []*storage.Identity, sessions int) (*storage.ProofWork, error) {
		out.removed, later = nil, nil
		if pf.signIn && !u.Status {
			return nil, apperr.New(apperr.UserBlocked)
		}
		kind, addr, keep := pf.kind, pf.address, ""
		if t != nil {
			kind, addr, keep = addressKind(t.Type), t.Address, t.SessionID
			if kind == "" {
				return nil, nil // a token sent nowhere proves nothing
			}
		}
		if !holds(u, ids, kind, addr) {
			return nil, storage.ErrNotFound
		}
		w, err := s.proofWork(p, u, kind, addr, keep, pf, ids, sessions, a, pr.Now, &later)
		if err != nil {
			return nil, err
		}
		if w != nil {
			out.removed = w.removed
		}
		// The proof's own change comes last, so a claim never takes
		// what the owner sets with it (recovery's new password).
		if pf.edit != nil {
			pf.edit(u)
		}
		if w == nil {
			return nil, nil
		}
		return w.ProofWork, nil
	}
	u, t, err := s.store.ProveAddress(ctx, pr)
	if errors.Is(err, storage.ErrNotFound) {
		if t == nil && raw != "" {
			// A wrong secret, not a stale one: it counts against the
			// user's short codes.
			if ferr := s.store.FailTokens(ctx, p.ID, userID, maxCodeAttempts); ferr != nil {
				s.log.WarnContext(ctx, "count failed token attempt", "err", ferr)
			}
		}
		return nil, apperr.New(apperr.UserInvalidToken)
	}
	if err != nil {
		return nil, err
	}
	s.sendLater(ctx, later)
	out.user, out.token = u, t
	return &out, nil
}

// claimed is the work of a claim with what it removed.
type claimed struct {
	*storage.ProofWork
	removed []string
}

// proofWork verifies the proven address of u and, when the proof claims
// the account, strips it (see claim); nil when nothing else changes.
// Mails that cannot be queued in the transaction go to later.
func (s *Service) proofWork(p *storage.Project, u *storage.User, kind, addr, keep string, pf proof, ids []*storage.Identity, sessions int,
	a Actor, now time.Time, later *[]outbox.Message) (*claimed, error) {
	own := kind == addrEmail && addr == u.Email || kind == addrPhone && addr == u.Phone
	if !own {
		return nil, nil // the address of an account linked into this one
	}
	verified := u.EmailVerification
	if kind == addrPhone {
		verified = u.PhoneVerification
		u.PhoneVerification = true
	} else {
		u.EmailVerification = true
	}
	if !verified {
		u.UpdatedAt = now
	}
	anchor := kind == addrEmail || u.Email == ""
	sameSession := !pf.disown && keep != "" && keep == pf.keepSession
	if verified || !anchor || sameSession {
		return nil, nil
	}
	w, removed := s.claim(u, kind, addr, ids, sessions)
	if len(removed) == 0 {
		// Nothing was set up before (a sign-up by this very code, say):
		// nothing to log or to tell.
		return &claimed{ProofWork: w}, nil
	}
	w.Logs = []*storage.Log{s.linkLog(u, "user.claim", a, now)}
	if kind == addrEmail && s.outbox != nil {
		m := outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: "accountClaimed", To: addr, ToName: u.Name,
			Locale: a.Locale, Vars: vars(p, u, map[string]string{"removed": strings.Join(removed, "; ")})}
		if err := s.queueMail(m, &w.Jobs, later); err != nil {
			return nil, err
		}
	}
	return &claimed{ProofWork: w, removed: removed}, nil
}

// holds reports whether addr, of kind, is still a way into u: its own
// email or phone, or that of an account linked into it.
func holds(u *storage.User, ids []*storage.Identity, kind, addr string) bool {
	if addr == "" {
		return false // sent before addresses were recorded: withdrawn
	}
	if kind == addrEmail && addr == u.Email || kind == addrPhone && addr == u.Phone {
		return true
	}
	way := WayEmail
	if kind == addrPhone {
		way = WayPhone
	}
	for _, i := range ids {
		if i.Provider == way && i.ProviderUID == addr {
			return true
		}
	}
	return false
}

// claim strips u of everything set up before its owner proved addr, and
// says what it removed, for the owner's mail. Identities that prove addr
// themselves (a provider that verified this very email) stay.
func (s *Service) claim(u *storage.User, kind, addr string, ids []*storage.Identity, sessions int) (*storage.ProofWork, []string) {
	w := &storage.ProofWork{EndSessions: true, DropTokens: true}
	var removed []string
	if u.PasswordHash != "" {
		u.PasswordHash, u.PasswordUpdate = "", time.Time{}
		removed = append(removed, "the password")
	}
	switch {
	case sessions == 1:
		removed = append(removed, "the session that was signed in")
	case sessions > 1:
		removed = append(removed, "the "+strconv.Itoa(sessions)+" sessions that were signed in")
	}
	for _, i := range ids {
		if kind == addrEmail && i.ProviderEmailVerified && strings.EqualFold(i.ProviderEmail, addr) {
			continue
		}
		w.DropIdentities = append(w.DropIdentities, i.ID)
		removed = append(removed, describeWay(i))
	}
	if kind == addrEmail && u.Phone != "" {
		removed = append(removed, "the phone number "+u.Phone)
		u.Phone, u.PhoneVerification = "", false
	}
	if u.MFA || u.TOTP || u.RecoveryCodes != "" {
		u.MFA, u.TOTP, u.RecoveryCodes = false, false, ""
		w.DropAuthenticators = true
		removed = append(removed, "two-step verification, with its authenticator and recovery codes")
	}
	return w, removed
}

// describeWay names a removed identity in the owner's mail.
func describeWay(i *storage.Identity) string {
	switch i.Provider {
	case WayEmail, WayPhone:
		return "the linked account " + i.ProviderUID
	case WayAnonymous:
		return "a linked guest account"
	case passkey.Provider:
		return "a passkey"
	}
	if i.ProviderEmail != "" {
		return "sign-in with " + i.Provider + " (" + i.ProviderEmail + ")"
	}
	return "sign-in with " + i.Provider
}

// claimByProvider is the proof of a provider that verified u's email: it
// signs in to u (the identity is added next), and when u's email was not
// verified, it claims the account as an email code would.
func (s *Service) claimByProvider(ctx context.Context, p *storage.Project, u *storage.User, email string, a Actor) (*storage.User, error) {
	res, err := s.prove(ctx, p, u.ID, "", nil, proof{kind: addrEmail, address: email, signIn: true}, a)
	if apperr.Is(err, apperr.UserInvalidToken) {
		// The user's email changed meanwhile: it is not this one's.
		return nil, apperr.Newf(apperr.UserAlreadyExists, "The account changed while signing in; sign in again.")
	}
	if err != nil {
		return nil, err
	}
	return res.user, nil
}

// passwordStillHolds checks, once a password sign-in's session is stored,
// that the password it checked is still the user's: a claim (or any
// password change) that committed between the check and the session
// would otherwise leave the old password a session. The claim ends the
// sessions stored before it; this ends the ones stored after it.
func (s *Service) passwordStillHolds(ctx context.Context, checked *storage.User, ns *NewSession) (*NewSession, error) {
	cur, err := s.store.GetUser(ctx, checked.ProjectID, checked.ID)
	holds := err == nil && cur.PasswordHash != "" && cur.PasswordUpdate.Equal(checked.PasswordUpdate)
	return s.keepSessionIf(ctx, checked, ns, holds, err)
}

// linkedPasswordStillHolds is passwordStillHolds for the password of an
// account linked into u: the way in must still be u's, with that password.
func (s *Service) linkedPasswordStillHolds(ctx context.Context, u *storage.User, email, hash string, ns *NewSession) (*NewSession, error) {
	cur, prof, err := s.linkedWay(ctx, u.ProjectID, WayEmail, email)
	holds := err == nil && cur.ID == u.ID && prof.Password == hash
	return s.keepSessionIf(ctx, u, ns, holds, err)
}

// keepSessionIf returns ns when its way in still holds, and otherwise
// ends it and refuses the sign-in; err is the re-read's.
func (s *Service) keepSessionIf(ctx context.Context, u *storage.User, ns *NewSession, holds bool, err error) (*NewSession, error) {
	if holds {
		return ns, nil
	}
	if derr := s.store.DeleteSession(ctx, u.ProjectID, u.ID, ns.ID); derr != nil && !errors.Is(derr, storage.ErrNotFound) {
		return nil, derr
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	return nil, apperr.New(apperr.UserInvalidCredentials)
}
