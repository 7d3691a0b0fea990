package oauthapps

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// Limits of an app's fields.
const (
	MaxListItems     = 100 // contacts, tags, images, redirect URIs, installation scopes
	MaxLabels        = 1000
	maxName          = 128
	maxText          = 1024 // description
	maxTagline       = 256
	maxTag           = 64
	maxContact       = 256
	maxLabel         = 36
	maxScope         = 128
	TypePublic       = "public"
	TypeConfidential = "confidential"
)

// Input is what a create or update of an app sends: nil fields were not
// sent. On create they take their defaults, on update they keep the
// app's value.
type Input struct {
	Name, Description, ClientURI, LogoURI, PrivacyPolicyURL, TermsURL *string
	Tagline, SupportURL, DataDeletionURL, InstallationRedirectURL     *string
	Type, TeamID                                                      *string
	Contacts, Tags, Images, RedirectURIs, PostLogoutRedirectURIs      *[]string
	InstallationScopes                                                *[]string
	Enabled, DeviceFlow                                               *bool
}

var labelRE = regexp.MustCompile(`^[A-Za-z0-9]{1,36}$`)
var scopeRE = regexp.MustCompile(`^[A-Za-z0-9.:_-]{1,128}$`)

// check validates every field sent.
func (in *Input) check() error {
	if in.Name != nil {
		if err := validate.Text("name", *in.Name, 1, maxName); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		param string
		v     *string
		max   int
	}{{"description", in.Description, maxText}, {"tagline", in.Tagline, maxTagline}} {
		if f.v != nil {
			if err := validate.Text(f.param, *f.v, 0, f.max); err != nil {
				return err
			}
		}
	}
	for _, f := range []struct {
		param string
		v     *string
	}{{"clientUri", in.ClientURI}, {"logoUri", in.LogoURI}, {"privacyPolicyUrl", in.PrivacyPolicyURL},
		{"termsUrl", in.TermsURL}, {"supportUrl", in.SupportURL}, {"dataDeletionUrl", in.DataDeletionURL}} {
		if f.v != nil && *f.v != "" {
			if err := webURL(f.param, *f.v); err != nil {
				return err
			}
		}
	}
	if in.Images != nil {
		if err := list("images", *in.Images, MaxListItems, func(v string) error { return webURL("images", v) }); err != nil {
			return err
		}
	}
	if in.Contacts != nil {
		if err := list("contacts", *in.Contacts, MaxListItems, func(v string) error { return validate.Text("contacts", v, 1, maxContact) }); err != nil {
			return err
		}
	}
	if in.Tags != nil {
		if err := list("tags", *in.Tags, MaxListItems, func(v string) error { return validate.Text("tags", v, 1, maxTag) }); err != nil {
			return err
		}
	}
	if in.RedirectURIs != nil {
		if err := RedirectURIs("redirectUris", *in.RedirectURIs, MaxListItems); err != nil {
			return err
		}
	}
	if in.PostLogoutRedirectURIs != nil {
		if err := RedirectURIs("postLogoutRedirectUris", *in.PostLogoutRedirectURIs, MaxListItems); err != nil {
			return err
		}
	}
	if in.InstallationRedirectURL != nil && *in.InstallationRedirectURL != "" {
		if err := RedirectURI("installationRedirectUrl", *in.InstallationRedirectURL); err != nil {
			return err
		}
	}
	if in.InstallationScopes != nil {
		err := list("installationScopes", *in.InstallationScopes, MaxListItems, func(v string) error {
			if !scopeRE.MatchString(v) {
				return apperr.Invalid("installationScopes", "A scope is 1 to 128 letters, digits, '.', ':', '-' or '_'.")
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if in.Type != nil && *in.Type != TypePublic && *in.Type != TypeConfidential {
		return apperr.Invalid("type", "Value must be one of (public, confidential)")
	}
	if in.TeamID != nil && *in.TeamID != "" {
		return errNoTeams()
	}
	return nil
}

// errNoTeams answers what needs Appwrite's teams (organizations), which
// Gatehouse does not have.
func errNoTeams() error {
	return apperr.Newf(apperr.FeatureUnsupported, "Gatehouse has no teams: apps cannot belong to a team, and installations are not supported.")
}

// ErrInstallations answers the installation routes of the Apps API.
func ErrInstallations() error {
	return apperr.Newf(apperr.FeatureUnsupported, "App installations need teams (organizations), which Gatehouse does not have.")
}

// ErrTeams answers PATCH /apps/{appId}/team.
func ErrTeams() error { return errNoTeams() }

func list(param string, vs []string, max int, each func(string) error) error {
	if len(vs) > max {
		return apperr.Invalid(param, "Value must be an array of at most "+strconv.Itoa(max)+" items.")
	}
	for _, v := range vs {
		if err := each(v); err != nil {
			return err
		}
	}
	return nil
}

// webURL checks a URL shown to people (a logo, a policy page): http or
// https with a host, at most maxURL long.
func webURL(param, v string) error {
	if len(v) > maxURL {
		return apperr.Invalid(param, "Value must be a valid URL of at most 2048 characters.")
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return apperr.Invalid(param, "Value must be a valid http or https URL.")
	}
	return nil
}

// Labels checks an app's labels: at most 1000, each 1 to 36 letters or
// digits, repeats dropped.
func Labels(labels []string) ([]string, error) {
	if len(labels) > MaxLabels {
		return nil, apperr.Invalid("labels", "Value must be an array of at most 1000 labels.")
	}
	out := make([]string, 0, len(labels))
	for _, l := range labels {
		if !labelRE.MatchString(l) {
			return nil, apperr.Invalid("labels", "Each label must be 1 to 36 letters or digits.")
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out, nil
}

// apply copies the fields sent into a.
func (in *Input) apply(a *storage.App) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setList := func(dst *[]string, v *[]string) {
		if v != nil {
			*dst = slices.Clone(*v)
		}
	}
	set(&a.Name, in.Name)
	set(&a.Description, in.Description)
	set(&a.ClientURI, in.ClientURI)
	set(&a.LogoURI, in.LogoURI)
	set(&a.PrivacyPolicyURL, in.PrivacyPolicyURL)
	set(&a.TermsURL, in.TermsURL)
	set(&a.Tagline, in.Tagline)
	set(&a.SupportURL, in.SupportURL)
	set(&a.DataDeletionURL, in.DataDeletionURL)
	set(&a.InstallationRedirectURL, in.InstallationRedirectURL)
	set(&a.Type, in.Type)
	setList(&a.Contacts, in.Contacts)
	setList(&a.Tags, in.Tags)
	setList(&a.Images, in.Images)
	setList(&a.RedirectURIs, in.RedirectURIs)
	setList(&a.PostLogoutRedirectURIs, in.PostLogoutRedirectURIs)
	setList(&a.InstallationScopes, in.InstallationScopes)
	if in.Enabled != nil {
		a.Enabled = *in.Enabled
	}
	if in.DeviceFlow != nil {
		a.DeviceFlow = *in.DeviceFlow
	}
}
