package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/oauth"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// oauthField is one body and model field of a provider in the Project
// API (Appwrite 1.9.5's per-provider PATCH /project/oauth2/{provider}).
type oauthField struct {
	param string
	// where the value lives: the app id, the client secret, a key of the
	// provider's JSON secret, or a clear option (not a credential).
	place fieldPlace
	key   string   // the JSON secret's key, or the option's name
	cred  bool     // a credential: written, never read back ("")
	enum  []string // a prompt list's allowed values
	num   bool     // a whole number (oidc maxAge)
}

type fieldPlace int

const (
	inAppID fieldPlace = iota
	inSecret
	inJSON
	inOption
)

func appID(p string) oauthField      { return oauthField{param: p, place: inAppID} }
func secretOf(p string) oauthField   { return oauthField{param: p, place: inSecret, cred: true} }
func jsonKey(p, k string) oauthField { return oauthField{param: p, place: inJSON, key: k} }
func credKey(p, k string) oauthField {
	return oauthField{param: p, place: inJSON, key: k, cred: true}
}

// pair is the usual id and secret.
func pair(id, sec string) []oauthField { return []oauthField{appID(id), secretOf(sec)} }

var clientPair = pair("clientId", "clientSecret")

// oauthForms names each provider's fields. The JSON keys are those the
// oauth package reads from Appwrite's stored secret (see
// oauth.ParseSecret). Only providers the oauth package supports are
// served; a provider added there needs one line here.
var oauthForms = map[string][]oauthField{
	"amazon": clientPair, "appwrite": clientPair, "autodesk": clientPair, "bitly": clientPair, "box": clientPair,
	"cloudflare": clientPair, "discord": clientPair, "figma": clientPair, "github": clientPair,
	"huggingface": clientPair, "kick": clientPair, "podio": clientPair, "resend": clientPair, "slack": clientPair,
	"spotify": clientPair, "twitch": clientPair, "wordpress": clientPair, "yahoo": clientPair, "yammer": clientPair,
	"yandex": clientPair, "zoho": clientPair, "zoom": clientPair,
	"auth0":      append(pair("clientId", "clientSecret"), jsonKey("endpoint", "auth0Domain")),
	"authentik":  append(pair("clientId", "clientSecret"), jsonKey("endpoint", "authentikDomain")),
	"fusionauth": append(pair("clientId", "clientSecret"), jsonKey("endpoint", "fusionAuthDomain")),
	"keycloak": append(pair("clientId", "clientSecret"), jsonKey("endpoint", "keycloakDomain"),
		jsonKey("realmName", "keycloakRealm")),
	"okta": append(pair("clientId", "clientSecret"), jsonKey("domain", "oktaDomain"),
		jsonKey("authorizationServerId", "authorizationServerId")),
	"google": append(pair("clientId", "clientSecret"),
		oauthField{param: "prompt", place: inOption, key: "prompt", enum: []string{"none", "consent", "select_account"}}),
	"oidc": append(pair("clientId", "clientSecret"), jsonKey("wellKnownURL", "wellKnownEndpoint"),
		jsonKey("authorizationURL", "authorizationEndpoint"), jsonKey("tokenURL", "tokenEndpoint"),
		jsonKey("userInfoURL", "userinfoEndpoint"),
		oauthField{param: "prompt", place: inJSON, key: "prompt", enum: []string{"none", "login", "consent", "select_account"}},
		oauthField{param: "maxAge", place: inJSON, key: "maxAge", num: true}),
	"microsoft":     append(pair("applicationId", "applicationSecret"), jsonKey("tenant", "tenantID")),
	"apple":         {appID("serviceId"), credKey("keyId", "keyID"), credKey("teamId", "teamID"), credKey("p8File", "p8")},
	"bitbucket":     pair("key", "secret"),
	"dailymotion":   pair("apiKey", "apiSecret"),
	"disqus":        pair("publicKey", "secretKey"),
	"dropbox":       pair("appKey", "appSecret"),
	"etsy":          pair("keyString", "sharedSecret"),
	"facebook":      pair("appId", "appSecret"),
	"gitlab":        append(pair("applicationId", "secret"), jsonKey("endpoint", "endpoint")),
	"linkedin":      pair("clientId", "primaryClientSecret"),
	"notion":        pair("oauthClientId", "oauthClientSecret"),
	"paypal":        pair("clientId", "secretKey"),
	"paypalSandbox": pair("clientId", "secretKey"),
	"salesforce":    pair("customerKey", "customerSecret"),
	"stripe":        pair("clientId", "apiSecretKey"),
	"tradeshift":    pair("oauth2ClientId", "oauth2ClientSecret"),
	"tradeshiftBox": pair("oauth2ClientId", "oauth2ClientSecret"),
	"x":             pair("customerKey", "secretKey"),
}

