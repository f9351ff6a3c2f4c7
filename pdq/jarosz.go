package pdq

// The Jarosz filter: two passes of a box blur along rows then columns, which approximates a tent
// filter, sized so that the image shrinks to 64x64 without aliasing. Every sum and quotient is
// float32 and taken in the reference's order, which makes the result bit-exact.
//
// One departure for speed: the reference divides each running sum by the window length in float32;
// we multiply in float64 by the reciprocal and round to float32. This is always the same number: a
// normal float32 quotient x/n (n < 2^20) is never within 2^-45 relative of a rounding midpoint,
// while the float64 product errs by at most 2^-52 relative (TestReciprocalDivision checks it on many
// values). Quotients are never subnormal here: luma values are 0..255 and built from 8-bit samples,
// so every sum is zero or far above 2^-100 through all four passes.

// windowSize is the reference's computeJaroszFilterWindowSize(side, 64): ceil(side/128).
func windowSize(side int) int { return (side + 127) / 128 }

// boxSpan describes the four phases of a running-sum box filter of window w over n samples: grow
// without output, grow with output, steady, and shrink.
type boxSpan struct{ lead, grow, steady, shrink int }

func newBoxSpan(n, w int) boxSpan {
	half := (w + 2) / 2
	return boxSpan{lead: half - 1, grow: w - half + 1, steady: n - w, shrink: half - 1}
}

// reciprocals holds 1/n in float64 for the window lengths in use; see the package comment above.
type reciprocals []float64

func (r *reciprocals) upTo(n int) []float64 {
	for len(*r) <= n {
		*r = append(*r, 1/float64(len(*r)))
	}
	return *r
}

// boxCols runs the reference's box1DFloat down every column of a width x height buffer. It walks
// row by row with one running sum per column, so the sums form independent chains and the loads are
// contiguous. Output row r goes to row to[r] of dst, or nowhere when to[r] < 0.
func boxCols(dst, src, sums []float32, width, height, w int, to []int, inv []float64) {
	span := newBoxSpan(height, w)
	sums = sums[:width]
	clear(sums)
	row := func(r int) []float32 { return src[r*width : r*width+width] }
	cur, out := 0, 0
	emit := func() {
		if t := to[out]; t >= 0 {
			k, o := inv[cur], dst[t*width:t*width+width]
			for j, s := range sums {
				o[j] = float32(float64(s) * k)
			}
		}
		out++
	}
	for r := range span.lead + span.grow {
		for j, v := range row(r) {
			sums[j] += v
		}
		if cur++; cur > span.lead {
			emit()
		}
	}
	for r := span.lead + span.grow; r < height; r++ {
		in, gone := row(r), row(r-w)
		if t := to[out]; t >= 0 {
			// The common case, fused with emit so each sum is loaded once.
			k, o := inv[cur], dst[t*width:t*width+width]
			o, in, gone = o[:len(sums)], in[:len(sums)], gone[:len(sums)]
			for j, s := range sums {
				s = float32(s+in[j]) - gone[j]
				sums[j] = s
				o[j] = float32(float64(s) * k)
			}
			out++
			continue
		}
		for j := range sums {
			s := sums[j] + in[j]
			sums[j] = s - gone[j]
		}
		out++
	}
	for r := height - w; r < height-w+span.shrink; r++ {
		for j, v := range row(r) {
			sums[j] -= v
		}
		cur--
		emit()
	}
}

// boxRows4 runs box1DFloat along four rows side by side. A single row's running sum is a chain of
// dependent float adds, so four interleaved chains keep the adder busy; four scalars also stay in
// registers. Output column c goes to column to[c] of dst, or nowhere when to[c] < 0.
func boxRows4(dst, src *[4][]float32, w int, to []int, inv []float64) {
	r0, r1, r2, r3 := src[0], src[1], src[2], src[3]
	o0, o1, o2, o3 := dst[0], dst[1], dst[2], dst[3]
	n := len(r0)
	r1, r2, r3, to = r1[:n], r2[:n], r3[:n], to[:n]
	span := newBoxSpan(n, w)
	var s0, s1, s2, s3 float32
	cur, out := 0, 0
	emit := func() {
		if t := to[out]; t >= 0 {
			k := inv[cur]
			o0[t] = float32(float64(s0) * k)
			o1[t] = float32(float64(s1) * k)
			o2[t] = float32(float64(s2) * k)
			o3[t] = float32(float64(s3) * k)
		}
		out++
	}
	for i := range span.lead + span.grow {
		s0, s1, s2, s3 = s0+r0[i], s1+r1[i], s2+r2[i], s3+r3[i]
		if cur++; cur > span.lead {
			emit()
		}
	}
	for i := span.lead + span.grow; i < n; i++ {
		g := i - w
		s0 = float32(s0+r0[i]) - r0[g]
		s1 = float32(s1+r1[i]) - r1[g]
		s2 = float32(s2+r2[i]) - r2[g]
		s3 = float32(s3+r3[i]) - r3[g]
		emit()
	}
	for g := n - w; g < n-w+span.shrink; g++ {
		s0, s1, s2, s3 = s0-r0[g], s1-r1[g], s2-r2[g], s3-r3[g]
		cur--
		emit()
	}
}
