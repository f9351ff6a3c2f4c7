package jpeg

// Reduced inverse DCTs for the fast luma path. Decoding at 1/s scale turns each 8x8 block into
// an (8/s)x(8/s) block of pixels computed from its lowest (8/s)x(8/s) coefficients alone: the
// N-point inverse DCT of those coefficients, normalized so that the DC coefficient gives the
// block mean as in the full 8-point transform:
//
//	p(y, x) = 128 + 1/4 * sum_{u,v<N} C(u) C(v) F(v, u) cos((2x+1)u*pi/2N) cos((2y+1)v*pi/2N)
//
// with C(0) = 1/sqrt(2), C(u) = 1 otherwise, and F the dequantized coefficients (row v is the
// vertical frequency). For N = 1 that is the block mean, DC/8 + 128. Higher coefficients are never
// read, which is what lets the entropy decoder skip them without computing their values.

// Fixed-point constants: sqrt(2)*cos(k*pi/8) scaled by 2^idctBits.
const (
	idctBits  = 13
	pass1Bits = 2     // extra precision kept between the row and column passes
	fixC3     = 4433  // sqrt(2)*cos(3*pi/8) = 0.541196100
	fixC1     = 10703 // sqrt(2)*cos(pi/8) = 1.306562965
)

// clampPixel converts a level-shifted sample to a byte, saturating.
func clampPixel(v int) byte {
	return byte(min(max(v, 0), 255))
}

// dcPixel returns the 1/8-scale pixel of a block whose dequantized DC coefficient is dc: the
// rounded block mean, as libjpeg's 1x1 scaled IDCT computes it.
func dcPixel(dc int) byte {
	return clampPixel((dc+4)>>3 + 128)
}

// idct1x1 writes the 1/8-scale pixel of a quantized block.
func idct1x1(blk *[64]int16, q *[64]uint16, dst []byte, _ int) {
	dst[0] = dcPixel(int(blk[0]) * int(q[0]))
}

// idct2x2 writes the 1/4-scale pixels of a quantized block. The 2-point inverse DCT is a sum and
// a difference, so the result is exact up to the final rounding.
func idct2x2(blk *[64]int16, q *[64]uint16, dst []byte, stride int) {
	c00 := int(blk[0]) * int(q[0])
	c01 := int(blk[1]) * int(q[1])
	c10 := int(blk[8]) * int(q[8])
	c11 := int(blk[9]) * int(q[9])
	top, bottom := c00+c10, c00-c10
	const round = 4 + 128<<3
	dst[0] = clampPixel((top + c01 + c11 + round) >> 3)
	dst[1] = clampPixel((top - c01 - c11 + round) >> 3)
	dst = dst[stride:]
	dst[0] = clampPixel((bottom + c01 - c11 + round) >> 3)
	dst[1] = clampPixel((bottom - c01 + c11 + round) >> 3)
}

// idct4x4 writes the 1/2-scale pixels of a quantized block: a 4-point inverse DCT on the rows
// and then on the columns of its 4x4 lowest coefficients, in fixed point.
func idct4x4(blk *[64]int16, q *[64]uint16, dst []byte, stride int) {
	var ws [16]int
	for v := range 4 {
		row := blk[v*8 : v*8+4 : v*8+4]
		qr := q[v*8 : v*8+4 : v*8+4]
		idct4(ws[v*4:v*4+4:v*4+4],
			int(row[0])*int(qr[0]), int(row[1])*int(qr[1]), int(row[2])*int(qr[2]), int(row[3])*int(qr[3]),
			idctBits-pass1Bits)
	}
	var out [4]int
	for x := range 4 {
		idct4(out[:], ws[x], ws[4+x], ws[8+x], ws[12+x], idctBits+pass1Bits+3)
		for y, v := range out {
			dst[y*stride+x] = clampPixel(v + 128)
		}
	}
}

// idct4 is the 4-point inverse DCT of c0..c3 scaled by sqrt(2) (so c0 passes through with unit
// gain), in idctBits fixed point, descaled by shift bits with rounding.
func idct4(out []int, c0, c1, c2, c3 int, shift uint) {
	even0 := (c0 + c2) << idctBits
	even1 := (c0 - c2) << idctBits
	odd0 := c1*fixC1 + c3*fixC3
	odd1 := c1*fixC3 - c3*fixC1
	round := 1 << (shift - 1)
	out[0] = (even0 + odd0 + round) >> shift
	out[3] = (even0 - odd0 + round) >> shift
	out[1] = (even1 + odd1 + round) >> shift
	out[2] = (even1 - odd1 + round) >> shift
}
