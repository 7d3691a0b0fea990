package password

import (
	"crypto/md5"
	"crypto/subtle"
	"errors"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// bcryptCost checks a modular-crypt bcrypt string, $2a$, $2b$ or $2y$
// followed by a two-digit cost, '$', and 53 characters of bcrypt's base64
// (22 of salt, 31 of hash), and returns its cost. $2x$ (PHP's mode for
// hashes made by the sign-extension bug) is not supported.
func bcryptCost(stored string, lim *limits) (int, error) {
	if len(stored) != 60 || stored[0] != '$' || stored[1] != '2' || strings.IndexByte("aby", stored[2]) < 0 ||
		stored[3] != '$' || stored[6] != '$' {
		return 0, malformed("not a $2a$, $2b$ or $2y$ bcrypt string")
	}
	cost, err := strconv.Atoi(stored[4:6])
	if err != nil || stored[4] < '0' || stored[4] > '9' || cost < bcrypt.MinCost || cost > lim.bcryptCost {
		return 0, malformed("bcrypt cost %q out of bounds", stored[4:6])
	}
	for i := 7; i < len(stored); i++ {
		if strings.IndexByte(bcryptAlphabet, stored[i]) < 0 {
			return 0, malformed("bcrypt string has a character outside its alphabet")
		}
	}
	return cost, nil
}

const bcryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// verifyBcrypt checks a bcrypt string. $2a$, $2b$ and $2y$ name the same
// algorithm (the letters only record which implementation bugs were
// fixed), so the string is handed to x/crypto/bcrypt as $2a$. Like PHP's
// password_verify, only the first 72 bytes of the password count.
func verifyBcrypt(stored, plain string, lim *limits) (bool, error) {
	if _, err := bcryptCost(stored, lim); err != nil {
		return false, err
	}
	h := []byte(stored)
	h[2] = 'a'
	pw := []byte(plain)
	if len(pw) > 72 {
		pw = pw[:72]
	}
	err := bcrypt.CompareHashAndPassword(h, pw)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, malformed("bcrypt: %v", err)
	}
}

// itoa64 is phpass's alphabet for its own base64 and for the iteration
// count character.
const itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// phpassLog2 checks a portable phpass string and returns its iteration
// count log2: "$P$" (phpBB: "$H$"), one itoa64 character whose index N
// gives 2^N rounds (7 ≤ N ≤ 30 in phpass), an 8-character salt, and 22
// itoa64 characters encoding the 16-byte MD5 result: 34 in all.
func phpassLog2(stored string, lim *limits) (int, error) {
	if len(stored) != 34 || (stored[:3] != "$P$" && stored[:3] != "$H$") {
		return 0, malformed("not a portable phpass string")
	}
	n := strings.IndexByte(itoa64, stored[3])
	if n < 7 || n > lim.phpassLog2 {
		return 0, malformed("phpass iteration count out of bounds")
	}
	return n, nil
}

// verifyPHPass checks a phpass hash: a bcrypt string (phpass's preferred
// form) with bcrypt, otherwise the portable MD5 form. phpass's other
// crypt(3) fallbacks (extended DES) are not supported.
func verifyPHPass(stored, plain string, lim *limits) (bool, error) {
	if strings.HasPrefix(stored, "$2") {
		return verifyBcrypt(stored, plain, lim)
	}
	n, err := phpassLog2(stored, lim)
	if err != nil {
		return false, err
	}
	got := phpassCrypt(plain, stored[:12], n)
	return subtle.ConstantTimeCompare([]byte(got), []byte(stored)) == 1, nil
}

// phpassCrypt is phpass's portable crypt_private: with the 8-character
// salt at setting[4:12], hash = md5(salt‖password), then 2^log2 times
// hash = md5(hash‖password); the result is the 12-character setting
// followed by the itoa64 encoding of the final 16 bytes.
func phpassCrypt(plain, setting string, log2 int) string {
	h := md5.Sum([]byte(setting[4:12] + plain))
	buf := make([]byte, md5.Size+len(plain))
	copy(buf[md5.Size:], plain)
	for n := 1 << log2; n > 0; n-- {
		copy(buf, h[:])
		h = md5.Sum(buf)
	}
	return setting + phpassEncode64(h[:])
}

// phpassEncode64 is phpass's encode64: little-endian groups of three bytes
// become four itoa64 characters, least significant six bits first; a
// final partial group gives two or three characters.
func phpassEncode64(in []byte) string {
	out := make([]byte, 0, (len(in)*4+2)/3)
	for i := 0; i < len(in); i += 3 {
		v := uint32(in[i])
		if i+1 < len(in) {
			v |= uint32(in[i+1]) << 8
		}
		if i+2 < len(in) {
			v |= uint32(in[i+2]) << 16
		}
		out = append(out, itoa64[v&0x3f], itoa64[v>>6&0x3f])
		if i+1 < len(in) {
			out = append(out, itoa64[v>>12&0x3f])
		}
		if i+2 < len(in) {
			out = append(out, itoa64[v>>18&0x3f])
		}
	}
	return string(out)
}
