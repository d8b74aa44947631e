package needle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// MinLen is the length of the shortest token the index keeps, and so of
// the shortest value it can look for.
const MinLen = 6

// isTokenByte reports whether c is a token character.
func isTokenByte(c byte) bool { return tokenBytes[c] }

// tokenBytes marks the token characters: letters, digits and -_./@.
var tokenBytes = func() (t [256]bool) {
	for c := range 256 {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			t[c] = true
		case c == '-', c == '_', c == '.', c == '/', c == '@':
			t[c] = true
		}
	}
	return t
}()

// Tokens calls fn with each token of s (each maximal run of token
// characters of at least MinLen bytes), in order.
func Tokens(s string, fn func(string)) {
	start := -1
	for i := 0; i < len(s); i++ {
		if isTokenByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= MinLen {
			fn(s[start:i])
		}
		start = -1
	}
	if start >= 0 && len(s)-start >= MinLen {
		fn(s[start:])
	}
}

// LongestRun returns the longest maximal run of token characters in s,
// treating the bytes in wild as separators too (e.g. LIKE's % and _), or
// "" when no run has MinLen bytes.
func LongestRun(s, wild string) string {
	best := ""
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isTokenByte(s[i]) && strings.IndexByte(wild, s[i]) < 0 {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= MinLen && i-start > len(best) {
			best = s[start:i]
		}
		start = -1
	}
	return best
}

// Keys. The index is one bloom filter of keys, each a hash of a kind
// byte and a string:
//
//	'T' token       every token (equality: col = 'v' finds v's longest run)
//	'S' subtoken    every maximal run of letters and digits inside a token
//	'P' prefix      the first n bytes of each subtoken, n in affixLens, n < len
//
// A LIKE needle such as sg-0ecc76ac9b16d1e14 or trailsql-demo-public,
// wherever it occurs, lies inside one token; the letters-and-digits pieces
// between its separators are whole subtokens there, and its last piece
// starts one. So the file holds the needle only if it has those subtokens
// and that prefix (see LikeProbe).
const (
	keyToken    = 'T'
	keySubtoken = 'S'
	keyPrefix   = 'P'
)

// affixLens are the lengths of the prefixes and suffixes kept, longest
// first.
var affixLens = [...]int{16, 8, 4}

// minSubtoken is the length of the shortest subtoken kept.
const minSubtoken = 2

// Builder collects the keys of one data file's records. It inserts them
// straight into a bloom filter sized for the most keys the records can
// have, and Encode folds that filter down to the size the keys it holds
// need (the number of blocks is a power of two, and a block's keys fall in
// block i>>1 of a filter half as large, so halving ORs pairs of blocks).
type Builder struct {
	bloom []uint32
	shift uint    // 64 - log2(blocks)
	seen  seenSet // short text values already added
	// seenTok are the tokens of text values already added (with their
	// subtokens and prefixes).
	seenTok seenSet
	sum     summarizer // what AddEvent saw of the records
}

// keysPerRecord is the number of keys a record is expected to add at most
// on average; it sizes the filter that Builder fills.
const keysPerRecord = 32

// NewBuilder returns an empty Builder for about records records.
func NewBuilder(records int) *Builder {
	blocks := nextPow2((max(records, 1)*keysPerRecord*bitsPerKey + 255) / 256)
	return &Builder{bloom: make([]uint32, blocks*8), shift: shiftFor(blocks)}
}

func nextPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

func shiftFor(blocks int) uint { return uint(64 - bits.TrailingZeros(uint(blocks))) }

// maxSeenValues bounds the values Builder remembers to skip their repeats
// (a file of a million rows has millions of distinct short values).
const maxSeenValues = 1 << 16

// maxSeen is the length of the longest value whose repeats Builder
// recognises and skips (ARNs, user agents, addresses repeat; long JSON
// values rarely do).
const maxSeen = 256

func (b *Builder) add(kind byte, s string) {
	bloomInsert(b.bloom, b.shift, hash(kind, s))
}

