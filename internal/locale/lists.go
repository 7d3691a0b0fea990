package locale

import (
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// continentRegions maps Appwrite's continent codes (those of GeoNames
// and MaxMind) to the CLDR region each one is; CLDR's containment then
// says which countries are in it.
var continentRegions = [...]struct {
	code   string
	region language.Region
}{
	{"AF", language.MustParseRegion("002")},
	{"AN", language.MustParseRegion("AQ")},
	{"AS", language.MustParseRegion("142")},
	{"EU", language.MustParseRegion("150")},
	{"NA", language.MustParseRegion("003")},
	{"OC", language.MustParseRegion("009")},
	{"SA", language.MustParseRegion("005")},
}

func continentOf(r language.Region) string {
	for _, c := range continentRegions {
		if c.region.Contains(r) {
			return c.code
		}
	}
	return Unknown
}

// Continent names a continent by its code; an unknown code is
// UnknownName.
func (n Names) Continent(code string) string {
	for _, c := range continentRegions {
		if c.code == code {
			return n.name(c.region)
		}
	}
	return n.unknown
}

// Continents lists the seven continents by name.
func (n Names) Continents() []Entry {
	out := make([]Entry, len(continentRegions))
	for i, c := range continentRegions {
		out[i] = Entry{Code: c.code, Name: n.name(c.region)}
	}
	byName(out)
	return out
}

// currencyData describes a currency as Appwrite's Currency model does.
type currencyData struct {
	Code, Name, NamePlural, Symbol, SymbolNative string
	DecimalDigits                                int
	Rounding                                     float64
}

// Currency is a currency in use today.
type Currency = currencyData

// Currencies lists the currencies countries use today, by code. Their
// names are English whatever the locale, as in Appwrite.
func Currencies() []Currency {
	return append([]Currency(nil), currencyTable[:]...)
}

// Language is a language of ISO 639-1 with its English and own name.
type Language struct {
	Code, Name, NativeName string
}

// Languages lists the ISO 639-1 languages CLDR names, by code.
var Languages = sync.OnceValue(func() []Language {
	var out []Language
	var b [2]byte
	for b[0] = 'a'; b[0] <= 'z'; b[0]++ {
		for b[1] = 'a'; b[1] <= 'z'; b[1]++ {
			code := string(b[:])
			base, err := language.ParseBase(code)
			if err != nil || base.String() != code {
				continue
			}
			tag := language.Make(code)
			// Deprecated codes (iw, in, mo) canonicalise to another one.
			if t, _ := tag.Base(); t.String() != code {
				continue
			}
			name := display.English.Languages().Name(tag)
			if name == "" {
				continue
			}
			native := display.Self.Name(tag)
			if native == "" {
				native = name
			}
			out = append(out, Language{Code: code, Name: name, NativeName: native})
		}
	}
	return out
})

// Codes lists the locales X-Appwrite-Locale may choose, lower case as
// Appwrite writes them, each with its English name.
var Codes = sync.OnceValue(func() []Entry {
	var out []Entry
	for _, t := range display.Supported.Tags() {
		name := display.English.Tags().Name(t)
		if name == "" {
			continue
		}
		out = append(out, Entry{Code: strings.ToLower(t.String()), Name: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
})
