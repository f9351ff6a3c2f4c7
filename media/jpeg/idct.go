package jpeg

// The inverse DCT below reproduces, bit for bit, what libjpeg-turbo 2.1 computes by default on
// x86-64: its "islow" algorithm (Loeffler, Ligtenberg and Moschytz, 13-bit fixed-point constants,
// 2 extra bits of precision between the passes) as implemented by the SSE2 and AVX2 routines that
// djpeg and ImageMagick actually run. On valid data these agree exactly with libjpeg's C code. They
// differ from it only on extreme coefficients, where the SIMD code works in 16-bit lanes: the
// dequantized coefficients and a few sums wrap around, the first pass saturates to 16 bits and the
// output saturates to 0..255 (the C code would wrap through its range-limit table instead).
// Matching the SIMD behaviour keeps corrupt uploads hashing the same as in the reference tools.

// Fixed-point constants of the islow IDCT: FIX(x) = round(x * 2^13).
const (
	fix0298 = 2446  // FIX(0.298631336)
	fix0390 = 3196  // FIX(0.390180644)
	fix0541 = 4433  // FIX(0.541196100)
	fix0765 = 6270  // FIX(0.765366865)
	fix0899 = 7373  // FIX(0.899976223)
	fix1175 = 9633  // FIX(1.175875602)
	fix1501 = 12299 // FIX(1.501321110)
	fix1847 = 15137 // FIX(1.847759065)
	fix1961 = 16069 // FIX(1.961570560)
	fix2053 = 16819 // FIX(2.053119869)
	fix2562 = 20995 // FIX(2.562915447)
	fix3072 = 25172 // FIX(3.072711026)
)

const (
	islowConstBits = 13
	islowPass1Bits = 2
	// islowDescale1 and islowDescale2 are the right shifts that end the column and row passes.
	islowDescale1 = islowConstBits - islowPass1Bits
	islowDescale2 = islowConstBits + islowPass1Bits + 3
)

// quantMultipliers returns a component's quantization table as the 16-bit multipliers the SIMD
// dequantization uses (values above 32767, possible only in 16-bit tables, become negative).
func quantMultipliers(q *[64]uint16) [64]int16 {
	var m [64]int16
	for i, v := range q {
		m[i] = int16(v)
	}
	return m
}

// sat16 saturates x to the int16 range, as packssdw does at the end of the first pass.
func sat16(x int32) int32 {
	if int32(int16(x)) == x {
		return x // the usual case; a predictable branch is cheaper than clamping
	}
	return min(max(x, -32768), 32767)
}

// pixelOf turns an output of the row pass into a sample: descale, then saturate to a signed byte
// and recentre (packssdw, packsswb and the +128 of the SIMD code).
func pixelOf(x int32) byte {
	x = (x+1<<(islowDescale2-1))>>islowDescale2 + 128
	if uint32(x) <= 255 {
		return byte(x) // the usual case; a predictable branch is cheaper than clamping
	}
	if x < 0 {
		return 0
	}
	return 255
}

// idctBlock dequantizes one block of coefficients (natural order) with the multipliers qt,
// applies the inverse DCT and writes the 8x8 samples to dst, rows stride bytes apart.
// dst must hold at least 7*stride+8 bytes.
func idctBlock(dst []byte, stride int, coef *[64]int16, qt *[64]int16) {
	// Which parts of each column hold coefficients: rows 1 to 3, rows 4 to 7.
	var upper, lower [8]int16
	var acRows, rightHalf int16 // rightHalf: non-zero when columns 4 to 7 hold coefficients
	for c := 0; c < 8; c++ {
		upper[c] = coef[8+c] | coef[16+c] | coef[24+c]
		lower[c] = coef[32+c] | coef[40+c] | coef[48+c] | coef[56+c]
		acRows |= upper[c] | lower[c]
		if c >= 4 {
			rightHalf |= coef[c] | upper[c] | lower[c]
		}
	}
	if acRows == 0 {
		idctFlatColumns(dst, stride, coef, qt)
		return
	}

	// Pass 1: columns, into ws (row-major), saturated to 16 bits.
	var ws [64]int32
	for c := 0; c < 8; c++ {
		in0 := int32(coef[c] * qt[c])
		if upper[c]|lower[c] == 0 {
			// What the full transform gives for such a column: in0<<2, saturated.
			dc := sat16(in0 << islowPass1Bits)
			for r := 0; r < 64; r += 8 {
				ws[r+c] = dc
			}
			continue
		}
		in1, in2, in3 := int32(coef[8+c]*qt[8+c]), int32(coef[16+c]*qt[16+c]), int32(coef[24+c]*qt[24+c])
		var o0, o1, o2, o3, o4, o5, o6, o7 int32
		if lower[c] == 0 {
			o0, o1, o2, o3, o4, o5, o6, o7 = butterflyHalf(in0, in1, in2, in3)
		} else {
			o0, o1, o2, o3, o4, o5, o6, o7 = butterfly(in0, in1, in2, in3,
				int32(coef[32+c]*qt[32+c]), int32(coef[40+c]*qt[40+c]),
				int32(coef[48+c]*qt[48+c]), int32(coef[56+c]*qt[56+c]))
		}
		const round = 1 << (islowDescale1 - 1)
		ws[c] = sat16((o0 + round) >> islowDescale1)
		ws[8+c] = sat16((o1 + round) >> islowDescale1)
		ws[16+c] = sat16((o2 + round) >> islowDescale1)
		ws[24+c] = sat16((o3 + round) >> islowDescale1)
		ws[32+c] = sat16((o4 + round) >> islowDescale1)
		ws[40+c] = sat16((o5 + round) >> islowDescale1)
		ws[48+c] = sat16((o6 + round) >> islowDescale1)
		ws[56+c] = sat16((o7 + round) >> islowDescale1)
	}

	// Pass 2: rows, into pixels.
	for r := 0; r < 64; r += 8 {
		var o0, o1, o2, o3, o4, o5, o6, o7 int32
		if rightHalf == 0 {
			o0, o1, o2, o3, o4, o5, o6, o7 = butterflyHalf(ws[r], ws[r+1], ws[r+2], ws[r+3])
		} else {
			o0, o1, o2, o3, o4, o5, o6, o7 = butterfly(ws[r], ws[r+1], ws[r+2], ws[r+3],
				ws[r+4], ws[r+5], ws[r+6], ws[r+7])
		}
		out := dst[r/8*stride : r/8*stride+8 : r/8*stride+8]
		out[0], out[1], out[2], out[3] = pixelOf(o0), pixelOf(o1), pixelOf(o2), pixelOf(o3)
		out[4], out[5], out[6], out[7] = pixelOf(o4), pixelOf(o5), pixelOf(o6), pixelOf(o7)
	}
}

