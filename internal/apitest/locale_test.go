package apitest

import (
	"encoding/json"
	"testing"
)

// Appwrite's Locale service (docs/differences.md, "Locale").

func TestLocaleGetUsesTheGeoIPDatabase(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		for _, tc := range []struct{ ip, loc, want string }{
			{"203.0.113.9", "", `{"ip":"203.0.113.9","countryCode":"DE","country":"Germany","continentCode":"EU","continent":"Europe","eu":true,"currency":"EUR"}`},
			{"203.0.113.9", "es", `{"ip":"203.0.113.9","countryCode":"DE","country":"Alemania","continentCode":"EU","continent":"Europa","eu":true,"currency":"EUR"}`},
			{"2001:db8:2::1", "", `{"ip":"2001:db8:2::1","countryCode":"BR","country":"Brazil","continentCode":"SA","continent":"South America","eu":false,"currency":"BRL"}`},
			{"2001:db8:1::1", "", `{"ip":"2001:db8:1::1","countryCode":"JP","country":"Japan","continentCode":"AS","continent":"Asia","eu":false,"currency":"JPY"}`},
			{"192.0.2.1", "", `{"ip":"192.0.2.1","countryCode":"--","country":"Unknown","continentCode":"--","continent":"Unknown","eu":false,"currency":""}`},
			{"192.0.2.1", "not a locale!", `{"ip":"192.0.2.1","countryCode":"--","country":"Unknown","continentCode":"--","continent":"Unknown","eu":false,"currency":""}`},
		} {
			g := c.with("X-Forwarded-For", tc.ip)
			if tc.loc != "" {
				g = g.with("X-Appwrite-Locale", tc.loc)
			}
			r := g.do("GET", "/locale", nil)
			expect(t, r, 200, "")
			if string(r.body) != tc.want {
				t.Errorf("GET /locale from %s (%q): %s\nwant %s", tc.ip, tc.loc, r.body, tc.want)
			}
		}
		// Loopback itself is in no country.
		r := c.do("GET", "/locale", nil)
		expect(t, r, 200, "")
		if r.str(t, "ip") != "127.0.0.1" || r.str(t, "countryCode") != "--" {
			t.Fatalf("from loopback %s", r.body)
		}
	})
}

func TestLocaleWho(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		// Guests, users with a session or a JWT, and keys with locale.read.
		expect(t, c.do("GET", "/locale/continents", nil), 200, "")
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		expect(t, c.do("GET", "/locale/countries", nil), 200, "")
		r := c.do("POST", "/account/jwts", nil)
		expect(t, r, 201, "")
		expect(t, s.client(t, c.project).with("X-Appwrite-JWT", r.str(t, "jwt")).do("GET", "/locale", nil), 200, "")
		expect(t, s.client(t, c.project).with("X-Appwrite-Key", c.key("locale.read")).do("GET", "/locale/languages", nil), 200, "")
		expect(t, s.client(t, c.project).with("X-Appwrite-Key", c.key("users.read")).do("GET", "/locale/languages", nil), 401, "general_unauthorized_scope")
		// No project, an unknown route under /locale, a disabled service.
		expect(t, s.client(t, "").do("GET", "/locale", nil), 404, "project_not_found")
		expect(t, c.do("GET", "/locale/nowhere", nil), 404, "general_route_not_found")
		expect(t, c.do("POST", "/locale", nil), 404, "general_route_not_found")
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/service", map[string]any{"service": "locale", "status": false}), 200, "")
		expect(t, s.client(t, c.project).do("GET", "/locale/currencies", nil), 403, "general_service_disabled")
	})
}

// list decodes a list response: its total and its items.
func list[T any](t *testing.T, r *resp, key string) (int, []T) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	var total int
	var items []T
	if err := json.Unmarshal(m["total"], &total); err != nil {
		t.Fatalf("total of %s: %v", r.body, err)
	}
	if err := json.Unmarshal(m[key], &items); err != nil {
		t.Fatalf("%s of %.200s: %v", key, r.body, err)
	}
	if len(m) != 2 || total != len(items) {
		t.Fatalf("list %.300s: total %d, %d items, keys %d", r.body, total, len(items), len(m))
	}
	return total, items
}

