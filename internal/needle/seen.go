package needle

import "github.com/zeebo/xxh3"

// seenSet is a set of short strings without pointers: the strings are
// copied into one byte arena and found through an open-addressing table
// of their hashes (a hit is confirmed by comparing the bytes, so the set
// is exact). It holds at most maxSeenValues strings, then starts afresh.
type seenSet struct {
	slots []seenSlot // a power of two long; h == 0 is an empty slot
	data  []byte
	n     int
}

type seenSlot struct {
	h      uint64
	off, n uint32
}

// add adds v and reports whether it was new.
func (s *seenSet) add(v string) bool {
	switch {
	case s.n >= maxSeenValues:
		// Bound memory; repeats are recognised again as they come.
		clear(s.slots)
		s.data = s.data[:0]
		s.n = 0
	case 2*s.n >= len(s.slots):
		s.grow()
	}
	h := xxh3.HashString(v) | 1
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.h == 0 {
			*sl = seenSlot{h: h, off: uint32(len(s.data)), n: uint32(len(v))}
			s.data = append(s.data, v...)
			s.n++
			return true
		}
		if sl.h == h && string(s.data[sl.off:sl.off+sl.n]) == v {
			return false
		}
	}
}

// grow doubles the table (at first, makes it).
func (s *seenSet) grow() {
	old := s.slots
	s.slots = make([]seenSlot, max(2*len(old), 1024))
	mask := uint64(len(s.slots) - 1)
	for _, sl := range old {
		if sl.h == 0 {
			continue
		}
		i := sl.h & mask
		for s.slots[i].h != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = sl
	}
}
