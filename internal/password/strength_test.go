package password

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestStrengthCheck(t *testing.T) {
	all := Strength{Min: 10, Uppercase: true, Lowercase: true, Number: true, Symbols: true}
	for _, tc := range []struct {
		name string
		s    Strength
		pw   string
		want bool
	}{
		{"default 8", Strength{}, "12345678", true},
		{"default 7", Strength{}, "1234567", false},
		{"min below 8 means 8", Strength{Min: 3}, "1234567", false},
		{"min above 256 means 256", Strength{Min: 1000}, strings.Repeat("a", 256), true},
		{"256 bytes", Strength{}, strings.Repeat("a", 256), true},
		{"257 bytes", Strength{}, strings.Repeat("a", 257), false},
		{"characters, not bytes, meet min", Strength{Min: 9}, "ééééééé1", false}, // 8 characters, 15 bytes
		{"all classes", all, "Abcdefgh1!", true},
		{"no upper", all, "abcdefgh1!", false},
		{"no lower", all, "ABCDEFGH1!", false},
		{"no number", all, "Abcdefghi!", false},
		{"no symbol", all, "Abcdefgh12", false},
		{"space is no symbol", all, "Abcdefgh 1", false},
		{"tab is no symbol", all, "Abcdefgh\t1", false},
		{"unicode classes", all, "Ünïcödé٣€x", true},
		{"underscore is a symbol", Strength{Symbols: true}, "abcdefg_", true},
		{"emoji is a symbol", Strength{Symbols: true}, "abcdefg🙂", true},
		{"caseless letters", Strength{Uppercase: true}, "汉字汉字汉字汉字", false},
		{"roman numeral is a number", Strength{Number: true}, "abcdefgⅫ", true},
		{"invalid utf-8 is a symbol", Strength{Symbols: true}, "abcdefg\xff", true},
	} {
		if got := tc.s.Check(tc.pw); got != tc.want {
			t.Errorf("%s: Check(%q) = %v, want %v", tc.name, tc.pw, got, tc.want)
		}
	}
}

func TestStrengthDescribe(t *testing.T) {
	for _, tc := range []struct {
		s      Strength
		common bool
		want   string
	}{
		{Strength{}, false, "Password must be between 8 and 256 characters long."},
		{Strength{Min: 12, Number: true}, false, "Password must be between 12 and 256 characters long and contain at least one number."},
		{Strength{Uppercase: true, Number: true}, true,
			"Password must be between 8 and 256 characters long and contain at least one upper-case letter and one number, and must not be a commonly used password."},
		{Strength{Uppercase: true, Lowercase: true, Number: true, Symbols: true}, false,
			"Password must be between 8 and 256 characters long and contain at least one upper-case letter, one lower-case letter, one number and one symbol (a character that is no letter, number or space)."},
	} {
		if got := tc.s.Describe(tc.common); got != tc.want {
			t.Errorf("Describe(%+v, %v) =\n%q\nwant\n%q", tc.s, tc.common, got, tc.want)
		}
	}
}

// FuzzStrength checks Check against a plain restatement of the rule.
func FuzzStrength(f *testing.F) {
	f.Add("Abcdefgh1!", 10, byte(15))
	f.Add("ééééééé1", 9, byte(4))
	f.Add("汉字汉字汉字汉字", 8, byte(1))
	f.Add("\xff\xfe\x00abcdefg", 0, byte(8))
	f.Fuzz(func(t *testing.T, pw string, minLen int, classes byte) {
		s := Strength{Min: minLen, Uppercase: classes&1 != 0, Lowercase: classes&2 != 0, Number: classes&4 != 0, Symbols: classes&8 != 0}
		got := s.Check(pw)
		want := len(pw) <= MaxLen && utf8.RuneCountInString(pw) >= min(max(minLen, MinLen), MaxLen)
		has := func(f func(rune) bool) bool { return strings.IndexFunc(pw, f) >= 0 }
		want = want && (!s.Uppercase || has(unicode.IsUpper)) && (!s.Lowercase || has(unicode.IsLower)) &&
			(!s.Number || has(func(r rune) bool { return !unicode.IsLetter(r) && unicode.IsNumber(r) })) &&
			(!s.Symbols || has(func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsSpace(r) }))
		if got != want {
			t.Fatalf("Check(%q) with %+v = %v, want %v", pw, s, got, want)
		}
		if d := s.Describe(classes&16 != 0); !strings.HasPrefix(d, "Password must be between ") || !strings.HasSuffix(d, ".") {
			t.Fatalf("Describe %q", d)
		}
	})
}