// AddText adds the keys of a text column's value: found by equality and
// by LIKE.
func (b *Builder) AddText(s string) {
	if len(s) < MinLen {
		return
	}
	if len(s) <= maxSeen && !b.seen.add(s) {
		return
	}
	Tokens(s, func(t string) {
		if len(t) <= maxSeen && !b.seenTok.add(t) {
			return // its keys are in
		}
		b.add(keyToken, t)
		subtokens(t, func(u string) {
			if len(u) < minSubtoken {
				return
			}
			b.add(keySubtoken, u)
			for _, n := range affixLens {
				if n < len(u) {
					b.add(keyPrefix, u[:n])
				}
			}
		})
	})
}

// AddJSON adds the keys of a JSON text column's value, and those of its
// text with the escapes of its strings decoded.
func (b *Builder) AddJSON(s string) {
	b.AddText(s)
	if strings.IndexByte(s, '\\') >= 0 {
		b.AddText(unescape(s))
	}
}

// AddID adds the keys of an identifier column's value: found by equality
// only.
func (b *Builder) AddID(s string) {
	Tokens(s, func(t string) { b.add(keyToken, t) })
}

// bitsPerKey sizes the bloom filter: about 1% false positives or fewer.
const bitsPerKey = 10

// magic starts every sidecar; its last byte is the format version.
// Version 4 added the summary; version 3 sidecars are still read (they
// have none).
const (
	magic   = "TSQLTOK4"
	magicV3 = "TSQLTOK3"
)

// headerLen is the length of the fixed part of a sidecar's header: the
// magic, the number of bloom filter blocks (uint64, little endian; a power
// of two) and the length of the summary that follows (uint32). Version 3
// has no summary length.
const (
	headerLen   = len(magic) + 8 + 4
	headerLenV3 = len(magicV3) + 8
)

// Keys estimates how many distinct keys were added, from how full the
// filter is (each key sets 8 bits).
func (b *Builder) Keys() int {
	set := 0
	for _, w := range b.bloom {
		set += bits.OnesCount32(w)
	}
	m := float64(len(b.bloom) * 32)
	if set >= len(b.bloom)*32 {
		return int(m)
	}
	return int(-m / 8 * math.Log(1-float64(set)/m))
}

