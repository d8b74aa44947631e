package gen

import (
	"math/bits"
	"math/rand/v2"
)

// mix is the splitmix64 finaliser: it turns related inputs (a seed and an
// index) into unrelated-looking 64-bit values, so that every file and event
// gets a random stream of its own that does not depend on the order of work.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// mix2 combines two values into one seed.
func mix2(a, b uint64) uint64 { return mix(mix(a) ^ (b * 0xd6e8feb86659fd93)) }

// Stream labels keep the random streams of different uses apart.
const (
	streamWorld uint64 = iota + 1
	streamPlan
	streamSession
	streamAccount
	streamScenario
	streamInsight
	streamPlanted
)

// newRand returns a generator seeded from the given seed.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, mix(seed)))
}

// reseed points an existing PCG at the stream of seed.
func reseed(p *rand.PCG, seed uint64) { p.Seed(seed, mix(seed)) }

const (
	alnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperNum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	base32    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	base64Set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	lowerNum  = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// appendRand appends n characters drawn from set.
func appendRand(b []byte, r *rand.Rand, set string, n int) []byte {
	m := uint32(len(set))
	for range n {
		b = append(b, set[r.Uint32N(m)])
	}
	return b
}

// randString returns n characters drawn from set.
func randString(r *rand.Rand, set string, n int) string {
	return string(appendRand(make([]byte, 0, n), r, set, n))
}

// appendHex appends n lower-case hex digits.
func appendHex(b []byte, r *rand.Rand, n int) []byte {
	for n > 0 {
		v := r.Uint64()
		for i := 0; i < 16 && n > 0; i++ {
			b = append(b, hexDigits[v&15])
			v >>= 4
			n--
		}
	}
	return b
}

// appendUpperHex appends n upper-case hex digits.
func appendUpperHex(b []byte, r *rand.Rand, n int) []byte {
	const upper = "0123456789ABCDEF"
	for n > 0 {
		v := r.Uint64()
		for i := 0; i < 16 && n > 0; i++ {
			b = append(b, upper[v&15])
			v >>= 4
			n--
		}
	}
	return b
}

// appendBase64 appends n characters of base64 text (a session token).
func appendBase64(b []byte, r *rand.Rand, n int) []byte {
	for n > 0 {
		v := r.Uint64()
		for i := 0; i < 10 && n > 0; i++ {
			b = append(b, base64Set[v&63])
			v >>= 6
			n--
		}
	}
	return b
}

// appendUUID appends a random (version 4) UUID.
func appendUUID(b []byte, r *rand.Rand) []byte {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^(0xf<<12) | 4<<12
	lo = lo&^(0xc<<60) | 0x8<<60
	var u [16]byte
	for i := range 8 {
		u[i] = byte(hi >> (56 - 8*i))
		u[8+i] = byte(lo >> (56 - 8*i))
	}
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}

// uuid returns a random UUID as a string.
func uuid(r *rand.Rand) string { return string(appendUUID(make([]byte, 0, 36), r)) }

// chance reports true with probability perMille/1000.
func chance(r *rand.Rand, perMille int) bool { return r.IntN(1000) < perMille }

// pick returns a random element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// weighted is a table for drawing indices with integer weights.
type weighted struct {
	cum []uint64
}

func newWeighted(ws []uint64) weighted {
	cum := make([]uint64, len(ws))
	var t uint64
	for i, w := range ws {
		t += w
		cum[i] = t
	}
	return weighted{cum: cum}
}

func (w weighted) total() uint64 {
	if len(w.cum) == 0 {
		return 0
	}
	return w.cum[len(w.cum)-1]
}

// draw returns an index with probability proportional to its weight.
func (w weighted) draw(r *rand.Rand) int {
	x := r.Uint64N(w.total())
	lo, hi := 0, len(w.cum)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if w.cum[m] <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// apportion splits n into len(ws) counts proportional to the integer
// weights ws, exactly: each count is the floor of its share, and the
// remainder goes to bins chosen by systematic sampling over the fractional
// parts. Only integer arithmetic is used, so the result is the same on
// every platform.
func apportion(r *rand.Rand, n int64, ws []uint64) []int64 {
	out := make([]int64, len(ws))
	var total uint64
	for _, w := range ws {
		total += w
	}
	if total == 0 || n <= 0 {
		return out
	}
	rem := make([]uint64, len(ws))
	var given int64
	for i, w := range ws {
		// n*w may not fit in 64 bits for huge n; split n.
		q, f := mulDiv(uint64(n), w, total)
		out[i] = int64(q)
		rem[i] = f
		given += int64(q)
	}
	left := n - given
	if left <= 0 {
		return out
	}
	// The fractional parts sum to left*total; pick left bins.
	u := r.Uint64N(total)
	var cum uint64
	next := u
	for i, f := range rem {
		if f == 0 {
			continue
		}
		cum += f
		for left > 0 && cum > next {
			out[i]++
			left--
			next += total
		}
	}
	return out
}

// mulDiv returns a*b/c and a*b%c without overflow (c > 0).
func mulDiv(a, b, c uint64) (q, rem uint64) {
	hi, lo := bits.Mul64(a, b)
	if hi == 0 {
		return lo / c, lo % c
	}
	// a*b/c <= a because b <= c, so the quotient fits in 64 bits.
	return bits.Div64(hi, lo, c)
}
