// Package validate checks request parameters with Appwrite's rules and
// returns general_argument_invalid errors that name the parameter.
package validate

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

const idRule = "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char"

// UID checks an id: 1 to 36 of [A-Za-z0-9._-], not starting with . _ or -.
func UID(param, v string) error {
	if !isUID(v) {
		return apperr.Invalid(param, idRule)
	}
	return nil
}

// CustomID is UID or the literal unique(), which the caller replaces with
// a generated id.
func CustomID(param, v string) error {
	if v == "unique()" {
		return nil
	}
	return UID(param, v)
}

func isUID(v string) bool {
	if len(v) == 0 || len(v) > 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.' || c == '_' || c == '-':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Email checks an address the way PHP's FILTER_VALIDATE_EMAIL roughly
// does: one @, a dotted-or-plain domain, no display name, at most 254 bytes.
func Email(param, v string) error {
	if !isEmail(v) {
		return apperr.Invalid(param, "Value must be a valid email address")
	}
	return nil
}

func isEmail(v string) bool {
	if len(v) < 3 || len(v) > 254 || strings.ContainsAny(v, " \t\r\n<>()[],;:\\\"") {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	if at < 1 || at > 64 || at == len(v)-1 {
		return false
	}
	local, domain := v[:at], v[at+1:]
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	if strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") ||
		strings.HasPrefix(domain, "-") {
		return false
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
	}
	a, err := mail.ParseAddress(v)
	return err == nil && a.Name == "" && a.Address == v
}

// Phone checks E.164: a plus, then 7 to 15 digits, not starting with 0.
func Phone(param, v string) error {
	ok := len(v) >= 8 && len(v) <= 16 && v[0] == '+' && v[1] >= '1' && v[1] <= '9'
	for i := 2; ok && i < len(v); i++ {
		ok = v[i] >= '0' && v[i] <= '9'
	}
	if !ok {
		return apperr.Invalid(param, "Phone number must start with a '+' can have a maximum of fifteen digits.")
	}
	return nil
}

// Password checks Appwrite's length rule: 8 to 256 bytes.
func Password(param, v string) error {
	if len(v) < 8 || len(v) > 256 {
		return apperr.Invalid(param, "Password must be between 8 and 256 characters long.")
	}
	return nil
}

// Text checks a string of min to max characters.
func Text(param, v string, min, max int) error {
	n := utf8.RuneCountInString(v)
	if !utf8.ValidString(v) || n < min || n > max {
		if min > 0 {
			return apperr.Invalid(param, "Value must be a valid string and at least "+itoa(min)+" chars and no longer than "+itoa(max)+" chars")
		}
		return apperr.Invalid(param, "Value must be a valid string and no longer than "+itoa(max)+" chars")
	}
	return nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
