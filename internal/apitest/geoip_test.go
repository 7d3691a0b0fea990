package apitest

import (
	"encoding/json"
	"strings"
	"testing"
)

// The shared test servers read the GeoIP database of mmdbtest:
// 203.0.113.0/24 is Germany, 198.51.100.0/24 France, 2001:db8:1::/48
// Japan; loopback and 192.0.2.0/24 are in no country. The test clients
// connect from loopback, a trusted proxy by default, so X-Forwarded-For
// names the address.

// clientCountry is the country fields of a session or log.
type clientCountry struct {
	IP          string `json:"ip"`
	CountryCode string `json:"countryCode"`
	CountryName string `json:"countryName"`
}

func countryOf(t *testing.T, r *resp) clientCountry {
	t.Helper()
	var c clientCountry
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return c
}

func TestSessionsAndLogsCarryTheCountry(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		de := c.with("X-Forwarded-For", "203.0.113.9")
		r := de.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
		expect(t, r, 201, "")
		if got := countryOf(t, r); got != (clientCountry{"203.0.113.9", "de", "Germany"}) {
			t.Fatalf("created session %+v", got)
		}
		sid := r.str(t, "$id")

		// Read back, the name follows the reader's X-Appwrite-Locale; the
		// stored code does not change.
		de.headers["X-Appwrite-Locale"] = "es"
		r = de.do("GET", "/account/sessions/"+sid, nil)
		delete(de.headers, "X-Appwrite-Locale")
		expect(t, r, 200, "")
		if got := countryOf(t, r); got.CountryCode != "de" || got.CountryName != "Alemania" {
			t.Fatalf("session in Spanish %+v", got)
		}

		// An address in no country, and IPv6.
		for ip, want := range map[string]clientCountry{
			"192.0.2.44":    {"192.0.2.44", "--", "Unknown"},
			"2001:db8:1::7": {"2001:db8:1::7", "jp", "Japan"},
			"2001:db8:ff::": {"2001:db8:ff::", "--", "Unknown"}, // "ZZ" in the database: no country
		} {
			r := c.with("X-Forwarded-For", ip).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
			expect(t, r, 201, "")
			if got := countryOf(t, r); got != want {
				t.Fatalf("session from %s: %+v, want %+v", ip, got, want)
			}
		}

		// The security log keeps where each event came from.
		r = de.do("GET", "/account/logs", nil)
		expect(t, r, 200, "")
		var logs struct {
			Logs []struct {
				Event string `json:"event"`
				clientCountry
			} `json:"logs"`
		}
		if err := json.Unmarshal(r.body, &logs); err != nil {
			t.Fatal(err)
		}
		seen := map[string]string{}
		for _, l := range logs.Logs {
			seen[l.IP] = l.CountryCode + "/" + l.CountryName
		}
		if seen["203.0.113.9"] != "de/Germany" || seen["2001:db8:1::7"] != "jp/Japan" || seen["192.0.2.44"] != "--/Unknown" {
			t.Fatalf("logs %s", r.body)
		}

		// The Users API shows the same, named in the caller's language.
		k := c.with("X-Appwrite-Key", c.key("users.read")).with("X-Appwrite-Locale", "de")
		r = k.do("GET", "/users/"+uid+"/sessions", nil)
		expect(t, r, 200, "")
		if !strings.Contains(string(r.body), `"countryCode":"de","countryName":"Deutschland"`) {
			t.Fatalf("users sessions %s", r.body)
		}
		r = k.do("GET", "/users/"+uid+"/logs", nil)
		expect(t, r, 200, "")
		if !strings.Contains(string(r.body), `"countryCode":"jp","countryName":"Japan"`) {
			t.Fatalf("users logs %s", r.body)
		}
	})
}

// An X-Forwarded-For from an untrusted peer names no country: the
// session is where the connection comes from (loopback, no country).
func TestForwardedCountryNeedsATrustedProxy(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{noProxies: true})
			c := s.newProject(t)
			mail := email()
			c.signUp(mail, "correct horse")
			r := c.with("X-Forwarded-For", "203.0.113.9").do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
			expect(t, r, 201, "")
			if got := countryOf(t, r); got != (clientCountry{"127.0.0.1", "--", "Unknown"}) {
				t.Fatalf("session %+v", got)
			}
		})
	}
}

// Without GATEHOUSE_GEOIP_DB every country is unknown.
func TestNoGeoIPDatabase(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{noGeoIP: true})
			c := s.newProject(t)
			mail := email()
			c.signUp(mail, "correct horse")
			de := c.with("X-Forwarded-For", "203.0.113.9")
			r := de.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
			expect(t, r, 201, "")
			if got := countryOf(t, r); got != (clientCountry{"203.0.113.9", "--", "Unknown"}) {
				t.Fatalf("session %+v", got)
			}
			r = de.do("GET", "/locale", nil)
			expect(t, r, 200, "")
			if string(r.body) != `{"ip":"203.0.113.9","countryCode":"--","country":"Unknown","continentCode":"--","continent":"Unknown","eu":false,"currency":""}` {
				t.Fatalf("locale %s", r.body)
			}
		})
	}
}

func TestSessionAlertNamesTheCountry(t *testing.T) {
	eachEngineOneWorker(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		c.setAuth("session-alerts", map[string]any{"alerts": true})
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse") // the first session: no alert
		c.with("X-Forwarded-For", "198.51.100.3").signIn(mail, "correct horse")
		m := s.mailTo(t, mail)
		if !strings.Contains(m.Text, "198.51.100.3") || !strings.Contains(m.Text, "France") {
			t.Fatalf("alert mail %q", m.Text)
		}
	})
}
