// Package password hashes new passwords with argon2id and verifies stored
// hashes: Gatehouse's own argon2id ones and every kind Appwrite's Users API
// imports (argon2, bcrypt, md5, sha, phpass, scrypt, Firebase's modified
// scrypt). Hashing is deliberately slow and memory-hungry, so it runs in a
// pool bounded by the CPU count: a flood of sign-ins queues here instead of
// starving the cheap requests (session checks) of CPU and memory.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Algorithm names, as stored in User.hash.
const (
	Argon2    = "argon2"
	Bcrypt    = "bcrypt"
	MD5       = "md5"
	SHA       = "sha"
	PHPass    = "phpass"
	Scrypt    = "scrypt"
	ScryptMod = "scryptMod"
	// Plaintext is Appwrite's internal alias for "hash with the default";
	// a plaintext password is never stored, so it never verifies.
	Plaintext = "plaintext"
)

// Params are argon2id's cost settings.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// OWASP's minimum recommendation for argon2id.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// ErrMalformed means a stored hash or its options could not be parsed, or
// ask for more work than Gatehouse allows (see limits).
var ErrMalformed = errors.New("password: malformed hash")

// ErrUnsupported means the stored algorithm is not one Gatehouse verifies.
var ErrUnsupported = errors.New("password: unsupported hash algorithm")

// limits bound the work a stored hash may ask for at sign-in, so a crafted
// or careless import cannot exhaust memory or CPU. NewImported applies the
// same limits, so an accepted import always verifies.
type limits struct {
	argon2MemoryKiB uint32
	argon2Time      uint32
	argon2Threads   uint8
	bcryptCost      int   // PHP allows up to 31: 2^31 rounds
	phpassLog2      int   // phpass allows up to 30: 2^30 MD5s
	scryptMemory    int64 // 128*N*r bytes
	scryptWork      int64 // N*r*p
	material        int   // longest salt, key or digest in bytes
}

var defaultLimits = limits{
	argon2MemoryKiB: 256 * 1024,
	argon2Time:      16,
	argon2Threads:   16,
	bcryptCost:      16,
	phpassLog2:      24,
	scryptMemory:    256 << 20,
	scryptWork:      1 << 22, // 32 times Firebase's N=2^14, r=8, p=1
	material:        1024,
}

// Hasher hashes and verifies passwords, a bounded number at once, each on
// its caller's goroutine. With UseChild (what serve does) the
// work runs in a child process at the lowest CPU priority (child.go), so
// the operating system runs session checks first and a flood of sign-ins
// queues here instead of slowing every other request. In-process (tests,
// or when no child can start) hashing runs at normal priority: lowering
// the workers' own threads would not reach x/crypto's goroutines, and
// locking workers to threads made each hash 40% slower.
type Hasher struct {
	p       Params
	slots   chan struct{} // jobs in flight: workers, twice that with a child
	workers int
	waiting atomic.Int64
	// verified counts the checks that ran (a metric): a sign-in with an
	// unknown email spends one on a dummy hash, like a wrong password.
	verified atomic.Int64
	child    *childPool    // nil: hash in-process (see UseChild)
	local    chan struct{} // bounds in-process hashing to workers
}

// NewHasher returns a Hasher running at most workers hashes at once
// (0 means one per CPU).
func NewHasher(p Params, workers int) *Hasher {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	return &Hasher{p: p, slots: make(chan struct{}, workers), workers: workers, local: make(chan struct{}, workers)}
}

// compute runs fn in this process, at most workers at a time (in child
// mode more jobs are in flight than may compute here).
func (h *Hasher) compute(fn func()) {
	h.local <- struct{}{}
	defer func() { <-h.local }()
	fn()
}

// Workers is how many hashes run at once.
func (h *Hasher) Workers() int { return h.workers }

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.p }

// Waiting is how many callers wait for a slot (a metric).
func (h *Hasher) Waiting() int64 { return h.waiting.Load() }

// Verifications is how many password checks have run (a metric).
func (h *Hasher) Verifications() int64 { return h.verified.Load() }

// run runs fn once a slot is free. Waiting for the slot honours ctx; once
// started, fn runs to the end. fn runs on the caller's goroutine: handing
// it to a worker goroutine cost two more goroutine wake-ups per sign-in,
// each of which can take a core from the hashing child.
func (h *Hasher) run(ctx context.Context, fn func()) error {
	select {
	case h.slots <- struct{}{}:
	default:
		h.waiting.Add(1)
		select {
		case h.slots <- struct{}{}:
			h.waiting.Add(-1)
		case <-ctx.Done():
			h.waiting.Add(-1)
			return ctx.Err()
		}
	}
	defer func() { <-h.slots }()
	fn()
	return nil
}

// Hash returns a PHC string: $argon2id$v=19$m=...,t=...,p=...$salt$hash.
func (h *Hasher) Hash(ctx context.Context, plain string) (string, error) {
	var out string
	err := h.run(ctx, func() { out = h.hashIn(plain) })
	return out, err
}

func hashArgon2id(plain string, p Params) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(plain), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}

// Options is the hashOptions object Gatehouse reports for its own hashes.
func (h *Hasher) Options() []byte {
	return argon2Options(h.p)
}

func argon2Options(p Params) []byte {
	return []byte(fmt.Sprintf(`{"type":"argon2","memoryCost":%d,"timeCost":%d,"threads":%d}`, p.MemoryKiB, p.Time, p.Threads))
}