// servedProviders are the providers both the oauth package and the
// Project API know, sorted.
func servedProviders() []string {
	var out []string
	for _, n := range oauth.Names() {
		if _, ok := oauthForms[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// jsonForm reports whether the provider's secret is a JSON object.
func jsonForm(fields []oauthField) bool {
	return slices.ContainsFunc(fields, func(f oauthField) bool { return f.place == inJSON })
}

// oauthState is a provider's registration opened up: the client secret
// and the JSON secret's other keys, with their JSON types.
type oauthState struct {
	app    storage.OAuthApp
	secret string
	extra  map[string]any
}

func (s *Server) openOAuth(name string, app storage.OAuthApp) oauthState {
	st := oauthState{app: app, extra: map[string]any{}}
	if app.Secret == "" {
		return st
	}
	plain, err := s.Seal.Open(app.Secret)
	if err != nil {
		return st
	}
	if !jsonForm(oauthForms[name]) {
		st.secret = plain
		return st
	}
	d := json.NewDecoder(strings.NewReader(plain))
	d.UseNumber()
	var obj map[string]any
	if d.Decode(&obj) != nil || obj == nil {
		st.secret = plain // gitlab's plain secret of older Appwrite
		return st
	}
	if v, ok := obj["clientSecret"].(string); ok {
		st.secret = v
	}
	delete(obj, "clientSecret")
	st.extra = obj
	return st
}

// sealed is the stored secret of st.
func (s *Server) sealed(name string, st oauthState) string {
	if !jsonForm(oauthForms[name]) {
		if st.secret == "" {
			return ""
		}
		return s.Seal.Seal(st.secret)
	}
	obj := map[string]any{}
	for k, v := range st.extra {
		obj[k] = v
	}
	if name != "apple" {
		obj["clientSecret"] = st.secret
	}
	b, _ := json.Marshal(obj)
	return s.Seal.Seal(string(b))
}

// plainSecret is the secret as the oauth package reads it.
func (st oauthState) plainSecret(name string) string {
	if !jsonForm(oauthForms[name]) {
		return st.secret
	}
	obj := map[string]any{}
	for k, v := range st.extra {
		obj[k] = v
	}
	if name != "apple" {
		obj["clientSecret"] = st.secret
	}
	b, _ := json.Marshal(obj)
	return string(b)
}

// orderedJSON is a JSON object whose keys keep their order.
type orderedJSON []struct {
	k string
	v any
}

func (o orderedJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv.k)
		v, err := json.Marshal(kv.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o *orderedJSON) add(k string, v any) {
	*o = append(*o, struct {
		k string
		v any
	}{k, v})
}

// providerModel renders a provider's OAuth2<Provider> model: credentials
// are always "".
func (s *Server) providerModel(c *call, name string, app storage.OAuthApp) orderedJSON {
	st := s.openOAuth(name, app)
	old := c.formatBefore("1.9.4")
	var m orderedJSON
	m.add("$id", name)
	m.add("enabled", app.Enabled)
	for _, f := range oauthForms[name] {
		param := f.param
		if old && name == "oidc" {
			param = strings.NewReplacer("tokenURL", "tokenUrl", "userInfoURL", "userInfoUrl").Replace(param)
		}
		switch {
		case f.cred:
			m.add(param, "")
		case f.place == inAppID:
			m.add(param, app.AppID)
		case f.enum != nil:
			raw := app.Options[f.key]
			if f.place == inJSON {
				raw = promptText(st.extra[f.key])
			}
			m.add(param, nonNil(strings.Fields(raw)))
		case f.num:
			if v, ok := st.extra[f.key].(json.Number); ok {
				if n, err := v.Int64(); err == nil {
					m.add(param, n)
				}
			}
		default:
			v, _ := st.extra[f.key].(string)
			m.add(param, v)
		}
	}
	return m
}

func promptText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			if s, ok := p.(string); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " ")
	}
	return ""
}

func (s *Server) projectOAuth2Routes() {
	read, write := []string{"project.oauth2.read"}, []string{"project.oauth2.write"}
	s.projectHandle("GET /v1/project/oauth2", read, s.listProviders)
	s.projectHandle("GET /v1/project/oauth2/{providerId}", read, s.getProvider)
	s.projectHandle("PATCH /v1/project/oauth2/{providerId}", write, s.updateProvider)
}

func providerParam(c *call) (string, error) {
	name := c.r.PathValue("providerId")
	if !slices.Contains(servedProviders(), name) {
		return "", apperr.Invalid("providerId", "Value must be one of the supported OAuth2 providers")
	}
	return name, nil
}

func (s *Server) listProviders(c *call) error {
	page, counts, err := settingsPage(c)
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	names := servedProviders()
	lo, hi := pageOf(len(names), page)
	out := make([]any, 0, hi-lo)
	for _, n := range names[lo:hi] {
		out = append(out, s.providerModel(c, n, p.Settings.OAuth[n]))
	}
	return c.json(http.StatusOK, struct {
		Total     int   `json:"total"`
		Providers []any `json:"providers"`
	}{listTotal(len(names), counts), out})
}

func (s *Server) getProvider(c *call) error {
	name, err := providerParam(c)
	if err != nil {
		return err
	}
	p, err := s.Projects.Get(c.ctx(), c.project.ID)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, s.providerModel(c, name, p.Settings.OAuth[name]))
}

