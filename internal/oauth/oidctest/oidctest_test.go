package oidctest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
	"golang.org/x/oauth2"
)

const callback = "http://127.0.0.1:9/cb"

func code(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

// TestWithStandardClients drives the server with golang.org/x/oauth2 and
// go-oidc only, as any relying party would.
func TestWithStandardClients(t *testing.T) {
	idp := oidctest.Start(t)
	idp.AddUser("sub-1", "one@example.com", true, "One")
	ctx := context.Background()
	prov, err := oidc.NewProvider(ctx, idp.URL())
	if err != nil {
		t.Fatal(err)
	}
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		ep := prov.Endpoint()
		ep.AuthStyle = style
		conf := oauth2.Config{ClientID: idp.ClientID(), ClientSecret: idp.ClientSecret(), Endpoint: ep,
			RedirectURL: callback, Scopes: []string{"openid", "email", "profile"}}
		v := oauth2.GenerateVerifier()
		q := code(t, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(v), oidc.Nonce("n-1")))
		if q.Get("state") != "st" || q.Get("iss") != idp.URL() {
			t.Fatalf("callback %v", q)
		}
		tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v))
		if err != nil {
			t.Fatal(err)
		}
		idt, err := prov.Verifier(&oidc.Config{ClientID: idp.ClientID()}).Verify(ctx, tok.Extra("id_token").(string))
		if err != nil {
			t.Fatal(err)
		}
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil || idt.Nonce != "n-1" || idt.Subject != "sub-1" {
			t.Fatalf("id token %+v: %v", idt, err)
		}
		info, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil || info.Email != "one@example.com" || !info.EmailVerified {
			t.Fatalf("userinfo %+v: %v", info, err)
		}
		if _, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v)); !isOAuthError(err, "invalid_grant") {
			t.Errorf("reused code: %v", err)
		}
	}

	conf := oauth2.Config{ClientID: idp.ClientID(), ClientSecret: idp.ClientSecret(), Endpoint: prov.Endpoint(),
		RedirectURL: callback, Scopes: []string{"openid"}}
	t.Run("verifier without challenge", func(t *testing.T) {
		q := code(t, conf.AuthCodeURL("st"))
		_, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier()))
		if !isOAuthError(err, "invalid_grant") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("challenge without verifier", func(t *testing.T) {
		q := code(t, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		if _, err := conf.Exchange(ctx, q.Get("code")); !isOAuthError(err, "invalid_grant") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("plain challenge refused", func(t *testing.T) {
		q := code(t, conf.AuthCodeURL("st", oauth2.SetAuthURLParam("code_challenge", oauth2.GenerateVerifier()),
			oauth2.SetAuthURLParam("code_challenge_method", "plain")))
		if q.Get("error") != "invalid_request" {
			t.Errorf("callback %v", q)
		}
	})
	t.Run("deny once", func(t *testing.T) {
		idp.Deny()
		if q := code(t, conf.AuthCodeURL("st")); q.Get("error") != "access_denied" || q.Get("state") != "st" {
			t.Errorf("callback %v", q)
		}
		if q := code(t, conf.AuthCodeURL("st")); q.Get("code") == "" {
			t.Errorf("Deny applied twice: %v", q)
		}
	})
	t.Run("next user", func(t *testing.T) {
		idp.AddUser("sub-2", "two@example.com", false, "Two")
		idp.Next("sub-2")
		q := code(t, conf.AuthCodeURL("st"))
		tok, err := conf.Exchange(ctx, q.Get("code"))
		if err != nil {
			t.Fatal(err)
		}
		idt, err := prov.Verifier(&oidc.Config{ClientID: idp.ClientID()}).Verify(ctx, tok.Extra("id_token").(string))
		if err != nil || idt.Subject != "sub-2" {
			t.Fatalf("id token %+v: %v", idt, err)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		bad := conf
		bad.ClientSecret = "nope"
		q := code(t, bad.AuthCodeURL("st"))
		var re *oauth2.RetrieveError
		if _, err := bad.Exchange(ctx, q.Get("code")); !errors.As(err, &re) || re.Response.StatusCode != http.StatusUnauthorized {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unknown client is not redirected", func(t *testing.T) {
		other := conf
		other.ClientID = "someone"
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(other.AuthCodeURL("st"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}

func isOAuthError(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}