// Verify checks plain against a stored hash of the given algorithm (the
// User.hash name; "" means argon2) with its User.hashOptions (raw JSON; nil
// when absent). It reports whether they match and, on a match, whether the
// hash should be replaced by a fresh argon2id one with the current
// parameters: always for an imported (non-argon2) hash, and for argon2i or
// other parameters. An empty stored hash never matches.
//
// A stored value that cannot be parsed, or asks for more work than
// Gatehouse allows, returns an error wrapping ErrMalformed; an unknown
// algorithm (and "plaintext", which is never stored) one wrapping
// ErrUnsupported. The limits are: argon2 m ≤ 256 MiB, t ≤ 16, p ≤ 16;
// bcrypt cost ≤ 16; phpass 2^N with N ≤ 24; scrypt N a power of two in
// 2..2^20, 128·N·r ≤ 256 MiB, N·r·p ≤ 2^22, length 16..512.
//
// Every verify takes a slot of the pool; waiting for one honours ctx.
func (h *Hasher) Verify(ctx context.Context, algo, stored string, options json.RawMessage, plain string) (ok, rehash bool, err error) {
	if stored == "" {
		return false, false, nil
	}
	if rerr := h.run(ctx, func() {
		ok, rehash, err = h.verifyIn(algo, stored, options, plain)
		h.verified.Add(1)
	}); rerr != nil {
		return false, false, rerr
	}
	return ok, rehash, err
}

// verify does the work of Verify. cur are the parameters new hashes get.
func verify(algo, stored string, options json.RawMessage, plain string, cur Params, lim *limits) (ok, rehash bool, err error) {
	switch algo {
	case Argon2, "":
		a, err := parseArgon2(stored, lim)
		if err != nil {
			return false, false, err
		}
		ok := a.verify(plain)
		return ok, ok && (a.variant != "argon2id" || a.p != cur), nil
	case Bcrypt:
		ok, err = verifyBcrypt(stored, plain, lim)
	case MD5:
		ok, err = verifyMD5(stored, plain)
	case SHA:
		ok, err = verifySHA(stored, options, plain)
	case PHPass:
		ok, err = verifyPHPass(stored, plain, lim)
	case Scrypt:
		ok, err = verifyScrypt(stored, options, plain, lim)
	case ScryptMod:
		ok, err = verifyScryptMod(stored, options, plain, lim)
	case Plaintext:
		return false, false, fmt.Errorf("%w: plaintext passwords are never stored", ErrUnsupported)
	default:
		return false, false, fmt.Errorf("%w: %q", ErrUnsupported, algo)
	}
	if err != nil {
		return false, false, err
	}
	return ok, ok, nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// argon2Hash is a parsed PHC argon2 string.
type argon2Hash struct {
	variant   string // "argon2id" or "argon2i"
	p         Params
	salt, key []byte
}

// parseArgon2 parses a PHC argon2id or argon2i string (version 19) with
// whatever parameters it carries, within the limits.
func parseArgon2(stored string, lim *limits) (argon2Hash, error) {
	var a argon2Hash
	parts := strings.Split(stored, "$")
	if len(parts) != 6 || parts[0] != "" || (parts[1] != "argon2id" && parts[1] != "argon2i") {
		return a, malformed("not a PHC argon2 string")
	}
	a.variant = parts[1]
	if parts[2] != "v=19" {
		return a, malformed("argon2 version must be v=19")
	}
	var seen [3]bool
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return a, malformed("argon2 parameter %q", kv)
		}
		i := strings.Index("mtp", k)
		if len(k) != 1 || i < 0 || seen[i] {
			return a, malformed("argon2 parameter %q", kv)
		}
		seen[i] = true
		switch k {
		case "m":
			a.p.MemoryKiB = uint32(n)
		case "t":
			a.p.Time = uint32(n)
		case "p":
			if n > 255 {
				return a, malformed("argon2 threads %d", n)
			}
			a.p.Threads = uint8(n)
		}
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return a, malformed("argon2 needs m, t and p")
	}
	p := a.p
	if p.MemoryKiB == 0 || p.MemoryKiB > lim.argon2MemoryKiB || p.Time == 0 || p.Time > lim.argon2Time ||
		p.Threads == 0 || p.Threads > lim.argon2Threads {
		return a, malformed("argon2 parameters m=%d,t=%d,p=%d out of bounds", p.MemoryKiB, p.Time, p.Threads)
	}
	enc := base64.RawStdEncoding
	var err error
	if a.salt, err = enc.DecodeString(strings.TrimRight(parts[4], "=")); err != nil || len(a.salt) > lim.material {
		return a, malformed("argon2 salt")
	}
	a.key, err = enc.DecodeString(strings.TrimRight(parts[5], "="))
	if err != nil || len(a.key) < 4 || len(a.key) > lim.material {
		return a, malformed("argon2 hash")
	}
	return a, nil
}

func (a argon2Hash) verify(plain string) bool {
	n := uint32(len(a.key))
	var got []byte
	if a.variant == "argon2id" {
		got = argon2.IDKey([]byte(plain), a.salt, a.p.Time, a.p.MemoryKiB, a.p.Threads, n)
	} else {
		got = argon2.Key([]byte(plain), a.salt, a.p.Time, a.p.MemoryKiB, a.p.Threads, n)
	}
	return subtle.ConstantTimeCompare(got, a.key) == 1
}
