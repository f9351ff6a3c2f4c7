package jpeg

import (
	"errors"
	"fmt"
)

// The fast luma path: perceptual hashing needs only a small greyscale image, and a JPEG's Y
// component already is the BT.601 luma the hash wants. So DecodeLuma decodes component 0 only,
// at 1/2, 1/4 or 1/8 scale straight from the DCT coefficients (see fastidct.go), and merely
// skips over everything else in the entropy-coded data (see fasthuff.go and fastscan.go).

// lumaMinSide is the shortest side, in output pixels, that LumaScale keeps. It was chosen by
// measurement on about 230 reductions and crops of the reference photos, encoded at quality 85
// to 95 and decoded at scales 2, 4 and 8. Hashed with pdq.Hasher.HashReduced, which weights the
// reduced pixels as PDQ's blur weights the full-size image, images whose reduced shorter side
// was at least 160 gave hashes on average 0.7 to 1.6 bits and at most 6 bits from those of the
// full-size decode; between 128 and 160 they were 3.2 bits away on average and up to 8.
const lumaMinSide = 160

// LumaScale returns the reduction DecodeLuma applies to an image of the given size: the largest
// of 8, 4 and 2 that leaves its shorter side at least 160 pixels, or 1 for smaller images.
func LumaScale(width, height int) int {
	short := min(width, height)
	for s := 8; s > 1; s /= 2 {
		if ceilDiv(short, s) >= lumaMinSide {
			return s
		}
	}
	return 1
}

// LumaSize returns the size of the image DecodeLuma returns for a source of the given size.
func LumaSize(width, height int) (w, h int) {
	s := LumaScale(width, height)
	return ceilDiv(width, s), ceilDiv(height, s)
}

// DecodeLuma decodes the luma (Y) of a JPEG as one 8-bit channel, reduced by LumaScale of its
// size: Image.Scale says by how much, Image.SourceWidth and SourceHeight give the size the file
// declares, and Image.Width, Height are LumaSize of that. It is meant for perceptual hashing and
// is much faster than Decode (about 1/10 of image/jpeg's time on a 6-megapixel photo) because it
// reads only what the reduced luma needs. A reduced pixel is the N-point inverse DCT of its
// block's lowest coefficients; at 1/8 scale that is exactly the block's mean.
//
// A perceptual hash of the reduced image is not the hash of the full-size image: PDQ, for
// instance, sizes its blur to the image, so hashing the reduced image as it is lands 10 to 20
// bits away. pdq.Hasher.HashReduced weights the reduced pixels as PDQ's filter weights the
// source pixels they stand for, which gives hashes within a few bits.
//
// Baseline and extended Huffman-coded YCbCr and greyscale files take the fast path. Progressive
// and arithmetic-coded files are entropy-decoded in full by Decode's decoder, and component 0 of
// the result goes through the same reduced inverse DCT. Files without a Y component (RGB, CMYK
// and YCCK) are decoded in full; their luma 0.299 R + 0.587 G + 0.114 B is then averaged down
// to the same reduced size. Errors and opt.MaxPixels are as for Decode.
func DecodeLuma(data []byte, opt Options) (*Image, error) {
	return decodeLuma(data, opt, LumaScale)
}

// decodeLuma is DecodeLuma with the scale policy as a parameter, so tests can try any scale.
func decodeLuma(data []byte, opt Options, scaleFor func(width, height int) int) (*Image, error) {
	maxPixels := opt.maxPixels()
	r, err := newHeaderReader(data, maxPixels)
	if err != nil {
		return nil, err
	}
	s, err := r.nextScan()
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errors.New("jpeg: EOI marker before any scan: the file holds no image")
	}
	f := r.frame
	cs, err := f.colorSpace()
	if err != nil {
		return nil, err
	}
	scale := scaleFor(f.width, f.height)
	switch {
	case cs != csGray && cs != csYCbCr:
		return lumaFromPixels(data, opt, scale)
	case f.progressive || f.arithmetic:
		return lumaFromCoefficients(data, opt, scale)
	}
	d := newLumaDecoder(data, f, scale)
	for ; s != nil; s, err = r.nextScan() {
		if !scanHasComponent(s, 0) {
			r.skipEntropyData(s)
			continue
		}
		sc, err := d.prepare(s, &r.tables)
		if err != nil {
			return nil, err
		}
		if err := d.decodeScan(sc, s.dataStart); err != nil {
			return nil, err
		}
		// Sequential files code each component in one scan: nothing after it concerns us.
		return d.image(), nil
	}
	if err != nil {
		return nil, err
	}
	return nil, errors.New("jpeg: no scan holds the luma component before EOI")
}

