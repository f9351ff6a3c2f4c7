package media

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// pnmHeader is the parsed header of a binary netpbm image.
type pnmHeader struct {
	kind          byte // '4' bitmap, '5' greymap, '6' pixmap
	width, height int
	maxval        int // 1 for bitmaps
	rasterOffset  int
}

// parsePNMHeader reads the magic number, which whitespace must follow, and the width, height and (except for P4) maxval fields,
// which are decimal numbers separated by whitespace and "#" comments running to the end of a
// line. Exactly one whitespace byte separates the last field from the raster.
func parsePNMHeader(data []byte) (pnmHeader, error) {
	if len(data) < 3 || data[0] != 'P' || (data[1] != '4' && data[1] != '5' && data[1] != '6') || !isPNMSpace(data[2]) {
		return pnmHeader{}, errors.New("pnm: not a binary netpbm file (want P4, P5 or P6)")
	}
	h := pnmHeader{kind: data[1], maxval: 1}
	p := 2
	fields := []struct {
		name string
		dst  *int
		max  int
	}{{"width", &h.width, math.MaxInt32}, {"height", &h.height, math.MaxInt32}, {"maxval", &h.maxval, 65535}}
	if h.kind == '4' {
		fields = fields[:2]
	}
	for _, f := range fields {
		tok, next, err := pnmToken(data, p, f.name)
		if err != nil {
			return pnmHeader{}, err
		}
		n, err := strconv.Atoi(tok)
		if err != nil || n < 1 || n > f.max {
			return pnmHeader{}, fmt.Errorf("pnm: bad %s %q", f.name, tok)
		}
		*f.dst, p = n, next
	}
	last := fields[len(fields)-1].name
	if p >= len(data) {
		return pnmHeader{}, fmt.Errorf("pnm: header ends after %s", last)
	}
	if !isPNMSpace(data[p]) {
		return pnmHeader{}, fmt.Errorf("pnm: no whitespace between %s and raster", last)
	}
	h.rasterOffset = p + 1
	return h, nil
}

// pnmToken skips whitespace and comments from p and returns the next token: the bytes up to
// whitespace, a comment or the end of data (at most 20 are kept for error messages).
func pnmToken(data []byte, p int, field string) (tok string, next int, err error) {
	for p < len(data) && (isPNMSpace(data[p]) || data[p] == '#') {
		if data[p] == '#' {
			for p < len(data) && data[p] != '\n' && data[p] != '\r' {
				p++
			}
			continue
		}
		p++
	}
	start := p
	for p < len(data) && !isPNMSpace(data[p]) && data[p] != '#' {
		p++
	}
	if p == start {
		return "", p, fmt.Errorf("pnm: header ends before %s", field)
	}
	return string(data[start:min(p, start+20)]), p, nil
}

func isPNMSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func pnmConfig(data []byte) (int, int, error) {
	h, err := parsePNMHeader(data)
	return h.width, h.height, err
}

// decodePNM decodes the first image of a P4, P5 or P6 file. Samples are scaled from 0..maxval
// to 0..255 with rounding; bitmap bit 1 (black) becomes 0 and bit 0 becomes 255. The raster length
// is checked before anything is allocated, so a header claiming more pixels than the file holds
// costs nothing.
func decodePNM(data []byte, _ int64) (*Image, error) {
	h, err := parsePNMHeader(data)
	if err != nil {
		return nil, err
	}
	raster := data[h.rasterOffset:]
	out := &Image{Width: h.width, Height: h.height, Channels: 1}
	if h.kind == '4' {
		out.Pix, err = pnmBits(raster, h.width, h.height)
		return out, err
	}
	if h.kind == '6' {
		out.Channels = 3
	}
	out.Pix, err = pnmSamples(raster, h.width*h.height*out.Channels, h.maxval)
	if err != nil {
		return nil, err
	}
	if out.Channels == 3 {
		out.Channels, out.Pix = greyIfNeutral(out.Pix)
	}
	return out, nil
}

// pnmBits expands a P4 raster, whose rows are padded to whole bytes, most significant bit first.
func pnmBits(raster []byte, w, h int) ([]byte, error) {
	rowBytes := (w + 7) / 8
	if int64(rowBytes)*int64(h) > int64(len(raster)) {
		return nil, fmt.Errorf("pnm: raster truncated: want %d bytes, have %d", int64(rowBytes)*int64(h), len(raster))
	}
	pix := make([]byte, w*h)
	for y := range h {
		row := raster[y*rowBytes : (y+1)*rowBytes]
		dst := pix[y*w : (y+1)*w]
		for x := range dst {
			if row[x/8]&(0x80>>(x%8)) == 0 {
				dst[x] = 0xff
			}
		}
	}
	return pix, nil
}

// pnmSamples reads n samples of one byte (maxval < 256) or two big-endian bytes each, scaled to 8
// bits. A sample above maxval is an error.
func pnmSamples(raster []byte, n, maxval int) ([]byte, error) {
	size := 1
	if maxval > 255 {
		size = 2
	}
	if int64(n)*int64(size) > int64(len(raster)) {
		return nil, fmt.Errorf("pnm: raster truncated: want %d bytes, have %d", int64(n)*int64(size), len(raster))
	}
	switch {
	case maxval == 255:
		return append([]byte(nil), raster[:n]...), nil
	case size == 1:
		return pnmScale8(raster[:n], maxval)
	default:
		return pnmScale16(raster[:2*n], maxval)
	}
}

func pnmScale8(src []byte, maxval int) ([]byte, error) {
	var lut [256]byte
	for v := 0; v <= maxval; v++ {
		lut[v] = byte((v*255 + maxval/2) / maxval)
	}
	pix := make([]byte, len(src))
	for i, v := range src {
		if int(v) > maxval {
			return nil, fmt.Errorf("pnm: sample %d at byte %d exceeds maxval %d", v, i, maxval)
		}
		pix[i] = lut[v]
	}
	return pix, nil
}

func pnmScale16(src []byte, maxval int) ([]byte, error) {
	pix := make([]byte, len(src)/2)
	for i := range pix {
		v := int(src[2*i])<<8 | int(src[2*i+1])
		if v > maxval {
			return nil, fmt.Errorf("pnm: sample %d at byte %d exceeds maxval %d", v, 2*i, maxval)
		}
		pix[i] = byte((v*255 + maxval/2) / maxval)
	}
	return pix, nil
}
