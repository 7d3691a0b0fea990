package httpapi

import "strings"

// limitAliases maps each route kept under a second path (an older
// Appwrite path, or a sibling that does the same thing) to the path whose
// rate-limit counters it shares. Without it {url} differs between the two,
// so a client refused on one path would get a fresh allowance on the
// other: ten more password guesses, ten more codes sent.
var limitAliases = map[string]string{
	"POST /v1/account/sessions":           "/v1/account/sessions/email",
	"POST /v1/account/sessions/magic-url": "/v1/account/tokens/magic-url",
	"POST /v1/account/sessions/phone":     "/v1/account/tokens/phone",
	"POST /v1/account/verification":       "/v1/account/verifications/email",
	"PUT /v1/account/verification":        "/v1/account/verifications/email",
	"POST /v1/account/verification/phone": "/v1/account/verifications/phone",
	"PUT /v1/account/verification/phone":  "/v1/account/verifications/phone",
	"POST /v1/account/mfa/challenge":      "/v1/account/mfa/challenges",
	"PUT /v1/account/mfa/challenge":       "/v1/account/mfa/challenges",
	"POST /v1/account/jwt":                "/v1/account/jwts",
	"PUT /v1/account/sessions/magic-url":  "/v1/account/sessions/token",
	"PUT /v1/account/sessions/phone":      "/v1/account/sessions/token",
}

// limitPath is the {url} of a rate-limit key: the route's path, or for an
// alias the path it shares counters with.
func limitPath(pattern string) string {
	if p, ok := limitAliases[pattern]; ok {
		return p
	}
	_, path, _ := strings.Cut(pattern, " ")
	return path
}
