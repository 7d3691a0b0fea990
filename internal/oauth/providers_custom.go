package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// Providers whose identity needs more than one request or a
// non-standard step.

// github: /user, then /user/emails; the primary address and its
// "verified" flag are used. Without the emails (scope not granted) the
// public profile email counts as unverified.
func github(c Config, o options) (*spec, error) {
	if err := needSecret("github", c); err != nil {
		return nil, err
	}
	return &spec{
		authURL:   o.u("https://github.com/login/oauth/authorize"),
		tokenURL:  o.u("https://github.com/login/oauth/access_token"),
		authStyle: oauth2.AuthStyleInParams,
		scopes:    []string{"user:email"},
		refresh:   true, // GitHub Apps with expiring user tokens
		profile:   githubProfile,
	}, nil
}

func githubProfile(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
	hdr := map[string]string{"X-GitHub-Api-Version": "2022-11-28"}
	user, err := p.getJSON(ctx, http.MethodGet, p.o.u("https://api.github.com/user"), "Bearer", tok.AccessToken, hdr)
	if err != nil {
		return Identity{}, err
	}
	id := Identity{ProviderUID: str(user["id"]), Name: firstStr(user, "name", "login"), Raw: user}
	emails, err := p.get(ctx, http.MethodGet, p.o.u("https://api.github.com/user/emails"), "Bearer", tok.AccessToken, hdr)
	var e *Error
	switch {
	case err == nil:
		id.Email, id.EmailVerified = pickEmail(emails, "email", "primary", "verified")
	case errors.As(err, &e) && (e.Status == http.StatusForbidden || e.Status == http.StatusNotFound):
	default:
		return Identity{}, err
	}
	if id.Email == "" {
		id.Email, id.EmailVerified = str(user["email"]), false
	}
	return id, nil
}

// bitbucket: /2.0/user, then /2.0/user/emails; the primary address and
// its "is_confirmed" flag. Scopes are set on the OAuth consumer.
func bitbucket(c Config, o options) (*spec, error) {
	if err := needSecret("bitbucket", c); err != nil {
		return nil, err
	}
	return &spec{
		authURL:   o.u("https://bitbucket.org/site/oauth2/authorize"),
		tokenURL:  o.u("https://bitbucket.org/site/oauth2/access_token"),
		authStyle: oauth2.AuthStyleInHeader,
		refresh:   true,
		profile: func(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
			user, err := p.getJSON(ctx, http.MethodGet, p.o.u("https://api.bitbucket.org/2.0/user"), "Bearer", tok.AccessToken, nil)
			if err != nil {
				return Identity{}, err
			}
			emails, err := p.getJSON(ctx, http.MethodGet, p.o.u("https://api.bitbucket.org/2.0/user/emails"), "Bearer", tok.AccessToken, nil)
			if err != nil {
				return Identity{}, err
			}
			id := Identity{ProviderUID: str(user["uuid"]), Name: firstStr(user, "display_name", "nickname"), Raw: user}
			id.Email, id.EmailVerified = pickEmail(emails["values"], "email", "is_primary", "is_confirmed")
			return id, nil
		},
	}, nil
}

// bitly: the login is the id; the primary email and its "is_verified".
// Tokens do not expire.
func bitly(c Config, o options) (*spec, error) {
	if err := needSecret("bitly", c); err != nil {
		return nil, err
	}
	return &spec{
		authURL:   o.u("https://bitly.com/oauth/authorize"),
		tokenURL:  o.u("https://api-ssl.bitly.com/oauth/access_token"),
		authStyle: oauth2.AuthStyleInParams,
		profile: func(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
			user, err := p.getJSON(ctx, http.MethodGet, p.o.u("https://api-ssl.bitly.com/v4/user"), "Bearer", tok.AccessToken, nil)
			if err != nil {
				return Identity{}, err
			}
			id := Identity{ProviderUID: str(user["login"]), Name: str(user["name"]), Raw: user}
			id.Email, id.EmailVerified = pickEmail(user["emails"], "email", "is_primary", "is_verified")
			return id, nil
		},
	}, nil
}

