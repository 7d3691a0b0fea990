package locale_test

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/locale"
)

func TestLists(t *testing.T) {
	en := locale.English
	cs := en.Countries()
	if len(cs) < 240 || len(cs) > 260 {
		t.Errorf("%d countries", len(cs))
	}
	if cs[0].Name != "Afghanistan" || cs[0].Code != "AF" {
		t.Errorf("first country %+v", cs[0])
	}
	eu := en.EUCountries()
	if len(eu) != 27 || eu[0] != (locale.Entry{Code: "AT", Name: "Austria"}) {
		t.Errorf("EU: %d, first %+v", len(eu), eu[0])
	}
	es := locale.ForLocale("es")
	if e := es.EUCountries()[0]; e != (locale.Entry{Code: "DE", Name: "Alemania"}) {
		t.Errorf("es EU first %+v", e)
	}
	if c := es.Continents()[0]; c != (locale.Entry{Code: "NA", Name: "América del Norte"}) {
		t.Errorf("es continents first %+v", c)
	}
	if c := en.Continents(); len(c) != 7 || c[0] != (locale.Entry{Code: "AF", Name: "Africa"}) {
		t.Errorf("continents %+v", c)
	}
	ph := en.Phones()
	if ph[0].Code != "+1" || ph[len(ph)-1].Code[:2] != "+9" {
		t.Errorf("phones from %+v to %+v", ph[0], ph[len(ph)-1])
	}
	ls := locale.Languages()
	if ls[0] != (locale.Language{Code: "aa", Name: "Afar", NativeName: "Afar"}) ||
		ls[len(ls)-1] != (locale.Language{Code: "zu", Name: "Zulu", NativeName: "isiZulu"}) {
		t.Errorf("languages %+v .. %+v", ls[0], ls[len(ls)-1])
	}
	t.Logf("countries %d, phones %d, languages %d, codes %d, currencies %d", len(cs), len(ph), len(ls), len(locale.Codes()), len(locale.Currencies()))
}

func TestLookup(t *testing.T) {
	for code, want := range map[string]locale.Place{
		"DE": {Country: "DE", Continent: "EU", EU: true, Currency: "EUR"},
		"fr": {Country: "FR", Continent: "EU", EU: true, Currency: "EUR"},
		"GB": {Country: "GB", Continent: "EU", Currency: "GBP"},
		"JP": {Country: "JP", Continent: "AS", Currency: "JPY"},
		"BR": {Country: "BR", Continent: "SA", Currency: "BRL"},
		"US": {Country: "US", Continent: "NA", Currency: "USD"},
		"MX": {Country: "MX", Continent: "NA", Currency: "MXN"},
		"AU": {Country: "AU", Continent: "OC", Currency: "AUD"},
		"EG": {Country: "EG", Continent: "AF", Currency: "EGP"},
		"AQ": {Country: "AQ", Continent: "AN"},
		"ZZ": {Country: "--", Continent: "--"},
		"":   {Country: "--", Continent: "--"},
		"EU": {Country: "--", Continent: "--"},
	} {
		if got := locale.Lookup(code); got != want {
			t.Errorf("Lookup(%q) = %+v, want %+v", code, got, want)
		}
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct{ loc, code, want string }{
		{"", "de", "Germany"},
		{"en", "DE", "Germany"},
		{"es", "de", "Alemania"},
		{"de", "de", "Deutschland"},
		{"pt-br", "de", "Alemanha"},
		{"xx-nonsense", "de", "Germany"},
		{"\x00", "de", "Germany"},
		{"en", "--", "Unknown"},
		{"en", "zz", "Unknown"},
	} {
		if got := locale.ForLocale(c.loc).Country(c.code); got != c.want {
			t.Errorf("ForLocale(%q).Country(%q) = %q, want %q", c.loc, c.code, got, c.want)
		}
	}
}

// FuzzForLocale feeds X-Appwrite-Locale values: any value names things,
// in some language, without failing.
func FuzzForLocale(f *testing.F) {
	for _, s := range []string{"", "en", "es", "pt-br", "zh-Hant-TW", "x-private", "en-u-rg-gbzzzz", "\x00", "de-DE-1996-a-bc-x-y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		n := locale.ForLocale(code)
		if n.Country("DE") == "" || n.Continent("EU") == "" || n.UnknownName() == "" {
			t.Fatalf("ForLocale(%q) left a name empty", code)
		}
	})
}
