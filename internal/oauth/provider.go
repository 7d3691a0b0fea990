package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/oauth2"
)

// spec describes one provider: its endpoints, defaults and how to read
// its profile. Builders in registry.go return one per Config.
type spec struct {
	authURL    string
	tokenURL   string
	refreshURL string // "" = tokenURL
	authStyle  oauth2.AuthStyle
	scopes     []string          // defaults, sent before Config.Scopes
	scopeSep   string            // "" = " "
	authParams map[string]string // fixed extra authorize parameters
	pkce       bool              // supports PKCE S256; set from the registry
	refresh    bool              // supports the refresh-token grant

	// publicClient: token requests carry no client secret (Etsy).
	publicClient bool
	// clientSecret computes the secret per token request (Apple).
	clientSecret func() (string, error)
	// exchange replaces the standard code exchange for providers whose
	// token response golang.org/x/oauth2 cannot read (Yammer).
	exchange func(ctx context.Context, p *provider, code string) (*oauth2.Token, error)
	// profile reads the identity behind an access token.
	profile func(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error)
	// oidc, when set, supplies endpoints and ID-token verification.
	oidc *oidcSpec
}

// options are construction settings that only tests change.
type options struct {
	// base, when set, moves every provider URL "https://host/path" to
	// base+"/host/path", so one httptest server can stand in for all of
	// a provider's hosts. Test-only; never set from configuration.
	base string
}

// u applies the test rebase to a provider URL.
func (o options) u(raw string) string {
	if o.base == "" {
		return raw
	}
	pu, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	out := strings.TrimSuffix(o.base, "/") + "/" + pu.Host + pu.EscapedPath()
	if pu.RawQuery != "" {
		out += "?" + pu.RawQuery
	}
	return out
}

type provider struct {
	name string
	cfg  Config
	o    options
	spec *spec
	hc   *http.Client

	conf        *oauth2.Config // nil for discovered endpoints
	refreshConf *oauth2.Config // conf with the refresh endpoint
	oidc        *oidcState
}

// refreshing adds the Refresher capability.
type refreshing struct{ *provider }

func (r refreshing) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	return r.refresh(ctx, refreshToken)
}

// discovering is the generic OpenID provider: it refreshes and discovers.
type discovering struct{ *provider }

func (d discovering) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	return d.refresh(ctx, refreshToken)
}

func (d discovering) Discover(ctx context.Context) error {
	_, err := d.resolve(d.withClient(ctx))
	return err
}

func newProvider(name string, cfg Config, hc *http.Client, o options) (Provider, error) {
	entry, ok := registry[name]
	if !ok {
		return nil, ErrUnsupported
	}
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	if cfg.ClientID == "" {
		return nil, misconfigured(name, "the app id is empty")
	}
	s, err := entry.build(cfg, o)
	if err != nil {
		return nil, err
	}
	s.pkce = entry.pkce
	p := &provider{name: name, cfg: cfg, o: o, spec: s, hc: wrapClient(hc)}
	if s.oidc != nil {
		if err := p.initOIDC(); err != nil {
			return nil, err
		}
	} else {
		p.conf = p.newConf(oauth2.Endpoint{AuthURL: s.authURL, TokenURL: s.tokenURL, AuthStyle: s.authStyle})
	}
	if p.conf != nil {
		p.refreshConf = p.conf
		if s.refreshURL != "" {
			p.refreshConf = p.newConf(oauth2.Endpoint{AuthURL: s.authURL, TokenURL: s.refreshURL, AuthStyle: s.authStyle})
		}
	}
	switch {
	case s.oidc != nil && s.oidc.discoveryURL != "":
		return discovering{p}, nil
	case s.refresh:
		return refreshing{p}, nil
	}
	return p, nil
}

func (p *provider) newConf(ep oauth2.Endpoint) *oauth2.Config {
	c := &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Endpoint: ep, RedirectURL: p.cfg.RedirectURL}
	if p.spec.publicClient {
		c.ClientSecret = ""
	}
	return c
}

