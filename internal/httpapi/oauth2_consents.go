package httpapi

import (
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// A user's OAuth2 consents and their token families: Appwrite 2.0's
// /account/consents, and the same under the Users API (a Gatehouse
// addition, docs/oauth2-server.md) for a project's server to see and
// withdraw what its users granted.
func (s *Server) oauth2ConsentRoutes() {
	acct := route{scope: "account"}
	s.handle("GET /v1/account/consents", acct, func(c *call) error { return s.listConsents(c, c.user()) })
	s.handle("GET /v1/account/consents/{consentId}", acct, func(c *call) error { return s.getConsent(c, c.user()) })
	s.handle("DELETE /v1/account/consents/{consentId}", acct, func(c *call) error { return s.deleteConsent(c, c.user()) })
	s.handle("GET /v1/account/consents/{consentId}/tokens", acct, func(c *call) error { return s.listConsentTokens(c, c.user()) })
	s.handle("GET /v1/account/consents/{consentId}/tokens/{tokenId}", acct, func(c *call) error { return s.getConsentToken(c, c.user()) })
	s.handle("DELETE /v1/account/consents/{consentId}/tokens/{tokenId}", acct, func(c *call) error { return s.deleteConsentToken(c, c.user()) })

	read, write := route{scope: "users.read", keyOnly: true}, route{scope: "users.write", keyOnly: true}
	s.handle("GET /v1/users/{userId}/consents", read, s.withUser(s.listConsents))
	s.handle("GET /v1/users/{userId}/consents/{consentId}", read, s.withUser(s.getConsent))
	s.handle("DELETE /v1/users/{userId}/consents/{consentId}", write, s.withUser(s.deleteConsent))
	s.handle("GET /v1/users/{userId}/consents/{consentId}/tokens", read, s.withUser(s.listConsentTokens))
	s.handle("GET /v1/users/{userId}/consents/{consentId}/tokens/{tokenId}", read, s.withUser(s.getConsentToken))
	s.handle("DELETE /v1/users/{userId}/consents/{consentId}/tokens/{tokenId}", write, s.withUser(s.deleteConsentToken))
}

// consentModel is Appwrite's Oauth2Consent.
type consentModel struct {
	ID                   string   `json:"$id"`
	CreatedAt            string   `json:"$createdAt"`
	UpdatedAt            string   `json:"$updatedAt"`
	UserID               string   `json:"userId"`
	AppID                string   `json:"appId"`
	CIMDURL              string   `json:"cimdUrl"`
	Scopes               []string `json:"scopes"`
	Resources            []string `json:"resources"`
	AuthorizationDetails string   `json:"authorizationDetails"`
	Expire               string   `json:"expire"`
}

func details(d string) string {
	if d == "" {
		return "[]"
	}
	return d
}

func consentOf(k *storage.OAuth2Consent) consentModel {
	m := consentModel{ID: k.ID, CreatedAt: when(k.CreatedAt), UpdatedAt: when(k.UpdatedAt), UserID: k.UserID, AppID: k.ClientID,
		Scopes: nonNil(k.Scopes), Resources: nonNil(k.Resources), AuthorizationDetails: details(k.AuthorizationDetails)}
	if k.CIMD || strings.HasPrefix(k.ClientID, "https://") || strings.HasPrefix(k.ClientID, "http://") {
		m.AppID, m.CIMDURL = "", k.ClientID
	}
	return m
}

// consentTokenModel is Appwrite's Oauth2ConsentToken: one token family.
type consentTokenModel struct {
	ID                   string   `json:"$id"`
	CreatedAt            string   `json:"$createdAt"`
	UpdatedAt            string   `json:"$updatedAt"`
	ConsentID            string   `json:"consentId"`
	UserID               string   `json:"userId"`
	AppID                string   `json:"appId"`
	CIMDURL              string   `json:"cimdUrl"`
	Scopes               []string `json:"scopes"`
	Resources            []string `json:"resources"`
	AuthorizationDetails string   `json:"authorizationDetails"`
	Expire               string   `json:"expire"`
}

func consentTokenOf(f *storage.OAuth2Family) consentTokenModel {
	m := consentTokenModel{ID: f.ID, CreatedAt: when(f.CreatedAt), UpdatedAt: when(f.UpdatedAt), ConsentID: f.ConsentID,
		UserID: f.UserID, AppID: f.ClientID, Scopes: nonNil(f.Scopes), Resources: nonNil(f.Resources),
		AuthorizationDetails: details(f.AuthorizationDetails), Expire: when(f.AccessExpiresAt)}
	if strings.HasPrefix(f.ClientID, "https://") || strings.HasPrefix(f.ClientID, "http://") {
		m.AppID, m.CIMDURL = "", f.ClientID
	}
	return m
}

func (s *Server) listConsents(c *call, u *storage.User) error {
	page, counts, err := settingsPage(c)
	if err != nil {
		return err
	}
	list, total, err := s.oauth2.Consents(c.ctx(), c.project.ID, u.ID, page)
	if err != nil {
		return err
	}
	out := make([]consentModel, len(list))
	for i, k := range list {
		out[i] = consentOf(k)
	}
	return c.json(http.StatusOK, map[string]any{"total": listTotal(total, counts), "consents": out})
}

func (s *Server) getConsent(c *call, u *storage.User) error {
	k, err := s.oauth2.Consent(c.ctx(), c.project.ID, u.ID, c.r.PathValue("consentId"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, consentOf(k))
}

func (s *Server) deleteConsent(c *call, u *storage.User) error {
	if err := s.oauth2.DeleteConsent(c.ctx(), c.project.ID, u.ID, c.r.PathValue("consentId")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) listConsentTokens(c *call, u *storage.User) error {
	page, counts, err := settingsPage(c)
	if err != nil {
		return err
	}
	list, total, err := s.oauth2.Families(c.ctx(), c.project.ID, u.ID, c.r.PathValue("consentId"), page)
	if err != nil {
		return err
	}
	out := make([]consentTokenModel, len(list))
	for i, f := range list {
		out[i] = consentTokenOf(f)
	}
	return c.json(http.StatusOK, map[string]any{"total": listTotal(total, counts), "tokens": out})
}

func (s *Server) getConsentToken(c *call, u *storage.User) error {
	f, err := s.oauth2.Family(c.ctx(), c.project.ID, u.ID, c.r.PathValue("consentId"), c.r.PathValue("tokenId"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, consentTokenOf(f))
}

func (s *Server) deleteConsentToken(c *call, u *storage.User) error {
	if err := s.oauth2.DeleteFamily(c.ctx(), c.project.ID, u.ID, c.r.PathValue("consentId"), c.r.PathValue("tokenId")); err != nil {
		return err
	}
	return c.noContent()
}