// scanHasComponent reports whether scan s codes frame component ci.
func scanHasComponent(s *scanHeader, ci int) bool {
	for _, sc := range s.comps {
		if sc.comp == ci {
			return true
		}
	}
	return false
}

// lumaDecoder holds the output and per-block state of a reduced luma decode.
type lumaDecoder struct {
	data  []byte
	f     *frame
	scale int // 1, 2, 4 or 8
	n     int // output pixels per block side: 8 / scale
	// valueLimit is one past the last zig-zag index whose value the reduced IDCT reads.
	valueLimit int

	plane  []byte // component 0 at reduced scale, whole blocks, stride bytes per row
	stride int
	quant  [64]uint16 // component 0's quantization table
	qt     [64]int16  // the same as multipliers for the full IDCT (scale 1)
	blk    [64]int16  // coefficients of the current block, natural order
}

// valueLimits maps a scale to the zig-zag extent of the top-left (8/scale)x(8/scale)
// coefficients: zig-zag indices 0, 1, 2, 4 for 2x2; up to 24 for 4x4.
var valueLimits = [9]int{1: 64, 2: 25, 4: 5, 8: 1}

func newLumaDecoder(data []byte, f *frame, scale int) *lumaDecoder {
	c := &f.comps[0]
	n := 8 / scale
	d := &lumaDecoder{data: data, f: f, scale: scale, n: n, valueLimit: valueLimits[scale]}
	d.stride = c.blocksW * n
	d.plane = make([]byte, d.stride*c.blocksH*n)
	return d
}

// setQuant latches component 0's quantization table.
func (d *lumaDecoder) setQuant(q *[64]uint16) {
	d.quant = *q
	d.qt = quantMultipliers(q)
}

// prepare builds the tables and block layout of sequential scan s, which codes component 0.
func (d *lumaDecoder) prepare(s *scanHeader, t *tables) (*lumaScan, error) {
	f := d.f
	c0 := &f.comps[0]
	if !t.quantDefined[c0.tq] {
		return nil, fmt.Errorf("jpeg: scan %d: component 0 uses undefined quantization table %d", s.index, c0.tq)
	}
	d.setQuant(&t.quant[c0.tq])

	table := func(class int, id uint8) (*lumaHuff, error) {
		if id > 3 || !t.huffDefined[class][id] {
			return nil, fmt.Errorf("jpeg: scan %d uses undefined %s Huffman table %d", s.index, className(class), id)
		}
		h, err := cachedLumaHuff(&t.huff[class][id], class == 1)
		if err != nil {
			return nil, fmt.Errorf("jpeg: scan %d, %s table %d: %w", s.index, className(class), id, err)
		}
		return h, nil
	}

	sc := &lumaScan{header: s, restart: t.restartInterval}
	n := d.n
	for _, scomp := range s.comps {
		dc, err := table(0, scomp.dc)
		if err != nil {
			return nil, err
		}
		ac, err := table(1, scomp.ac)
		if err != nil {
			return nil, err
		}
		c := &f.comps[scomp.comp]
		h, v := c.h, c.v
		if !s.interleaved() {
			h, v = 1, 1
		}
		for by := range v {
			for bx := range h {
				sc.slots = append(sc.slots, lumaSlot{dc: dc, ac: ac, luma: scomp.comp == 0, off: by*n*d.stride + bx*n})
			}
		}
	}
	if s.interleaved() {
		sc.mcusX, sc.mcusY = f.mcusX, f.mcusY
		sc.stepX, sc.stepY = c0.h*n, c0.v*n*d.stride
	} else {
		sc.mcusX = ceilDiv(ceilDiv(f.width*c0.h, f.hmax), 8)
		sc.mcusY = ceilDiv(ceilDiv(f.height*c0.v, f.vmax), 8)
		sc.stepX, sc.stepY = n, n*d.stride
	}
	return sc, nil
}

