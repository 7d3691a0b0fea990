package oauth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// profileSpec reads an identity from one JSON profile request. Paths are
// dotted (see at).
type profileSpec struct {
	method string // "" = GET
	url    string
	auth   string // Authorization scheme: "" = Bearer, "-" = none
	header map[string]string
	// clientIDHeader names a header that carries the client id (Twitch).
	clientIDHeader string
	// query adds per-request parameters (tokens for providers that want
	// them in the URL, Facebook's appsecret_proof).
	query func(p *provider, tok *oauth2.Token) url.Values

	id, email string
	// verified is the path of the provider's own "email confirmed" flag;
	// "" means the provider does not say, and the email counts as
	// unverified.
	verified string
	// verifiedIfEmail: the provider documents that it only returns
	// confirmed addresses.
	verifiedIfEmail bool
	name            []string // first non-empty wins
	nameJoin        []string // else these, joined with spaces
}

func (ps profileSpec) fetch(ctx context.Context, p *provider, tok *oauth2.Token) (map[string]any, error) {
	u := p.o.u(ps.url)
	if ps.query != nil {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + ps.query(p, tok).Encode()
	}
	auth := ps.auth
	switch auth {
	case "":
		auth = "Bearer"
	case "-":
		auth = ""
	}
	hdr := ps.header
	if ps.clientIDHeader != "" {
		hdr = map[string]string{ps.clientIDHeader: p.cfg.ClientID}
		for k, v := range ps.header {
			hdr[k] = v
		}
	}
	method := ps.method
	if method == "" {
		method = http.MethodGet
	}
	return p.getJSON(ctx, method, u, auth, tok.AccessToken, hdr)
}

func (ps profileSpec) identity(m map[string]any) Identity {
	id := Identity{
		ProviderUID: str(at(m, ps.id)),
		Email:       str(at(m, ps.email)),
		Name:        firstStr(m, ps.name...),
		Raw:         m,
	}
	if id.Name == "" {
		id.Name = joinName(m, ps.nameJoin...)
	}
	switch {
	case ps.verified != "":
		id.EmailVerified = truthy(at(m, ps.verified))
	case ps.verifiedIfEmail:
		id.EmailVerified = id.Email != ""
	}
	return id
}

func (ps profileSpec) profile(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
	m, err := ps.fetch(ctx, p, tok)
	if err != nil {
		return Identity{}, err
	}
	return ps.identity(m), nil
}

// table is a provider defined entirely by data.
type table struct {
	auth, token, refreshURL string
	style                   oauth2.AuthStyle
	scopes                  []string
	sep                     string
	params                  map[string]string
	refresh                 bool
	profile                 profileSpec
}

func fromTable(name string, t table) builder {
	return func(c Config, o options) (*spec, error) {
		if err := needSecret(name, c); err != nil {
			return nil, err
		}
		s := &spec{
			authURL:    o.u(t.auth),
			tokenURL:   o.u(t.token),
			authStyle:  t.style,
			scopes:     t.scopes,
			scopeSep:   t.sep,
			authParams: t.params,
			refresh:    t.refresh,
			profile:    t.profile.profile,
		}
		if t.refreshURL != "" {
			s.refreshURL = o.u(t.refreshURL)
		}
		return s, nil
	}
}

// The providers below need one profile request each. The verified rule
// of each is stated next to it; "unknown" means the provider's API has no
// such flag, so the email counts as unverified.

// amazon: Login with Amazon; the profile has no verified flag (unknown).
var amazon = fromTable("amazon", table{
	auth: "https://www.amazon.com/ap/oa", token: "https://api.amazon.com/auth/o2/token",
	style: oauth2.AuthStyleInParams, scopes: []string{"profile"}, refresh: true,
	profile: profileSpec{url: "https://api.amazon.com/user/profile", id: "user_id", email: "email", name: []string{"name"}},
})

// autodesk: Authentication v2 (v1 is retired); its OpenID userinfo has
// email_verified.
var autodesk = fromTable("autodesk", table{
	auth:  "https://developer.api.autodesk.com/authentication/v2/authorize",
	token: "https://developer.api.autodesk.com/authentication/v2/token",
	style: oauth2.AuthStyleInHeader, scopes: []string{"user-profile:read"}, refresh: true,
	profile: profileSpec{url: "https://api.userprofile.autodesk.com/userinfo", id: "sub", email: "email",
		verified: "email_verified", name: []string{"name"}, nameJoin: []string{"given_name", "family_name"}},
})

