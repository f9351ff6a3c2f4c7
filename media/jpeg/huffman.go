package jpeg

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// This file holds the Huffman decoding tables, the bit reader for Huffman-coded scans, and the
// block decoder for sequential (SOF0/SOF1) scans. Progressive scans are in progressive.go.

// lookaheadBits is the number of bits resolved by a single table lookup. Codes up to this length
// (nearly all codes in practice) decode with one lookup; longer ones fall back to a per-length
// canonical-code search.
const lookaheadBits = 9

// huffTable is a Huffman decoding table built from a huffmanSpec.
type huffTable struct {
	// lookup is indexed by the next lookaheadBits bits of input. A nonzero entry holds the code
	// length in its high byte and the symbol in its low byte; zero means the code is longer.
	lookup [1 << lookaheadBits]uint16

	// For codes longer than lookaheadBits: maxCode[l] is the largest code of length l (-1 if
	// none), and valOffset[l] turns a code of length l into an index into symbols.
	maxCode   [17]int32
	valOffset [17]int32
	symbols   []uint8
}

// Errors found while decoding entropy-coded data. The MCU loop wraps them with the scan and MCU.
var (
	errBadHuffmanCode = errors.New("invalid Huffman code")
	errCoefOverflow   = errors.New("coefficient index past the end of the block or band")
	errBadRefinement  = errors.New("successive approximation refinement with a magnitude other than 1")
)

// build fills t from spec. Like libjpeg it rejects counts that do not form a prefix code and, for
// DC tables, symbols above 15 (a DC difference category never exceeds 15 bits in 8-bit JPEG).
func (t *huffTable) build(spec *huffmanSpec, isDC bool) error {
	if isDC {
		for _, s := range spec.symbols {
			if s > 15 {
				return fmt.Errorf("DC Huffman table has symbol %d > 15", s)
			}
		}
	}
	*t = huffTable{symbols: spec.symbols}
	code, k := int32(0), 0
	for l := 1; l <= 16; l++ {
		n := int(spec.counts[l-1])
		if n == 0 {
			t.maxCode[l] = -1
			code <<= 1
			continue
		}
		t.valOffset[l] = int32(k) - code
		for range n {
			if code >= 1<<l {
				return errors.New("Huffman table counts do not form a valid code")
			}
			if l <= lookaheadBits {
				shift := lookaheadBits - l
				first := int(code) << shift
				for j := range 1 << shift {
					t.lookup[first+j] = uint16(l)<<8 | uint16(spec.symbols[k])
				}
			}
			code++
			k++
		}
		if code >= 1<<l { // the codes overflowed l bits, or the last one is all ones
			return errors.New("Huffman table counts do not form a valid code")
		}
		t.maxCode[l] = code - 1
		code <<= 1
	}
	return nil
}

// bitReader reads the bits of one Huffman-coded scan. Its data ends at the marker that ends the
// scan; inside, it undoes 0xFF00 stuffing and stops at RSTn markers. Past a marker or the end it
// supplies zero bits, as libjpeg does, but counts them so that a decoder that actually consumed
// such padding can report truncated or corrupt data instead of decoding garbage.
type bitReader struct {
	data     []byte
	pos      int    // next byte of data to read
	acc      uint64 // the next bits of input, most significant first
	n        uint   // number of valid bits in acc
	pad      uint   // how many of the last bits in acc are padding zeros
	atMarker bool   // reading stopped in front of a marker (or at the end of data)
}

// fill tops up acc to more than 56 bits, padding with zeros after a marker or the end.
func (br *bitReader) fill() {
	// Fast path: the next 8 bytes hold no 0xFF, so as many whole bytes as fit can be taken at once.
	if !br.atMarker && br.pos+8 <= len(br.data) {
		w := binary.BigEndian.Uint64(br.data[br.pos:])
		if x := ^w; (x-0x0101010101010101)&^x&0x8080808080808080 == 0 {
			k := (64 - br.n) / 8
			br.acc |= w >> (64 - 8*k) << (64 - 8*k - br.n)
			br.n += 8 * k
			br.pos += int(k)
			return
		}
	}
	for br.n <= 56 {
		var b byte
		switch {
		case br.atMarker:
			br.pad += 8
		case br.pos >= len(br.data):
			br.atMarker = true
			br.pad += 8
		case br.data[br.pos] != 0xFF:
			b = br.data[br.pos]
			br.pos++
		default:
			b = br.readFF()
		}
		br.acc |= uint64(b) << (56 - br.n)
		br.n += 8
	}
}

// readFF handles a 0xFF byte at br.pos: fill bytes followed by 0x00 stand for a data byte 0xFF;
// followed by anything else they start a marker, where reading stops.
func (br *bitReader) readFF() byte {
	j := br.pos + 1
	for j < len(br.data) && br.data[j] == 0xFF {
		j++
	}
	if j < len(br.data) && br.data[j] == 0 {
		br.pos = j + 1
		return 0xFF
	}
	br.atMarker = true
	br.pad += 8
	return 0
}

