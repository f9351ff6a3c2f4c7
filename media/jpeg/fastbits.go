package jpeg

import "encoding/binary"

// The fast path keeps its bit reader in four local variables of the scan loop rather than in a
// struct, so that the compiler holds them in registers:
//
//	buf   uint64 the unread bits, most significant first; the bits below nbits are either zero
//	             or copies of the bits the next load will bring (see fill)
//	nbits uint   how many bits of buf are valid
//	pos   int    the next byte of data to load
//	fake  uint   how many zero bits were appended because a marker or the end of the data was
//	             reached; once nbits < fake, the decoder has read past its data
//
// The helpers below take and return that state by value.

// noFF reports whether none of the 8 bytes of w is 0xFF (a zero-byte test on ^w).
func noFF(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	return (^w-lo)&w&hi == 0
}

// word8 returns the 8 bytes at data[pos:] as a big-endian word, and whether they can be loaded
// into the bit buffer in one go: they exist and none is 0xFF (no stuffing, no marker). The scan
// loop then ORs in w >> nbits, takes (63-nbits)/8 whole bytes and has nbits|56 valid bits; the
// partial byte this leaves below nbits is the same byte the next load will OR in again. The loop
// does this inline, because a call there would make the compiler spill the bit reader's state.
func word8(data []byte, pos int) (uint64, bool) {
	if pos+8 > len(data) {
		return 0, false
	}
	w := binary.BigEndian.Uint64(data[pos:])
	return w, noFF(w)
}

// fill tops up buf to at least 56 valid bits, for the loop's rarely taken paths.
func fill(data []byte, pos int, buf uint64, nbits, fake uint) (int, uint64, uint, uint) {
	if w, ok := word8(data, pos); ok {
		return pos + int((63-nbits)>>3), buf | w>>nbits, nbits | 56, fake
	}
	return fillSlow(data, pos, buf, nbits, fake)
}

// fillSlow loads one byte at a time, undoing 0xFF00 stuffing. At a marker or the end of the
// data it appends zero bits without moving pos, as libjpeg does, and counts them in fake.
// It stays out of line so that the scan loop remains small.
//
//go:noinline
func fillSlow(data []byte, pos int, buf uint64, nbits, fake uint) (int, uint64, uint, uint) {
	for nbits <= 56 {
		var b byte
		switch {
		case pos < len(data) && data[pos] != 0xFF:
			b = data[pos]
			pos++
		case pos+1 < len(data) && data[pos+1] == 0:
			b = 0xFF
			pos += 2
		default:
			fake += 8
		}
		buf |= uint64(b) << (56 - nbits)
		nbits += 8
	}
	return pos, buf, nbits, fake
}
