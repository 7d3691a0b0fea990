package httpapi

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/locale"
)

// localeRoutes are Appwrite's Locale service: the caller's country from
// the GeoIP database, and lists of countries, continents, calling codes,
// currencies, languages and locales.
func (s *Server) localeRoutes() {
	rt := route{scope: "locale.read"}
	s.handle("GET /v1/locale", rt, s.localeGet)
	s.handle("GET /v1/locale/codes", rt, s.localeCodes)
	s.handle("GET /v1/locale/countries", rt, s.localeCountries)
	s.handle("GET /v1/locale/countries/eu", rt, s.localeCountriesEU)
	s.handle("GET /v1/locale/countries/phones", rt, s.localePhones)
	s.handle("GET /v1/locale/continents", rt, s.localeContinents)
	s.handle("GET /v1/locale/currencies", rt, s.localeCurrencies)
	s.handle("GET /v1/locale/languages", rt, s.localeLanguages)
}

// names is the language the caller asked names in (X-Appwrite-Locale,
// or the locale parameter), chosen once per request.
func (c *call) names() locale.Names {
	if c.naming == nil {
		n := locale.ForLocale(c.locale())
		c.naming = &n
	}
	return *c.naming
}

type localeModel struct {
	IP            string `json:"ip"`
	CountryCode   string `json:"countryCode"`
	Country       string `json:"country"`
	ContinentCode string `json:"continentCode"`
	Continent     string `json:"continent"`
	EU            bool   `json:"eu"`
	Currency      string `json:"currency"`
}

func (s *Server) localeGet(c *call) error {
	cl := c.clientInfo()
	n := c.names()
	p := locale.Lookup(cl.CountryCode)
	return c.json(http.StatusOK, localeModel{IP: cl.IP, CountryCode: p.Country, Country: n.Country(p.Country),
		ContinentCode: p.Continent, Continent: n.Continent(p.Continent), EU: p.EU, Currency: p.Currency})
}

type nameCode struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

func nameCodes(es []locale.Entry) []nameCode {
	out := make([]nameCode, len(es))
	for i, e := range es {
		out[i] = nameCode{Name: e.Name, Code: e.Code}
	}
	return out
}

type countryList struct {
	Total     int        `json:"total"`
	Countries []nameCode `json:"countries"`
}

func (s *Server) localeCountries(c *call) error {
	l := nameCodes(c.names().Countries())
	return c.json(http.StatusOK, countryList{Total: len(l), Countries: l})
}

func (s *Server) localeCountriesEU(c *call) error {
	l := nameCodes(c.names().EUCountries())
	return c.json(http.StatusOK, countryList{Total: len(l), Countries: l})
}

type continentList struct {
	Total      int        `json:"total"`
	Continents []nameCode `json:"continents"`
}

func (s *Server) localeContinents(c *call) error {
	l := nameCodes(c.names().Continents())
	return c.json(http.StatusOK, continentList{Total: len(l), Continents: l})
}

type phoneModel struct {
	Code        string `json:"code"`
	CountryCode string `json:"countryCode"`
	CountryName string `json:"countryName"`
}

type phoneList struct {
	Total  int          `json:"total"`
	Phones []phoneModel `json:"phones"`
}

func (s *Server) localePhones(c *call) error {
	ps := c.names().Phones()
	out := phoneList{Total: len(ps), Phones: make([]phoneModel, len(ps))}
	for i, p := range ps {
		out.Phones[i] = phoneModel{Code: p.Code, CountryCode: p.CountryCode, CountryName: p.CountryName}
	}
	return c.json(http.StatusOK, out)
}

type currencyModel struct {
	Symbol        string  `json:"symbol"`
	Name          string  `json:"name"`
	SymbolNative  string  `json:"symbolNative"`
	DecimalDigits int     `json:"decimalDigits"`
	Rounding      float64 `json:"rounding"`
	Code          string  `json:"code"`
	NamePlural    string  `json:"namePlural"`
}

type currencyList struct {
	Total      int             `json:"total"`
	Currencies []currencyModel `json:"currencies"`
}

func (s *Server) localeCurrencies(c *call) error {
	cs := locale.Currencies()
	out := currencyList{Total: len(cs), Currencies: make([]currencyModel, len(cs))}
	for i, cu := range cs {
		out.Currencies[i] = currencyModel{Symbol: cu.Symbol, Name: cu.Name, SymbolNative: cu.SymbolNative,
			DecimalDigits: cu.DecimalDigits, Rounding: cu.Rounding, Code: cu.Code, NamePlural: cu.NamePlural}
	}
	return c.json(http.StatusOK, out)
}

type languageModel struct {
	Name       string `json:"name"`
	Code       string `json:"code"`
	NativeName string `json:"nativeName"`
}

type languageList struct {
	Total     int             `json:"total"`
	Languages []languageModel `json:"languages"`
}

func (s *Server) localeLanguages(c *call) error {
	ls := locale.Languages()
	out := languageList{Total: len(ls), Languages: make([]languageModel, len(ls))}
	for i, l := range ls {
		out.Languages[i] = languageModel{Name: l.Name, Code: l.Code, NativeName: l.NativeName}
	}
	return c.json(http.StatusOK, out)
}

type localeCodeList struct {
	Total       int        `json:"total"`
	LocaleCodes []codeName `json:"localeCodes"`
}

type codeName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (s *Server) localeCodes(c *call) error {
	cs := locale.Codes()
	out := localeCodeList{Total: len(cs), LocaleCodes: make([]codeName, len(cs))}
	for i, e := range cs {
		out.LocaleCodes[i] = codeName{Code: e.Code, Name: e.Name}
	}
	return c.json(http.StatusOK, out)
}
