// Package secret makes the random values Gatehouse hands out (ids, session
// and token secrets, API keys) and the one-way hashes it stores instead of
// them. Every secret carries at least 128 random bits.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"sync/atomic"
	"time"
)

// Hex returns n random bytes as lower-case hex.
func Hex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails on supported platforms (Go 1.24+ crashes instead)
	return hex.EncodeToString(b)
}

// Hash is the stored form of a secret: lower-case hex SHA-256, as Appwrite
// stores session and token secrets. Secrets have 128+ bits of entropy, so a
// fast hash is enough; passwords use the password package instead.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Equal compares two strings in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

var idSeq atomic.Uint32

// ID returns a 20-character hex id shaped like Appwrite's: 13 hex digits of
// the time in microseconds-ish (PHP uniqid), then 7 random hex digits.
// Ids sort roughly by creation time.
func ID() string {
	now := time.Now()
	sec := strconv.FormatInt(now.Unix(), 16)
	usec := strconv.FormatInt(int64(now.Nanosecond()/1000), 16)
	for len(usec) < 5 {
		usec = "0" + usec
	}
	head := sec + usec
	for len(head) < 13 {
		head = "0" + head
	}
	// A per-process counter in the random part keeps ids made in the
	// same microsecond distinct even if the random bytes collide.
	var b [4]byte
	rand.Read(b[:])
	b[3] ^= byte(idSeq.Add(1))
	return head[len(head)-13:] + hex.EncodeToString(b[:])[:7]
}

// Digits returns n random decimal digits (one-time codes).
func Digits(n int) string {
	b := make([]byte, n)
	buf := make([]byte, n)
	rand.Read(buf)
	for i := range b {
		// 250 is the largest multiple of 10 below 256: re-draw above it so
		// every digit is equally likely.
		for buf[i] >= 250 {
			rand.Read(buf[i : i+1])
		}
		b[i] = '0' + buf[i]%10
	}
	return string(b)
}
