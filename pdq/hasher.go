package pdq

import "slices"

// minSide is the reference's MIN_HASHABLE_DIM: images with a side below it hash to zero with
// quality zero.
const minSide = 5

// Hasher computes PDQ hashes, reusing its scratch memory from call to call so that hashing a stream
// of images allocates nothing in the steady state. A Hasher is not safe for concurrent use: give
// each goroutine its own. The zero value is ready to use.
type Hasher struct {
	scratch    []float32 // the reference's second full-size buffer
	sums       []float32
	inv        reciprocals
	rows, cols decimation
	// Weights of the reduced path; see HashReduced.
	rowWeights, colWeights resampling
	reducedRows            []float32
	corners                [64 * 64]float32 // the blurred pixels at the sampled positions, compacted

	a64    [64 * 64]float32 // blurred and decimated luma
	t      [16 * 64]float32 // first DCT stage
	b      [16 * 16]float32 // the 16x16 DCT the bits come from
	sorted [16 * 16]float32
}

// Hash returns the PDQ hash and quality (0..100) of a width x height luminance buffer, as the
// reference's pdqHash256FromFloatLuma does: a 64x64 buffer is used as is, anything else is blurred
// and decimated to 64x64 first. The blur works in place: luma is overwritten unless it is 64x64.
// Images with a side below 5 get the zero hash and quality 0. Luma values must lie in 0..255, as
// LumaFromRGB and LumaFromGrey produce.
func (h *Hasher) Hash(luma []float32, width, height int) (Hash, int) {
	if width < minSide || height < minSide {
		return Hash{}, 0
	}
	if width == 64 && height == 64 {
		copy(h.a64[:], luma[:64*64])
	} else {
		h.blurAndDecimate(luma, width, height)
	}
	quality := h.quality()
	h.dct()
	return h.bits(orig), quality
}

// Dihedral returns the hashes of the 8 rotations and reflections of the image, in the order orig,
// rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1, and the quality, as the reference's
// pdqDihedralHash256esFromFloatLuma does. They are derived from one DCT by sign changes and
// transposes, so they only approximate the hashes of the physically transformed images. Unlike
// Hash, this always blurs, even a 64x64 buffer; luma is overwritten.
func (h *Hasher) Dihedral(luma []float32, width, height int) ([8]Hash, int) {
	var out [8]Hash
	if width < minSide || height < minSide {
		return out, 0
	}
	h.blurAndDecimate(luma, width, height)
	quality := h.quality()
	h.dct()
	for d := range out {
		out[d] = h.bits(dihedral(d))
	}
	return out, quality
}

// HashAndDihedral returns what Hash and Dihedral would, blurring only once where they share the
// blur (every size but 64x64). luma is overwritten.
func (h *Hasher) HashAndDihedral(luma []float32, width, height int) (hash Hash, quality int, dihedral [8]Hash) {
	if width == 64 && height == 64 {
		hash, quality = h.Hash(luma, width, height)
		dihedral, _ = h.Dihedral(luma, width, height)
		return hash, quality, dihedral
	}
	dihedral, quality = h.Dihedral(luma, width, height)
	return dihedral[0], quality, dihedral
}

// HashReduced hashes a buffer that is a reduced copy of a larger image, such as a JPEG decoded
// at 1/2, 1/4 or 1/8 scale in the DCT domain: pixel (x, y) is taken to be the mean of the
// scale x scale square of source pixels it covers, for a source of sourceWidth x sourceHeight.
// Instead of blurring the small buffer, it applies to it the weights the reference's blur and
// decimation would give the source pixels (see resampling), so the 64x64 buffer, and thus the
// hash, comes out close to the full-resolution one. It is not bit-exact: use it for matching,
// not for hashes that are stored or shared. luma is left unchanged.
func (h *Hasher) HashReduced(luma []float32, width, height, scale, sourceWidth, sourceHeight int) (Hash, int) {
	if sourceWidth < minSide || sourceHeight < minSide {
		return Hash{}, 0
	}
	quality := h.reducedDCT(luma, width, height, scale, sourceWidth, sourceHeight)
	return h.bits(orig), quality
}

// DihedralReduced is to HashReduced what Dihedral is to Hash.
func (h *Hasher) DihedralReduced(luma []float32, width, height, scale, sourceWidth, sourceHeight int) ([8]Hash, int) {
	var out [8]Hash
	if sourceWidth < minSide || sourceHeight < minSide {
		return out, 0
	}
	quality := h.reducedDCT(luma, width, height, scale, sourceWidth, sourceHeight)
	for d := range out {
		out[d] = h.bits(dihedral(d))
	}
	return out, quality
}

