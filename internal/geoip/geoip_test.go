package geoip_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/geoip"
	"github.com/gatehouse-auth/gatehouse/internal/geoip/mmdbtest"
)

func open(t *testing.T) *geoip.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.mmdb")
	if err := mmdbtest.WriteFile(path, mmdbtest.Networks); err != nil {
		t.Fatal(err)
	}
	db, err := geoip.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCountry(t *testing.T) {
	db := open(t)
	for ip, want := range map[string]string{
		"203.0.113.7":        "DE",
		"198.51.100.1":       "FR",
		"::ffff:203.0.113.9": "DE",
		"2001:db8:1::5":      "JP",
		"2001:db8:2:3::1":    "BR",
		"fe80::1%eth0":       "",
		"192.0.2.1":          "",
		"127.0.0.1":          "",
		"not an address":     "",
		"":                   "",
	} {
		got, ok := db.Country(ip)
		if got != want || ok != (want != "") {
			t.Errorf("Country(%q) = %q, %v; want %q", ip, got, ok, want)
		}
	}
	if code, ok := (geoip.None{}).Country("203.0.113.7"); ok || code != "" {
		t.Errorf("None found %q", code)
	}
}

func TestOpenRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.mmdb")
	if err := os.WriteFile(junk, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := geoip.Open(junk); err == nil {
		t.Error("opened a file that is not a database")
	}
	if _, err := geoip.Open(filepath.Join(dir, "missing.mmdb")); err == nil {
		t.Error("opened a missing file")
	}
}

// FuzzDatabase feeds damaged databases to the reader: opening and looking
// up must fail cleanly, never panic.
func FuzzDatabase(f *testing.F) {
	b, err := mmdbtest.Build(mmdbtest.Networks)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, 0, byte(0))
	f.Add(b, len(b)/2, byte(0xff))
	f.Add(b, len(b)-40, byte(0x7f))
	f.Fuzz(func(t *testing.T, data []byte, at int, v byte) {
		data = append([]byte(nil), data...)
		if len(data) > 0 {
			data[uint(at)%uint(len(data))] = v
		}
		db, err := geoip.OpenBytes(data)
		if err != nil {
			return
		}
		for _, ip := range []string{"203.0.113.7", "198.51.100.1", "2001:db8:1::5", "192.0.2.1", "8.8.8.8"} {
			db.Country(ip)
		}
	})
}

func BenchmarkCountry(b *testing.B) {
	path := filepath.Join(b.TempDir(), "c.mmdb")
	if err := mmdbtest.WriteFile(path, mmdbtest.Networks); err != nil {
		b.Fatal(err)
	}
	db, err := geoip.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ReportAllocs()
	for b.Loop() {
		db.Country("203.0.113.7")
	}
}
