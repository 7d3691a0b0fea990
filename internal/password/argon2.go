package password

import (
	"encoding/binary"
	"math/bits"

	"golang.org/x/crypto/blake2b"
)

// This file is an Argon2 (RFC 9106, version 0x13) that computes in the
// calling goroutine. golang.org/x/crypto/argon2 starts a goroutine for
// every segment of every lane, so the work runs on whatever thread the
// Go scheduler picks; here every block is computed on the caller's
// thread, which lets the pool's workers hash on low-priority threads
// (see Hasher). Lanes are computed one after another: within a slice no
// lane reads another lane's current segment, so the order does not
// change the result. The memory can be reused from one hash to the next
// (see argon2Scratch), which also saves the page faults and garbage of a
// fresh 19 MiB per hash.
//
// Its output is checked against the RFC's test vectors and against
// x/crypto/argon2 (argon2_test.go).

// Argon2 types (the y of RFC 9106, section 3.2).
const (
	argon2d  = 0
	argon2i  = 1
	argon2id = 2
)

const (
	argon2Version  = 0x13
	blockWords     = 128 // 1 KiB blocks of 64-bit words
	syncPoints     = 4   // slices per pass
	addressesInBlk = blockWords
)

type block [blockWords]uint64

// argon2Scratch is memory kept between hashes by one worker.
type argon2Scratch struct {
	blocks []block
}

// argon2Key derives keyLen bytes. secret and data are the optional K and
// X inputs (nil for password hashing). m, t and p are the memory in KiB,
// passes and lanes; like x/crypto/argon2, m is rounded down to a multiple
// of 4p and raised to at least 8p (H0 hashes the m that was asked for).
// sc may be nil; otherwise its memory is reused and kept when it is not
// larger than keepKiB.
func argon2Key(typ int, password, salt, secret, data []byte, t, m uint32, p uint8, keyLen uint32, sc *argon2Scratch, keepKiB uint32) []byte {
	if t < 1 || p < 1 {
		panic("password: argon2 needs t ≥ 1 and p ≥ 1")
	}
	lanes := uint32(p)
	h0 := argon2H0(typ, password, salt, secret, data, t, m, lanes, keyLen)
	mem := m / (syncPoints * lanes) * (syncPoints * lanes)
	if mem < 2*syncPoints*lanes {
		mem = 2 * syncPoints * lanes
	}
	var B []block
	if sc != nil && uint32(cap(sc.blocks)) >= mem {
		B = sc.blocks[:mem]
	} else {
		B = make([]block, mem)
		if sc != nil && mem <= keepKiB {
			sc.blocks = B
		}
	}
	laneLen := mem / lanes
	segLen := laneLen / syncPoints

	// The first two blocks of each lane.
	var seed [72]byte
	copy(seed[:], h0[:])
	var buf [1024]byte
	for l := uint32(0); l < lanes; l++ {
		binary.LittleEndian.PutUint32(seed[68:], l)
		for j := uint32(0); j < 2; j++ {
			binary.LittleEndian.PutUint32(seed[64:], j)
			hPrime(buf[:], seed[:])
			loadBlock(&B[l*laneLen+j], &buf)
		}
	}

	var addr, in, zero block
	for pass := uint32(0); pass < t; pass++ {
		for slice := uint32(0); slice < syncPoints; slice++ {
			for lane := uint32(0); lane < lanes; lane++ {
				independent := typ == argon2i || (typ == argon2id && pass == 0 && slice < syncPoints/2)
				start := uint32(0)
				if independent {
					in = block{}
					in[0], in[1], in[2], in[3], in[4], in[5] = uint64(pass), uint64(lane), uint64(slice), uint64(mem), uint64(t), uint64(typ)
				}
				if pass == 0 && slice == 0 {
					start = 2
					if independent {
						nextAddresses(&addr, &in, &zero)
					}
				}
				cur := lane*laneLen + slice*segLen + start
				prev := cur - 1
				if cur%laneLen == 0 {
					prev = cur + laneLen - 1
				}
				for i := start; i < segLen; i, cur, prev = i+1, cur+1, cur {
					var rnd uint64
					if independent {
						if i%addressesInBlk == 0 {
							nextAddresses(&addr, &in, &zero)
						}
						rnd = addr[i%addressesInBlk]
					} else {
						rnd = B[prev][0]
					}
					refLane := uint32(rnd>>32) % lanes
					if pass == 0 && slice == 0 {
						refLane = lane
					}
					ref := refLane*laneLen + refIndex(pass, slice, i, segLen, laneLen, uint32(rnd), refLane == lane)
					compress(&B[cur], &B[prev], &B[ref], pass > 0)
				}
			}
		}
	}

	// XOR of the lanes' last blocks, then H' of it.
	final := B[laneLen-1]
	for l := uint32(1); l < lanes; l++ {
		last := &B[l*laneLen+laneLen-1]
		for k := range final {
			final[k] ^= last[k]
		}
	}
	for k, w := range final {
		binary.LittleEndian.PutUint64(buf[8*k:], w)
	}
	out := make([]byte, keyLen)
	hPrime(out, buf[:])
	return out
}

