package jpeg

import (
	"bytes"
	"sync"
	"sync/atomic"
)

// This file builds the Huffman lookup tables of the fast luma path (see fast.go). Besides the
// usual one-symbol lookup, an AC table gets a "skip" table that consumes whole runs of symbols
// together with their extra bits, because at reduced scale most coefficients are never needed:
// only how many bits they occupy and how far they advance along the zig-zag order.

const (
	// skipBits is the lookahead of the skip table; one lookup typically covers about two AC
	// symbols with their extra bits at photo qualities. 12 bits keep the table at 8 KiB, so the
	// luma and chroma tables stay in the L1 cache together.
	skipBits = 12
	// valueBits is the lookahead of the AC value table used for the few low-frequency
	// coefficients a reduced IDCT needs.
	valueBits = 10
)

// Layout of a skip-table entry (uint16).
const (
	skipLenMask  = 0x1F // bits 0..4: bits consumed, 1..skipBits
	skipAdvShift = 5    // bits 5..12: zig-zag positions advanced by the symbols before any EOB
	skipEOB      = 1 << 13
	// skipNone marks a lookahead that holds no complete symbol: its advance is too large to
	// be taken, which sends the decoder to the one-symbol path.
	skipNone = 0xFF << skipAdvShift
)

// Layout of a value-table entry (uint32): bits 0..4 length of code plus extra bits (0 when they
// do not fit in valueBits), bits 5..8 the run of zeros, bit 9 end of block, bits 16..31 the
// coefficient value as int16.
const (
	valueLenMask  = 0x1F
	valueRunShift = 5
	valueEOB      = 1 << 9
)

// lumaHuff is one DHT table prepared for the fast path: the full decoder's one-symbol table
// (huffman.go) plus, for AC tables, the skip and value tables.
type lumaHuff struct {
	huffTable
	skip  *[1 << skipBits]uint16
	value *[1 << valueBits]uint32
}

// lumaHuffCache keeps the tables built for the Huffman specifications seen so far, keyed by class
// and content, up to lumaHuffCacheSize of them. Most files use the example tables of T.81 Annex K,
// and building a skip table costs as much as decoding a small image. Cached tables are immutable.
var lumaHuffCache struct {
	tables sync.Map // string key -> *lumaHuff
	count  atomic.Int32
}

const lumaHuffCacheSize = 64

// cachedLumaHuff returns the fast-path tables for spec, building them if they are not cached. ac
// selects the AC interpretation of symbols (run<<4 | size) and the skip and value tables.
func cachedLumaHuff(spec *huffmanSpec, ac bool) (*lumaHuff, error) {
	key := make([]byte, 0, 1+len(spec.counts)+len(spec.symbols))
	if ac {
		key = append(key, 1)
	} else {
		key = append(key, 0)
	}
	key = append(append(key, spec.counts[:]...), spec.symbols...)
	if h, ok := lumaHuffCache.tables.Load(string(key)); ok {
		return h.(*lumaHuff), nil
	}
	// The cache outlives the file, so the tables must not refer to its bytes.
	own := huffmanSpec{counts: spec.counts, symbols: bytes.Clone(spec.symbols)}
	h, err := newLumaHuff(&own, ac)
	if err != nil {
		return nil, err
	}
	if lumaHuffCache.count.Add(1) <= lumaHuffCacheSize {
		lumaHuffCache.tables.Store(string(key), h)
	}
	return h, nil
}

// newLumaHuff builds the lookup tables for spec: for an AC table also the skip and value tables.
func newLumaHuff(spec *huffmanSpec, ac bool) (*lumaHuff, error) {
	h := &lumaHuff{}
	if err := h.build(spec, !ac); err != nil {
		return nil, err
	}
	if !ac {
		return h, nil
	}
	h.skip = new([1 << skipBits]uint16)
	for p := range h.skip {
		h.skip[p] = h.skipEntry(uint32(p))
	}
	h.value = new([1 << valueBits]uint32)
	for p := range h.value {
		h.value[p] = h.valueEntry(uint32(p))
	}
	return h, nil
}

// decodeIn decodes the symbol at the top of a width-bit window (width <= 16), using the one-symbol
// table where it can. It returns the code length, or 0 if no code fits in the window.
func (h *lumaHuff) decodeIn(window uint32, width int) (sym uint8, length int) {
	v := window << (16 - width) // left-aligned in 16 bits, zeros after the window
	if e := h.lookup[v>>(16-lookaheadBits)]; e != 0 {
		if l := int(e >> 8); l <= width {
			return uint8(e), l
		}
		return 0, 0
	}
	for l := lookaheadBits + 1; l <= width; l++ {
		if code := int32(v >> (16 - l)); code <= h.maxCode[l] {
			return h.symbols[code+h.valOffset[l]], l
		}
	}
	return 0, 0
}

// decodeSlow decodes a code longer than lookaheadBits from the top of buf (which must hold at
// least 16 valid bits). It returns length 0 for a bit pattern that is no code of the table.
func (h *lumaHuff) decodeSlow(buf uint64) (sym uint8, length uint) {
	for l := lookaheadBits + 1; l <= 16; l++ {
		code := int32(buf >> (64 - l))
		if code <= h.maxCode[l] {
			return h.symbols[code+h.valOffset[l]], uint(l)
		}
	}
	return 0, 0
}

// skipEntry decodes as many AC symbols with their extra bits as fit in the skipBits-bit window,
// stopping after an end of block.
func (h *lumaHuff) skipEntry(window uint32) uint16 {
	used, adv := 0, 0
	for used < skipBits && adv < 64 {
		rest := window & (1<<(skipBits-used) - 1)
		sym, l := h.decodeIn(rest, skipBits-used)
		run, size := int(sym>>4), int(sym&15)
		if l == 0 || used+l+size > skipBits {
			break
		}
		used += l + size
		if size == 0 && run != 15 { // EOB; libjpeg also ends the block on the invalid r/0 symbols
			return uint16(used) | uint16(adv)<<skipAdvShift | skipEOB
		}
		adv += run + 1
	}
	if used == 0 {
		return skipNone
	}
	return uint16(used) | uint16(adv)<<skipAdvShift
}

// valueEntry decodes one AC symbol and its value if code and extra bits fit in valueBits. A run
// of sixteen zeros (ZRL) gets no entry: it may run past the end of the block, which the one-symbol
// path handles.
func (h *lumaHuff) valueEntry(window uint32) uint32 {
	sym, l := h.decodeIn(window, valueBits)
	run, size := uint32(sym>>4), int(sym&15)
	if l == 0 || l+size > valueBits || sym == 0xF0 {
		return 0
	}
	if size == 0 {
		return uint32(l) | valueEOB
	}
	extra := int32(window>>(valueBits-l-size)) & (1<<size - 1)
	v := extend(extra, size)
	return uint32(l+size) | run<<valueRunShift | uint32(v)<<16
}

// extend turns the size-bit magnitude category value v into a signed coefficient (T.81 F.2.2.1).
func extend(v int32, size int) int32 {
	if size > 0 && v < 1<<(size-1) {
		return v - (1<<size - 1)
	}
	return v
}
