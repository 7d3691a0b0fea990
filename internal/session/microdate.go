package session

import (
	"errors"
	"strconv"
	"time"
)

// MicroDate is a JWT NumericDate kept to the microsecond: written as
// seconds with six decimals, read back exactly (decimal digits, never
// through a float, whose rounding could move it across a revocation
// instant).
type MicroDate struct{ time.Time }

// maxSeconds bounds a MicroDate (the year 9999), so that every accepted
// value converts to microseconds without overflow.
const maxSeconds = 253402300799

var errMicroDate = errors.New("session: bad numeric date")

// MarshalJSON writes seconds.micros, e.g. 1700000000.123456.
func (d MicroDate) MarshalJSON() ([]byte, error) {
	us := d.UnixMicro()
	if us < 0 || us/1e6 > maxSeconds {
		return nil, errMicroDate
	}
	b := strconv.AppendInt(nil, us/1e6, 10)
	frac := strconv.AppendInt(nil, 1e6+us%1e6, 10) // leading zeros kept
	b = append(b, '.')
	return append(b, frac[1:]...), nil
}

// UnmarshalJSON reads a non-negative JSON number of seconds with at most
// six decimals and no exponent; anything else is refused.
func (d *MicroDate) UnmarshalJSON(b []byte) error {
	whole, frac := b, []byte(nil)
	for i, c := range b {
		if c == '.' {
			whole, frac = b[:i], b[i+1:]
			if len(frac) == 0 {
				return errMicroDate
			}
			break
		}
	}
	if len(whole) == 0 || len(whole) > 1 && whole[0] == '0' || len(frac) > 6 || !digits(whole) || !digits(frac) {
		return errMicroDate
	}
	sec, err := strconv.ParseInt(string(whole), 10, 64)
	if err != nil || sec > maxSeconds {
		return errMicroDate
	}
	var us int64
	for i := range 6 {
		us *= 10
		if i < len(frac) {
			us += int64(frac[i] - '0')
		}
	}
	d.Time = time.UnixMicro(sec*1e6 + us).UTC()
	return nil
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