// paypal and paypalSandbox: "Log in with PayPal"; userinfo in the
// paypalv1.1 schema lists emails with "primary" and "confirmed". The id
// is the payer_id, as Appwrite stores it.
func paypal(sandbox bool) builder {
	name, web, api := "paypal", "https://www.paypal.com", "https://api-m.paypal.com"
	if sandbox {
		name, web, api = "paypalSandbox", "https://www.sandbox.paypal.com", "https://api-m.sandbox.paypal.com"
	}
	return func(c Config, o options) (*spec, error) {
		if err := needSecret(name, c); err != nil {
			return nil, err
		}
		return &spec{
			authURL:    o.u(web + "/connect"),
			tokenURL:   o.u(api + "/v1/oauth2/token"),
			authStyle:  oauth2.AuthStyleInHeader,
			scopes:     []string{"openid", "profile", "email"},
			authParams: map[string]string{"flowEntry": "static"},
			refresh:    true,
			profile: func(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
				u := p.o.u(api + "/v1/identity/oauth2/userinfo?schema=paypalv1.1")
				user, err := p.getJSON(ctx, http.MethodGet, u, "Bearer", tok.AccessToken, nil)
				if err != nil {
					return Identity{}, err
				}
				id := Identity{ProviderUID: firstStr(user, "payer_id", "user_id"), Name: str(user["name"]), Raw: user}
				id.Email, id.EmailVerified = pickEmail(user["emails"], "value", "primary", "confirmed")
				return id, nil
			},
		}, nil
	}
}

// podio: "mail" is the main address; its entry in "mails" says whether
// it is verified. The user object has no name.
func podio(c Config, o options) (*spec, error) {
	if err := needSecret("podio", c); err != nil {
		return nil, err
	}
	return &spec{
		authURL:   o.u("https://podio.com/oauth/authorize"),
		tokenURL:  o.u("https://api.podio.com/oauth/token"),
		authStyle: oauth2.AuthStyleInParams,
		refresh:   true,
		profile: func(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
			user, err := p.getJSON(ctx, http.MethodGet, p.o.u("https://api.podio.com/user"), "OAuth2", tok.AccessToken, nil)
			if err != nil {
				return Identity{}, err
			}
			id := Identity{ProviderUID: str(user["user_id"]), Email: str(user["mail"]), Raw: user}
			mails, _ := user["mails"].([]any)
			for _, m := range mails {
				if id.Email != "" && strings.EqualFold(str(at(m, "mail")), id.Email) {
					id.EmailVerified = truthy(at(m, "verified"))
				}
			}
			return id, nil
		},
	}, nil
}

// etsy: Open API v3 requires PKCE and treats the app as a public client
// (no secret in token requests); every API call carries
// "x-api-key: keystring:shared_secret". The access token starts with
// the numeric user id. No verified flag (unknown).
func etsy(c Config, o options) (*spec, error) {
	if err := needSecret("etsy", c); err != nil {
		return nil, err
	}
	return &spec{
		authURL:      o.u("https://www.etsy.com/oauth/connect"),
		tokenURL:     o.u("https://api.etsy.com/v3/public/oauth/token"),
		authStyle:    oauth2.AuthStyleInParams,
		publicClient: true,
		scopes:       []string{"email_r", "profile_r"},
		refresh:      true,
		profile: func(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
			hdr := map[string]string{"x-api-key": p.cfg.ClientID + ":" + p.cfg.ClientSecret}
			uid, _, ok := strings.Cut(tok.AccessToken, ".")
			if !ok || strings.Trim(uid, "0123456789") != "" {
				me, err := p.getJSON(ctx, http.MethodGet, p.o.u("https://api.etsy.com/v3/application/users/me"), "Bearer", tok.AccessToken, hdr)
				if err != nil {
					return Identity{}, err
				}
				uid = str(me["user_id"])
			}
			if uid == "" {
				return Identity{}, p.fail("profile", 0, ErrMissingID)
			}
			u := p.o.u("https://api.etsy.com/v3/application/users/" + url.PathEscape(uid))
			user, err := p.getJSON(ctx, http.MethodGet, u, "Bearer", tok.AccessToken, hdr)
			if err != nil {
				return Identity{}, err
			}
			return Identity{ProviderUID: firstStr(user, "user_id"), Email: str(user["primary_email"]),
				Name: joinName(user, "first_name", "last_name"), Raw: user}, nil
		},
	}, nil
}

