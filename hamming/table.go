package hamming

import (
	"encoding/binary"
	"math"
)

// table maps the values of one chunk to the positions of the entries that have them. Both of its
// arrays are packed: at 10M codes the tables take most of the index's memory, and the memory saved
// buys wider chunks, which cut the candidates per query (see layout.go).
//
// Positions take 3 bytes each, which limits a segment to maxSegmentEntries. The bucket of key k
// is pos[start(k):start(k+1)], where start(k) is base[k/64] + rel[k]: a 4-byte start per block
// of 64 keys, small enough to stay in the processor's cache, and a 2-byte offset per key. A probe
// of several keys that differ in their low bits reads a single line of rel. A table where some
// block spans more than 65,535 positions, which takes tens of thousands of codes sharing a chunk
// value, stores plain 4-byte starts in wide instead.
type table struct {
	chunk chunk
	base  []uint32 // start of each block of 64 keys, and a final end
	rel   []uint16 // start of each key from its block's start, and a final 0
	wide  []uint32 // start of each key and a final end, instead of base and rel
	pos   []byte   // 3 bytes per position, little-endian, then posPadding bytes
}

// Sizes of the packed representation.
const (
	posBytes          = 3
	posMask           = 1<<(8*posBytes) - 1
	maxSegmentEntries = posMask
	posPadding        = 16 // lets collect read a few positions past a bucket's end
	blockBits         = 6
)

// position returns the i-th position of the table.
func (t *table) position(i uint32) uint32 {
	return binary.LittleEndian.Uint32(t.pos[posBytes*i:]) & posMask
}

// start returns where key k's bucket begins in the positions array; start(2^width) is its end.
func (t *table) start(k uint32) uint32 {
	if t.wide != nil {
		return t.wide[k]
	}
	return t.base[k>>blockBits] + uint32(t.rel[k])
}

// keys is the number of distinct chunk values.
func (t *table) keys() int { return 1 << t.chunk.width }

// allocBounds allocates the table's bucket starts: plain 4-byte ones if wide, else packed.
func (t *table) allocBounds(a *arena, wide bool) error {
	var err error
	if wide {
		t.wide, err = a.uint32s(t.keys() + 1)
	} else if t.base, err = a.uint32s(t.keys()>>blockBits + 1); err == nil {
		t.rel, err = a.uint16s(t.keys() + 1)
	}
	return err
}

// build fills the table for codes: a counting sort by key writes the positions, then the bucket
// starts are stored packed if they fit. starts is scratch of 2^width+1 entries.
func (t *table) build(a *arena, codes []Code, starts []uint32) error {
	sortByKey(t.chunk, codes, starts, t.pos)
	wide := !fitsBlocks(starts)
	if err := t.allocBounds(a, wide); err != nil {
		return err
	}
	if wide {
		copy(t.wide, starts)
		return nil
	}
	for b := range t.base {
		t.base[b] = starts[b<<blockBits]
	}
	for k, s := range starts {
		t.rel[k] = uint16(s - t.base[k>>blockBits])
	}
	return nil
}

// fitsBlocks reports whether no block spans more positions than a 2-byte offset can count.
func fitsBlocks(starts []uint32) bool {
	last := len(starts) - 1
	for k := 0; k < last; k += 1 << blockBits {
		if starts[min(k+1<<blockBits, last)]-starts[k] > math.MaxUint16 {
			return false
		}
	}
	return true
}

// sortByKey counts and sorts the positions of codes by key into pos, leaving starts[k] at the
// start of bucket k and starts[2^width] at n. Walking the codes backwards and filling each bucket
// from its end keeps positions ascending within a bucket without a second cursor array.
func sortByKey(c chunk, codes []Code, starts []uint32, pos []byte) {
	clear(starts)
	last := len(starts) - 1
	for i := range codes {
		starts[c.key(&codes[i])]++
	}
	var end uint32
	for k := range last {
		end += starts[k]
		starts[k] = end
	}
	starts[last] = uint32(len(codes))
	for i := len(codes) - 1; i >= 0; i-- {
		k := c.key(&codes[i])
		starts[k]--
		j := posBytes * starts[k]
		pos[j], pos[j+1], pos[j+2] = byte(i), byte(i>>8), byte(i>>16)
	}
}
