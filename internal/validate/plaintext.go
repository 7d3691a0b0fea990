package validate

import (
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
)

// Plain reports whether s is valid UTF-8 without control characters
// (C0, DEL and C1). Every single-line text a client sends must be: NUL
// cannot be stored in a PostgreSQL text column, invalid UTF-8 cannot be
// compared there, and a line break in a name turns into a paragraph of a
// mail sent from the project's address.
func Plain(s string) bool { return text(s, false) }

// Multiline is Plain with tabs and line breaks allowed: for text that is
// meant to span lines (a template's body, values inside prefs).
func Multiline(s string) bool { return text(s, true) }

func text(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf {
			if c == 0x7f || c < 0x20 && !(lines && (c == '\t' || c == '\n' || c == '\r')) {
				return false
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unicode.IsControl(r) {
			return false
		}
		i += n - 1
	}
	return true
}

// PlainText answers a text that is not Plain with Appwrite's invalid
// argument, naming the parameter.
func PlainText(param, v string) error {
	if !Plain(v) {
		return apperr.Invalid(param, "Value must be valid UTF-8 text without control characters")
	}
	return nil
}

// Strip drops control characters from s and replaces invalid UTF-8, for
// text that reached storage without passing through a request (imports,
// older rows) and is about to be put in a mail or a text; line breaks
// become spaces.
func Strip(s string) string {
	if Plain(s) {
		return s
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			out = append(out, ' ')
		case r == utf8.RuneError || unicode.IsControl(r):
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
