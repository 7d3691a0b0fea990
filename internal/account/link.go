package account

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

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
	b, _ := json.Marshal(p)
	return b
}

// Link merges secondary into primary: primary keeps its id and profile,
// every way the secondary signed in now signs in the primary, and the
// secondary leaves the users list. One transaction.
func (s *Service) Link(ctx context.Context, p *storage.Project, primary, secondary *storage.User, a Actor) (*storage.User, error) {
	if primary.ID == secondary.ID {
		return nil, apperr.Newf(apperr.ArgumentInvalid, "A user cannot be linked to itself.")
	}
	if !secondary.Status || !primary.Status {
		return nil, apperr.New(apperr.UserBlocked)
	}
	prof := Profile{UserID: secondary.ID, Name: secondary.Name, Email: secondary.Email, EmailVerification: secondary.EmailVerification,
		Phone: secondary.Phone, PhoneVerification: secondary.PhoneVerification, Prefs: secondary.Prefs, Labels: secondary.Labels,
		Registration: secondary.Registration.Format("2006-01-02T15:04:05.000000Z07:00"),
		Password:     secondary.PasswordHash, Hash: secondary.Hash, HashOptions: secondary.HashOptions}
	raw, err := json.Marshal(prof)
	if err != nil {
		return nil, err
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
	err = s.store.MergeUser(ctx, p.ID, primary.ID, secondary.ID, raw, extra)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, apperr.New(apperr.UserNotFound)
	case errors.Is(err, storage.ErrConflict):
		return nil, apperr.New(apperr.UserAlreadyExists)
	case err != nil:
		return nil, err
	}
	s.audit(ctx, primary, "user.link", a)
	return s.User(ctx, p, primary.ID)
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
// from the profile it was linked with. The last way into u stays.
func (s *Service) Unlink(ctx context.Context, p *storage.Project, u *storage.User, provider, uid string, a Actor) (*storage.User, error) {
	target, err := s.store.IdentityByProvider(ctx, p.ID, provider, uid)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && target.UserID != u.ID) {
		return nil, apperr.New(apperr.UserIdentityNotFound)
	}
	if err != nil {
		return nil, err
	}
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
	var move, drop []string
	for _, i := range all {
		same := i.ID == target.ID
		if !same && len(target.ProfileData) > 0 && len(i.ProfileData) > 0 {
			var o Profile
			same = json.Unmarshal(i.ProfileData, &o) == nil && o.UserID == prof.UserID
		}
		if !same {
			continue
		}
		if i.Provider == WayEmail || i.Provider == WayPhone || i.Provider == WayAnonymous {
			drop = append(drop, i.ID)
		} else {
			move = append(move, i.ID)
		}
	}
	left := len(all) - len(move) - len(drop)
	if left == 0 && u.PasswordHash == "" && u.Email == "" && u.Phone == "" {
		return nil, apperr.Newf(apperr.ArgumentInvalid, "This is the last way into the account; it cannot be unlinked.")
	}
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
	err = s.store.SplitIdentity(ctx, nu, move, drop)
	if errors.Is(err, storage.ErrConflict) {
		return nil, apperr.New(apperr.UserAlreadyExists)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, u, "user.unlink", a)
	s.audit(ctx, nu, "user.create", a)
	return nu, nil
}
