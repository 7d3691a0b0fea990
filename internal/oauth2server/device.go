package oauth2server

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// The device authorization grant (RFC 8628).

// devicePoll is the polling interval a device starts with; slow_down
// adds deviceSlowDown.
const (
	devicePoll     = 5
	deviceSlowDown = 5
)

// DeviceAuthorization is the answer of /device_authorization.
type DeviceAuthorization struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int    `json:"expires_in"`
	Interval                int    `json:"interval"`
}

// userCodeAlphabet: no vowels (no words), no 0/O or 1/I look-alikes.
var userCodeAlphabets = map[string]string{
	"numeric":      "0123456789",
	"alphabetic":   "BCDFGHJKLMNPQRSTVWXZ",
	"alphanumeric": "BCDFGHJKLMNPQRSTVWXZ23456789",
}

func newUserCode(format string, n int) string {
	alpha := userCodeAlphabets[format]
	var b strings.Builder
	for i := 0; i < n; i++ {
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alpha))))
		b.WriteByte(alpha[k.Int64()])
	}
	return b.String()
}

// NormalizeUserCode keeps the letters and digits of a typed user code,
// upper-cased, so "mdf2-tn39" and "MDF2TN39" are one code.
func NormalizeUserCode(v string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(v) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// DeviceAuthorize starts a device request for a client allowed the
// device flow, in a project with a verification page.
func (s *Service) DeviceAuthorize(ctx context.Context, p *storage.Project, cr Credentials, v url.Values) (*DeviceAuthorization, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	set := p.Settings.OAuth2Server
	if cr.ClientID == "" {
		cr.ClientID = v.Get("client_id")
	}
	client, err := s.authenticate(ctx, p.ID, cr)
	if err != nil {
		return nil, err
	}
	if set.VerificationURL == "" || s.codes == nil {
		return nil, apperr.Newf(apperr.OAuth2UnauthorizedClient, "The project has no device verification page.")
	}
	if !client.DeviceFlow {
		return nil, apperr.Newf(apperr.OAuth2UnauthorizedClient, "The client may not use the device flow.")
	}
	scopes := ParseScope(v.Get("scope"))
	if _, sent := v["scope"]; !sent {
		scopes = slices.Clone(set.DefaultScopes)
	}
	for _, sc := range scopes {
		if !knownScope(set, sc) {
			return nil, apperr.Newf(apperr.OAuth2InvalidScope, "Unknown scope %s.", sc)
		}
	}
	res, perr := ParseResources(v["resource"], v.Get("audience"))
	if perr != nil {
		return nil, apperr.Newf(apperr.OAuth2InvalidTarget, "%s", perr.Desc)
	}
	details := ""
	if d := v.Get("authorization_details"); d != "" {
		if details, perr = ParseAuthorizationDetails(d, append([]string{}, set.AuthorizationDetailsTypes...)); perr != nil {
			return nil, invalidRequest("%s", perr.Desc)
		}
	}
	format := set.UserCodeFormat
	if format == "" {
		format = DefaultUserCodeFormat
	}
	n := set.UserCodeLength
	if n == 0 {
		n = DefaultUserCodeLength
	}
	ttl := secondsOr(set.DeviceCodeDuration, DefaultDeviceCodeTTL)
	now := s.nowUTC()
	device := secret.Hex(32)
	for attempt := 0; ; attempt++ {
		code := newUserCode(format, n)
		d := &storage.OAuth2Device{ProjectID: p.ID, ID: secret.ID(), DeviceHash: secret.Hash(device), UserCodeHash: s.codes.Hash(code),
			ClientID: client.ID, Scopes: scopes, Resources: res, AuthorizationDetails: details, Status: storage.OAuth2DevicePending,
			Interval: devicePoll, CreatedAt: now, ExpiresAt: now.Add(ttl)}
		err := s.store.CreateOAuth2Device(ctx, d)
		if errors.Is(err, storage.ErrConflict) && attempt < 3 {
			continue // a live user code of the same value
		}
		if err != nil {
			return nil, err
		}
		shown := code
		if len(code) == 8 {
			shown = code[:4] + "-" + code[4:]
		}
		return &DeviceAuthorization{DeviceCode: device, UserCode: shown, VerificationURI: set.VerificationURL,
			VerificationURIComplete: withParams(set.VerificationURL, url.Values{"user_code": {shown}}, false),
			ExpiresIn:               int(ttl.Seconds()), Interval: devicePoll}, nil
	}
}

// DeviceGrant binds a device request to the signed-in user by its user
// code: a grant the consent page answers like any other.
func (s *Service) DeviceGrant(ctx context.Context, p *storage.Project, sub *Subject, userCode string) (*storage.OAuth2Grant, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	code := NormalizeUserCode(userCode)
	if code == "" || s.codes == nil {
		return nil, apperr.New(apperr.OAuth2InvalidUserCode)
	}
	d, err := s.store.OAuth2DeviceByUserCode(ctx, p.ID, s.codes.Hash(code), s.now())
	if errors.Is(err, storage.ErrNotFound) || err == nil && d.Status != storage.OAuth2DevicePending {
		return nil, apperr.New(apperr.OAuth2InvalidUserCode)
	}
	if err != nil {
		return nil, err
	}
	client, err := s.client(ctx, p.ID, d.ClientID)
	if err != nil {
		return nil, apperr.New(apperr.OAuth2InvalidUserCode)
	}
	// The first user to enter the code holds it: nobody else can answer
	// for the device afterwards.
	_, err = s.store.UpdateOAuth2Device(ctx, p.ID, d.ID, s.now(), func(d *storage.OAuth2Device) error {
		if d.Status != storage.OAuth2DevicePending || d.UserID != "" && d.UserID != sub.User.ID {
			return apperr.New(apperr.OAuth2InvalidUserCode)
		}
		d.UserID = sub.User.ID
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.OAuth2InvalidUserCode)
	}
	if err != nil {
		return nil, err
	}
	req := &AuthRequest{ClientID: d.ClientID, Scopes: d.Scopes, ScopeSent: true, Resources: d.Resources,
		AuthorizationDetails: d.AuthorizationDetails, MaxAge: -1}
	return s.newGrant(ctx, p.ID, client, req, sub, d.ID)
}

func (s *Service) approveDevice(ctx context.Context, projectID string, g *storage.OAuth2Grant, sub *Subject, consent *storage.OAuth2Consent, scopes []string, details string) error {
	_, err := s.store.UpdateOAuth2Device(ctx, projectID, g.DeviceID, s.now(), func(d *storage.OAuth2Device) error {
		if d.Status != storage.OAuth2DevicePending || d.UserID != sub.User.ID {
			return apperr.New(apperr.OAuth2InvalidUserCode)
		}
		d.Status, d.UserID, d.ConsentID, d.SessionID = storage.OAuth2DeviceApproved, sub.User.ID, consent.ID, g.SessionID
		d.AuthTime, d.AMR, d.Scopes, d.AuthorizationDetails = g.AuthTime, amrOf(sub.Factors), scopes, details
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.OAuth2InvalidUserCode)
	}
	return err
}

func (s *Service) denyDevice(ctx context.Context, projectID, deviceID string) error {
	_, err := s.store.UpdateOAuth2Device(ctx, projectID, deviceID, s.now(), func(d *storage.OAuth2Device) error {
		d.Status = storage.OAuth2DeviceDenied
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.OAuth2InvalidUserCode)
	}
	return err
}

func (s *Service) deviceGrant(ctx context.Context, p *storage.Project, client *Client, tr TokenRequest) (*TokenResponse, error) {
	if tr.DeviceCode == "" {
		return nil, invalidRequest("device_code is required.")
	}
	now := s.now()
	var refresh string
	f, err := s.store.PollOAuth2Device(ctx, p.ID, secret.Hash(tr.DeviceCode), now, func(d *storage.OAuth2Device) (*storage.OAuth2Family, error) {
		if d.ClientID != client.ID {
			return nil, invalidGrant("The device code was issued to another client.")
		}
		if !d.ExpiresAt.After(now) {
			return nil, apperr.New(apperr.OAuth2ExpiredToken)
		}
		last := d.LastPollAt
		d.LastPollAt = now.UTC().Truncate(time.Microsecond)
		if !last.IsZero() && now.Sub(last) < time.Duration(d.Interval)*time.Second {
			d.Interval += deviceSlowDown
			return nil, apperr.New(apperr.OAuth2SlowDown)
		}
		switch d.Status {
		case storage.OAuth2DeviceDenied:
			return nil, apperr.New(apperr.OAuth2AccessDenied)
		case storage.OAuth2DeviceApproved:
			var fam *storage.OAuth2Family
			fam, refresh = s.newFamily(p, client, d.ConsentID, d.UserID, d.SessionID, d.Scopes, d.Resources, d.AuthorizationDetails, d.AuthTime, d.AMR)
			return fam, nil
		}
		return nil, apperr.New(apperr.OAuth2AuthorizationPending)
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, invalidGrant("The device code is invalid.")
	}
	if err != nil {
		return nil, err
	}
	return s.respond(ctx, p, client, f, refresh, f.Resources, "", true)
}
