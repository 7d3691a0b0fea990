package password

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length bounds of a new password. MaxLen counts bytes (what the hashers
// take); the minimum counts characters.
const (
	MinLen = 8
	MaxLen = 256
)

// Strength is a password-strength policy (Appwrite 1.9.5's
// password-strength policy): a minimum length and the character classes a
// new password must contain. The zero value is the default policy: 8 to
// 256 characters, nothing else.
type Strength struct {
	Min       int  // characters; below MinLen means MinLen, above MaxLen means MaxLen
	Uppercase bool // at least one upper-case letter
	Lowercase bool // at least one lower-case letter
	Number    bool // at least one number (any Unicode number)
	Symbols   bool // at least one character that is no letter, number or space
}

// min is the effective minimum length.
func (s Strength) min() int {
	return min(max(s.Min, MinLen), MaxLen)
}

// Check reports whether pw meets the policy. Classes follow Unicode: "É"
// is an upper-case letter, "٣" a number, "€" and "_" symbols; a letter
// without case (as in Chinese) is neither upper- nor lower-case.
func (s Strength) Check(pw string) bool {
	if len(pw) > MaxLen || utf8.RuneCountInString(pw) < s.min() {
		return false
	}
	var upper, lower, number, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		}
		switch {
		case unicode.IsLetter(r):
		case unicode.IsNumber(r):
			number = true
		case !unicode.IsSpace(r):
			symbol = true
		}
	}
	return (!s.Uppercase || upper) && (!s.Lowercase || lower) && (!s.Number || number) && (!s.Symbols || symbol)
}

// Describe states the policy as the sentence a refused password gets:
// "Password must be between 10 and 256 characters long and contain at
// least one upper-case letter, one number and one symbol." common adds
// that the password must not be a commonly used one (the dictionary
// policy).
func (s Strength) Describe(common bool) string {
	var b strings.Builder
	b.WriteString("Password must be between ")
	b.WriteString(strconv.Itoa(s.min()))
	b.WriteString(" and ")
	b.WriteString(strconv.Itoa(MaxLen))
	b.WriteString(" characters long")
	var classes []string
	for _, c := range []struct {
		on   bool
		name string
	}{{s.Uppercase, "one upper-case letter"}, {s.Lowercase, "one lower-case letter"}, {s.Number, "one number"},
		{s.Symbols, "one symbol (a character that is no letter, number or space)"}} {
		if c.on {
			classes = append(classes, c.name)
		}
	}
	if len(classes) > 0 {
		b.WriteString(" and contain at least ")
		for i, c := range classes {
			switch {
			case i == 0:
			case i == len(classes)-1:
				b.WriteString(" and ")
			default:
				b.WriteString(", ")
			}
			b.WriteString(c)
		}
	}
	if common {
		b.WriteString(", and must not be a commonly used password")
	}
	b.WriteString(".")
	return b.String()
}
