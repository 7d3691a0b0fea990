package emailpolicy

import (
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func TestCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Ann.Lee+news@Gmail.com", "annlee@gmail.com"},
		{"a.n.n@googlemail.com", "ann@gmail.com"},
		{"ann@gmail.com", "ann@gmail.com"},
		{"ann+x@outlook.com", "ann@outlook.com"},
		{"a.nn+x@hotmail.co.uk", "a.nn@hotmail.co.uk"},
		{"ann+x@live.fr", "ann@live.fr"},
		{"ann+x@outlook.com.br", "ann@outlook.com.br"},
		{"ann+x@me.com", "ann@icloud.com"},
		{"ann@mac.com", "ann@icloud.com"},
		{"ann+x@pm.me", "ann@proton.me"},
		{"ann+x@fastmail.com", "ann@fastmail.com"},
		{"base-shop@yahoo.com", "base@yahoo.com"},
		{"base-shop@yahoo.co.uk", "base@yahoo.co.uk"},
		{"ann+x@yahoo.com", "ann+x@yahoo.com"}, // Yahoo has no plus addressing
		{"ann.lee+x@ya.ru", "ann-lee@yandex.ru"},
		{"Ann.Lee+x@Example.com", "ann.lee+x@example.com"}, // unknown rules: lower-cased only
		{"ann+x@livejournal.com", "ann+x@livejournal.com"},
		{"ann+x@live.example.com", "ann+x@live.example.com"},
	}
	for _, c := range cases {
		a, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		got, err := a.Canonical()
		if err != nil || got != c.want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{"", "ann", "@example.com", "ann@", "ann@localhost", "ann@[192.0.2.1]", "ann@192.0.2.1",
		"a b@example.com", ".ann@example.com", "ann.@example.com", "a..b@example.com", "ann@-x.com", "ann@x-.com",
		"ann@x..com", "a\x00@example.com", "\xff@example.com", strings.Repeat("a", 65) + "@example.com"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
	for _, in := range []string{"+news@gmail.com", "...+x@gmail.com", "-x@yahoo.com"} {
		a, err := Parse(in)
		if err != nil {
			continue
		}
		if c, err := a.Canonical(); err == nil {
			t.Errorf("Canonical(%q) = %q, want an error", in, c)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		in                          string
		free, disposable, corporate bool
		canonical                   bool
	}{
		{"ann@gmail.com", true, false, false, true},
		{"a.nn@gmail.com", true, false, false, false},
		{"ann@mailinator.com", false, true, false, true},
		{"ann@sub.mailinator.com", false, true, false, true}, // subdomains of a listed domain are listed
		{"ann@example.com", false, false, true, true},
		{"ann@yahoo.com", true, false, false, true},
	}
	for _, c := range cases {
		f := Classify(c.in)
		if f == nil {
			t.Fatalf("Classify(%q) = nil", c.in)
		}
		if f.Free != c.free || f.Disposable != c.disposable || f.Corporate != c.corporate || f.IsCanonical != c.canonical {
			t.Errorf("Classify(%q) = %+v", c.in, *f)
		}
	}
	if f := Classify("ann@localhost"); f != nil {
		t.Errorf("Classify of an unparsable address = %+v, want nil", *f)
	}
	if f := Classify(""); f != nil {
		t.Errorf("Classify(\"\") = %+v, want nil", *f)
	}
}

func TestListsAreLoaded(t *testing.T) {
	d, f := lists()
	if len(d) < 1000 || len(f) < 1000 {
		t.Fatalf("lists too short: %d disposable, %d free", len(d), len(f))
	}
	if (domainSet{"com": {}}).listed("example.com") {
		t.Fatal("a top-level label matched")
	}
}

func TestCheckOrder(t *testing.T) {
	all := storage.AuthSettings{DisposableEmails: true, CanonicalEmails: true, FreeEmails: true, CorporateEmails: true}
	cases := []struct {
		auth storage.AuthSettings
		in   string
		want *apperr.Kind
	}{
		{all, "ann@localhost", apperr.InvalidEmail},
		{all, "+x@gmail.com", apperr.InvalidEmail},
		{all, "a.nn+x@mailinator.com", apperr.UserEmailDisposable},
		{all, "a.nn@gmail.com", apperr.UserEmailNotCanonical},
		{all, "ann@gmail.com", apperr.UserEmailFree},
		{all, "ann@example.com", nil},
		{storage.AuthSettings{FreeEmails: true}, "ann@mailinator.com", apperr.UserEmailFree},
		{storage.AuthSettings{CorporateEmails: true}, "ann@mailinator.com", apperr.UserEmailNotCorporate},
		{storage.AuthSettings{CorporateEmails: true}, "ann@gmail.com", apperr.UserEmailNotCorporate},
		{storage.AuthSettings{CanonicalEmails: true}, "ann+x@example.com", nil},
		{storage.AuthSettings{DisposableEmails: true}, "ann@gmail.com", nil},
		{storage.AuthSettings{}, "ann@localhost", nil},
		{storage.AuthSettings{}, "ann@mailinator.com", nil},
	}
	for _, c := range cases {
		err := Check(c.auth, c.in)
		if c.want == nil {
			if err != nil {
				t.Errorf("Check(%+v, %q) = %v", c.auth, c.in, err)
			}
			continue
		}
		if !apperr.Is(err, c.want) {
			t.Errorf("Check(%+v, %q) = %v, want %s", c.auth, c.in, err, c.want.Type)
		}
	}
}

// FuzzCanonical checks the canonical form's invariants: it parses, it is
// its own canonical form, and classifying never panics.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"Ann.Lee+news@Gmail.com", "base-shop@yahoo.co.uk", "ann.lee+x@ya.ru", "ann@example.com",
		"+@gmail.com", "ann@localhost", "a@b.c", "é@ü.de", "x@hotmail.com.", "ann@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := Parse(in)
		if err != nil {
			if Classify(in) != nil {
				t.Fatalf("Classify(%q) is not nil for an unparsable address", in)
			}
			return
		}
		if a.String() != strings.ToLower(in) {
			t.Fatalf("Parse(%q) = %q", in, a)
		}
		c, err := a.Canonical()
		if err != nil {
			return
		}
		b, err := Parse(c)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", c, in, err)
		}
		again, err := b.Canonical()
		if err != nil || again != c {
			t.Fatalf("canonical of %q is %q, then %q (%v)", in, c, again, err)
		}
		fa := Classify(in)
		if fa == nil || fa.Canonical != c || fa.IsCanonical != (c == a.String()) {
			t.Fatalf("Classify(%q) = %+v", in, fa)
		}
		if n := btoi(fa.Free) + btoi(fa.Disposable) + btoi(fa.Corporate); n != 1 {
			t.Fatalf("Classify(%q) = %+v: not exactly one kind", in, fa)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