type named struct{ Name, Code string }

func TestLocaleLists(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		es := c.with("X-Appwrite-Locale", "es")
		get := func(g *client, path string) *resp {
			r := g.do("GET", path, nil)
			expect(t, r, 200, "")
			return r
		}

		n, countries := list[named](t, get(c, "/locale/countries"), "countries")
		if n < 240 || countries[0] != (named{"Afghanistan", "AF"}) {
			t.Errorf("countries: %d, first %+v", n, countries[0])
		}
		if _, countries = list[named](t, get(es, "/locale/countries"), "countries"); countries[0] != (named{"Afganistán", "AF"}) {
			t.Errorf("countries in Spanish: first %+v", countries[0])
		}
		n, eu := list[named](t, get(c, "/locale/countries/eu"), "countries")
		if n != 27 || eu[0] != (named{"Austria", "AT"}) {
			t.Errorf("EU: %d, first %+v", n, eu[0])
		}
		for _, m := range eu {
			if m.Code == "GB" {
				t.Error("the United Kingdom left the EU in 2020")
			}
		}
		if _, eu = list[named](t, get(es, "/locale/countries/eu"), "countries"); eu[0] != (named{"Alemania", "DE"}) {
			t.Errorf("EU in Spanish: first %+v", eu[0])
		}
		n, continents := list[named](t, get(c, "/locale/continents"), "continents")
		if n != 7 || continents[0] != (named{"Africa", "AF"}) {
			t.Errorf("continents: %d, first %+v", n, continents[0])
		}
		if _, continents = list[named](t, get(es, "/locale/continents"), "continents"); continents[0] != (named{"América del Norte", "NA"}) {
			t.Errorf("continents in Spanish: first %+v", continents[0])
		}

		type phone struct{ Code, CountryCode, CountryName string }
		n, phones := list[phone](t, get(c, "/locale/countries/phones"), "phones")
		byCountry := map[string]phone{}
		for _, p := range phones {
			byCountry[p.CountryCode] = p
		}
		if n < 230 || phones[0].Code != "+1" || byCountry["DE"] != (phone{"+49", "DE", "Germany"}) || byCountry["US"].Code != "+1" {
			t.Errorf("phones: %d, first %+v, DE %+v", n, phones[0], byCountry["DE"])
		}

		type currency struct {
			Symbol        string  `json:"symbol"`
			Name          string  `json:"name"`
			SymbolNative  string  `json:"symbolNative"`
			DecimalDigits int     `json:"decimalDigits"`
			Rounding      float64 `json:"rounding"`
			Code          string  `json:"code"`
			NamePlural    string  `json:"namePlural"`
		}
		n, currencies := list[currency](t, get(es, "/locale/currencies"), "currencies")
		byCode := map[string]currency{}
		for _, cu := range currencies {
			byCode[cu.Code] = cu
		}
		if n < 100 || byCode["USD"] != (currency{"$", "US Dollar", "$", 2, 0, "USD", "US dollars"}) ||
			byCode["JPY"].DecimalDigits != 0 || byCode["CAD"].Symbol != "CA$" || byCode["CAD"].SymbolNative != "$" ||
			byCode["EUR"].NamePlural != "euros" {
			t.Errorf("currencies: %d, USD %+v, JPY %+v, CAD %+v", n, byCode["USD"], byCode["JPY"], byCode["CAD"])
		}

		type language struct{ Name, Code, NativeName string }
		n, languages := list[language](t, get(c, "/locale/languages"), "languages")
		if n < 150 || languages[0] != (language{"Afar", "aa", "Afar"}) || languages[n-1] != (language{"Zulu", "zu", "isiZulu"}) {
			t.Errorf("languages: %d, first %+v, last %+v", n, languages[0], languages[n-1])
		}

		n, codes := list[named](t, get(c, "/locale/codes"), "localeCodes")
		found := map[string]string{}
		for _, lc := range codes {
			found[lc.Code] = lc.Name
		}
		if n < 100 || found["es"] != "Spanish" || found["pt"] != "Portuguese" || found["en"] != "English" {
			t.Errorf("codes: %d, es %q", n, found["es"])
		}
	})
}
