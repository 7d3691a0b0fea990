package locale

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestCallingCodesMatchPhonenumbers: the generated table holds exactly
// the calling codes of the phonenumbers release go.mod names, so a
// module update without `go generate` fails here.
func TestCallingCodesMatchPhonenumbers(t *testing.T) {
	want := 0
	for r := range phonenumbers.GetSupportedRegions() {
		code := phonenumbers.GetCountryCodeForRegion(r)
		if code != 0 {
			want++
		}
		if got := callingCodeOf(r); got != code {
			t.Errorf("%s: %d in callingcodes_gen.go, %d in phonenumbers (run go generate -run gencodes ./internal/locale)", r, got, code)
		}
	}
	if len(callingCodes) != want {
		t.Errorf("callingcodes_gen.go has %d regions, phonenumbers %d", len(callingCodes), want)
	}
	for _, r := range []string{"", "ZZ", "us", "USA"} {
		if got := callingCodeOf(r); got != 0 {
			t.Errorf("callingCodeOf(%q) = %d, want 0", r, got)
		}
	}
}
