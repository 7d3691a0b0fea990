// Package password hashes new passwords with argon2id and verifies stored
// hashes. Hashing is deliberately slow and memory-hungry, so it runs in a
// pool bounded by the CPU count: a flood of sign-ins queues here instead of
// starving the cheap requests (session checks) of CPU and memory.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost settings.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// OWASP's minimum recommendation for argon2id.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// ErrMalformed means a stored hash could not be parsed.
var ErrMalformed = errors.New("password: malformed hash")

// Hasher hashes and verifies passwords within a bounded pool.
type Hasher struct {
	p       Params
	slots   chan struct{}
	waiting atomic.Int64
}

// NewHasher returns a Hasher running at most workers hashes at once
// (0 means one per CPU).
func NewHasher(p Params, workers int) *Hasher {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &Hasher{p: p, slots: make(chan struct{}, workers)}
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.p }

// Waiting is how many callers are queued for a slot (a metric).
func (h *Hasher) Waiting() int64 { return h.waiting.Load() }

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	h.waiting.Add(1)
	defer h.waiting.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns a PHC string: $argon2id$v=19$m=...,t=...,p=...$salt$hash.
func (h *Hasher) Hash(ctx context.Context, plain string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return hashArgon2id(plain, h.p), nil
}

func hashArgon2id(plain string, p Params) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(plain), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}

// Verify checks plain against a stored hash of the given algorithm (the
// User.hash name). It reports whether they match and whether the hash
// should be replaced by a fresh one with the current parameters.
func (h *Hasher) Verify(ctx context.Context, algo, stored string, plain string) (ok, rehash bool, err error) {
	if stored == "" {
		return false, false, nil
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	switch algo {
	case "argon2", "":
		p, ok, err := verifyArgon2(stored, plain)
		if err != nil || !ok {
			return false, false, err
		}
		return true, p != h.p, nil
	}
	return false, false, fmt.Errorf("password: unsupported hash %q", algo)
}

// verifyArgon2 checks a PHC argon2id or argon2i string with whatever
// parameters it carries.
func verifyArgon2(stored, plain string) (Params, bool, error) {
	parts := strings.Split(stored, "$")
	if len(parts) != 6 || (parts[1] != "argon2id" && parts[1] != "argon2i") {
		return Params{}, false, ErrMalformed
	}
	var p Params
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, false, ErrMalformed
		}
		switch k {
		case "m":
			p.MemoryKiB = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return p, false, ErrMalformed
			}
			p.Threads = uint8(n)
		}
	}
	// Refuse parameters that would let a crafted imported hash exhaust
	// memory or CPU at sign-in.
	if p.MemoryKiB == 0 || p.MemoryKiB > 256*1024 || p.Time == 0 || p.Time > 16 || p.Threads == 0 || p.Threads > 16 {
		return p, false, ErrMalformed
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(strings.TrimRight(parts[4], "="))
	if err != nil {
		return p, false, ErrMalformed
	}
	want, err := enc.DecodeString(strings.TrimRight(parts[5], "="))
	if err != nil || len(want) < 4 || len(want) > 1024 {
		return p, false, ErrMalformed
	}
	var got []byte
	if parts[1] == "argon2id" {
		got = argon2.IDKey([]byte(plain), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	} else {
		got = argon2.Key([]byte(plain), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	}
	return p, subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Options is the hashOptions object Gatehouse reports for its own hashes.
func (h *Hasher) Options() []byte {
	return []byte(fmt.Sprintf(`{"type":"argon2","memoryCost":%d,"timeCost":%d,"threads":%d}`, h.p.MemoryKiB, h.p.Time, h.p.Threads))
}
