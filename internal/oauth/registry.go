package oauth

import (
	"fmt"
	"net/http"
	"sort"
)

// builder turns a project's Config into a provider spec, checking it.
type builder func(c Config, o options) (*spec, error)

// registry is every provider Appwrite 1.6–1.8 lists, and those 1.9 and
// 2.0 add (providers_19.go), by its case-sensitive Appwrite name. pkce says whether the provider accepts PKCE S256; it
// must match the spec's pkce flag (a test checks).
var registry = map[string]struct {
	build builder
	pkce  bool
}{
	"amazon":        {amazon, false},
	"apple":         {apple, false},
	"appwrite":      {appwriteCloud, true},
	"auth0":         {auth0, true},
	"authentik":     {authentik, true},
	"autodesk":      {autodesk, false},
	"bitbucket":     {bitbucket, false},
	"bitly":         {bitly, false},
	"box":           {box, false},
	"cloudflare":    {cloudflare, true},
	"dailymotion":   {dailymotion, false},
	"discord":       {discord, false},
	"disqus":        {disqus, false},
	"dropbox":       {dropbox, true},
	"etsy":          {etsy, true},
	"facebook":      {facebook, false},
	"figma":         {figma, false},
	"fusionauth":    {fusionauth, true},
	"github":        {github, false},
	"gitlab":        {gitlab, true},
	"google":        {google, true},
	"huggingface":   {huggingface, false},
	"keycloak":      {keycloak, true},
	"kick":          {kick, true},
	"linkedin":      {linkedin, false},
	"microsoft":     {microsoft, true},
	"notion":        {notion, false},
	"oidc":          {genericOIDC, true},
	"okta":          {okta, true},
	"paypal":        {paypal(false), false},
	"paypalSandbox": {paypal(true), false},
	"podio":         {podio, false},
	"resend":        {resend, true},
	"salesforce":    {salesforce, true},
	"slack":         {slack, false},
	"spotify":       {spotify, true},
	"stripe":        {stripe, false},
	"tradeshift":    {tradeshift(false), false},
	"tradeshiftBox": {tradeshift(true), false},
	"twitch":        {twitch, false},
	"wordpress":     {wordpress, false},
	"x":             {xAPI, true},
	"yahoo":         {yahoo, false},
	"yammer":        {yammer, false},
	"yandex":        {yandex, false},
	"zoho":          {zoho, false},
	"zoom":          {zoom, true},
}

// New returns the named provider configured for one project. It makes no
// network call: OpenID discovery and signing keys are fetched on first
// use. Every request uses hc (a copy with a timeout and a response size
// limit); nil means a plain client. An unknown name is ErrUnsupported; a
// missing or invalid setting is ErrMisconfigured.
func New(name string, cfg Config, hc *http.Client) (Provider, error) {
	return newProvider(name, cfg, hc, options{})
}

// Names lists the supported provider names, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// SupportsPKCE reports whether the provider accepts a PKCE S256 code
// challenge. Etsy requires one.
func SupportsPKCE(name string) bool {
	return registry[name].pkce
}

func misconfigured(name, msg string) error {
	return fmt.Errorf("%w: %s: %s", ErrMisconfigured, name, msg)
}

// needSecret checks that a client secret was configured.
func needSecret(name string, c Config) error {
	if c.ClientSecret == "" {
		return misconfigured(name, "the client secret is empty")
	}
	return nil
}
