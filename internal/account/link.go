package account

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Ways in that are not OAuth2 providers: a linked account's own email
// (with its password) and phone.
const (
	WayEmail = "email"
	WayPhone = "phone"
	// WayAnonymous keeps what an anonymous account did (its prefs) when it
	// is merged into a real one; it signs nothing in.
	WayAnonymous = "anonymous"
)

// Profile is what a merged account was, kept in each of its identities'
// profileData so unlinking gives it all back (Auth0 keeps less: it drops
// the secondary's metadata; Gatehouse keeps prefs and labels too).
type Profile struct {
	UserID            string          `json:"userId"`
	Name              string          `json:"name"`
	Email             string          `json:"email"`
	EmailVerification bool            `json:"emailVerification"`
	Phone             string          `json:"phone"`
	PhoneVerification bool            `json:"phoneVerification"`
	Prefs             json.RawMessage `json:"prefs"`
	Labels            []string        `json:"labels"`
	Registration      string          `json:"registration"`
	// The password hash, so the linked email keeps signing in; never
	// shown (see PublicProfile).
	Password    string          `json:"password,omitempty"`
	Hash        string          `json:"hash,omitempty"`
	HashOptions json.RawMessage `json:"hashOptions,omitempty"`
}

// profileTime is Appwrite's time format, used for profileData's dates.
const profileTime = "2006-01-02T15:04:05.000+00:00"

// PublicProfile is profileData as the API shows it: without the hash.
func PublicProfile(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var p Profile
	if json.Unmarshal(raw, &p) != nil {
		return nil
	}
	p.Password, p.Hash, p.HashOptions = "", "", nil
	// Shown the way Appwrite shows a user: lists never null, times in its
	// millisecond format.
	if p.Labels == nil {
		p.Labels = []string{}
	}
	if len(p.Prefs) == 0 || string(p.Prefs) == "null" {
		p.Prefs = json.RawMessage("{}")
	}
	if t, err := time.Parse(time.RFC3339Nano, p.Registration); err == nil {
		p.Registration = t.UTC().Format(profileTime)
	}
	b, _ := json.Marshal(p)
	return b
}

// Link merges secondary into primary: primary keeps its id and profile,
// every way the secondary signed in now signs in the primary, and the
// secondary leaves the users list. One transaction, which also writes
// both users' security logs and queues the notice mailed to each of their
// verified addresses, with a link to undo the change (see undoURL in
// undo.go).
func (s *Service) Link(ctx context.Context, p *storage.Project, primary, secondary *storage.User, a Actor, undoURL string) (*storage.User, error) {
	if primary.ID == secondary.ID {
		return nil, apperr.Newf(apperr.ArgumentInvalid, "A user cannot be linked to itself.")
	}
	if !secondary.Status || !primary.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	raw, extra, err := s.mergePlan(p, primary, secondary)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	w := &storage.LinkWork{Now: now, Logs: []*storage.Log{s.linkLog(primary, "user.link", a, now), s.linkLog(secondary, "user.link", a, now)}}
	way := extra[0]
	sides, err := s.linkSides(ctx, primary, secondary)
	if err != nil {
		return nil, err
	}
	later, err := s.notices(p, storage.UndoLink, primary, secondary, way.Provider, way.ProviderUID, now, undoURL, a, w, sides...)
	if err != nil {
		return nil, err
	}
	if err := linkErr(s.store.MergeUser(ctx, p.ID, primary.ID, secondary.ID, raw, extra, w), apperr.UserNotFound); err != nil {
		return nil, err
	}
	s.sendLater(ctx, later)
	return s.User(ctx, p, primary.ID)
}

