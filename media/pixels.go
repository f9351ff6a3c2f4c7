package media

import (
	"image"
	"image/color"
)

// fromImage converts a decoded image to packed 8-bit pixels the way ImageMagick writes them as
// PNM: alpha dropped (the stored, non-premultiplied colour kept), 16-bit samples scaled to 8 bits,
// palettes expanded, and one grey channel when every pixel has R==G==B. The common concrete
// types are read directly from their Pix slices; anything else goes through color.Color.
func fromImage(m image.Image) *Image {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	out := &Image{Width: w, Height: h}
	switch m := m.(type) {
	case *image.Gray:
		out.Channels, out.Pix = 1, grayPix(m)
		return out
	case *image.Gray16:
		out.Channels, out.Pix = 1, gray16Pix(m)
		return out
	case *image.NRGBA:
		out.Pix = rgbFrom32(m.Pix, m.Stride, w, h, false)
	case *image.RGBA:
		// Opaque from every decoder here except TIFF with associated alpha, which ImageMagick
		// un-premultiplies.
		out.Pix = rgbFrom32(m.Pix, m.Stride, w, h, true)
	case *image.NRGBA64:
		out.Pix = rgbFrom64(m.Pix, m.Stride, w, h, false)
	case *image.RGBA64:
		out.Pix = rgbFrom64(m.Pix, m.Stride, w, h, true)
	case *image.Paletted:
		out.Pix = palettedPix(m)
	default:
		out.Pix = genericPix(m)
	}
	out.Channels, out.Pix = greyIfNeutral(out.Pix)
	return out
}

func grayPix(m *image.Gray) []byte {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	pix := make([]byte, w*h)
	for y := range h {
		copy(pix[y*w:(y+1)*w], m.Pix[y*m.Stride:])
	}
	return pix
}

func gray16Pix(m *image.Gray16) []byte {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	pix := make([]byte, w*h)
	for y := range h {
		row := m.Pix[y*m.Stride : y*m.Stride+2*w]
		dst := pix[y*w : (y+1)*w]
		for x := range dst {
			dst[x] = scale16(row[2*x], row[2*x+1])
		}
	}
	return pix
}

// rgbFrom32 packs the R, G, B bytes of 4-byte-per-pixel rows, dropping alpha. Premultiplied
// colour of a pixel that is not opaque is first divided by its alpha.
func rgbFrom32(src []byte, stride, w, h int, premultiplied bool) []byte {
	pix := make([]byte, 3*w*h)
	for y := range h {
		row := src[y*stride : y*stride+4*w]
		dst := pix[3*w*y : 3*w*(y+1)]
		for x := range w {
			s, d := row[4*x:4*x+4:4*x+4], dst[3*x:3*x+3:3*x+3]
			if premultiplied && s[3] != 0xff {
				a := uint32(s[3]) * 257
				d[0] = unpremultiply(uint32(s[0])*257, a)
				d[1] = unpremultiply(uint32(s[1])*257, a)
				d[2] = unpremultiply(uint32(s[2])*257, a)
				continue
			}
			d[0], d[1], d[2] = s[0], s[1], s[2]
		}
	}
	return pix
}

// rgbFrom64 packs big-endian 16-bit R, G, B samples of 8-byte-per-pixel rows into 8 bits each,
// dropping alpha. Premultiplied colour of a pixel that is not opaque is first divided by its alpha.
func rgbFrom64(src []byte, stride, w, h int, premultiplied bool) []byte {
	pix := make([]byte, 3*w*h)
	for y := range h {
		row := src[y*stride : y*stride+8*w]
		dst := pix[3*w*y : 3*w*(y+1)]
		for x := range w {
			s, d := row[8*x:8*x+8:8*x+8], dst[3*x:3*x+3:3*x+3]
			if a := uint32(s[6])<<8 | uint32(s[7]); premultiplied && a != 0xffff {
				d[0] = unpremultiply(uint32(s[0])<<8|uint32(s[1]), a)
				d[1] = unpremultiply(uint32(s[2])<<8|uint32(s[3]), a)
				d[2] = unpremultiply(uint32(s[4])<<8|uint32(s[5]), a)
				continue
			}
			d[0], d[1], d[2] = scale16(s[0], s[1]), scale16(s[2], s[3]), scale16(s[4], s[5])
		}
	}
	return pix
}

// unpremultiply divides a premultiplied 16-bit sample v by its 16-bit alpha a and returns the
// result in 8 bits, with ImageMagick's (Q16) double-precision arithmetic and its two roundings,
// which differ from a single exact rounding for a few hundred of the 8-bit (v, a) pairs.
func unpremultiply(v, a uint32) byte {
	const quantumScale = 1.0 / 65535.0
	if v == 0 {
		return 0
	}
	if a == 0 {
		return 0xff // ImageMagick's reciprocal of zero alpha is huge; the sample saturates
	}
	gamma := 1.0 / (quantumScale * float64(a))
	q := float64(gamma * float64(v)) // the conversion forbids fusing with the add below
	if q >= 65535 {
		return 0xff
	}
	return scale16v(uint16(q + 0.5))
}

// palettedPix expands palette indices to RGB. An index past the palette's end reads as black.
func palettedPix(m *image.Paletted) []byte {
	var lut [256][3]byte
	for i, c := range m.Palette[:min(len(m.Palette), 256)] {
		lut[i] = storedRGB(c)
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	pix := make([]byte, 3*w*h)
	for y := range h {
		row := m.Pix[y*m.Stride : y*m.Stride+w]
		dst := pix[3*w*y : 3*w*(y+1)]
		for x, idx := range row {
			copy(dst[3*x:3*x+3], lut[idx][:])
		}
	}
	return pix
}

// genericPix reads any other image type pixel by pixel.
func genericPix(m image.Image) []byte {
	b := m.Bounds()
	pix := make([]byte, 0, 3*b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			rgb := storedRGB(m.At(x, y))
			pix = append(pix, rgb[:]...)
		}
	}
	return pix
}

// storedRGB returns the colour of c as it would be stored without alpha, in 8 bits per sample.
// Premultiplied colours are un-premultiplied; a fully transparent premultiplied colour has lost
// its colour and reads as black.
func storedRGB(c color.Color) [3]byte {
	switch c := c.(type) {
	case color.NRGBA:
		return [3]byte{c.R, c.G, c.B}
	case color.RGBA:
		if c.A == 0xff {
			return [3]byte{c.R, c.G, c.B}
		}
	case color.Gray:
		return [3]byte{c.Y, c.Y, c.Y}
	}
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return [3]byte{scale16v(n.R), scale16v(n.G), scale16v(n.B)}
}

// greyIfNeutral returns the pixels as one grey channel, reusing the buffer, when every RGB pixel
// has R==G==B; otherwise it returns them unchanged with 3 channels.
func greyIfNeutral(rgb []byte) (channels int, pix []byte) {
	for i := 0; i+2 < len(rgb); i += 3 {
		if rgb[i] != rgb[i+1] || rgb[i] != rgb[i+2] {
			return 3, rgb
		}
	}
	n := len(rgb) / 3
	for i := range n {
		rgb[i] = rgb[3*i]
	}
	return 1, rgb[:n:n]
}

// scale16 converts a big-endian 16-bit sample to 8 bits, rounding to nearest.
func scale16(hi, lo byte) byte {
	return scale16v(uint16(hi)<<8 | uint16(lo))
}

// scale16v computes round(v*255/65535). Since 65535 = 255*257 that is round(v/257), and v/257
// never falls exactly halfway, so (v+128)/257 is exact.
func scale16v(v uint16) byte {
	return byte((uint32(v) + 128) / 257)
}