// overrun reports whether the decoder has consumed padding bits, that is, needed more data than
// the scan (or restart interval) holds.
func (br *bitReader) overrun() bool { return br.pad > br.n }

// bits returns the next n (0..16) bits as an unsigned number.
func (br *bitReader) bits(n uint) int32 {
	if br.n < n {
		br.fill()
	}
	v := int32(br.acc >> 32 >> (32 - n))
	br.acc <<= n
	br.n -= n
	return v
}

// bit returns the next bit.
func (br *bitReader) bit() bool {
	if br.n == 0 {
		br.fill()
	}
	v := br.acc>>63 != 0
	br.acc <<= 1
	br.n--
	return v
}

// receiveExtend reads an s-bit (0..16) magnitude and sign-extends it as T.81 F.2.2.1 specifies.
func (br *bitReader) receiveExtend(s uint8) int32 {
	if s == 0 {
		return 0
	}
	v := br.bits(uint(s))
	if v < 1<<(s-1) {
		v -= 1<<s - 1
	}
	return v
}

// decode reads one Huffman-coded symbol.
func (br *bitReader) decode(t *huffTable) (uint8, error) {
	if br.n < 16 {
		br.fill()
	}
	if e := t.lookup[br.acc>>(64-lookaheadBits)]; e != 0 {
		l := uint(e >> 8)
		br.acc <<= l
		br.n -= l
		return uint8(e), nil
	}
	s, l, ok := t.decodeLong(br.acc)
	if !ok {
		return 0, errBadHuffmanCode
	}
	br.acc <<= l
	br.n -= l
	return s, nil
}

// decodeLong decodes a code longer than lookaheadBits at the top of acc, returning its symbol
// and length, or ok false if acc starts with no valid code.
func (t *huffTable) decodeLong(acc uint64) (sym uint8, length uint, ok bool) {
	for l := uint(lookaheadBits + 1); l <= 16; l++ {
		code := int32(acc >> (64 - l))
		if code <= t.maxCode[l] {
			i := code + t.valOffset[l]
			if i < 0 || int(i) >= len(t.symbols) {
				return 0, 0, false
			}
			return t.symbols[i], l, true
		}
	}
	return 0, 0, false
}

// reset discards buffered bits, as at the start of a scan or after a restart marker.
func (br *bitReader) reset() {
	br.acc, br.n, br.pad, br.atMarker = 0, 0, 0, false
}

// decodeSequential decodes one block of a sequential scan (T.81 F.2.2) into blk, natural order.
// pred is the component's DC predictor.
func (br *bitReader) decodeSequential(blk []int16, dc, ac *huffTable, pred *int32) error {
	blk = blk[:64]
	s, err := br.decode(dc)
	if err != nil {
		return err
	}
	*pred += br.receiveExtend(s)
	blk[0] = int16(*pred)
	_, err = br.decodeBand(blk, ac, 1, 63, 0)
	return err
}

// decodeBand decodes the AC coefficients k..se (zig-zag order) of a block into blk, scaled by
// the point transform al (T.81 F.2.2.2, G.1.2.2). It returns the run field of the end-of-band
// symbol that ended the band, which a progressive scan turns into an EOB run, or -1 if the band
// ran to se. It is the hot loop of most decodes, so it keeps the bit buffer in local variables
// and refills only when fewer bits remain than a code and its value can take (16 + 15).
func (br *bitReader) decodeBand(blk []int16, ac *huffTable, k, se int, al uint) (eobRun int, err error) {
	blk = blk[:64]
	acc, n := br.acc, br.n
	for ; k <= se; k++ {
		if n < 32 {
			br.acc, br.n = acc, n
			br.fill()
			acc, n = br.acc, br.n
		}
		var rs uint8
		if e := ac.lookup[acc>>(64-lookaheadBits)]; e != 0 {
			rs = uint8(e)
			acc <<= e >> 8
			n -= uint(e >> 8)
		} else {
			sym, l, ok := ac.decodeLong(acc)
			if !ok {
				return 0, errBadHuffmanCode
			}
			rs = sym
			acc <<= l
			n -= l
		}
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r != 15 {
				br.acc, br.n = acc, n
				return r, nil
			}
			k += 15 // sixteen zeros; overshooting the band just ends it, as in libjpeg
			continue
		}
		k += r
		if k > se {
			return 0, errCoefOverflow
		}
		v := int32(acc >> (64 - s))
		acc <<= s
		n -= s
		if v < 1<<(s-1) {
			v -= 1<<s - 1
		}
		blk[zigzag[k]] = int16(v << al)
	}
	br.acc, br.n = acc, n
	return -1, nil
}