// box: the user's login is their email; no verified flag (unknown). The
// app's configured scopes apply.
var box = fromTable("box", table{
	auth: "https://account.box.com/api/oauth2/authorize", token: "https://api.box.com/oauth2/token",
	style: oauth2.AuthStyleInParams, refresh: true,
	profile: profileSpec{url: "https://api.box.com/2.0/users/me", id: "id", email: "login", name: []string{"name"}},
})

// dailymotion: its "verified" field marks verified partners, not emails
// (unknown).
var dailymotion = fromTable("dailymotion", table{
	auth: "https://www.dailymotion.com/oauth/authorize", token: "https://api.dailymotion.com/oauth/token",
	style: oauth2.AuthStyleInParams, scopes: []string{"userinfo", "email"}, refresh: true,
	profile: profileSpec{url: "https://api.dailymotion.com/user/me?fields=id,email,screenname,username",
		id: "id", email: "email", name: []string{"screenname", "username"}},
})

// discord: "verified" says whether the email is verified.
var discord = fromTable("discord", table{
	auth: "https://discord.com/oauth2/authorize", token: "https://discord.com/api/oauth2/token",
	style: oauth2.AuthStyleInParams, scopes: []string{"identify", "email"}, refresh: true,
	profile: profileSpec{url: "https://discord.com/api/users/@me", id: "id", email: "email",
		verified: "verified", name: []string{"global_name", "username"}},
})

// disqus: the API takes the token and the public key in the URL; no
// verified flag (unknown). Scopes are comma-separated.
var disqus = fromTable("disqus", table{
	auth: "https://disqus.com/api/oauth/2.0/authorize/", token: "https://disqus.com/api/oauth/2.0/access_token/",
	style: oauth2.AuthStyleInParams, scopes: []string{"read", "email"}, sep: ",", refresh: true,
	profile: profileSpec{url: "https://disqus.com/api/3.0/users/details.json", auth: "-",
		query: func(p *provider, tok *oauth2.Token) url.Values {
			return url.Values{"api_key": {p.cfg.ClientID}, "access_token": {tok.AccessToken}}
		},
		id: "response.id", email: "response.email", name: []string{"response.name", "response.username"}},
})

// dropbox: email_verified; token_access_type=offline asks for a refresh
// token.
var dropbox = fromTable("dropbox", table{
	auth: "https://www.dropbox.com/oauth2/authorize", token: "https://api.dropboxapi.com/oauth2/token",
	style: oauth2.AuthStyleInParams, params: map[string]string{"token_access_type": "offline"}, refresh: true,
	profile: profileSpec{method: http.MethodPost, url: "https://api.dropboxapi.com/2/users/get_current_account",
		id: "account_id", email: "email", verified: "email_verified", name: []string{"name.display_name"}},
})

// facebook: Facebook returns an email only when the user has confirmed
// it ("email … will not be returned if no valid email address is
// available"), so a returned email counts as verified. Unversioned Graph
// URLs use the app's default API version. appsecret_proof lets apps
// enable "Require App Secret".
var facebook = fromTable("facebook", table{
	auth: "https://www.facebook.com/dialog/oauth", token: "https://graph.facebook.com/oauth/access_token",
	style: oauth2.AuthStyleInParams, scopes: []string{"email"},
	profile: profileSpec{url: "https://graph.facebook.com/me?fields=id,name,email",
		query: func(p *provider, tok *oauth2.Token) url.Values {
			mac := hmac.New(sha256.New, []byte(p.cfg.ClientSecret))
			mac.Write([]byte(tok.AccessToken))
			return url.Values{"appsecret_proof": {hex.EncodeToString(mac.Sum(nil))}}
		},
		id: "id", email: "email", verifiedIfEmail: true, name: []string{"name"}},
})