func (p *provider) Name() string { return p.name }

// scopes returns the defaults followed by the configured extras, without
// duplicates.
func (p *provider) scopes() []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]string{p.spec.scopes, p.cfg.Scopes} {
		for _, s := range list {
			if s = strings.TrimSpace(s); s != "" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func (p *provider) AuthCodeURL(state, codeVerifier string) string {
	ctx, cancel := context.WithTimeout(p.withClient(context.Background()), discoveryTimeout)
	defer cancel()
	conf, err := p.config(ctx, false)
	if err != nil {
		return ""
	}
	var opts []oauth2.AuthCodeOption
	if sc := p.scopes(); len(sc) > 0 {
		sep := p.spec.scopeSep
		if sep == "" {
			sep = " "
		}
		opts = append(opts, oauth2.SetAuthURLParam("scope", strings.Join(sc, sep)))
	}
	keys := make([]string, 0, len(p.spec.authParams))
	for k := range p.spec.authParams {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		opts = append(opts, oauth2.SetAuthURLParam(k, p.spec.authParams[k]))
	}
	if codeVerifier != "" && p.spec.pkce {
		opts = append(opts, oauth2.S256ChallengeOption(codeVerifier))
	}
	return conf.AuthCodeURL(state, opts...)
}

// config returns the oauth2 configuration for authorize and token
// requests; refresh selects the refresh endpoint. A computed client
// secret (Apple) is filled in on a fresh copy.
func (p *provider) config(ctx context.Context, refresh bool) (*oauth2.Config, error) {
	conf := p.conf
	if refresh {
		conf = p.refreshConf
	}
	if conf == nil {
		res, err := p.resolve(ctx)
		if err != nil {
			return nil, err
		}
		conf = res.conf
	}
	if p.spec.clientSecret != nil {
		secret, err := p.spec.clientSecret()
		if err != nil {
			return nil, p.fail("token", 0, err)
		}
		c := p.newConf(conf.Endpoint)
		c.ClientSecret = secret
		conf = c
	}
	return conf, nil
}

func (p *provider) Exchange(ctx context.Context, code, codeVerifier string) (*oauth2.Token, error) {
	ctx = p.withClient(ctx)
	if code == "" {
		return nil, p.fail("token", 0, errors.New("empty authorization code"))
	}
	if p.spec.exchange != nil {
		return p.spec.exchange(ctx, p, code)
	}
	conf, err := p.config(ctx, false)
	if err != nil {
		return nil, err
	}
	var opts []oauth2.AuthCodeOption
	if codeVerifier != "" && p.spec.pkce {
		opts = append(opts, oauth2.VerifierOption(codeVerifier))
	}
	tok, err := conf.Exchange(ctx, code, opts...)
	if err != nil {
		return nil, p.tokenError("token", err)
	}
	return tok, nil
}

func (p *provider) refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	ctx = p.withClient(ctx)
	if refreshToken == "" {
		return nil, p.fail("refresh", 0, errors.New("empty refresh token"))
	}
	conf, err := p.config(ctx, true)
	if err != nil {
		return nil, err
	}
	tok, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, p.tokenError("refresh", err)
	}
	return tok, nil
}

func (p *provider) Identity(ctx context.Context, tok *oauth2.Token) (Identity, error) {
	ctx = p.withClient(ctx)
	if tok == nil || tok.AccessToken == "" {
		return Identity{}, p.fail("profile", 0, errors.New("no access token"))
	}
	id, err := p.spec.profile(ctx, p, tok)
	if err != nil {
		return Identity{}, err
	}
	if id.ProviderUID == "" {
		return Identity{}, p.fail("profile", 0, ErrMissingID)
	}
	id.Email = strings.TrimSpace(id.Email)
	if id.Email == "" {
		id.EmailVerified = false
	}
	id.Name = strings.TrimSpace(id.Name)
	id.AccessToken = tok.AccessToken
	id.RefreshToken = tok.RefreshToken
	id.Expiry = tok.Expiry
	return id, nil
}