// maxProviderField bounds one field (an Apple p8 key is about 250 bytes).
const maxProviderField = 8 << 10

// updateProvider applies Appwrite 1.9.5's rules: every field is optional
// (absent or null keeps it); enabled false disables; enabled true, or
// enabled absent, runs the credential check, which on success enables
// the provider; on failure enabled true is general_argument_invalid and
// an absent enabled leaves the provider as it was (with the new values).
func (s *Server) updateProvider(c *call) error {
	name, err := providerParam(c)
	if err != nil {
		return err
	}
	type change func(st *oauthState)
	var changes []change
	for _, f := range oauthForms[name] {
		f := f
		switch {
		case f.enum != nil:
			list, sent, err := c.p.strings(f.param)
			if err != nil {
				return err
			}
			if !sent {
				continue
			}
			for _, v := range list {
				if !slices.Contains(f.enum, v) {
					return apperr.Invalid(f.param, "Value must be a list of ("+strings.Join(f.enum, ", ")+")")
				}
			}
			if slices.Contains(list, "none") && len(list) > 1 {
				return apperr.Invalid(f.param, "none cannot be combined with other values")
			}
			changes = append(changes, func(st *oauthState) {
				if f.place == inOption {
					if st.app.Options == nil {
						st.app.Options = map[string]string{}
					}
					st.app.Options[f.key] = strings.Join(list, " ")
				} else {
					st.extra[f.key] = list
				}
			})
		case f.num:
			n, sent, err := c.p.integer(f.param, 0, 1<<31-1)
			if err != nil {
				return err
			}
			if sent {
				changes = append(changes, func(st *oauthState) { st.extra[f.key] = json.Number(strconv.FormatInt(n, 10)) })
			}
		default:
			v, sent, err := c.p.str(f.param)
			if err != nil {
				return err
			}
			if !sent {
				continue
			}
			if err := validate.Text(f.param, v, 0, maxProviderField); err != nil {
				return err
			}
			if f.key != "p8" {
				if err := noControl(f.param, v); err != nil {
					return err
				}
				v = strings.TrimSpace(v)
			}
			changes = append(changes, func(st *oauthState) {
				switch f.place {
				case inAppID:
					st.app.AppID = v
				case inSecret:
					st.secret = v
				default:
					if v == "" {
						delete(st.extra, f.key)
					} else {
						st.extra[f.key] = v
					}
				}
			})
		}
	}
	on, onSent, err := c.p.boolean("enabled")
	if err != nil {
		return err
	}
	_, out, err := s.updateOAuthApp(c, c.project.ID, name, func(app *storage.OAuthApp) error {
		st := s.openOAuth(name, *app)
		for _, ch := range changes {
			ch(&st)
		}
		switch {
		case onSent && !on:
			st.app.Enabled = false
		default:
			if err := oauthCheck(name, st); err != nil {
				if onSent {
					return apperr.Newf(apperr.ArgumentInvalid, "Could not enable OAuth2 provider: %s", err)
				}
			} else {
				st.app.Enabled = true
			}
		}
		st.app.Secret = s.sealed(name, st)
		*app = st.app
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, s.providerModel(c, name, out))
}

// oauthCheck is Gatehouse's credential check: Appwrite asks the provider,
// which tests cannot reach; Gatehouse checks locally that the app id is
// set and that the oauth package would build the provider from the
// secret (client secret present, domains and endpoints well formed, an
// Apple key that parses).
func oauthCheck(name string, st oauthState) error {
	if st.app.AppID == "" {
		return errors.New("the client id is empty")
	}
	if _, _, err := oauth.ParseSecret(name, st.plainSecret(name)); err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, name+": "); i >= 0 {
			msg = msg[i+len(name)+2:]
		}
		return errors.New(msg)
	}
	return nil
}

// updateOAuthApp changes a project's registration at one provider, for
// the console's PATCH /projects/{id}/oauth2 and the Project API alike.
func (s *Server) updateOAuthApp(c *call, pid, name string, fn func(app *storage.OAuthApp) error) (*storage.Project, storage.OAuthApp, error) {
	var out storage.OAuthApp
	p, err := s.Projects.Update(c.ctx(), pid, func(p *storage.Project) error {
		app := p.Settings.OAuth[name]
		if err := fn(&app); err != nil {
			return err
		}
		if p.Settings.OAuth == nil {
			p.Settings.OAuth = map[string]storage.OAuthApp{}
		}
		p.Settings.OAuth[name] = app
		out = app
		return nil
	})
	return p, out, err
}

// optionsText is a provider's clear options as one stable string, for
// the provider cache's key.
func optionsText(opts map[string]string) string {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + opts[k] + "\x00")
	}
	return b.String()
}

// withOptions adds a provider's clear options (Google's prompt) to the
// values read from its secret; the secret's own win.
func withOptions(extra, opts map[string]string) map[string]string {
	if len(opts) == 0 {
		return extra
	}
	out := make(map[string]string, len(extra)+len(opts))
	for k, v := range opts {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
