package oauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func p8Key(t testing.TB, curve elliptic.Curve) (*ecdsa.PrivateKey, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func appleSecret(t testing.TB, p8 string) string {
	b, _ := json.Marshal(map[string]string{"keyID": "KEY123", "teamID": "TEAM456", "p8": p8})
	return string(b)
}

func TestAppleClientSecretJWT(t *testing.T) {
	key, p8 := p8Key(t, elliptic.P256())
	_, extra, err := ParseSecret("apple", appleSecret(t, p8))
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t)
	f.json("/appleid.apple.com/auth/token", http.StatusOK, map[string]any{
		"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-1",
		"id_token": f.idToken(f.iss("appleid.apple.com"), map[string]any{
			"sub": "001234.abcd", "email": "x1@privaterelay.appleid.com", "email_verified": "true", "is_private_email": "true"}),
	})
	f.keys("/appleid.apple.com/auth/keys")
	p := f.provider("apple", extra)

	u, _ := url.Parse(p.AuthCodeURL("st", "verifier-ignored-without-pkce-support"))
	if q := u.Query(); q.Get("response_mode") != "form_post" || q.Get("scope") != "name email" || q.Get("code_challenge") != "" {
		t.Errorf("authorize query %v", q)
	}

	before := time.Now()
	_, id, err := login(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if id.ProviderUID != "001234.abcd" || id.Email != "x1@privaterelay.appleid.com" || !id.EmailVerified || id.Name != "" {
		t.Errorf("identity %+v", whoOf(id))
	}
	if id.Raw["is_private_email"] != "true" {
		t.Errorf("raw claims %v", id.Raw)
	}

	_, form := f.request("/appleid.apple.com/auth/token")
	if form.Get("client_id") != testClientID {
		t.Errorf("token form %v", form)
	}
	var claims jwt.MapClaims
	tok, err := jwt.ParseWithClaims(form.Get("client_secret"), &claims, func(tok *jwt.Token) (any, error) {
		return &key.PublicKey, nil
	}, jwt.WithValidMethods([]string{"ES256"}), jwt.WithAudience("https://appleid.apple.com"),
		jwt.WithIssuer("TEAM456"), jwt.WithSubject(testClientID), jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	if err != nil {
		t.Fatalf("client secret JWT: %v", err)
	}
	if tok.Header["kid"] != "KEY123" || tok.Header["alg"] != "ES256" {
		t.Errorf("header %v", tok.Header)
	}
	exp, _ := claims.GetExpirationTime()
	if exp.Before(before) || exp.After(before.Add(10*time.Minute)) {
		t.Errorf("exp %v", exp)
	}
	if aud, _ := claims["aud"].(string); aud != "https://appleid.apple.com" {
		t.Errorf("aud %v, want a single string", claims["aud"])
	}
}

func TestParseP8(t *testing.T) {
	_, p8 := p8Key(t, elliptic.P256())
	body := strings.Join(strings.Split(strings.TrimSpace(p8), "\n")[1:len(strings.Split(strings.TrimSpace(p8), "\n"))-1], "")
	for name, v := range map[string]string{
		"pem":           p8,
		"escaped lines": strings.ReplaceAll(p8, "\n", `\n`),
		"bare base64":   body,
	} {
		if _, err := parseP8(v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, p384 := p8Key(t, elliptic.P384())
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	der, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	for name, v := range map[string]string{
		"P-384":   p384,
		"RSA":     string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"garbage": "not a key",
	} {
		if _, err := parseP8(v); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestAppleUserName(t *testing.T) {
	for in, want := range map[string]string{
		`{"name":{"firstName":"Ann","lastName":"Lee"},"email":"a@example.com"}`: "Ann Lee",
		`{"name":{"firstName":"Ann"}}`:                                          "Ann",
		`{"email":"a@example.com"}`:                                             "",
		`not json`:                                                              "",
		``:                                                                      "",
	} {
		if got := AppleUserName(in); got != want {
			t.Errorf("AppleUserName(%q) = %q, want %q", in, got, want)
		}
	}
}
