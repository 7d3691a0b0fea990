package oauth2server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// requestURIPrefix starts every request_uri of RFC 9126.
const requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

// Pushed is a PAR answer.
type Pushed struct {
	RequestURI string `json:"request_uri"`
	ExpiresIn  int    `json:"expires_in"`
}

// Push is RFC 9126's pushed authorization request: the request is checked
// as /authorize would, kept, and named by a single-use request_uri.
func (s *Service) Push(ctx context.Context, p *storage.Project, cr Credentials, v url.Values) (*Pushed, error) {
	if err := enabled(p); err != nil {
		return nil, err
	}
	if v.Get("request_uri") != "" {
		return nil, invalidRequest("request_uri cannot be pushed.")
	}
	if cr.ClientID == "" {
		cr.ClientID = v.Get("client_id")
	}
	client, err := s.authenticate(ctx, p.ID, cr)
	if err != nil {
		return nil, err
	}
	if v.Get("client_id") != client.ID {
		return nil, invalidRequest("client_id does not match the client's credentials.")
	}
	if !slices.Contains(client.RedirectURIs, v.Get("redirect_uri")) {
		return nil, invalidRequest("redirect_uri is not one of the client's registered redirect URIs.")
	}
	req, perr := ParseAuthRequest(v)
	if perr != nil {
		return nil, invalidRequest("%s", perr.Desc)
	}
	if o := checkRequest(p.Settings.OAuth2Server, client, req); o != nil {
		u, _ := url.Parse(o.RedirectURL)
		q := u.Query()
		if q.Get("error") == "" {
			q, _ = url.ParseQuery(u.Fragment)
		}
		return nil, invalidRequest("%s", q.Get("error_description"))
	}
	raw, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode oauth2 request: %w", err)
	}
	handle := secret.Hex(32)
	now := s.nowUTC()
	if err := s.store.CreateOAuth2PAR(ctx, &storage.OAuth2PAR{ProjectID: p.ID, HandleHash: secret.Hash(handle), ClientID: client.ID,
		Request: string(raw), CreatedAt: now, ExpiresAt: now.Add(PARTTL)}); err != nil {
		return nil, err
	}
	return &Pushed{RequestURI: requestURIPrefix + handle, ExpiresIn: int(PARTTL.Seconds())}, nil
}

// authorizePushed is /authorize with client_id and request_uri only. The
// handle is spent only when a signed-in user uses it.
func (s *Service) authorizePushed(ctx context.Context, p *storage.Project, v url.Values, sub *Subject) (*Outcome, error) {
	for k := range v {
		if k != "client_id" && k != "request_uri" {
			return nil, invalidRequest("With request_uri, only client_id may be sent (got %s).", k)
		}
	}
	handle, ok := strings.CutPrefix(v.Get("request_uri"), requestURIPrefix)
	if !ok {
		return nil, invalidRequest("request_uri is invalid or expired.")
	}
	hash := secret.Hash(handle)
	par, err := s.store.GetOAuth2PAR(ctx, p.ID, hash, s.now())
	if errors.Is(err, storage.ErrNotFound) || err == nil && par.ClientID != v.Get("client_id") {
		return nil, invalidRequest("request_uri is invalid or expired.")
	}
	if err != nil {
		return nil, err
	}
	var req AuthRequest
	if err := json.Unmarshal([]byte(par.Request), &req); err != nil {
		return nil, fmt.Errorf("decode oauth2 par: %w", err)
	}
	if sub == nil || sub.User == nil {
		if slices.Contains(req.Prompt, "none") {
			return redirectError(&req, "login_required", "The user is not signed in."), nil
		}
		return &Outcome{NeedLogin: true, RedirectURL: withParams(p.Settings.OAuth2Server.AuthorizationURL,
			url.Values{"client_id": {par.ClientID}, "request_uri": {v.Get("request_uri")}}, false)}, nil
	}
	if _, err := s.store.TakeOAuth2PAR(ctx, p.ID, hash, s.now()); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, invalidRequest("request_uri is invalid or expired.")
		}
		return nil, err
	}
	client, err := s.client(ctx, p.ID, par.ClientID)
	if err != nil {
		if errors.Is(err, ErrUnknownClient) {
			return nil, invalidRequest("Unknown or disabled client_id.")
		}
		return nil, err
	}
	return s.authorizeParsed(ctx, p, p.Settings.OAuth2Server, client, &req, sub)
}

// NeedsSession is the error of a JSON authorize call without a session.
func NeedsSession() error {
	return apperr.Newf(apperr.UserUnauthorized, "Sign the user in before calling authorize.")
}
