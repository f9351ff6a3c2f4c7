package jpeg

import (
	"fmt"
	"sync"
)

// colorSpace is how a file's components are to be read, guessed from its markers the way libjpeg
// does (jdapimin.c, default_decompress_parms), since JPEG itself does not say.
type colorSpace int

const (
	csGray colorSpace = iota
	csYCbCr
	csRGB
	csCMYK // stored inverted, as Adobe writes it; see cmykToRGB
	csYCCK
)

// colorSpace picks the colour space libjpeg would assume for this frame.
func (f *frame) colorSpace() (colorSpace, error) {
	switch len(f.comps) {
	case 1:
		return csGray, nil
	case 3:
		switch {
		case f.jfif:
			return csYCbCr, nil
		case f.adobe:
			if f.adobeTransform == 0 {
				return csRGB, nil
			}
			return csYCbCr, nil
		case f.comps[0].id == 'R' && f.comps[1].id == 'G' && f.comps[2].id == 'B':
			return csRGB, nil
		}
		return csYCbCr, nil
	case 4:
		if f.adobe && f.adobeTransform == 0 {
			return csCMYK, nil
		}
		if f.adobe {
			return csYCCK, nil
		}
		return csCMYK, nil
	}
	return 0, fmt.Errorf("jpeg: %d components: only 1 (grey), 3 (colour) or 4 (CMYK) are supported", len(f.comps))
}

// Fixed-point YCbCr to RGB conversion of libjpeg's jdcolor.c: 16 fractional bits, the red and
// blue terms rounded in the tables, the green term rounded once after summing its two parts.
const (
	ycScaleBits = 16
	ycHalf      = 1 << (ycScaleBits - 1)
)

// fixYCC is libjpeg's FIX(x) for the colour tables: x * 2^16 rounded to nearest.
func fixYCC(x float64) int32 {
	return int32(x*(1<<ycScaleBits) + 0.5)
}

// yccTables holds the per-chroma-value terms of the conversion.
type yccTables struct {
	crR, cbB [256]int32 // red and blue offsets, already rounded and descaled
	crG, cbG [256]int32 // green parts, scaled by 2^16; cbG includes the rounding half
}

var ycc = func() *yccTables {
	t := new(yccTables)
	for i := range 256 {
		x := int32(i - 128)
		t.crR[i] = (fixYCC(1.40200)*x + ycHalf) >> ycScaleBits
		t.cbB[i] = (fixYCC(1.77200)*x + ycHalf) >> ycScaleBits
		t.crG[i] = -fixYCC(0.71414) * x
		t.cbG[i] = -fixYCC(0.34414)*x + ycHalf
	}
	return t
}()

// clampOffset biases a sum before indexing clampTab; sums of a sample and a chroma term lie
// within -256..511, well inside the table.
const clampOffset = 384

// clampTab limits a value to 0..255: clampTab[(v+clampOffset)&1023] for v in -384..639.
var clampTab = func() *[1024]byte {
	var t [1024]byte
	for i := range t {
		t[i] = byte(min(max(i-clampOffset, 0), 255))
	}
	return &t
}()

// yccToRGB converts one row of n pixels, writing R, G, B triples to dst.
func yccToRGB(dst, y, cb, cr []byte, n int) {
	dst, y, cb, cr = dst[:3*n], y[:n], cb[:n], cr[:n]
	t, lim := ycc, clampTab
	for i := range y {
		yy := int32(y[i])
		b, r := cb[i], cr[i]
		d := dst[3*i : 3*i+3 : 3*i+3]
		d[0] = lim[(yy+t.crR[r]+clampOffset)&1023]
		d[1] = lim[(yy+(t.cbG[b]+t.crG[r])>>ycScaleBits+clampOffset)&1023]
		d[2] = lim[(yy+t.cbB[b]+clampOffset)&1023]
	}
}

// interleave3 packs three planes' rows of n samples into R, G, B triples.
func interleave3(dst, c0, c1, c2 []byte, n int) {
	dst, c0, c1, c2 = dst[:3*n], c0[:n], c1[:n], c2[:n]
	for i := range c0 {
		d := dst[3*i : 3*i+3 : 3*i+3]
		d[0], d[1], d[2] = c0[i], c1[i], c2[i]
	}
}

// cmykToRGB converts one row of n CMYK pixels to RGB the way ImageMagick 6 (Q16, no HDRI) does
// when it reads a CMYK JPEG and writes it as PPM: libjpeg's samples are taken as inverted (Adobe's
// convention, which ImageMagick assumes for every CMYK JPEG), then converted in floating point and
// scaled back to 8 bits. The result depends only on each channel and K, so it is tabulated.
func cmykToRGB(dst, c, m, y, k []byte, n int) {
	dst, c, m, y, k = dst[:3*n], c[:n], m[:n], y[:n], k[:n]
	t := cmykTable()
	for i := range c {
		kk := uint16(k[i]) << 8
		d := dst[3*i : 3*i+3 : 3*i+3]
		d[0] = t[kk|uint16(c[i])]
		d[1] = t[kk|uint16(m[i])]
		d[2] = t[kk|uint16(y[i])]
	}
}

// ycckToRGB converts one row of n YCCK pixels: libjpeg turns YCC into inverted CMY (255 minus the
// RGB conversion) and passes K through; ImageMagick then converts that CMYK.
func ycckToRGB(dst, y, cb, cr, k []byte, n int) {
	dst, y, cb, cr, k = dst[:3*n], y[:n], cb[:n], cr[:n], k[:n]
	t, lim, cmyk := ycc, clampTab, cmykTable()
	for i := range y {
		yy := int32(y[i])
		b, r := cb[i], cr[i]
		kk := uint16(k[i]) << 8
		d := dst[3*i : 3*i+3 : 3*i+3]
		d[0] = cmyk[kk|uint16(255-lim[(yy+t.crR[r]+clampOffset)&1023])]
		d[1] = cmyk[kk|uint16(255-lim[(yy+(t.cbG[b]+t.crG[r])>>ycScaleBits+clampOffset)&1023])]
		d[2] = cmyk[kk|uint16(255-lim[(yy+t.cbB[b]+clampOffset)&1023])]
	}
}

// cmykTable returns the table of ImageMagick's CMYK to RGB conversion, indexed by k<<8 | c for
// libjpeg's samples c (any of C, M, Y) and k. It is built on first use.
var cmykTable = sync.OnceValue(func() *[1 << 16]byte {
	const quantumRange = 65535.0
	const quantumScale = 1.0 / quantumRange
	t := new([1 << 16]byte)
	for k := range 256 {
		// ImageMagick stores QuantumRange - ScaleCharToQuantum(sample) = 65535 - 257*sample.
		black := float64(65535 - 257*k)
		for c := range 256 {
			cyan := float64(65535 - 257*c)
			// ConvertCMYKToRGB, evaluated in the same order with explicit roundings so no fused
			// multiply-add can change the result.
			v := float64(quantumScale * cyan)
			v = float64(v * (quantumRange - black))
			red := quantumRange - (v + black)
			t[k<<8|c] = quantumToChar(clampToQuantum(red))
		}
	}
	return t
})

// clampToQuantum is ImageMagick's ClampToQuantum for 16-bit quanta: round half up, clamped.
func clampToQuantum(v float64) uint32 {
	if v <= 0 {
		return 0
	}
	if v >= 65535 {
		return 65535
	}
	return uint32(v + 0.5)
}

// quantumToChar is ImageMagick's ScaleQuantumToChar for 16-bit quanta.
func quantumToChar(q uint32) byte {
	return byte(((q + 128) - ((q + 128) >> 8)) >> 8)
}
