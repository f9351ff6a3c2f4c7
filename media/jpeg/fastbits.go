package jpeg

import "encoding/binary"

// bitState is the fast path's bit reader. It is passed and returned by value: a struct of four words
// that is never addressed stays in registers, which a pointer-based reader would not.
type bitState struct {
	buf uint64 // the unread bits, most significant first; bits below n are zero or copies of the next bits
	n   uint   // how many bits of buf are valid
	pos int    // the next byte of data to load
	// fake counts the zero bits appended because a marker or the end of the data was reached;
	// once n < fake, the decoder has read past its data.
	fake uint
}

// noFF reports whether none of the 8 bytes of w is 0xFF (a zero-byte test on ^w).
func noFF(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	return (^w-lo)&w&hi == 0
}

// word8 returns the 8 bytes at data[pos:] as a big-endian word, and whether they can be loaded
// into the bit buffer in one go: they exist and none is 0xFF (no stuffing, no marker).
func word8(data []byte, pos int) (uint64, bool) {
	if pos+8 > len(data) {
		return 0, false
	}
	w := binary.BigEndian.Uint64(data[pos:])
	return w, noFF(w)
}

// load8 adds the word w from word8 to the buffer: as many whole bytes as fit, leaving at least
// 56 valid bits. The partial byte it leaves below n is the same byte the next load brings again.
func (b bitState) load8(w uint64) bitState {
	b.buf |= w >> b.n
	b.pos += int((63 - b.n) >> 3)
	b.n |= 56
	return b
}

// fill tops up the buffer to at least 56 valid bits.
func (b bitState) fill(data []byte) bitState {
	if w, ok := word8(data, b.pos); ok {
		return b.load8(w)
	}
	return b.fillSlow(data)
}

// fillSlow loads one byte at a time, undoing 0xFF00 stuffing. At a marker or the end of the
// data it appends zero bits without moving pos, as libjpeg does, and counts them in fake.
func (b bitState) fillSlow(data []byte) bitState {
	for b.n <= 56 {
		var c byte
		switch {
		case b.pos < len(data) && data[b.pos] != 0xFF:
			c = data[b.pos]
			b.pos++
		case b.pos+1 < len(data) && data[b.pos+1] == 0:
			c = 0xFF
			b.pos += 2
		default:
			b.fake += 8
		}
		b.buf |= uint64(c) << (56 - b.n)
		b.n += 8
	}
	return b
}

// overrun reports whether the decoder has consumed bits that are not in the data.
func (b bitState) overrun() bool { return b.n < b.fake }

// consume drops the next l bits.
func (b bitState) consume(l uint) bitState {
	b.buf <<= l
	b.n -= l
	return b
}

// symbol decodes one Huffman symbol. The buffer must hold at least 16 valid bits. ok is false
// for a bit pattern that is no code of the table.
func (b bitState) symbol(h *lumaHuff) (_ bitState, sym uint8, ok bool) {
	if e := h.lookup[b.buf>>(64-lookaheadBits)]; e != 0 {
		return b.consume(uint(e >> 8)), uint8(e), true
	}
	s, l := h.decodeSlow(b.buf)
	return b.consume(l), s, l != 0
}

// receive returns the next size bits (0..15) as a signed value (T.81 F.2.2.1).
func (b bitState) receive(size uint) (bitState, int32) {
	v := extend(int32(b.buf>>(64-size)), int(size))
	return b.consume(size), v
}
