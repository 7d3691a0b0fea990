// Package geoip tells which country an IP address is in, from a
// MaxMind-format (.mmdb) country database the operator provides
// (GATEHOUSE_GEOIP_DB), such as MaxMind's GeoLite2 Country or DB-IP's
// IP to Country Lite. Gatehouse ships no database; without one every
// address is in an unknown country.
//
// The rest of Gatehouse sees only the Locator interface, never the
// database library.
package geoip

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// Locator finds the country of an address.
type Locator interface {
	// Country returns the ISO 3166-1 alpha-2 code, in upper case, of the
	// country ip is in; ok is false when the address is not valid or not
	// in the database.
	Country(ip string) (code string, ok bool)
}

// None is the Locator used without a database: every country is unknown.
type None struct{}

// Country always reports an unknown country.
func (None) Country(string) (string, bool) { return "", false }

// DB is an open country database. It is safe for concurrent use.
type DB struct {
	r *maxminddb.Reader
}

// Open opens the database at path. It fails when the file is not a
// MaxMind-format database holding country records.
func Open(path string) (*DB, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geoip: open %s: %w", path, err)
	}
	return check(r)
}

// OpenBytes reads a database held in memory.
func OpenBytes(b []byte) (*DB, error) {
	r, err := maxminddb.OpenBytes(b)
	if err != nil {
		return nil, fmt.Errorf("geoip: %w", err)
	}
	return check(r)
}

// check refuses databases that cannot answer country questions, so a
// wrong file (an ASN database, say) fails at start rather than leaving
// every address unknown.
func check(r *maxminddb.Reader) (*DB, error) {
	t := strings.ToLower(r.Metadata.DatabaseType)
	if !strings.Contains(t, "country") && !strings.Contains(t, "city") && !strings.Contains(t, "location") {
		r.Close()
		return nil, fmt.Errorf("geoip: database type %q has no countries (want a Country or City database)", r.Metadata.DatabaseType)
	}
	return &DB{r: r}, nil
}

// Close releases the database.
func (d *DB) Close() error { return d.r.Close() }

// record is the part of a country or city record Gatehouse reads.
type record struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	RegisteredCountry struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
}

// errNoCode marks a record without a usable country code.
var errNoCode = errors.New("no country code")

// Country looks ip up. An address the database has no country for (a
// satellite provider, an anonymous proxy) falls back to the country the
// network is registered in, as MaxMind advises.
func (d *DB) Country(ip string) (string, bool) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return "", false
	}
	var rec record
	res := d.r.Lookup(addr.WithZone("").Unmap())
	if !res.Found() {
		return "", false
	}
	if err := res.Decode(&rec); err != nil {
		return "", false
	}
	code, err := isoCode(rec.Country.ISOCode)
	if err != nil {
		code, err = isoCode(rec.RegisteredCountry.ISOCode)
	}
	return code, err == nil
}

// isoCode accepts two ASCII letters and returns them in upper case.
func isoCode(s string) (string, error) {
	if len(s) != 2 || !letter(s[0]) || !letter(s[1]) {
		return "", errNoCode
	}
	return strings.ToUpper(s), nil
}

func letter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
