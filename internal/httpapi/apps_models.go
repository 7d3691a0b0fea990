package httpapi

import (
	"github.com/gatehouse-auth/gatehouse/internal/oauthapps"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Models of the Apps API (Appwrite 2.0's App, AppSecret, AppKey,
// AppScope and their lists).

type appModel struct {
	ID                      string           `json:"$id"`
	CreatedAt               string           `json:"$createdAt"`
	UpdatedAt               string           `json:"$updatedAt"`
	Name                    string           `json:"name"`
	Description             string           `json:"description"`
	ClientURI               string           `json:"clientUri"`
	LogoURI                 string           `json:"logoUri"`
	PrivacyPolicyURL        string           `json:"privacyPolicyUrl"`
	TermsURL                string           `json:"termsUrl"`
	Contacts                []string         `json:"contacts"`
	Tagline                 string           `json:"tagline"`
	Tags                    []string         `json:"tags"`
	Labels                  []string         `json:"labels"`
	Images                  []string         `json:"images"`
	SupportURL              string           `json:"supportUrl"`
	DataDeletionURL         string           `json:"dataDeletionUrl"`
	RedirectURIs            []string         `json:"redirectUris"`
	PostLogoutRedirectURIs  []string         `json:"postLogoutRedirectUris"`
	Enabled                 bool             `json:"enabled"`
	Type                    string           `json:"type"`
	DeviceFlow              bool             `json:"deviceFlow"`
	TeamID                  string           `json:"teamId"`
	UserID                  string           `json:"userId"`
	InstallationScopes      []string         `json:"installationScopes"`
	InstallationRedirectURL string           `json:"installationRedirectUrl"`
	Secrets                 []appSecretModel `json:"secrets"`
}

func appOf(v *oauthapps.View) appModel {
	a := v.App
	m := appModel{ID: a.ID, CreatedAt: when(a.CreatedAt), UpdatedAt: when(a.UpdatedAt), Name: a.Name, Description: a.Description,
		ClientURI: a.ClientURI, LogoURI: a.LogoURI, PrivacyPolicyURL: a.PrivacyPolicyURL, TermsURL: a.TermsURL,
		Contacts: nonNil(a.Contacts), Tagline: a.Tagline, Tags: nonNil(a.Tags), Labels: nonNil(a.Labels), Images: nonNil(a.Images),
		SupportURL: a.SupportURL, DataDeletionURL: a.DataDeletionURL, RedirectURIs: nonNil(a.RedirectURIs),
		PostLogoutRedirectURIs: nonNil(a.PostLogoutRedirectURIs), Enabled: a.Enabled, Type: a.Type, DeviceFlow: a.DeviceFlow,
		TeamID: a.TeamID, UserID: a.UserID, InstallationScopes: nonNil(a.InstallationScopes),
		InstallationRedirectURL: a.InstallationRedirectURL, Secrets: make([]appSecretModel, len(v.Secrets))}
	for i, s := range v.Secrets {
		m.Secrets[i] = appSecretOf(s, "")
	}
	return m
}

type appListModel struct {
	Total int        `json:"total"`
	Apps  []appModel `json:"apps"`
}

// appSecretModel is AppSecret, AppSecretPlaintext and AppKey: secret is
// the value on creation only, "" ever after.
type appSecretModel struct {
	ID             string `json:"$id"`
	CreatedAt      string `json:"$createdAt"`
	UpdatedAt      string `json:"$updatedAt"`
	AppID          string `json:"appId"`
	Secret         string `json:"secret"`
	Hint           string `json:"hint"`
	CreatedByID    string `json:"createdById"`
	CreatedByName  string `json:"createdByName"`
	LastAccessedAt string `json:"lastAccessedAt"`
}

func appSecretOf(k *storage.AppCredential, value string) appSecretModel {
	return appSecretModel{ID: k.ID, CreatedAt: when(k.CreatedAt), UpdatedAt: when(k.UpdatedAt), AppID: k.AppID, Secret: value,
		Hint: k.Hint, CreatedByID: k.CreatedByID, CreatedByName: k.CreatedByName, LastAccessedAt: when(k.LastAccessedAt)}
}

type appSecretListModel struct {
	Total   int              `json:"total"`
	Secrets []appSecretModel `json:"secrets"`
}

type appKeyListModel struct {
	Total int              `json:"total"`
	Keys  []appSecretModel `json:"keys"`
}

type appScopeModel struct {
	Value       string `json:"value"`
	Description string `json:"description"`
	Type        string `json:"type"`
	Category    string `json:"category"`
	Deprecated  bool   `json:"deprecated"`
}

type appScopeListModel struct {
	Total  int             `json:"total"`
	Scopes []appScopeModel `json:"scopes"`
}