// reducedDCT resamples a reduced buffer to h.a64, computes its DCT and returns its quality.
func (h *Hasher) reducedDCT(luma []float32, width, height, scale, sourceWidth, sourceHeight int) int {
	h.rowWeights.plan(sourceHeight, height, scale)
	h.colWeights.plan(sourceWidth, width, scale)
	h.resample(luma, width)
	quality := h.quality()
	h.dct()
	return quality
}

// blurAndDecimate applies the Jarosz filter to luma and samples the result down to h.a64. The
// first two passes produce every pixel; the last two only what decimation reads: the row pass
// writes just the sampled columns into a narrow buffer, and the column pass over that writes just
// the sampled rows.
func (h *Hasher) blurAndDecimate(luma []float32, width, height int) {
	n := width * height
	if cap(h.scratch) < max(n, height*64) {
		h.scratch = make([]float32, max(n, height*64))
	}
	rowWin, colWin := windowSize(width), windowSize(height)
	inv := h.inv.upTo(max(rowWin, colWin))
	h.sums = slices.Grow(h.sums[:0], width)[:width]
	cols, rows := &h.cols, &h.rows
	cols.plan(width)
	rows.plan(height)
	buf1, buf2 := luma[:n], h.scratch[:n]
	narrow := h.scratch[:height*cols.kept]

	boxRows(buf2, buf1, width, width, height, rowWin, cols.all, inv)
	boxCols(buf1, buf2, h.sums, width, height, colWin, rows.all, inv)
	boxRows(narrow, buf1, width, cols.kept, height, rowWin, cols.compact, inv)
	boxCols(h.corners[:], narrow, h.sums, cols.kept, height, colWin, rows.compact, inv)

	for i, r := range rows.sample {
		for j, c := range cols.sample {
			h.a64[i*64+j] = h.corners[r*cols.kept+c]
		}
	}
}

// decimation plans the passes along one side of length n. The reference samples the blurred image
// at positions floor((k + 0.5) * n / 64) for k < 64, computed in float64; on sides shorter than 64
// several k share a position.
type decimation struct {
	all     []int   // every position maps to itself: passes that produce every pixel
	compact []int   // a sampled position maps to its rank among the distinct sampled ones, others to -1
	kept    int     // the number of distinct sampled positions
	sample  [64]int // k maps to the rank of its position
}

func (d *decimation) plan(n int) {
	d.all, d.compact = slices.Grow(d.all[:0], n)[:n], slices.Grow(d.compact[:0], n)[:n]
	for i := range n {
		d.all[i], d.compact[i] = i, -1
	}
	d.kept = 0
	for k := range d.sample {
		pos := int((float64(k) + 0.5) * float64(n) / 64)
		if d.compact[pos] < 0 {
			d.compact[pos] = d.kept
			d.kept++
		}
		d.sample[k] = d.compact[pos]
	}
}

// boxRows filters every row of src (rows of srcWidth) into dst (rows of dstWidth), four rows at a
// time; the last group repeats a row when the height is not a multiple of four.
func boxRows(dst, src []float32, srcWidth, dstWidth, height, win int, to []int, inv []float64) {
	var in, out [4][]float32
	for r0 := 0; r0 < height; r0 += 4 {
		for k := range 4 {
			r := min(r0+k, height-1)
			in[k], out[k] = src[r*srcWidth:(r+1)*srcWidth], dst[r*dstWidth:(r+1)*dstWidth]
		}
		boxRows4(&out, &in, win, to, inv)
	}
}

// quality is the reference's image-domain quality metric on the 64x64 buffer: the sum of absolute
// neighbour differences, scaled to 0..100. It is low for flat or featureless images, whose hashes
// are unreliable.
func (h *Hasher) quality() int {
	a := &h.a64
	gradientSum := 0
	for i := 0; i < 63; i++ {
		for j := 0; j < 64; j++ {
			gradientSum += absTrunc(a[i*64+j], a[(i+1)*64+j])
		}
	}
	for i := 0; i < 64; i++ {
		for j := 0; j < 63; j++ {
			gradientSum += absTrunc(a[i*64+j], a[i*64+j+1])
		}
	}
	return min(gradientSum/90, 100)
}

// absTrunc is |int(((u - v) * 100) / 255)| with float32 arithmetic and truncation toward zero.
func absTrunc(u, v float32) int {
	d := int(float32(float32(u-v)*100) / 255)
	if d < 0 {
		return -d
	}
	return d
}