// figma: no verified flag (unknown); refresh has its own endpoint.
var figma = fromTable("figma", table{
	auth: "https://www.figma.com/oauth", token: "https://api.figma.com/v1/oauth/token",
	refreshURL: "https://api.figma.com/v1/oauth/refresh",
	style:      oauth2.AuthStyleInHeader, scopes: []string{"current_user:read"}, refresh: true,
	profile: profileSpec{url: "https://api.figma.com/v1/me", id: "id", email: "email", name: []string{"handle"}},
})

// notion: the token belongs to a bot whose owner is the user; Notion
// does not say whether the email is verified (unknown).
var notion = fromTable("notion", table{
	auth: "https://api.notion.com/v1/oauth/authorize", token: "https://api.notion.com/v1/oauth/token",
	style: oauth2.AuthStyleInHeader, params: map[string]string{"owner": "user"}, refresh: true,
	profile: profileSpec{url: "https://api.notion.com/v1/users/me", header: map[string]string{"Notion-Version": "2022-06-28"},
		id: "bot.owner.user.id", email: "bot.owner.user.person.email", name: []string{"bot.owner.user.name"}},
})

// spotify: Spotify documents the email as unverified.
var spotify = fromTable("spotify", table{
	auth: "https://accounts.spotify.com/authorize", token: "https://accounts.spotify.com/api/token",
	style: oauth2.AuthStyleInHeader, scopes: []string{"user-read-email"}, refresh: true,
	profile: profileSpec{url: "https://api.spotify.com/v1/me", id: "id", email: "email", name: []string{"display_name"}},
})

// tradeshift and tradeshiftBox (the sandbox): the username is the email;
// no verified flag (unknown).
func tradeshift(sandbox bool) builder {
	host, name := "https://api.tradeshift.com", "tradeshift"
	if sandbox {
		host, name = "https://api-sandbox.tradeshift.com", "tradeshiftBox"
	}
	return fromTable(name, table{
		auth: host + "/tradeshift/auth/login", token: host + "/tradeshift/auth/token",
		style: oauth2.AuthStyleInHeader, scopes: []string{"openid", "offline"}, refresh: true,
		profile: profileSpec{url: host + "/tradeshift/rest/external/account/info/user",
			id: "Id", email: "Username", nameJoin: []string{"FirstName", "LastName"}},
	})
}

// twitch: Helix documents "email" as the user's verified email address.
var twitch = fromTable("twitch", table{
	auth: "https://id.twitch.tv/oauth2/authorize", token: "https://id.twitch.tv/oauth2/token",
	style: oauth2.AuthStyleInParams, scopes: []string{"user:read:email"}, refresh: true,
	profile: profileSpec{url: "https://api.twitch.tv/helix/users", clientIDHeader: "Client-Id",
		id: "data.0.id", email: "data.0.email", verifiedIfEmail: true, name: []string{"data.0.display_name", "data.0.login"}},
})

// wordpress: WordPress.com's /me has email_verified. Tokens do not
// expire, so there is no refresh.
var wordpress = fromTable("wordpress", table{
	auth: "https://public-api.wordpress.com/oauth2/authorize", token: "https://public-api.wordpress.com/oauth2/token",
	style: oauth2.AuthStyleInParams, scopes: []string{"auth"},
	profile: profileSpec{url: "https://public-api.wordpress.com/rest/v1/me", id: "ID", email: "email",
		verified: "email_verified", name: []string{"display_name", "username"}},
})

// yandex: the app's configured permissions apply; no verified flag
// (unknown). Yandex ID wants the "OAuth" scheme.
var yandex = fromTable("yandex", table{
	auth: "https://oauth.yandex.com/authorize", token: "https://oauth.yandex.com/token",
	style: oauth2.AuthStyleInHeader, refresh: true,
	profile: profileSpec{url: "https://login.yandex.ru/info?format=json", auth: "OAuth",
		id: "id", email: "default_email", name: []string{"display_name", "real_name"}},
})

// zoom: "verified" is 1 when the user's email is verified. Scopes are
// configured on the Zoom app.
var zoom = fromTable("zoom", table{
	auth: "https://zoom.us/oauth/authorize", token: "https://zoom.us/oauth/token",
	style: oauth2.AuthStyleInHeader, refresh: true,
	profile: profileSpec{url: "https://api.zoom.us/v2/users/me", id: "id", email: "email", verified: "verified",
		name: []string{"display_name"}, nameJoin: []string{"first_name", "last_name"}},
})
