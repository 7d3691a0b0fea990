package oauth

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
)

const appleAudience = "https://appleid.apple.com"

// apple: Sign in with Apple. ClientID is the Services ID; Extra keyID,
// teamID and p8 (the private key file's text) sign the client secret, an
// ES256 JWT made fresh for every token request. Scopes "name email"
// require response_mode=form_post: Apple POSTs code, state, id_token and,
// on the first sign-in only, a "user" JSON with the name (see
// AppleUserName) to the callback. The identity is the ID token's sub,
// email and email_verified; Apple supplies no name there.
func apple(c Config, o options) (*spec, error) {
	key, err := appleKey(c.Extra)
	if err != nil {
		return nil, err
	}
	teamID, keyID := c.Extra["teamID"], c.Extra["keyID"]
	clientID := strings.TrimSpace(c.ClientID)
	return &spec{
		authStyle:  oauth2.AuthStyleInParams,
		scopes:     []string{"name", "email"},
		authParams: map[string]string{"response_mode": "form_post"},
		refresh:    true,
		profile:    oidcProfile,
		clientSecret: func() (string, error) {
			return appleClientSecret(teamID, keyID, clientID, key, time.Now())
		},
		oidc: staticOIDC(o, appleAudience, appleAudience+"/auth/authorize", appleAudience+"/auth/token", "",
			appleAudience+"/auth/keys"),
	}, nil
}

func appleKey(extra map[string]string) (*ecdsa.PrivateKey, error) {
	for _, k := range []string{"keyID", "teamID", "p8"} {
		if strings.TrimSpace(extra[k]) == "" {
			return nil, misconfigured("apple", k+" is required")
		}
	}
	key, err := parseP8(extra["p8"])
	if err != nil {
		return nil, misconfigured("apple", "p8 is not a PKCS #8 EC private key")
	}
	return key, nil
}

// parseP8 reads the key from the .p8 file text, tolerating the ways it
// gets pasted: escaped "\n", or the base64 body without the PEM lines.
func parseP8(p8 string) (*ecdsa.PrivateKey, error) {
	p8 = strings.TrimSpace(strings.ReplaceAll(p8, `\n`, "\n"))
	if !strings.HasPrefix(p8, "-----BEGIN") {
		p8 = "-----BEGIN PRIVATE KEY-----\n" + p8 + "\n-----END PRIVATE KEY-----"
	}
	key, err := jwt.ParseECPrivateKeyFromPEM([]byte(p8))
	if err != nil {
		return nil, err
	}
	if key.Curve.Params().Name != "P-256" {
		return nil, errors.New("not a P-256 key")
	}
	return key, nil
}

// appleClientSecret is the JWT Apple takes as client_secret: ES256 with
// kid = key id, iss = team id, sub = client id, aud = Apple.
func appleClientSecret(teamID, keyID, clientID string, key *ecdsa.PrivateKey, now time.Time) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": teamID,
		"sub": clientID,
		"aud": appleAudience,
		"iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(),
	})
	t.Header["kid"] = keyID
	return t.SignedString(key)
}

// AppleUserName returns "firstName lastName" from the "user" form value
// Apple posts to the callback on a user's first authorization, or "".
func AppleUserName(user string) string {
	var v struct {
		Name struct {
			FirstName string `json:"firstName"`
			LastName  string `json:"lastName"`
		} `json:"name"`
	}
	if len(user) > 4096 || json.Unmarshal([]byte(user), &v) != nil {
		return ""
	}
	return strings.TrimSpace(clean(v.Name.FirstName, 100) + " " + clean(v.Name.LastName, 100))
}