// mergePlan is what merging secondary into primary writes: the profile
// kept in the moved identities, and the ways in added for the
// secondary's own email and phone (or, for an anonymous account, one
// keeping its prefs). There is always at least one extra way.
func (s *Service) mergePlan(p *storage.Project, primary, secondary *storage.User) ([]byte, []*storage.Identity, error) {
	prof := Profile{UserID: secondary.ID, Name: secondary.Name, Email: secondary.Email, EmailVerification: secondary.EmailVerification,
		Phone: secondary.Phone, PhoneVerification: secondary.PhoneVerification, Prefs: secondary.Prefs, Labels: secondary.Labels,
		Registration: secondary.Registration.UTC().Format(time.RFC3339Nano),
		Password:     secondary.PasswordHash, Hash: secondary.Hash, HashOptions: secondary.HashOptions}
	raw, err := json.Marshal(prof)
	if err != nil {
		return nil, nil, err
	}
	now := s.nowUTC()
	var extra []*storage.Identity
	if secondary.Email != "" {
		extra = append(extra, &storage.Identity{ProjectID: p.ID, ID: secret.ID(), UserID: primary.ID, Provider: WayEmail,
			ProviderUID: secondary.Email, ProviderEmail: secondary.Email, ProviderEmailVerified: secondary.EmailVerification,
			ProfileData: raw, CreatedAt: now, UpdatedAt: now})
	}
	if secondary.Phone != "" {
		extra = append(extra, &storage.Identity{ProjectID: p.ID, ID: secret.ID(), UserID: primary.ID, Provider: WayPhone,
			ProviderUID: secondary.Phone, ProfileData: raw, CreatedAt: now, UpdatedAt: now})
	}
	if secondary.Email == "" && secondary.Phone == "" {
		extra = append(extra, &storage.Identity{ProjectID: p.ID, ID: secret.ID(), UserID: primary.ID, Provider: WayAnonymous,
			ProviderUID: secondary.ID, ProfileData: raw, CreatedAt: now, UpdatedAt: now})
	}
	return raw, extra, nil
}

// linkErr turns the store's refusals of a link, an unlink or an undo into
// the API's errors; missing is the error for ErrNotFound.
func linkErr(err error, missing *apperr.Kind) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storage.ErrNotFound):
		return apperr.New(missing)
	case errors.Is(err, storage.ErrConflict):
		return apperr.New(apperr.UserAlreadyExists)
	case errors.Is(err, storage.ErrBlocked):
		return apperr.New(apperr.UserBlocked)
	case errors.Is(err, storage.ErrDeletionPending):
		return apperr.New(apperr.UserDeletionPending)
	}
	return err
}

// linkedWay finds the user a linked email or phone now signs in, with the
// profile it came with.
func (s *Service) linkedWay(ctx context.Context, projectID, way, uid string) (*storage.User, *Profile, error) {
	i, err := s.store.IdentityByProvider(ctx, projectID, way, uid)
	if err != nil {
		return nil, nil, err
	}
	var prof Profile
	if err := json.Unmarshal(i.ProfileData, &prof); err != nil {
		return nil, nil, err
	}
	u, err := s.store.GetUser(ctx, projectID, i.UserID)
	return u, &prof, err
}

// Unlink splits an identity back out of u into a user of its own, made
// from the profile it was linked with. The last way into u stays. Like
// Link, one transaction with both users' logs and the notices.
func (s *Service) Unlink(ctx context.Context, p *storage.Project, u *storage.User, provider, uid string, a Actor, undoURL string) (*storage.User, error) {
	target, err := s.store.IdentityByProvider(ctx, p.ID, provider, uid)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && target.UserID != u.ID) {
		return nil, apperr.New(apperr.UserIdentityNotFound)
	}
	if err != nil {
		return nil, err
	}
	sp, err := s.splitPlan(ctx, p, u, target)
	if err != nil {
		return nil, err
	}
	if sp.last {
		return nil, apperr.Newf(apperr.ArgumentInvalid, "This is the last way into the account; it cannot be unlinked.")
	}
	now := s.nowUTC()
	w := &storage.LinkWork{Now: now, Logs: []*storage.Log{s.linkLog(u, "user.unlink", a, now), s.linkLog(sp.user, "user.unlink", a, now)}}
	later, err := s.notices(p, storage.UndoUnlink, u, sp.user, "", "", now, undoURL, a, w, unlinkSides(u, sp)...)
	if err != nil {
		return nil, err
	}
	if err := s.split(ctx, u, sp, w); err != nil {
		return nil, err
	}
	s.sendLater(ctx, later)
	return sp.user, nil
}

// splitting is what splitting an identity out of a user writes.
type splitting struct {
	oldID      string // the id the account had before it was linked
	user       *storage.User
	move, drop []string
	last       bool // nothing else would sign the user in
	// The verified emails of the identities that stay and of those that
	// go: whom an unlink notice tells, and on which side.
	keptAddrs, goneAddrs []string
}

