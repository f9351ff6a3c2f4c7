package jpeg

import (
	"encoding/binary"
	"math/bits"
)

// bitState is the fast path's bit reader. It is passed and returned by value: a struct of four words
// that is never addressed stays in registers, which a pointer-based reader would not.
type bitState struct {
	// buf holds the unread bits, most significant first. Below the n valid bits it holds zeros
	// or the leading bits of data[pos], which the next load ORs in again.
	buf uint64
	n   uint // how many bits of buf are valid
	pos int  // the next byte of data to load
	// fake counts the zero bits appended because a marker or the end of the data was reached;
	// once n < fake, the decoder has read past its data.
	fake uint
}

// The scan loops refill the buffer inline: peek8, noFF and load8 read 8 bytes at once when none
// of them is 0xFF, which is nearly always. A call there would make the compiler spill the bit
// reader's state. Otherwise they call fill.

// peek8 returns the 8 bytes at data[pos:] as a big-endian word, if there are 8.
func peek8(data []byte, pos int) (uint64, bool) {
	if pos+8 > len(data) {
		return 0, false
	}
	return binary.BigEndian.Uint64(data[pos:]), true
}

// noFF reports whether none of the 8 bytes of w is 0xFF (a zero-byte test on ^w; it can flag a
// byte next to a 0xFF wrongly, but not miss one).
func noFF(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	return (^w-lo)&w&hi == 0
}

// load8 adds w, the 8 bytes at data[b.pos:], none of them 0xFF, to the buffer: as many whole
// bytes as fit, leaving at least 56 valid bits. The part of the next byte it leaves below n is
// that byte's own leading bits, which the next load puts there again.
func (b bitState) load8(w uint64) bitState {
	b.buf |= w >> b.n
	b.pos += int((63 - b.n) >> 3)
	b.n |= 56
	return b
}

// loadBeforeFF adds the bytes of w, the 8 bytes at data[b.pos:], that come before its first
// 0xFF, as many as fit.
func (b bitState) loadBeforeFF(w uint64) bitState {
	// This zero-byte test on ^w sets the top bit of exactly the bytes of w that are 0xFF.
	const low7 = 0x7F7F7F7F7F7F7F7F
	y := ^w
	take := min(uint(bits.LeadingZeros64(^((y&low7+low7)|y|low7)))>>3, (63-b.n)>>3)
	b.buf |= (w &^ (^uint64(0) >> (8 * take))) >> b.n
	b.pos += int(take)
	b.n += 8 * take
	return b
}

// fill tops up the buffer to at least 56 valid bits.
func (b bitState) fill(data []byte) bitState {
	if w, ok := peek8(data, b.pos); ok {
		if noFF(w) {
			return b.load8(w)
		}
		if b = b.loadBeforeFF(w); b.n > 56 {
			return b
		}
	}
	return b.fillSlow(data)
}

// fillSlow loads one byte at a time, undoing 0xFF00 stuffing (fill bytes 0xFF before the 0x00
// included, as in libjpeg and the full decoder). At a marker or the end of the data it appends
// zero bits without moving pos, and counts them in fake.
func (b bitState) fillSlow(data []byte) bitState {
	for b.n <= 56 {
		var c byte
		if b.pos < len(data) && data[b.pos] != 0xFF {
			c = data[b.pos]
			b.pos++
		} else if j := stuffedFF(data, b.pos); j > 0 {
			c = 0xFF
			b.pos = j
		} else {
			b.fake += 8
		}
		b.buf |= uint64(c) << (56 - b.n)
		b.n += 8
	}
	return b
}

// stuffedFF reports whether data[pos] starts a stuffed data byte 0xFF: one or more 0xFF followed
// by 0x00. It returns the offset after the 0x00, or 0 if pos is at a marker or the end.
func stuffedFF(data []byte, pos int) int {
	j := pos + 1
	for j < len(data) && data[j] == 0xFF {
		j++
	}
	if pos < len(data) && j < len(data) && data[j] == 0 {
		return j + 1
	}
	return 0
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
	return b.symbolSlow(h)
}

// symbolSlow decodes a code longer than lookaheadBits. It stays out of line so that symbol can
// be inlined.
//
//go:noinline
func (b bitState) symbolSlow(h *lumaHuff) (_ bitState, sym uint8, ok bool) {
	s, l := h.decodeSlow(b.buf)
	return b.consume(l), s, l != 0
}

// receive returns the next size bits (0..15) as a signed value (T.81 F.2.2.1).
func (b bitState) receive(size uint) (bitState, int32) {
	v := extend(int32(b.buf>>(64-size)), int(size))
	return b.consume(size), v
}
