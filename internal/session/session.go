// Package session encodes the credentials a client holds: the session
// string (Appwrite's base64 JSON of user id and secret, used as cookie,
// X-Appwrite-Session and fallback value) and short-lived JWTs.
package session

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Credential is what a session string carries.
type Credential struct {
	ID     string `json:"id"` // the user id
	Secret string `json:"secret"`
}

// MaxEncoded bounds a session string before it is decoded.
const MaxEncoded = 4096

// Encode returns base64(JSON{"id","secret"}) with standard padding.
func Encode(userID, secret string) string {
	b, _ := json.Marshal(Credential{ID: userID, Secret: secret})
	return base64.StdEncoding.EncodeToString(b)
}

// Decode parses a session string. It accepts padded and unpadded base64
// (and the URL alphabet, which some cookie jars produce).
func Decode(s string) (Credential, bool) {
	var c Credential
	if s == "" || len(s) > MaxEncoded {
		return c, false
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return Credential{}, false
	}
	if id, secret, ok := canonical(raw); ok {
		c = Credential{ID: id, Secret: secret}
	} else if json.Unmarshal(raw, &c) != nil {
		return Credential{}, false
	}
	if c.ID == "" || c.Secret == "" || !printable(c.ID) || !printable(c.Secret) {
		return Credential{}, false
	}
	return c, true
}

// printable reports whether every byte of s is printable ASCII, as every
// user id and secret is: an escaped NUL or invalid UTF-8 in a session
// string must not reach a database lookup.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// canonical reads the form every session string Gatehouse or Appwrite
// issues has, {"id":"…","secret":"…"} with plain ASCII inside the quotes,
// without the JSON decoder: every authenticated request decodes one, and
// the decoder was 4% of a GET /v1/account. Anything else (escapes, other
// keys or order, spaces) goes to the decoder; FuzzDecode checks that both
// ways agree.
func canonical(raw []byte) (id, secret string, ok bool) {
	const head, mid, tail = `{"id":"`, `","secret":"`, `"}`
	if len(raw) < len(head)+len(mid)+len(tail) || string(raw[:len(head)]) != head || string(raw[len(raw)-len(tail):]) != tail {
		return "", "", false
	}
	body := raw[len(head) : len(raw)-len(tail)]
	i := 0
	for i < len(body) && plain(body[i]) {
		i++
	}
	if len(body)-i < len(mid) || string(body[i:i+len(mid)]) != mid {
		return "", "", false
	}
	rest := body[i+len(mid):]
	for _, c := range rest {
		if !plain(c) {
			return "", "", false
		}
	}
	return string(body[:i]), string(rest), true
}

// plain is a byte that stands for itself inside a JSON string.
func plain(c byte) bool { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' }

// Claims are Appwrite's JWT claims (userId, sessionId, exp) and two of
// Gatehouse's: the project the token was minted in, and when. A token is
// good only in its own project, and its issue time lets a user's later
// "end every session" void it (see account.AuthenticateJWT).
type Claims struct {
	UserID    string `json:"userId"`
	SessionID string `json:"sessionId"`
	ProjectID string `json:"projectId"`
	// IssuedAt is iat to the microsecond (RFC 7519 allows a fraction):
	// whole seconds would leave a token minted in the second before a
	// revocation alive, or refuse one minted just after it. It shadows
	// the embedded RegisteredClaims.IssuedAt, the shallower field.
	IssuedAt MicroDate `json:"iat"`
	jwt.RegisteredClaims
}

// JWTs signs and checks HS256 tokens with the instance secret, which every
// node shares through the database.
type JWTs struct {
	key []byte
	now func() time.Time
}

// NewJWTs returns a signer with key.
func NewJWTs(key []byte, now func() time.Time) *JWTs {
	return &JWTs{key: key, now: now}
}

// Sign returns a token of the project's user and session (sessionID ""
// for none), valid for d, issued now.
func (j *JWTs) Sign(projectID, userID, sessionID string, d time.Duration) (string, error) {
	now := j.now()
	c := Claims{UserID: userID, SessionID: sessionID, ProjectID: projectID, IssuedAt: MicroDate{now},
		RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(now.Add(d))}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(j.key)
}

// ErrJWT means a token is malformed, forged, expired, or of another
// project.
var ErrJWT = errors.New("session: invalid jwt")

// Verify checks a token's signature and expiry, and that it was minted in
// projectID. A token without a project or an issue time (an Appwrite
// token, or one from before Gatehouse wrote them) is refused: it could be
// good anywhere and could not be revoked.
func (j *JWTs) Verify(token, projectID string) (Claims, error) {
	var c Claims
	if len(token) > MaxEncoded || projectID == "" {
		return c, ErrJWT
	}
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return j.key, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(j.now))
	if err != nil || c.UserID == "" || c.ProjectID != projectID || c.IssuedAt.IsZero() {
		return Claims{}, ErrJWT
	}
	return c, nil
}