// splitPlan finds every identity that came with target's account and
// builds the user they go back to: its old id when free.
func (s *Service) splitPlan(ctx context.Context, p *storage.Project, u *storage.User, target *storage.Identity) (*splitting, error) {
	all, _, err := s.store.ListIdentities(ctx, p.ID, u.ID, storage.Page{Limit: 1000})
	if err != nil {
		return nil, err
	}
	var prof Profile
	if len(target.ProfileData) > 0 {
		if err := json.Unmarshal(target.ProfileData, &prof); err != nil {
			return nil, err
		}
	} else {
		prof = Profile{Email: target.ProviderEmail, EmailVerification: target.ProviderEmailVerified}
	}
	sp := &splitting{oldID: prof.UserID}
	for _, i := range all {
		same := i.ID == target.ID
		if !same && len(target.ProfileData) > 0 && len(i.ProfileData) > 0 {
			var o Profile
			same = json.Unmarshal(i.ProfileData, &o) == nil && o.UserID == prof.UserID
		}
		verified := ""
		if i.ProviderEmail != "" && i.ProviderEmailVerified {
			verified = strings.ToLower(i.ProviderEmail)
		}
		if !same {
			if verified != "" {
				sp.keptAddrs = append(sp.keptAddrs, verified)
			}
			continue
		}
		if verified != "" {
			sp.goneAddrs = append(sp.goneAddrs, verified)
		}
		if i.Provider == WayEmail || i.Provider == WayPhone || i.Provider == WayAnonymous {
			sp.drop = append(sp.drop, i.ID)
		} else {
			sp.move = append(sp.move, i.ID)
		}
	}
	left := len(all) - len(sp.move) - len(sp.drop)
	sp.last = left == 0 && u.PasswordHash == "" && u.Email == "" && u.Phone == ""
	now := s.nowUTC()
	id := prof.UserID
	if id == "" {
		id = secret.ID()
	} else if _, err := s.store.GetUser(ctx, p.ID, id); err == nil {
		id = secret.ID() // the old id was taken meanwhile
	}
	nu := &storage.User{ProjectID: p.ID, ID: id, Name: prof.Name, Email: strings.ToLower(prof.Email), EmailVerification: prof.EmailVerification,
		Phone: prof.Phone, PhoneVerification: prof.PhoneVerification, Prefs: prof.Prefs, Labels: prof.Labels,
		PasswordHash: prof.Password, Hash: prof.Hash, HashOptions: prof.HashOptions, Registration: now, Status: true,
		CreatedAt: now, UpdatedAt: now}
	if reg, err := time.Parse(time.RFC3339Nano, prof.Registration); err == nil {
		nu.Registration = reg.UTC() // the account was registered then, not now
	}
	if nu.Hash == "" {
		nu.Hash, nu.HashOptions = "argon2", s.hasher.Options()
	}
	if len(nu.Prefs) == 0 {
		nu.Prefs = []byte("{}")
	}
	if nu.PasswordHash != "" {
		nu.PasswordUpdate = now
	}
	for _, t := range []struct{ kind, v string }{{"email", nu.Email}, {"sms", nu.Phone}} {
		if t.v != "" {
			nu.Targets = append(nu.Targets, storage.Target{ProjectID: p.ID, ID: secret.ID(), UserID: nu.ID, ProviderType: t.kind,
				Identifier: t.v, CreatedAt: now, UpdatedAt: now})
		}
	}
	stampEmail(nu)
	sp.user = nu
	return sp, nil
}

// split carries a plan out in one transaction.
func (s *Service) split(ctx context.Context, u *storage.User, sp *splitting, w *storage.LinkWork) error {
	return linkErr(s.store.SplitIdentity(ctx, u.ID, sp.oldID, sp.user, sp.move, sp.drop, w), apperr.UserIdentityNotFound)
}

// linkLog is a security log entry written inside a link's transaction.
func (s *Service) linkLog(u *storage.User, event string, a Actor, at time.Time) *storage.Log {
	// The same entry as any other change's (a console administrator
	// named as such), at the link's own instant.
	l := s.logEntry(u, event, a)
	l.Time = at
	return l
}
