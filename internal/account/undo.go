package account

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/outbox"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// UndoLifetime is how long the "this wasn't me" link of a link or unlink
// notice works, unless SetUndoLifetime says otherwise.
const UndoLifetime = 7 * 24 * time.Hour

// SetUndoLifetime sets how long undo links work (d <= 0: UndoLifetime).
func (s *Service) SetUndoLifetime(d time.Duration) { s.undoTTL = d }

func (s *Service) undoLifetime() time.Duration {
	if s.undoTTL > 0 {
		return s.undoTTL
	}
	return UndoLifetime
}

// jobMaker is a Sender that can hand a message over as a job, to be
// queued in the transaction of the change it tells about; *outbox.Outbox
// is one.
type jobMaker interface {
	Job(m outbox.Message) (*storage.Job, error)
}

// noticeSide is one account a notice of a change tells: the addresses it
// goes to, the other account it names, and whether it carries a link
// that undoes the change.
type noticeSide struct {
	user, other *storage.User
	addrs       []string
	undo        bool
}

// notices prepares the mails of a link or an unlink: one for each address
// of each side, the undoing sides' each with its own undo token (the
// tokens of one change are spent together). An address on two sides is
// mailed once, as the first side that names it. Tokens and mails go into
// w, to be written with the change; when the sender cannot queue inside
// the transaction, the mails are returned to be sent after it.
func (s *Service) notices(p *storage.Project, kind string, primary, secondary *storage.User, provider, uid string, at time.Time,
	undoURL string, a Actor, w *storage.LinkWork, sides ...noticeSide) ([]outbox.Message, error) {
	if s.outbox == nil || undoURL == "" {
		return nil, nil
	}
	mailKind := "accountLinked"
	if kind == storage.UndoUnlink {
		mailKind = "accountUnlinked"
	}
	change := secret.ID()
	seen := map[string]bool{}
	var later []outbox.Message
	for _, side := range sides {
		for _, to := range side.addrs {
			if seen[to] {
				continue
			}
			seen[to] = true
			v := map[string]string{"account": describe(side.other)}
			if side.undo {
				raw := secret.Hex(32)
				w.Undo = append(w.Undo, &storage.LinkUndo{SecretHash: secret.Hash(raw), ProjectID: p.ID, ChangeID: change, Kind: kind,
					PrimaryID: primary.ID, SecondaryID: secondary.ID, Provider: provider, ProviderUID: uid, Recipient: to,
					Time: at, Expire: at.Add(s.undoLifetime())})
				v["redirect"] = withQuery(undoURL, map[string]string{"secret": raw})
			}
			m := outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: mailKind, To: to, ToName: side.user.Name, Locale: a.Locale,
				Vars: vars(p, side.user, v)}
			if err := s.queueMail(m, &w.Jobs, &later); err != nil {
				return nil, err
			}
		}
	}
	return later, nil
}

// queueMail adds m to jobs, to be written in the transaction of the change
// it tells of, so it goes out only if the change commits; a sender that
// cannot make jobs gets it in later, to be sent after the commit.
func (s *Service) queueMail(m outbox.Message, jobs *[]*storage.Job, later *[]outbox.Message) error {
	jm, ok := s.outbox.(jobMaker)
	if !ok {
		*later = append(*later, m)
		return nil
	}
	j, err := jm.Job(m)
	if err != nil {
		return err
	}
	*jobs = append(*jobs, j)
	return nil
}

// linkSides are the sides a link notice tells: both accounts, each
// through every verified address it had, each able to undo the link (the
// primary lost being the only way into itself, the secondary lost being
// an account of its own; undoing gives each back just that).
func (s *Service) linkSides(ctx context.Context, primary, secondary *storage.User) ([]noticeSide, error) {
	pa, err := s.verifiedAddresses(ctx, primary)
	if err != nil {
		return nil, err
	}
	sa, err := s.verifiedAddresses(ctx, secondary)
	if err != nil {
		return nil, err
	}
	return []noticeSide{{user: primary, other: secondary, addrs: pa, undo: true}, {user: secondary, other: primary, addrs: sa, undo: true}}, nil
}

