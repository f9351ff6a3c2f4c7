package jpeg

import "fmt"

// render turns the frame's coefficients into pixels exactly as libjpeg-turbo 2.1 does by default
// (as djpeg and ImageMagick 6 use it): accurate integer IDCT, fancy upsampling, its fixed-point
// colour conversion; CMYK and YCCK go on to RGB the way ImageMagick converts them.
func (f *frame) render() (*Image, error) {
	cs, err := f.colorSpace()
	if err != nil {
		return nil, err
	}
	if f.width <= 0 || f.height <= 0 {
		return nil, fmt.Errorf("jpeg: render: empty image %dx%d", f.width, f.height)
	}
	srcs := make([]componentRows, len(f.comps))
	ups := make([]upsampler, len(f.comps))
	for i := range f.comps {
		c := &f.comps[i]
		if c.h < 1 || c.v < 1 || c.h > f.hmax || c.v > f.vmax {
			return nil, fmt.Errorf("jpeg: render: component %d sampling %dx%d is outside 1x1 to the frame's maximum %dx%d", i, c.h, c.v, f.hmax, f.vmax)
		}
		if err := srcs[i].init(f, c); err != nil {
			return nil, fmt.Errorf("jpeg: render: component %d: %w", i, err)
		}
		if ups[i], err = newUpsampler(c.h, c.v, f.hmax, f.vmax, srcs[i].w); err != nil {
			return nil, err
		}
	}

	channels := 3
	if cs == csGray {
		channels = 1
	}
	w, h := f.width, f.height
	img := &Image{Width: w, Height: h, Channels: channels, Pix: make([]byte, w*h*channels), EXIF: f.exif}
	rows := make([][]byte, len(f.comps))
	for y := range h {
		for i := range ups {
			rows[i] = ups[i].rowAt(&srcs[i], y)
		}
		dst := img.Pix[y*w*channels : (y+1)*w*channels]
		switch cs {
		case csGray:
			copy(dst, rows[0][:w])
		case csYCbCr:
			yccToRGB(dst, rows[0], rows[1], rows[2], w)
		case csRGB:
			interleave3(dst, rows[0], rows[1], rows[2], w)
		case csCMYK:
			cmykToRGB(dst, rows[0], rows[1], rows[2], rows[3], w)
		case csYCCK:
			ycckToRGB(dst, rows[0], rows[1], rows[2], rows[3], w)
		}
	}
	return img, nil
}

// componentRows produces a component's sample rows on demand. It runs the inverse DCT one row of
// blocks at a time into a ring of two such rows, which is all the upsamplers need (they read rows
// in increasing order, at most one row behind or ahead), so the working set stays in cache and
// no full-size plane is ever allocated.
type componentRows struct {
	c      *component
	qt     [64]int16
	w, h   int // downsampled width and height: the samples that hold image data
	bw     int // blocks per row that hold image data
	stride int
	ring   []byte // two rows of blocks, 16 sample rows of stride bytes
	next   int    // the next row of blocks to transform
}

// init prepares the rows of component c of frame f.
func (s *componentRows) init(f *frame, c *component) error {
	s.c = c
	s.qt = quantMultipliers(&c.quant)
	s.w = ceilDiv(f.width*c.h, f.hmax)
	s.h = ceilDiv(f.height*c.v, f.vmax)
	s.bw = ceilDiv(s.w, 8)
	if c.blocksW < s.bw || c.blocksH < ceilDiv(s.h, 8) || len(c.coef) < c.blocksW*c.blocksH*64 {
		return fmt.Errorf("%dx%d blocks of coefficients (%d values) do not cover %dx%d samples",
			c.blocksW, c.blocksH, len(c.coef), s.w, s.h)
	}
	s.stride = s.bw * 8
	s.ring = make([]byte, 16*s.stride)
	return nil
}

// row returns the w samples of row r; rows outside the image repeat its first or last row, as
// libjpeg's context rows do. The slice stays valid until a row two rows of blocks further down
// is requested.
func (s *componentRows) row(r int) []byte {
	r = min(max(r, 0), s.h-1)
	b := r >> 3
	for s.next <= b {
		s.transform(s.next)
		s.next++
	}
	off := ((b&1)*8 + r&7) * s.stride
	return s.ring[off : off+s.w]
}

// transform runs the inverse DCT over row by of the component's blocks, into its ring slot.
func (s *componentRows) transform(by int) {
	blocks := s.c.coef[by*s.c.blocksW*64:]
	out := s.ring[(by&1)*8*s.stride:]
	for bx := range s.bw {
		idctBlock(out[bx*8:], s.stride, (*[64]int16)(blocks[bx*64:bx*64+64]), &s.qt)
	}
}
