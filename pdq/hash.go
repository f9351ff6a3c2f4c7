// Package pdq computes Meta's PDQ perceptual hash of a photo, bit for bit as the reference C++
// implementation does, from a luminance buffer. It does no I/O and knows nothing of file formats:
// package media turns bytes into pixels.
//
// A PDQ hash is 256 bits. Two photos are considered the same picture when their hashes differ in at
// most 31 bits and both have quality of at least 50.
package pdq

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
)

// Hash is a 256-bit PDQ hash. Bit k (0..255) is bit k%64 of word k/64; bit k = 16*i+j is set when
// DCT coefficient (i, j) is above the median. The hex form is the 256-bit big-endian number, so the
// first hex digit holds bits 255..252.
type Hash [4]uint64

// String returns the 64-character lowercase hex form used by the reference and by hash lists.
// It allocates only the string: hash lists and match results format millions of hashes.
func (h Hash) String() string {
	var buf [64]byte
	return string(h.appendHex(buf[:0]))
}

// AppendText implements encoding.TextAppender: it appends the hex form of h, as String returns it.
func (h Hash) AppendText(b []byte) ([]byte, error) { return h.appendHex(b), nil }

// MarshalText implements encoding.TextMarshaler so hashes appear as hex in JSON.
func (h Hash) MarshalText() ([]byte, error) { return h.appendHex(make([]byte, 0, 64)), nil }

// appendHex appends the hex form of h to b: the 256-bit big-endian number, word 3 first.
func (h Hash) appendHex(b []byte) []byte {
	var raw [32]byte
	for w := range 4 {
		binary.BigEndian.PutUint64(raw[(3-w)*8:], h[w])
	}
	return hex.AppendEncode(b, raw[:])
}

// UnmarshalText implements encoding.TextUnmarshaler, accepting what Parse accepts.
func (h *Hash) UnmarshalText(text []byte) error {
	parsed, err := Parse(string(text))
	if err != nil {
		return err
	}
	*h = parsed
	return nil
}

// Parse reads the 64-hex-digit form of a hash. Upper- and lowercase digits are accepted.
func Parse(s string) (Hash, error) {
	if len(s) != 64 {
		return Hash{}, fmt.Errorf("pdq: hash %q has %d characters, want 64 hex digits", truncate(s), len(s))
	}
	var raw [32]byte
	if _, err := hex.Decode(raw[:], []byte(s)); err != nil {
		return Hash{}, fmt.Errorf("pdq: hash %q is not hex: %w", truncate(s), err)
	}
	var h Hash
	for w := 0; w < 4; w++ {
		var v uint64
		for _, b := range raw[(3-w)*8 : (4-w)*8] {
			v = v<<8 | uint64(b)
		}
		h[w] = v
	}
	return h, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// Distance returns the Hamming distance between two hashes: the number of differing bits, 0..256.
func Distance(a, b Hash) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// bit reports whether bit k is set.
func (h Hash) bit(k int) bool { return h[k>>6]>>(k&63)&1 == 1 }

// setBit sets bit k.
func (h *Hash) setBit(k int) { h[k>>6] |= 1 << (k & 63) }