// idctFlatColumns handles a block whose rows 1 to 7 are all zero. The SIMD code takes a shortcut
// here that skips the first pass's saturation (the dequantized row 0, shifted left by 2, wraps
// in 16 bits), and every output row then equals the transform of that one row.
func idctFlatColumns(dst []byte, stride int, coef *[64]int16, qt *[64]int16) {
	var w [8]int32
	for c := range w {
		w[c] = int32((coef[c] * qt[c]) << islowPass1Bits)
	}
	var row [8]byte
	if w[1]|w[2]|w[3]|w[4]|w[5]|w[6]|w[7] == 0 {
		p := pixelOf(w[0] << islowConstBits)
		row = [8]byte{p, p, p, p, p, p, p, p}
	} else {
		o0, o1, o2, o3, o4, o5, o6, o7 := butterfly(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7])
		row = [8]byte{pixelOf(o0), pixelOf(o1), pixelOf(o2), pixelOf(o3),
			pixelOf(o4), pixelOf(o5), pixelOf(o6), pixelOf(o7)}
	}
	for r := 0; r < 8; r++ {
		copy(dst[r*stride:r*stride+8], row[:])
	}
}

// butterfly is the 8-point islow IDCT, not yet descaled, in the form the SIMD code evaluates it:
// products summed in pairs (exact in 32 bits), and the three sums the SIMD code forms in 16-bit
// lanes wrapped like it (the int16 conversions). Inputs are 16-bit values.
func butterfly(in0, in1, in2, in3, in4, in5, in6, in7 int32) (o0, o1, o2, o3, o4, o5, o6, o7 int32) {
	// Even part.
	tmp3 := in2*(fix0541+fix0765) + in6*fix0541
	tmp2 := in2*fix0541 + in6*(fix0541-fix1847)
	tmp0 := int32(int16(in0+in4)) << islowConstBits
	tmp1 := int32(int16(in0-in4)) << islowConstBits
	tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
	tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2

	// Odd part.
	z3 := int32(int16(in7 + in3))
	z4 := int32(int16(in5 + in1))
	z3, z4 = z3*(fix1175-fix1961)+z4*fix1175, z3*fix1175+z4*(fix1175-fix0390)
	t0 := in7*(fix0298-fix0899) - in1*fix0899 + z3
	t1 := in5*(fix2053-fix2562) - in3*fix2562 + z4
	t2 := -in5*fix2562 + in3*(fix3072-fix2562) + z3
	t3 := -in7*fix0899 + in1*(fix1501-fix0899) + z4

	return tmp10 + t3, tmp11 + t2, tmp12 + t1, tmp13 + t0,
		tmp13 - t0, tmp12 - t1, tmp11 - t2, tmp10 - t3
}

// butterflyHalf is butterfly for inputs whose last four values are zero: the same arithmetic with
// the vanishing terms left out (none of the 16-bit sums can wrap then).
func butterflyHalf(in0, in1, in2, in3 int32) (o0, o1, o2, o3, o4, o5, o6, o7 int32) {
	tmp3 := in2 * (fix0541 + fix0765)
	tmp2 := in2 * fix0541
	tmp0 := in0 << islowConstBits
	tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
	tmp11, tmp12 := tmp0+tmp2, tmp0-tmp2

	z3 := in3*(fix1175-fix1961) + in1*fix1175
	z4 := in3*fix1175 + in1*(fix1175-fix0390)
	t0 := -in1*fix0899 + z3
	t1 := -in3*fix2562 + z4
	t2 := in3*(fix3072-fix2562) + z3
	t3 := in1*(fix1501-fix0899) + z4

	return tmp10 + t3, tmp11 + t2, tmp12 + t1, tmp13 + t0,
		tmp13 - t0, tmp12 - t1, tmp11 - t2, tmp10 - t3
}