// Encode returns the index as the bytes of a sidecar file: the header, the
// summary of the records that AddEvent saw, the bloom filter's blocks (8
// uint32 little endian each), and a CRC-32 (Castagnoli) of everything
// before it. The filter is folded to the smallest power-of-two size with
// at least bitsPerKey bits per key.
func (b *Builder) Encode() []byte {
	want := nextPow2((b.Keys()*bitsPerKey + 255) / 256)
	bloom := b.bloom
	for len(bloom)/8 > want {
		half := make([]uint32, len(bloom)/2)
		for i := range len(half) / 8 {
			for j := range 8 {
				half[i*8+j] = bloom[2*i*8+j] | bloom[(2*i+1)*8+j]
			}
		}
		bloom = half
	}
	sum := b.sum.summary().encode()
	out := make([]byte, 0, headerLen+len(sum)+len(bloom)*4+4)
	out = append(out, magic...)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(bloom)/8))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(sum)))
	out = append(out, sum...)
	for _, w := range bloom {
		out = binary.LittleEndian.AppendUint32(out, w)
	}
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Verify checks a whole sidecar file's bytes, checksum included.
func Verify(data []byte) error {
	if len(data) < 4 {
		return errors.New("not a trailsql token index")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if _, err := Open(bytes.NewReader(data), int64(len(data))); err != nil {
		return err
	}
	if crc32.Checksum(body, castagnoli) != sum {
		return errors.New("token index is damaged (checksum mismatch)")
	}
	return nil
}

// Sidecar is an open token index. It reads only the bloom filter blocks
// that a question needs.
type Sidecar struct {
	r       io.ReaderAt
	shift   uint
	blocks  int64 // offset of the first block
	summary Summary
	hasSum  bool
}

// Open reads the header of the token index in r, whose size is size.
func Open(r io.ReaderAt, size int64) (*Sidecar, error) {
	var h [headerLen]byte
	if size < int64(headerLenV3) {
		return nil, errors.New("not a trailsql token index")
	}
	if _, err := r.ReadAt(h[:headerLenV3], 0); err != nil {
		return nil, fmt.Errorf("cannot read token index: %w", err)
	}
	sc := &Sidecar{r: r, blocks: int64(headerLenV3)}
	switch string(h[:len(magic)]) {
	case magicV3:
	case magic:
		if size < int64(headerLen) {
			return nil, errors.New("token index is damaged (truncated header)")
		}
		if _, err := r.ReadAt(h[headerLenV3:], int64(headerLenV3)); err != nil {
			return nil, fmt.Errorf("cannot read token index: %w", err)
		}
		n := binary.LittleEndian.Uint32(h[headerLenV3:])
		if n > maxSummaryLen || int64(headerLen)+int64(n) > size {
			return nil, fmt.Errorf("token index is damaged (summary of %d bytes)", n)
		}
		buf := make([]byte, n)
		if _, err := r.ReadAt(buf, int64(headerLen)); err != nil {
			return nil, fmt.Errorf("cannot read token index: %w", err)
		}
		s, err := decodeSummary(buf)
		if err != nil {
			return nil, err
		}
		sc.summary, sc.hasSum = s, true
		sc.blocks = int64(headerLen) + int64(n)
	default:
		return nil, errors.New("not a trailsql token index")
	}
	n := binary.LittleEndian.Uint64(h[len(magic):])
	if n == 0 || n&(n-1) != 0 || n > uint64(size) || uint64(sc.blocks)+n*32+4 != uint64(size) {
		return nil, fmt.Errorf("token index is damaged (%d blocks in %d bytes)", n, size)
	}
	sc.shift = shiftFor(int(n))
	return sc, nil
}

// OpenFile opens the sidecar of the data file at dataPath. done releases
// the file; it is nil when err is not.
func OpenFile(dataPath string) (sc *Sidecar, done func(), err error) {
	f, err := os.Open(SidecarPath(dataPath))
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil {
		sc, err = Open(f, info.Size())
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return sc, func() { f.Close() }, nil
}

// Summary returns what the index says about its data file's records, and
// false when it says nothing (an index written before summaries were).
func (s *Sidecar) Summary() (Summary, bool) { return s.summary, s.hasSum }

// MayHave reports whether the file may have every key of p (false:
// certainly not). An empty probe is always true; so is a block that
// cannot be read.
func (s *Sidecar) MayHave(p Probe) bool {
	var blk [32]byte
	for _, h := range p {
		i := h >> s.shift
		if _, err := s.r.ReadAt(blk[:], s.blocks+int64(i)*32); err != nil {
			return true
		}
		var words [8]uint32
		for j := range words {
			words[j] = binary.LittleEndian.Uint32(blk[j*4:])
		}
		if !blockCheck(words[:], h) {
			return false
		}
	}
	return true
}

// Probe is a set of keys that a file must all have to hold a value.
type Probe []uint64

// EqualProbe is the probe for col = v: v's longest run as a token (nil
// when v has no run of MinLen bytes: the index cannot tell).
func EqualProbe(v string) Probe {
	r := LongestRun(v, "")
	if r == "" {
		return nil
	}
	return Probe{hash(keyToken, r)}
}

// LikeProbe is the probe for col LIKE pattern (with % and _ as
// wildcards): for each literal run of the pattern, the subtokens and the
// prefix it must have (nil when the pattern gives none: a needle
// without separators may sit anywhere inside a subtoken).
func LikeProbe(pattern string) Probe {
	var p Probe
	start := -1
	for i := 0; i <= len(pattern); i++ {
		if i < len(pattern) && isTokenByte(pattern[i]) && pattern[i] != '%' && pattern[i] != '_' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			p = append(p, runProbe(pattern[start:i])...)
		}
		start = -1
	}
	return p
}

// runProbe returns the keys that a token containing run r must have.
func runProbe(r string) Probe {
	var pieces []string
	last := 0
	for i := 0; i <= len(r); i++ {
		if i == len(r) || !isAlnum(r[i]) {
			pieces = append(pieces, r[last:i])
			last = i + 1
		}
	}
	if len(pieces) < 2 {
		return nil
	}
	var p Probe
	for i, u := range pieces {
		switch {
		case i == 0:
			// It ends a subtoken: no key says which (suffixes would
			// double the index's cost for little).
		case i == len(pieces)-1:
			if n := affixLen(len(u)); n > 0 {
				p = append(p, hash(keyPrefix, u[:n]))
			}
		case len(u) >= minSubtoken:
			p = append(p, hash(keySubtoken, u))
		}
	}
	return p
}

// affixLen is the longest kept prefix length below n (0: none). A piece
// of n bytes that starts a subtoken of at least n bytes has that prefix
// key: the builder keeps the prefixes shorter than the subtoken.
func affixLen(n int) int {
	for _, l := range affixLens {
		if l < n {
			return l
		}
	}
	return 0
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// subtokens calls fn with each maximal run of letters and digits of t.
func subtokens(t string, fn func(string)) {
	start := -1
	for i := 0; i <= len(t); i++ {
		if i < len(t) && isAlnum(t[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			fn(t[start:i])
		}
		start = -1
	}
}

// SidecarPath is the path of the token index of the data file path.
func SidecarPath(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, "_"+strings.TrimSuffix(base, ".parquet")+".tokens")
}

// IsSidecar reports whether the file name base is a token index.
func IsSidecar(base string) bool {
	return strings.HasPrefix(base, "_") && strings.HasSuffix(base, ".tokens")
}

// hash is 64-bit FNV-1a with a final avalanche (murmur3's fmix64): stable
// across processes and versions, as the files need.
func hash(kind byte, s string) uint64 {
	h := uint64(14695981039346656037)
	h ^= uint64(kind)
	h *= 1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// salt are the split-block bloom filter's constants (Parquet's).
var salt = [8]uint32{0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31}

// bloomInsert sets h's bits in its block: the block is the top bits of h
// (64-shift of them), the bits in it come from its low 32 bits.
func bloomInsert(bloom []uint32, shift uint, h uint64) {
	i := h >> shift
	b := bloom[i*8 : i*8+8]
	for j := range b {
		b[j] |= 1 << ((uint32(h) * salt[j]) >> 27)
	}
}

func blockCheck(b []uint32, h uint64) bool {
	for j := range b {
		if b[j]&(1<<((uint32(h)*salt[j])>>27)) == 0 {
			return false
		}
	}
	return true
}

// unescape decodes the escape sequences of JSON text (\" \\ \/ \b \f \n
// \r \t \uXXXX, surrogate pairs included). Malformed escapes are kept as
// they are.
func unescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
			i++
		case 'b':
			b.WriteByte('\b')
			i++
		case 'f':
			b.WriteByte('\f')
			i++
		case 'n':
			b.WriteByte('\n')
			i++
		case 'r':
			b.WriteByte('\r')
			i++
		case 't':
			b.WriteByte('\t')
			i++
		case 'u':
			r, n := hex4(s, i+2)
			if n == 0 {
				b.WriteByte(c)
				continue
			}
			i += 5
			if r >= 0xd800 && r < 0xdc00 && i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				if r2, n2 := hex4(s, i+3); n2 > 0 && r2 >= 0xdc00 && r2 < 0xe000 {
					r = (r-0xd800)<<10 + (r2 - 0xdc00) + 0x10000
					i += 6
				}
			}
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			b.WriteRune(r)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func hex4(s string, i int) (rune, int) {
	if i+4 > len(s) {
		return 0, 0
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, 0
		}
	}
	return r, 4
}
