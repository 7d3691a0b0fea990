// Package locale answers Appwrite's Locale service: the names of
// countries, continents and languages in the caller's language, the
// European Union, calling codes, currencies and the locales Gatehouse
// can name things in.
//
// Nothing here is typed by hand. Names and region containment come from
// the CLDR data in golang.org/x/text (language/display); the EU members
// and currencies from a newer CLDR release, generated into cldr_gen.go by
// ./gencldr; calling codes from the metadata of
// github.com/nyaruka/phonenumbers (Google's libphonenumber), generated
// into callingcodes_gen.go by ./gencodes (the library itself is not
// linked in: its initialisation decodes all of its metadata).
package locale

//go:generate go run ./gencldr -core $CLDR/core -numbers $CLDR/numbers -o cldr_gen.go
//go:generate go run ./gencodes -o callingcodes_gen.go

import (
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Unknown is the country and continent code of an unknown place.
const Unknown = "--"

// Names is the language names are given in; the zero value is English.
type Names struct {
	tag     language.Tag
	regions display.Namer
	unknown string
}

// English names things in English, Appwrite's default.
var English = ForLocale("")

// matcher picks the closest language x/text has names in.
var matcher = language.NewMatcher(append([]language.Tag{language.English}, display.Supported.Tags()...))

// ForLocale returns the names of a locale code such as "es" or "pt-br"
// (X-Appwrite-Locale). An empty, malformed or unknown code is English,
// as in Appwrite.
func ForLocale(code string) Names {
	tag := language.English
	if code = strings.TrimSpace(code); code != "" && len(code) <= 35 {
		if t, err := language.Parse(code); err == nil {
			if m, _, conf := matcher.Match(t); conf != language.No {
				tag = m
			}
		}
	}
	if base, _ := tag.Base(); base.String() == "en" {
		tag = language.English
	}
	n := Names{tag: tag, regions: display.Regions(tag)}
	if n.regions == nil {
		n.tag, n.regions = language.English, display.English.Regions()
	}
	n.unknown = unknownName(n.regions)
	return n
}

// unknownName is CLDR's "Unknown Region" in the names' language, without
// its qualifier; Appwrite says "Unknown".
func unknownName(regions display.Namer) string {
	name := regions.Name(language.MustParseRegion("ZZ"))
	if name == "" {
		return "Unknown"
	}
	if i := strings.IndexByte(name, ' '); i > 0 && strings.HasPrefix(strings.ToLower(name), "unknown") {
		return name[:i]
	}
	return name
}

// Tag is the language of the names.
func (n Names) Tag() language.Tag { return n.tag }

// UnknownName is what an unknown country or continent is called.
func (n Names) UnknownName() string { return n.unknown }

// Country names a country by its ISO code (either case); an unknown code
// is UnknownName.
func (n Names) Country(code string) string {
	r, ok := country(code)
	if !ok {
		return n.unknown
	}
	return n.name(r)
}

func (n Names) name(r language.Region) string {
	if s := n.regions.Name(r); s != "" {
		return s
	}
	return display.English.Regions().Name(r)
}

// IsCountry reports whether code (either case) is a country Gatehouse
// knows.
func IsCountry(code string) bool {
	_, ok := country(code)
	return ok
}

// country finds a country of the list by its code.
func country(code string) (language.Region, bool) {
	if len(code) != 2 {
		return language.Region{}, false
	}
	i, ok := countryIndex()[strings.ToUpper(code)]
	if !ok {
		return language.Region{}, false
	}
	return countries()[i], true
}

var countries = sync.OnceValue(func() []language.Region {
	var out []language.Region
	var b [2]byte
	for b[0] = 'A'; b[0] <= 'Z'; b[0]++ {
		for b[1] = 'A'; b[1] <= 'Z'; b[1]++ {
			r, err := language.ParseRegion(string(b[:]))
			// Countries and territories with an ISO 3166 number, under
			// their current code, that CLDR has an English name for.
			if err != nil || !r.IsCountry() || r.M49() == 0 || r.Canonicalize() != r || r.String() != string(b[:]) ||
				display.English.Regions().Name(r) == "" {
				continue
			}
			out = append(out, r)
		}
	}
	return out
})

var countryIndex = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for i, r := range countries() {
		m[r.String()] = i
	}
	return m
})

// Place is what is known of a country: its code, continent, whether it
// is in the EU and its currency.
type Place struct {
	Country   string // ISO code, upper case, or Unknown
	Continent string // Appwrite's continent code, or Unknown
	EU        bool
	Currency  string // ISO 4217 code, or ""
}

// Lookup describes the country with the given code; an unknown code is
// the unknown place.
func Lookup(code string) Place {
	r, ok := country(code)
	if !ok {
		return Place{Country: Unknown, Continent: Unknown}
	}
	c := r.String()
	p := Place{Country: c, Continent: continentOf(r), Currency: regionCurrency[c]}
	for _, m := range euCountries {
		if m == c {
			p.EU = true
		}
	}
	return p
}

// Entry is a country, continent or language with its code and name.
type Entry struct {
	Code string
	Name string
}

// Countries lists every country, ordered by name as Appwrite orders
// them (byte order).
func (n Names) Countries() []Entry {
	rs := countries()
	out := make([]Entry, len(rs))
	for i, r := range rs {
		out[i] = Entry{Code: r.String(), Name: n.name(r)}
	}
	byName(out)
	return out
}

// EUCountries lists the members of the European Union by name.
func (n Names) EUCountries() []Entry {
	out := make([]Entry, 0, len(euCountries))
	for _, c := range euCountries {
		out = append(out, Entry{Code: c, Name: n.Country(c)})
	}
	byName(out)
	return out
}

func byName(e []Entry) {
	sort.SliceStable(e, func(i, j int) bool {
		if e[i].Name != e[j].Name {
			return e[i].Name < e[j].Name
		}
		return e[i].Code < e[j].Code
	})
}

// Phone is a country's international calling code.
type Phone struct {
	Code        string // "+1"
	CountryCode string
	CountryName string
}

// callingCode is one region's international calling code.
type callingCode struct {
	region string
	code   int
}

// callingCodeOf is region's calling code, 0 for none.
func callingCodeOf(region string) int {
	i := sort.Search(len(callingCodes), func(i int) bool { return callingCodes[i].region >= region })
	if i < len(callingCodes) && callingCodes[i].region == region {
		return callingCodes[i].code
	}
	return 0
}

// Phones lists the calling code of every country that has one, ordered
// by code as Appwrite orders them.
func (n Names) Phones() []Phone {
	type coded struct {
		num int
		p   Phone
	}
	var list []coded
	for _, r := range countries() {
		num := callingCodeOf(r.String())
		if num == 0 {
			continue
		}
		list = append(list, coded{num, Phone{Code: "+" + strconv.Itoa(num), CountryCode: r.String(), CountryName: n.name(r)}})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].num < list[j].num })
	out := make([]Phone, len(list))
	for i, c := range list {
		out[i] = c.p
	}
	return out
}
