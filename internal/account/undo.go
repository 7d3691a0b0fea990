package account

import (
	"context"
	"encoding/json"
	"errors"
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

// notices prepares the mails of a link or an unlink: one for each
// verified address of the two accounts, each with its own undo token (the
// tokens of one change are spent together). Tokens and mails go into w,
// to be written with the change; when the sender cannot queue inside the
// transaction, the mails are returned to be sent after it.
func (s *Service) notices(ctx context.Context, p *storage.Project, kind string, primary, secondary *storage.User, provider, uid string, at time.Time,
	undoURL string, a Actor, w *storage.LinkWork) ([]outbox.Message, error) {
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
	for _, pair := range [][2]*storage.User{{primary, secondary}, {secondary, primary}} {
		u, other := pair[0], pair[1]
		addrs, err := s.verifiedAddresses(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, to := range addrs {
			if seen[to] {
				continue
			}
			seen[to] = true
			raw := secret.Hex(32)
			w.Undo = append(w.Undo, &storage.LinkUndo{SecretHash: secret.Hash(raw), ProjectID: p.ID, ChangeID: change, Kind: kind,
				PrimaryID: primary.ID, SecondaryID: secondary.ID, Provider: provider, ProviderUID: uid, Recipient: to,
				Time: at, Expire: at.Add(s.undoLifetime())})
			m := outbox.Message{ProjectID: p.ID, Channel: outbox.Email, Kind: mailKind, To: to, ToName: u.Name, Locale: a.Locale,
				Vars: vars(p, u, map[string]string{"redirect": withQuery(undoURL, map[string]string{"secret": raw}), "account": describe(other)})}
			jm, ok := s.outbox.(jobMaker)
			if !ok {
				later = append(later, m)
				continue
			}
			j, err := jm.Job(m)
			if err != nil {
				return nil, err
			}
			w.Jobs = append(w.Jobs, j)
		}
	}
	return later, nil
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
	raw, extra, err := s.mergePlan(p, kept, other)
	if err != nil {
		return err
	}
	w.Logs = []*storage.Log{s.linkLog(kept, "user.unlink.undo", a, w.Now), s.linkLog(other, "user.unlink.undo", a, w.Now)}
	return linkErr(s.store.MergeUser(ctx, p.ID, kept.ID, other.ID, raw, extra, w), apperr.UserNotFound)
}
