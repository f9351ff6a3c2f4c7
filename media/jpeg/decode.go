package jpeg

import (
	"errors"
	"fmt"
)

// Decode decodes a baseline, extended, progressive or arithmetic-coded 8-bit JPEG to pixels
// equal to those libjpeg-turbo produces with its default settings. Greyscale files give one
// channel; YCbCr, RGB, CMYK and YCCK files give RGB. Image.EXIF holds the first Exif APP1 payload.
//
// Corrupt or truncated files give an error naming the reason; a file whose last scan is complete
// but that lacks the EOI marker is accepted. opt.MaxPixels bounds the image size before any
// pixel or coefficient memory is allocated.
func Decode(data []byte, opt Options) (*Image, error) {
	f, err := decodeCoefficients(data, opt)
	if err != nil {
		return nil, err
	}
	img, err := f.render()
	if err != nil {
		return nil, err
	}
	img.EXIF = f.exif
	img.Scale, img.SourceWidth, img.SourceHeight = 1, img.Width, img.Height
	return img, nil
}

// DecodeConfig reads a JPEG's headers up to its first scan and reports what they declare,
// without decoding any image data.
func DecodeConfig(data []byte) (Config, error) {
	r, err := newHeaderReader(data, 0)
	if err != nil {
		return Config{}, err
	}
	s, err := r.nextScan()
	if err != nil {
		return Config{}, err
	}
	if s == nil {
		return Config{}, errors.New("jpeg: EOI marker before any scan: the file holds no image")
	}
	f := r.frame
	return Config{
		Width: f.width, Height: f.height, Components: len(f.comps),
		Progressive: f.progressive, Arithmetic: f.arithmetic, EXIF: f.exif,
	}, nil
}

// decodeCoefficients parses data and entropy-decodes every scan into the frame's coefficient
// buffers, latching each component's quantization table at its first scan.
func decodeCoefficients(data []byte, opt Options) (*frame, error) {
	maxPixels := opt.maxPixels()
	r, err := newHeaderReader(data, maxPixels)
	if err != nil {
		return nil, err
	}
	var prog *progress
	for {
		s, err := r.nextScan()
		if err != nil {
			// Data that ends after complete scans but without EOI is accepted, as libjpeg accepts it.
			if prog != nil && errors.Is(err, errTruncatedHeader) && prog.complete() {
				return r.frame, nil
			}
			return nil, err
		}
		if s == nil {
			if prog == nil {
				return nil, errors.New("jpeg: EOI marker before any scan: the file holds no image")
			}
			return r.frame, nil
		}
		if prog == nil {
			if err := allocateCoefficients(r.frame, maxPixels); err != nil {
				return nil, err
			}
			prog = newProgress(r.frame)
		}
		if err := latchQuantTables(r, s, prog); err != nil {
			return nil, err
		}
		seg, eof := scanData(data, s)
		dec, err := newEntropyDecoder(r.frame, &r.tables, s, seg, eof)
		if err != nil {
			return nil, err
		}
		if err := decodeScan(r.frame, s, dec, r.tables.restartInterval); err != nil {
			return nil, err
		}
		prog.record(s, r.frame.progressive)
		r.pos = s.dataStart + len(seg)
	}
}

// allocateCoefficients allocates every component's coefficient buffer, after checking the
// total against the budget that maxPixels implies: at most 4 full-resolution components
// (8 bytes per pixel) plus padding to whole MCUs, at most 31 pixels on each edge.
func allocateCoefficients(f *frame, maxPixels int64) error {
	var blocks int64
	for _, c := range f.comps {
		blocks += int64(c.blocksW) * int64(c.blocksH)
	}
	// No image exceeds 65535x65535 pixels; clamping keeps a huge maxPixels from overflowing.
	limit := 8 * (min(maxPixels, 1<<32) + 31*int64(f.width+f.height) + 31*31) // bytes
	if need := blocks * 64 * 2; need > limit {
		return fmt.Errorf("jpeg: coefficient buffers for %dx%d would need %d bytes, over the budget of %d", f.width, f.height, need, limit)
	}
	for i := range f.comps {
		c := &f.comps[i]
		c.coef = make([]int16, c.blocksW*c.blocksH*64)
	}
	return nil
}

// latchQuantTables copies the current quantization table of each component that appears in a
// scan for the first time, as libjpeg does: later redefinitions of that table slot do not
// affect a component already seen.
func latchQuantTables(r *headerReader, s *scanHeader, prog *progress) error {
	for _, sc := range s.comps {
		if prog.latched[sc.comp] {
			continue
		}
		c := &r.frame.comps[sc.comp]
		if !r.tables.quantDefined[c.tq] {
			return fmt.Errorf("jpeg: scan %d: component %d uses undefined quantization table %d", s.index, sc.comp, c.tq)
		}
		c.quant = r.tables.quant[c.tq]
		prog.latched[sc.comp] = true
	}
	return nil
}

// progress records which coefficients the scans so far have delivered, to tell a file that
// merely lacks its EOI marker from one cut short between scans.
type progress struct {
	latched []bool // the component's quantization table has been latched
	// bits[c][k] is the point transform Al of the last scan that coded coefficient k (zig-zag
	// order) of component c, or -1 if none has: a coefficient is final when it is 0.
	bits [][64]int8
}

func newProgress(f *frame) *progress {
	p := &progress{latched: make([]bool, len(f.comps)), bits: make([][64]int8, len(f.comps))}
	for c := range p.bits {
		for k := range p.bits[c] {
			p.bits[c][k] = -1
		}
	}
	return p
}

// record notes the coefficients scan s delivered. Sequential scans deliver all of them.
func (p *progress) record(s *scanHeader, progressive bool) {
	ss, se, al := s.ss, s.se, s.al
	if !progressive {
		ss, se, al = 0, 63, 0
	}
	for _, sc := range s.comps {
		for k := ss; k <= se; k++ {
			p.bits[sc.comp][k] = int8(al)
		}
	}
}

// complete reports whether every coefficient of every component has been fully delivered.
func (p *progress) complete() bool {
	for c := range p.bits {
		for _, b := range p.bits[c] {
			if b != 0 {
				return false
			}
		}
	}
	return true
}
