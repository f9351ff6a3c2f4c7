package pdq

// resampling holds, for one axis, the weight each reduced pixel gets in each of the 64 samples of
// the reference's blur and decimation. Along one axis the reference applies a box of w source
// pixels twice (each output divided by the number of pixels its window covers, so windows shrink
// at the edges) and then reads position floor((k + 0.5) * n / 64). Sample k is therefore a fixed
// weighted sum of source pixels; a reduced pixel stands for scale source pixels, so its weight is
// the sum of theirs.
type resampling struct {
	first  [64]int       // the first reduced pixel with a non-zero weight in sample k
	weight [64][]float64 // weights of reduced pixels first[k], first[k]+1, ...
	source []float64     // scratch: weights over source pixels
}

// plan computes the weights for a side of n source pixels reduced by scale to reduced pixels.
func (r *resampling) plan(n, reduced, scale int) {
	w := windowSize(n)
	span := newBoxSpan(n, w)
	lo := func(p int) int { return max(0, p-(w-span.lead-1)) } // first pixel in p's window
	hi := func(p int) int { return min(n-1, p+span.lead) }     // last pixel in p's window
	for k := range 64 {
		p := int((float64(k) + 0.5) * float64(n) / 64)
		// Sample p of box(box(x)) = sum over q in window(p) of box(x)[q] / |window(p)|, and
		// box(x)[q] = sum over y in window(q) of x[y] / |window(q)|.
		first, last := lo(lo(p)), hi(hi(p))
		r.source = append(r.source[:0], make([]float64, last-first+1)...)
		outer := float64(hi(p) - lo(p) + 1)
		for q := lo(p); q <= hi(p); q++ {
			inner := float64(hi(q)-lo(q)+1) * outer
			for y := lo(q); y <= hi(q); y++ {
				r.source[y-first] += 1 / inner
			}
		}
		r.first[k] = min(first/scale, reduced-1)
		r.weight[k] = r.weight[k][:0]
		for y, v := range r.source {
			b := min((first+y)/scale, reduced-1) - r.first[k]
			for len(r.weight[k]) <= b {
				r.weight[k] = append(r.weight[k], 0)
			}
			r.weight[k][b] += v
		}
	}
}

// resample fills h.a64 from the reduced buffer with the planned weights: first the 64 sampled
// rows (each a weighted sum of a few reduced rows), then the 64 sampled columns of those.
func (h *Hasher) resample(luma []float32, width int) {
	if cap(h.reducedRows) < 64*width {
		h.reducedRows = make([]float32, 64*width)
	}
	rows := h.reducedRows[:64*width]
	for i := range 64 {
		out := rows[i*width : (i+1)*width]
		clear(out)
		for b, v := range h.rowWeights.weight[i] {
			in := luma[(h.rowWeights.first[i]+b)*width:][:width]
			for x := range out {
				out[x] += float32(v) * in[x]
			}
		}
	}
	for i := range 64 {
		row := rows[i*width : (i+1)*width]
		for j := range 64 {
			var sum float32
			for b, v := range h.colWeights.weight[j] {
				sum += float32(v) * row[h.colWeights.first[j]+b]
			}
			h.a64[i*64+j] = sum
		}
	}
}