// unlinkSides are the sides an unlink notice tells. Only the account the
// identity was split out of may undo it: undoing joins the accounts
// again, and a link in the split-off account's mail would let whoever was
// split off walk back into the account that put them out. The split-off
// account is told, through the addresses that went with it, without a
// link.
func unlinkSides(kept *storage.User, sp *splitting) []noticeSide {
	ka, sa := sp.keptAddrs, sp.goneAddrs
	if kept.Email != "" && kept.EmailVerification {
		ka = append([]string{strings.ToLower(kept.Email)}, ka...)
	}
	if sp.user.Email != "" && sp.user.EmailVerification {
		sa = append([]string{sp.user.Email}, sa...)
	}
	return []noticeSide{{user: kept, other: sp.user, addrs: ka, undo: true}, {user: sp.user, other: kept, addrs: sa}}
}

// verifiedAddresses are the addresses a notice about u goes to: its own
// email and every email one of its identities verified (a provider's, or
// that of an account merged into it earlier).
func (s *Service) verifiedAddresses(ctx context.Context, u *storage.User) ([]string, error) {
	var out []string
	if u.Email != "" && u.EmailVerification {
		out = append(out, strings.ToLower(u.Email))
	}
	ids, _, err := s.store.ListIdentities(ctx, u.ProjectID, u.ID, storage.Page{Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, i := range ids {
		if i.ProviderEmail != "" && i.ProviderEmailVerified {
			out = append(out, strings.ToLower(i.ProviderEmail))
		}
	}
	return out, nil
}

// sendLater queues mails that could not be queued with their change.
func (s *Service) sendLater(ctx context.Context, later []outbox.Message) {
	for _, m := range later {
		if err := s.send(ctx, m); err != nil {
			s.log.WarnContext(ctx, "link notice: queue mail", "kind", m.Kind, "err", err)
		}
	}
}

// describe names an account in a notice.
func describe(u *storage.User) string {
	switch {
	case u.Email != "":
		return u.Email
	case u.Phone != "":
		return u.Phone
	case u.Name != "":
		return u.Name
	}
	return "an account without email or phone (" + u.ID + ")"
}

// undoToken finds a live undo token by its secret.
func (s *Service) undoToken(ctx context.Context, projectID, raw string) (*storage.LinkUndo, error) {
	invalid := apperr.Newf(apperr.UserInvalidToken, "This link is not valid. Check that it was copied whole from the mail.")
	if raw == "" || len(raw) > 256 {
		return nil, invalid
	}
	hash := secret.Hash(raw)
	t, err := s.store.GetLinkUndo(ctx, projectID, hash)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	if !secret.Equal(t.SecretHash, hash) {
		return nil, invalid
	}
	if !t.UsedAt.IsZero() {
		return nil, apperr.Newf(apperr.UserInvalidToken, "This link was already used: the change was undone.")
	}
	if !s.now().Before(t.Expire) {
		return nil, apperr.Newf(apperr.UserInvalidToken, "This link has expired.")
	}
	return t, nil
}

// CheckUndo reports what an undo link would undo, changing nothing: the
// page a mail link opens asks before anything happens, so mail scanners
// that follow links undo nothing.
func (s *Service) CheckUndo(ctx context.Context, projectID, raw string) (*storage.LinkUndo, error) {
	return s.undoToken(ctx, projectID, raw)
}

// Undo takes a link or an unlink back, spending its token in the same
// transaction. Undoing a link splits the merged account back out (its
// old id when free) and ends the sessions the kept account opened since
// the link; undoing an unlink merges the split-out account back, which
// ends its sessions. Both accounts' logs record it; no notice is mailed,
// so an undo never calls for another undo.
func (s *Service) Undo(ctx context.Context, p *storage.Project, raw string, a Actor) (*storage.LinkUndo, error) {
	t, err := s.undoToken(ctx, p.ID, raw)
	if err != nil {
		return nil, err
	}
	a.Mode, a.Name = "default", t.Recipient
	now := s.nowUTC()
	w := &storage.LinkWork{Redeem: t.SecretHash, Now: now}
	kept, err := s.store.GetUser(ctx, p.ID, t.PrimaryID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.Newf(apperr.UserNotFound, "The account this change was made to no longer exists.")
	}
	if err != nil {
		return nil, err
	}
	switch t.Kind {
	case storage.UndoLink:
		err = s.undoLink(ctx, p, t, kept, a, w)
	case storage.UndoUnlink:
		err = s.undoUnlink(ctx, p, t, kept, a, w)
	case storage.UndoIdentity:
		err = s.undoIdentity(ctx, p, t, kept, a, w)
	default:
		err = apperr.Newf(apperr.UserInvalidToken, "This link is not valid.")
	}
	if err != nil {
		// The token may have been spent by a racing click meanwhile: say so.
		if _, terr := s.undoToken(ctx, p.ID, raw); terr != nil {
			return nil, terr
		}
		return nil, err
	}
	return t, nil
}

func (s *Service) undoLink(ctx context.Context, p *storage.Project, t *storage.LinkUndo, kept *storage.User, a Actor, w *storage.LinkWork) error {
	gone := apperr.Newf(apperr.UserIdentityNotFound, "The linked account is no longer part of this one: there is nothing to undo.")
	target, err := s.store.IdentityByProvider(ctx, p.ID, t.Provider, t.ProviderUID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && target.UserID != kept.ID) {
		return gone
	}
	if err != nil {
		return err
	}
	var prof Profile
	if json.Unmarshal(target.ProfileData, &prof) != nil || prof.UserID != t.SecondaryID {
		return gone
	}
	sp, err := s.splitPlan(ctx, p, kept, target)
	if err != nil {
		return err
	}
	w.EndSessionsSince = t.Time
	w.Logs = []*storage.Log{s.linkLog(kept, "user.link.undo", a, w.Now), s.linkLog(sp.user, "user.link.undo", a, w.Now)}
	return s.split(ctx, kept, sp, w)
}

func (s *Service) undoUnlink(ctx context.Context, p *storage.Project, t *storage.LinkUndo, kept *storage.User, a Actor, w *storage.LinkWork) error {
	other, err := s.store.GetUser(ctx, p.ID, t.SecondaryID)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.Newf(apperr.UserNotFound, "The account that was split off no longer exists: there is nothing to undo.")
	}
	if err != nil {
		return err
	}
	if err := s.mayRejoin(ctx, t, other); err != nil {
		return err
	}
	raw, extra, err := s.mergePlan(p, kept, other)
	if err != nil {
		return err
	}
	w.Logs = []*storage.Log{s.linkLog(kept, "user.unlink.undo", a, w.Now), s.linkLog(other, "user.unlink.undo", a, w.Now)}
	return linkErr(s.store.MergeUser(ctx, p.ID, kept.ID, other.ID, raw, extra, w), apperr.UserNotFound)
}

// mayRejoin checks that undoing an unlink only gives back what its
// recipient lost. The link must have gone to the account the identity was
// split out of: one mailed to the split-off account (as Gatehouse did
// before) would let whoever was put out walk back in. And the split-off
// account must be as the unlink left it: joining it after it changed (a
// new password, a new provider or fresh provider tokens, new prefs)
// would hand the kept account what it never had.
func (s *Service) mayRejoin(ctx context.Context, t *storage.LinkUndo, other *storage.User) error {
	addrs, err := s.verifiedAddresses(ctx, other)
	if err != nil {
		return err
	}
	if other.Email != "" {
		addrs = append(addrs, strings.ToLower(other.Email))
	}
	if slices.Contains(addrs, strings.ToLower(t.Recipient)) {
		return apperr.Newf(apperr.UserUnauthorized, "This link went to the account that was split off; only the account it was split from can join them again.")
	}
	changed := apperr.Newf(apperr.UserIdentityNotFound, "The split-off account has changed since it was split off: joining it again would hand over what it gained. Nothing was undone.")
	if other.UpdatedAt.After(t.Time) {
		return changed
	}
	ids, _, err := s.store.ListIdentities(ctx, other.ProjectID, other.ID, storage.Page{Limit: 1000})
	if err != nil {
		return err
	}
	for _, i := range ids {
		// A new way in, or a provider sign-in that refreshed its tokens
		// (splitting moves identities without touching either time).
		if i.CreatedAt.After(t.Time) || i.UpdatedAt.After(t.Time) {
			return changed
		}
	}
	return nil
}
