package validate

import (
	"strings"
	"testing"
)

func TestUID(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"abc", true}, {"A.b-c_d9", true}, {strings.Repeat("a", 36), true},
		{"", false}, {strings.Repeat("a", 37), false}, {".a", false}, {"_a", false}, {"-a", false},
		{"a b", false}, {"a/b", false}, {"é", false}, {"unique()", false},
	} {
		if got := UID("id", tc.in) == nil; got != tc.ok {
			t.Errorf("UID(%q) ok = %v, want %v", tc.in, got, tc.ok)
		}
	}
	if CustomID("userId", "unique()") != nil {
		t.Error("CustomID refuses unique()")
	}
}

func TestEmail(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"ann@example.org", true}, {"a.b+c@sub.example.co.uk", true}, {"x@localhost", true},
		{"", false}, {"ann", false}, {"@example.org", false}, {"ann@", false}, {"ann@@example.org", false},
		{"Ann <ann@example.org>", false}, {"a..b@example.org", false}, {"ann@-example.org", false},
		{"ann@example..org", false}, {"ann @example.org", false},
	} {
		if got := Email("email", tc.in) == nil; got != tc.ok {
			t.Errorf("Email(%q) ok = %v, want %v", tc.in, got, tc.ok)
		}
	}
}

func TestPhone(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"+14155552671", true}, {"+1234567", true}, {"+123456789012345", true},
		{"14155552671", false}, {"+0123456789", false}, {"+123456", false}, {"+1234567890123456", false}, {"+1415555267a", false},
	} {
		if got := Phone("phone", tc.in) == nil; got != tc.ok {
			t.Errorf("Phone(%q) ok = %v, want %v", tc.in, got, tc.ok)
		}
	}
}

func TestTextAndPassword(t *testing.T) {
	if Text("name", "", 1, 128) == nil || Text("name", strings.Repeat("é", 129), 1, 128) == nil {
		t.Error("Text accepts out-of-range values")
	}
	if Text("name", strings.Repeat("é", 128), 1, 128) != nil {
		t.Error("Text counts bytes, not characters")
	}
	if Password("password", "1234567") == nil || Password("password", strings.Repeat("a", 257)) == nil || Password("password", "12345678") != nil {
		t.Error("Password length rule")
	}
}

func FuzzUID(f *testing.F) {
	for _, s := range []string{"abc", "unique()", ".x", strings.Repeat("z", 40), "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if UID("id", s) != nil {
			return
		}
		if len(s) == 0 || len(s) > 36 || strings.ContainsAny(s[:1], "._-") {
			t.Fatalf("accepted %q", s)
		}
		for _, c := range s {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				t.Fatalf("accepted %q with %q", s, c)
			}
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"ann@example.org", "a@b", "\"a\"@b.c", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Email("email", s) == nil && (strings.Count(s, "@") < 1 || len(s) > 254) {
			t.Fatalf("accepted %q", s)
		}
	})
}