// stripe: Stripe Connect; the user is the connected account named by
// the token response's stripe_user_id. The secret is the platform's
// secret key. No verified flag (unknown).
func stripe(c Config, o options) (*spec, error) {
	if err := needSecret("stripe", c); err != nil {
		return nil, err
	}
	return &spec{
		authURL:   o.u("https://connect.stripe.com/oauth/authorize"),
		tokenURL:  o.u("https://connect.stripe.com/oauth/token"),
		authStyle: oauth2.AuthStyleInParams,
		scopes:    []string{"read_write"}, // Appwrite's default; the only alternative is read_only
		refresh:   true,
		profile: func(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
			u := "https://api.stripe.com/v1/account"
			if acct, _ := tok.Extra("stripe_user_id").(string); acct != "" {
				u = "https://api.stripe.com/v1/accounts/" + url.PathEscape(acct)
			}
			acct, err := p.getJSON(ctx, http.MethodGet, p.o.u(u), "Bearer", tok.AccessToken, nil)
			if err != nil {
				return Identity{}, err
			}
			return Identity{ProviderUID: str(acct["id"]), Email: str(acct["email"]),
				Name: firstStr(acct, "settings.dashboard.display_name", "business_profile.name"), Raw: acct}, nil
		},
	}, nil
}

// yammer (Viva Engage): the token response nests the token in an object
// ({"access_token": {"token": …}}), which golang.org/x/oauth2 cannot
// read. Tokens do not expire. No verified flag (unknown).
func yammer(c Config, o options) (*spec, error) {
	if err := needSecret("yammer", c); err != nil {
		return nil, err
	}
	return &spec{
		authURL:  o.u("https://www.yammer.com/oauth2/authorize"),
		tokenURL: o.u("https://www.yammer.com/oauth2/access_token"),
		exchange: yammerExchange,
		profile: profileSpec{url: "https://www.yammer.com/api/v1/users/current.json",
			id: "id", email: "email", name: []string{"full_name"}}.profile,
	}, nil
}

func yammerExchange(ctx context.Context, p *provider, code string) (*oauth2.Token, error) {
	form := url.Values{
		"client_id":     {p.cfg.ClientID},
		"client_secret": {p.cfg.ClientSecret},
		"code":          {code},
		"grant_type":    {"authorization_code"},
	}
	if p.cfg.RedirectURL != "" {
		form.Set("redirect_uri", p.cfg.RedirectURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.spec.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, p.fail("token", 0, stripURL(err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	body, err := p.do(req, "token")
	if err != nil {
		return nil, err
	}
	var v struct {
		AccessToken json.RawMessage `json:"access_token"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, p.fail("token", 0, errors.New("token response is not JSON"))
	}
	var token string
	if json.Unmarshal(v.AccessToken, &token) != nil {
		var nested struct {
			Token string `json:"token"`
		}
		_ = json.Unmarshal(v.AccessToken, &nested)
		token = nested.Token
	}
	if token == "" {
		return nil, p.fail("token", 0, errors.New("token response has no access token"))
	}
	return &oauth2.Token{AccessToken: token, TokenType: "Bearer"}, nil
}