// reduce writes the reduced pixels of d.blk at dst.
func (d *lumaDecoder) reduce(dst []byte) {
	switch d.scale {
	case 1:
		idctBlock(dst, d.stride, &d.blk, &d.qt)
	case 2:
		idct4x4(&d.blk, &d.quant, dst, d.stride)
	case 4:
		idct2x2(&d.blk, &d.quant, dst, d.stride)
	default:
		idct1x1(&d.blk, &d.quant, dst, d.stride)
	}
}

// image crops the decoded plane to the output size. When component 0 is subsampled relative to
// another component (unusual: Y normally has the largest sampling factors) its samples are
// replicated up to the output size.
func (d *lumaDecoder) image() *Image {
	f, c0 := d.f, &d.f.comps[0]
	w, h := ceilDiv(f.width, d.scale), ceilDiv(f.height, d.scale)
	cw, ch := ceilDiv(f.width*c0.h, f.hmax*d.scale), ceilDiv(f.height*c0.v, f.vmax*d.scale)
	pix := make([]byte, w*h)
	for y := range h {
		src := d.plane[(y*ch/h)*d.stride:]
		dst := pix[y*w : (y+1)*w]
		if cw == w {
			copy(dst, src[:w])
			continue
		}
		for x := range dst {
			dst[x] = src[x*cw/w]
		}
	}
	return &Image{Width: w, Height: h, Channels: 1, Pix: pix, EXIF: f.exif,
		Scale: d.scale, SourceWidth: f.width, SourceHeight: f.height}
}

// lumaFromCoefficients is the path for progressive and arithmetic-coded files: the full entropy
// decoder fills the coefficients, then component 0 goes through the reduced inverse DCT.
func lumaFromCoefficients(data []byte, opt Options, scale int) (*Image, error) {
	f, err := decodeCoefficients(data, opt)
	if err != nil {
		return nil, err
	}
	d := newLumaDecoder(data, f, scale)
	c := &f.comps[0]
	d.setQuant(&c.quant)
	bw := ceilDiv(ceilDiv(f.width*c.h, f.hmax), 8)
	bh := ceilDiv(ceilDiv(f.height*c.v, f.vmax), 8)
	for by := range bh {
		for bx := range bw {
			off := (by*c.blocksW + bx) * 64
			d.blk = [64]int16(c.coef[off : off+64])
			d.reduce(d.plane[by*d.n*d.stride+bx*d.n:])
		}
	}
	return d.image(), nil
}

// lumaFromPixels is the path for files without a Y component: a full decode, the luma of each
// pixel with libjpeg's fixed-point RGB-to-Y weights, then the mean of every scale x scale square.
func lumaFromPixels(data []byte, opt Options, scale int) (*Image, error) {
	img, err := Decode(data, opt)
	if err != nil {
		return nil, err
	}
	img.Scale, img.SourceWidth, img.SourceHeight = 1, img.Width, img.Height
	if img.Channels == 3 {
		luma := make([]byte, img.Width*img.Height)
		for i := range luma {
			p := img.Pix[3*i : 3*i+3 : 3*i+3]
			luma[i] = byte((19595*int(p[0]) + 38470*int(p[1]) + 7471*int(p[2]) + 1<<15) >> 16)
		}
		img.Pix, img.Channels = luma, 1
	}
	if scale == 1 {
		return img, nil
	}
	return boxReduce(img, scale), nil
}

// boxReduce averages each scale x scale square of a one-channel image (partial at the right and
// bottom edges) into one pixel.
func boxReduce(img *Image, scale int) *Image {
	w, h := ceilDiv(img.Width, scale), ceilDiv(img.Height, scale)
	out := &Image{Width: w, Height: h, Channels: 1, Pix: make([]byte, w*h), EXIF: img.EXIF,
		Scale: scale, SourceWidth: img.Width, SourceHeight: img.Height}
	for y := range h {
		y0, y1 := y*scale, min((y+1)*scale, img.Height)
		for x := range w {
			x0, x1 := x*scale, min((x+1)*scale, img.Width)
			sum := 0
			for sy := y0; sy < y1; sy++ {
				for _, v := range img.Pix[sy*img.Width+x0 : sy*img.Width+x1] {
					sum += int(v)
				}
			}
			n := (y1 - y0) * (x1 - x0)
			out.Pix[y*w+x] = byte((sum + n/2) / n)
		}
	}
	return out
}
