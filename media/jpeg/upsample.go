package jpeg

import "fmt"

// Chroma upsampling as libjpeg's jdsample.c does it with do_fancy_upsampling on (its default):
// a triangular filter for 2:1 ratios (horizontal, vertical or both), plain replication for other
// integral ratios and for components at most 2 samples wide. Rows above the first and below the
// last repeat them (componentRows.row), as libjpeg's main buffer controller arranges.

// upsampleKind names the libjpeg routine that upsamples a component.
type upsampleKind int

const (
	upFull      upsampleKind = iota // full-size component: nothing to do
	upH2V1Fancy                     // h2v1_fancy_upsample
	upH1V2Fancy                     // h1v2_fancy_upsample
	upH2V2Fancy                     // h2v2_fancy_upsample
	upReplicate                     // int_upsample, h2v1_upsample, h2v2_upsample
)

// upsampler produces full-resolution rows of one component.
type upsampler struct {
	kind   upsampleKind
	hx, vx int    // horizontal and vertical expansion factors
	buf    []byte // the last row produced, hx*w bytes: at least the image width
}

// newUpsampler chooses the method libjpeg's jinit_upsampler would choose for a component with
// sampling factors h, v, w samples wide, in a frame whose largest factors are hmax, vmax.
func newUpsampler(h, v, hmax, vmax, w int) (upsampler, error) {
	if h < 1 || v < 1 || hmax%h != 0 || vmax%v != 0 {
		return upsampler{}, fmt.Errorf("jpeg: sampling factors %dx%d against maximum %dx%d: fractional sampling is not supported", h, v, hmax, vmax)
	}
	u := upsampler{hx: hmax / h, vx: vmax / v}
	switch {
	case u.hx == 1 && u.vx == 1:
		u.kind = upFull
		return u, nil
	case u.hx == 2 && u.vx == 1 && w > 2:
		u.kind = upH2V1Fancy
	case u.hx == 1 && u.vx == 2:
		u.kind = upH1V2Fancy
	case u.hx == 2 && u.vx == 2 && w > 2:
		u.kind = upH2V2Fancy
	default:
		u.kind = upReplicate
	}
	u.buf = make([]byte, u.hx*w)
	return u, nil
}

// rowAt returns output row y of the component (y < image height); the slice is valid until the
// next call.
func (u *upsampler) rowAt(src *componentRows, y int) []byte {
	switch u.kind {
	case upFull:
		return src.row(y)
	case upH2V1Fancy:
		upsampleH2V1(u.buf, src.row(y))
	case upH1V2Fancy, upH2V2Fancy:
		// The nearest input row, then the next nearest: above for even y, below for odd y.
		near := src.row(y >> 1)
		far := src.row(y>>1 - 1 + 2*(y&1))
		if u.kind == upH1V2Fancy {
			upsampleH1V2(u.buf, near, far, 1+y&1)
		} else {
			upsampleH2V2(u.buf, near, far)
		}
	case upReplicate:
		replicate(u.buf, src.row(y/u.vx), u.hx)
	}
	return u.buf
}

// upsampleH2V1 doubles a row horizontally with weights 3/4 and 1/4; the rounding alternates
// between +1 and +2 (in quarters) to avoid a bias. len(in) must be at least 2.
func upsampleH2V1(dst, in []byte) {
	w := len(in)
	dst = dst[:2*w]
	prev := int32(in[0])
	for i := 0; i < w-1; i++ {
		cur := int32(in[i])
		next := int32(in[i+1])
		o := dst[2*i : 2*i+2 : 2*i+2]
		o[0] = byte((3*cur + prev + 1) >> 2)
		o[1] = byte((3*cur + next + 2) >> 2)
		prev = cur
	}
	last := int32(in[w-1])
	dst[2*w-2] = byte((3*last + prev + 1) >> 2)
	dst[2*w-1] = byte(last)
}

// upsampleH1V2 blends a row with its nearest neighbour row 3:1; bias is 1 when the neighbour is
// above and 2 when it is below.
func upsampleH1V2(dst, near, far []byte, bias int) {
	n := len(near)
	dst, far = dst[:n], far[:n]
	b := int32(bias)
	for i := range near {
		dst[i] = byte((3*int32(near[i]) + int32(far[i]) + b) >> 2)
	}
}

// upsampleH2V2 doubles a row in both directions: each output is 9/16, 3/16, 3/16 and 1/16 of the
// four nearest input samples, with rounding +8 and +7 (in sixteenths) alternating along the row.
// len(near) must be at least 2.
func upsampleH2V2(dst, near, far []byte) {
	w := len(near)
	dst, far = dst[:2*w], far[:w]
	this := 3*int32(near[0]) + int32(far[0])
	last := this
	for i := 0; i < w-1; i++ {
		next := 3*int32(near[i+1]) + int32(far[i+1])
		o := dst[2*i : 2*i+2 : 2*i+2]
		o[0] = byte((3*this + last + 8) >> 4)
		o[1] = byte((3*this + next + 7) >> 4)
		last, this = this, next
	}
	dst[2*w-2] = byte((3*this + last + 8) >> 4)
	dst[2*w-1] = byte((4*this + 7) >> 4)
}

// replicate repeats each input sample hx times.
func replicate(dst, in []byte, hx int) {
	dst = dst[:hx*len(in)]
	if hx == 2 {
		for i, v := range in {
			o := dst[2*i : 2*i+2 : 2*i+2]
			o[0], o[1] = v, v
		}
		return
	}
	for i, v := range in {
		o := dst[i*hx : i*hx+hx]
		for j := range o {
			o[j] = v
		}
	}
}
