package validate

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// plainByRunes is Plain's rule written the slow, obvious way.
func plainByRunes(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}

func FuzzPlain(f *testing.F) {
	for _, s := range []string{"", "Ann", "Ann\x00", "a\nb", "\t", "é", "\xff", "\u0085", "\u009b", "日本", "\x7f", "\xc0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Plain(s), plainByRunes(s); got != want {
			t.Fatalf("Plain(%q) = %v, want %v", s, got, want)
		}
		ml := plainByRunes(strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s))
		if got := Multiline(s); got != ml {
			t.Fatalf("Multiline(%q) = %v, want %v", s, got, ml)
		}
		if st := Strip(s); !Plain(st) {
			t.Fatalf("Strip(%q) = %q is not plain", s, st)
		}
	})
}