// argon2H0 is H0 of RFC 9106, section 3.2, step 2.
func argon2H0(typ int, password, salt, secret, data []byte, t, m, lanes, keyLen uint32) [64]byte {
	h, _ := blake2b.New512(nil)
	var w [4]byte
	put := func(v uint32) {
		binary.LittleEndian.PutUint32(w[:], v)
		h.Write(w[:])
	}
	put(lanes)
	put(keyLen)
	put(m)
	put(t)
	put(argon2Version)
	put(uint32(typ))
	for _, b := range [][]byte{password, salt, secret, data} {
		put(uint32(len(b)))
		h.Write(b)
	}
	var out [64]byte
	h.Sum(out[:0])
	return out
}

// hPrime is the variable-length hash H' of RFC 9106, section 3.3: it
// fills out with H'^len(out)(in).
func hPrime(out, in []byte) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(out)))
	if len(out) <= 64 {
		h, _ := blake2b.New(len(out), nil)
		h.Write(n[:])
		h.Write(in)
		h.Sum(out[:0])
		return
	}
	h, _ := blake2b.New512(nil)
	h.Write(n[:])
	h.Write(in)
	var v [64]byte
	h.Sum(v[:0])
	// r = ceil(len/32) - 2 blocks of 64 bytes, each giving its first 32;
	// the last hash gives the remaining len - 32r bytes whole.
	r := (len(out)+31)/32 - 2
	copy(out, v[:32])
	for i := 1; i < r; i++ {
		v = blake2b.Sum512(v[:])
		copy(out[32*i:], v[:32])
	}
	rest := len(out) - 32*r
	h, _ = blake2b.New(rest, nil)
	h.Write(v[:])
	h.Sum(out[32*r : 32*r])
}

// refIndex maps J1 to a column of the reference lane (RFC 9106,
// section 3.4.1.2).
func refIndex(pass, slice, index, segLen, laneLen, j1 uint32, sameLane bool) uint32 {
	var area uint32
	if pass == 0 {
		area = slice * segLen
	} else {
		area = laneLen - segLen
	}
	if sameLane {
		area += index - 1
	} else if index == 0 {
		area--
	}
	x := uint64(j1) * uint64(j1) >> 32
	rel := uint64(area) - 1 - (uint64(area) * x >> 32)
	var start uint32
	if pass != 0 && slice != syncPoints-1 {
		start = (slice + 1) * segLen
	}
	return uint32((uint64(start) + rel) % uint64(laneLen))
}

// nextAddresses advances the counter of the input block and computes the
// next block of addresses: G(zero, G(zero, input)).
func nextAddresses(addr, in, zero *block) {
	in[6]++
	compress(addr, zero, in, false)
	compress(addr, zero, addr, false)
}

func loadBlock(b *block, buf *[1024]byte) {
	for k := range b {
		b[k] = binary.LittleEndian.Uint64(buf[8*k:])
	}
}

