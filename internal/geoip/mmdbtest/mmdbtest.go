// Package mmdbtest builds small MaxMind-format country databases for
// tests, with github.com/maxmind/mmdbwriter. It is for tests only: the
// server never imports it.
package mmdbtest

import (
	"bytes"
	"fmt"
	"net"
	"os"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Networks are the addresses of the test database and their countries:
// the documentation ranges of RFC 5737 and RFC 3849, which never route
// on the internet. 192.0.2.0/24 is left out, for an address that is in
// no country.
var Networks = map[string]string{
	"203.0.113.0/24":   "DE",
	"198.51.100.0/24":  "FR",
	"2001:db8:1::/48":  "JP",
	"2001:db8:2::/48":  "BR",
	"2001:db8:ff::/48": "ZZ", // unknown region: read as no country
}

// Build returns a country database mapping each CIDR prefix of networks
// to the ISO code beside it.
func Build(networks map[string]string) ([]byte, error) {
	t, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            "Gatehouse-Test-Country",
		Description:             map[string]string{"en": "Gatehouse test countries"},
		IncludeReservedNetworks: true,
		RecordSize:              24,
	})
	if err != nil {
		return nil, err
	}
	for cidr, code := range networks {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, fmt.Errorf("mmdbtest: %w", err)
		}
		rec := mmdbtype.Map{
			"country":            mmdbtype.Map{"iso_code": mmdbtype.String(code)},
			"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String(code)},
		}
		if err := t.Insert(n, rec); err != nil {
			return nil, fmt.Errorf("mmdbtest: insert %s: %w", cidr, err)
		}
	}
	var b bytes.Buffer
	if _, err := t.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFile writes Build(networks) to path.
func WriteFile(path string, networks map[string]string) error {
	b, err := Build(networks)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