// compress sets dst to G(x, y), XORed into dst's old value when xor is
// set (passes after the first, version 0x13). dst may be x or y.
func compress(dst, x, y *block, xor bool) {
	var r, q block
	for k := range r {
		r[k] = x[k] ^ y[k]
	}
	q = r
	// P on the eight rows of 16 words, then on the eight columns of
	// 2-word pairs. P is the BLAKE2b round without message words, with
	// BlaMka's multiplications (a + b becomes a + b + 2·lo32(a)·lo32(b)):
	// G on the four columns of the 4×4 matrix of words, then on its four
	// diagonals. It is written out twice so the words stay in registers.
	for i := 0; i < blockWords; i += 16 {
		v := (*[16]uint64)(q[i : i+16])
		v0, v1, v2, v3 := v[0], v[1], v[2], v[3]
		v4, v5, v6, v7 := v[4], v[5], v[6], v[7]
		v8, v9, v10, v11 := v[8], v[9], v[10], v[11]
		v12, v13, v14, v15 := v[12], v[13], v[14], v[15]
		v0 += v4 + 2*uint64(uint32(v0))*uint64(uint32(v4))
		v12 = bits.RotateLeft64(v12^v0, -32)
		v8 += v12 + 2*uint64(uint32(v8))*uint64(uint32(v12))
		v4 = bits.RotateLeft64(v4^v8, -24)
		v0 += v4 + 2*uint64(uint32(v0))*uint64(uint32(v4))
		v12 = bits.RotateLeft64(v12^v0, -16)
		v8 += v12 + 2*uint64(uint32(v8))*uint64(uint32(v12))
		v4 = bits.RotateLeft64(v4^v8, -63)
		v1 += v5 + 2*uint64(uint32(v1))*uint64(uint32(v5))
		v13 = bits.RotateLeft64(v13^v1, -32)
		v9 += v13 + 2*uint64(uint32(v9))*uint64(uint32(v13))
		v5 = bits.RotateLeft64(v5^v9, -24)
		v1 += v5 + 2*uint64(uint32(v1))*uint64(uint32(v5))
		v13 = bits.RotateLeft64(v13^v1, -16)
		v9 += v13 + 2*uint64(uint32(v9))*uint64(uint32(v13))
		v5 = bits.RotateLeft64(v5^v9, -63)
		v2 += v6 + 2*uint64(uint32(v2))*uint64(uint32(v6))
		v14 = bits.RotateLeft64(v14^v2, -32)
		v10 += v14 + 2*uint64(uint32(v10))*uint64(uint32(v14))
		v6 = bits.RotateLeft64(v6^v10, -24)
		v2 += v6 + 2*uint64(uint32(v2))*uint64(uint32(v6))
		v14 = bits.RotateLeft64(v14^v2, -16)
		v10 += v14 + 2*uint64(uint32(v10))*uint64(uint32(v14))
		v6 = bits.RotateLeft64(v6^v10, -63)
		v3 += v7 + 2*uint64(uint32(v3))*uint64(uint32(v7))
		v15 = bits.RotateLeft64(v15^v3, -32)
		v11 += v15 + 2*uint64(uint32(v11))*uint64(uint32(v15))
		v7 = bits.RotateLeft64(v7^v11, -24)
		v3 += v7 + 2*uint64(uint32(v3))*uint64(uint32(v7))
		v15 = bits.RotateLeft64(v15^v3, -16)
		v11 += v15 + 2*uint64(uint32(v11))*uint64(uint32(v15))
		v7 = bits.RotateLeft64(v7^v11, -63)
		v0 += v5 + 2*uint64(uint32(v0))*uint64(uint32(v5))
		v15 = bits.RotateLeft64(v15^v0, -32)
		v10 += v15 + 2*uint64(uint32(v10))*uint64(uint32(v15))
		v5 = bits.RotateLeft64(v5^v10, -24)
		v0 += v5 + 2*uint64(uint32(v0))*uint64(uint32(v5))
		v15 = bits.RotateLeft64(v15^v0, -16)
		v10 += v15 + 2*uint64(uint32(v10))*uint64(uint32(v15))
		v5 = bits.RotateLeft64(v5^v10, -63)
		v1 += v6 + 2*uint64(uint32(v1))*uint64(uint32(v6))
		v12 = bits.RotateLeft64(v12^v1, -32)
		v11 += v12 + 2*uint64(uint32(v11))*uint64(uint32(v12))
		v6 = bits.RotateLeft64(v6^v11, -24)
		v1 += v6 + 2*uint64(uint32(v1))*uint64(uint32(v6))
		v12 = bits.RotateLeft64(v12^v1, -16)
		v11 += v12 + 2*uint64(uint32(v11))*uint64(uint32(v12))
		v6 = bits.RotateLeft64(v6^v11, -63)
		v2 += v7 + 2*uint64(uint32(v2))*uint64(uint32(v7))
		v13 = bits.RotateLeft64(v13^v2, -32)
		v8 += v13 + 2*uint64(uint32(v8))*uint64(uint32(v13))
		v7 = bits.RotateLeft64(v7^v8, -24)
		v2 += v7 + 2*uint64(uint32(v2))*uint64(uint32(v7))
		v13 = bits.RotateLeft64(v13^v2, -16)
		v8 += v13 + 2*uint64(uint32(v8))*uint64(uint32(v13))
		v7 = bits.RotateLeft64(v7^v8, -63)
		v3 += v4 + 2*uint64(uint32(v3))*uint64(uint32(v4))
		v14 = bits.RotateLeft64(v14^v3, -32)
		v9 += v14 + 2*uint64(uint32(v9))*uint64(uint32(v14))
		v4 = bits.RotateLeft64(v4^v9, -24)
		v3 += v4 + 2*uint64(uint32(v3))*uint64(uint32(v4))
		v14 = bits.RotateLeft64(v14^v3, -16)
		v9 += v14 + 2*uint64(uint32(v9))*uint64(uint32(v14))
		v4 = bits.RotateLeft64(v4^v9, -63)
		v[0], v[1], v[2], v[3] = v0, v1, v2, v3
		v[4], v[5], v[6], v[7] = v4, v5, v6, v7
		v[8], v[9], v[10], v[11] = v8, v9, v10, v11
		v[12], v[13], v[14], v[15] = v12, v13, v14, v15
	}
	for i := 0; i < 16; i += 2 {
		v := (*[114]uint64)(q[i : i+114])
		v0, v1, v2, v3 := v[0], v[1], v[16], v[17]
		v4, v5, v6, v7 := v[32], v[33], v[48], v[49]
		v8, v9, v10, v11 := v[64], v[65], v[80], v[81]
		v12, v13, v14, v15 := v[96], v[97], v[112], v[113]
		v0 += v4 + 2*uint64(uint32(v0))*uint64(uint32(v4))
		v12 = bits.RotateLeft64(v12^v0, -32)
		v8 += v12 + 2*uint64(uint32(v8))*uint64(uint32(v12))
		v4 = bits.RotateLeft64(v4^v8, -24)
		v0 += v4 + 2*uint64(uint32(v0))*uint64(uint32(v4))
		v12 = bits.RotateLeft64(v12^v0, -16)
		v8 += v12 + 2*uint64(uint32(v8))*uint64(uint32(v12))
		v4 = bits.RotateLeft64(v4^v8, -63)
		v1 += v5 + 2*uint64(uint32(v1))*uint64(uint32(v5))
		v13 = bits.RotateLeft64(v13^v1, -32)
		v9 += v13 + 2*uint64(uint32(v9))*uint64(uint32(v13))
		v5 = bits.RotateLeft64(v5^v9, -24)
		v1 += v5 + 2*uint64(uint32(v1))*uint64(uint32(v5))
		v13 = bits.RotateLeft64(v13^v1, -16)
		v9 += v13 + 2*uint64(uint32(v9))*uint64(uint32(v13))
		v5 = bits.RotateLeft64(v5^v9, -63)
		v2 += v6 + 2*uint64(uint32(v2))*uint64(uint32(v6))
		v14 = bits.RotateLeft64(v14^v2, -32)
		v10 += v14 + 2*uint64(uint32(v10))*uint64(uint32(v14))
		v6 = bits.RotateLeft64(v6^v10, -24)
		v2 += v6 + 2*uint64(uint32(v2))*uint64(uint32(v6))
		v14 = bits.RotateLeft64(v14^v2, -16)
		v10 += v14 + 2*uint64(uint32(v10))*uint64(uint32(v14))
		v6 = bits.RotateLeft64(v6^v10, -63)
		v3 += v7 + 2*uint64(uint32(v3))*uint64(uint32(v7))
		v15 = bits.RotateLeft64(v15^v3, -32)
		v11 += v15 + 2*uint64(uint32(v11))*uint64(uint32(v15))
		v7 = bits.RotateLeft64(v7^v11, -24)
		v3 += v7 + 2*uint64(uint32(v3))*uint64(uint32(v7))
		v15 = bits.RotateLeft64(v15^v3, -16)
		v11 += v15 + 2*uint64(uint32(v11))*uint64(uint32(v15))
		v7 = bits.RotateLeft64(v7^v11, -63)
		v0 += v5 + 2*uint64(uint32(v0))*uint64(uint32(v5))
		v15 = bits.RotateLeft64(v15^v0, -32)
		v10 += v15 + 2*uint64(uint32(v10))*uint64(uint32(v15))
		v5 = bits.RotateLeft64(v5^v10, -24)
		v0 += v5 + 2*uint64(uint32(v0))*uint64(uint32(v5))
		v15 = bits.RotateLeft64(v15^v0, -16)
		v10 += v15 + 2*uint64(uint32(v10))*uint64(uint32(v15))
		v5 = bits.RotateLeft64(v5^v10, -63)
		v1 += v6 + 2*uint64(uint32(v1))*uint64(uint32(v6))
		v12 = bits.RotateLeft64(v12^v1, -32)
		v11 += v12 + 2*uint64(uint32(v11))*uint64(uint32(v12))
		v6 = bits.RotateLeft64(v6^v11, -24)
		v1 += v6 + 2*uint64(uint32(v1))*uint64(uint32(v6))
		v12 = bits.RotateLeft64(v12^v1, -16)
		v11 += v12 + 2*uint64(uint32(v11))*uint64(uint32(v12))
		v6 = bits.RotateLeft64(v6^v11, -63)
		v2 += v7 + 2*uint64(uint32(v2))*uint64(uint32(v7))
		v13 = bits.RotateLeft64(v13^v2, -32)
		v8 += v13 + 2*uint64(uint32(v8))*uint64(uint32(v13))
		v7 = bits.RotateLeft64(v7^v8, -24)
		v2 += v7 + 2*uint64(uint32(v2))*uint64(uint32(v7))
		v13 = bits.RotateLeft64(v13^v2, -16)
		v8 += v13 + 2*uint64(uint32(v8))*uint64(uint32(v13))
		v7 = bits.RotateLeft64(v7^v8, -63)
		v3 += v4 + 2*uint64(uint32(v3))*uint64(uint32(v4))
		v14 = bits.RotateLeft64(v14^v3, -32)
		v9 += v14 + 2*uint64(uint32(v9))*uint64(uint32(v14))
		v4 = bits.RotateLeft64(v4^v9, -24)
		v3 += v4 + 2*uint64(uint32(v3))*uint64(uint32(v4))
		v14 = bits.RotateLeft64(v14^v3, -16)
		v9 += v14 + 2*uint64(uint32(v9))*uint64(uint32(v14))
		v4 = bits.RotateLeft64(v4^v9, -63)
		v[0], v[1], v[16], v[17] = v0, v1, v2, v3
		v[32], v[33], v[48], v[49] = v4, v5, v6, v7
		v[64], v[65], v[80], v[81] = v8, v9, v10, v11
		v[96], v[97], v[112], v[113] = v12, v13, v14, v15
	}
	if xor {
		for k := range dst {
			dst[k] ^= q[k] ^ r[k]
		}
		return
	}
	for k := range dst {
		dst[k] = q[k] ^ r[k]
	}
}
