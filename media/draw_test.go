package media

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"testing"
)

// Test images are drawn here rather than stored: small sizes with odd widths and heights, so
// that row padding, 4:2:0 edges and partial bytes are exercised.
const drawW, drawH = 37, 23

// pngChunkBytes returns one PNG chunk: length, type, data and CRC.
func pngChunkBytes(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// pngFile assembles a non-interlaced PNG from raw scanlines (without filter bytes) and any
// chunks to place between IHDR and IDAT (PLTE, tRNS, eXIf).
func pngFile(t testing.TB, w, h int, colourType, depth byte, rows [][]byte, chunks ...[]byte) []byte {
	t.Helper()
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = depth, colourType
	var raw bytes.Buffer
	zw := zlib.NewWriter(&raw)
	for _, row := range rows {
		zw.Write([]byte{0}) // filter type None
		zw.Write(row)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunkBytes("IHDR", ihdr[:])...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	out = append(out, pngChunkBytes("IDAT", raw.Bytes())...)
	return append(out, pngChunkBytes("IEND", nil)...)
}

// packSamples packs one row of samples of the given bit depth (1, 2, 4, 8 or 16, big-endian).
func packSamples(samples []int, depth int) []byte {
	if depth == 16 {
		out := make([]byte, 2*len(samples))
		for i, s := range samples {
			binary.BigEndian.PutUint16(out[2*i:], uint16(s))
		}
		return out
	}
	out := make([]byte, (len(samples)*depth+7)/8)
	for i, s := range samples {
		bit := i * depth
		out[bit/8] |= byte(s) << (8 - depth - bit%8)
	}
	return out
}

// pattern returns a deterministic sample in 0..maxval for pixel (x, y) and channel c, covering
// 0 and maxval and values in between.
func pattern(x, y, c, maxval int) int {
	return (x*7 + y*13 + c*101 + x*y*3) % (maxval + 1)
}

// colourNRGBA draws an image whose alpha varies from 0 to 255 and whose colour stays visible in
// fully transparent pixels, so that dropping (not compositing) alpha is observable.
func colourNRGBA() *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, drawW, drawH))
	for y := range drawH {
		for x := range drawW {
			m.SetNRGBA(x, y, color.NRGBA{
				R: uint8(pattern(x, y, 0, 255)), G: uint8(pattern(x, y, 1, 255)), B: uint8(pattern(x, y, 2, 255)),
				A: uint8(x * 255 / (drawW - 1)),
			})
		}
	}
	return m
}

// rgbOf returns the packed RGB of an NRGBA image, alpha dropped: what Decode must return.
func rgbOf(m *image.NRGBA) []byte {
	pix := make([]byte, 0, 3*m.Rect.Dx()*m.Rect.Dy())
	for i := 0; i < len(m.Pix); i += 4 {
		pix = append(pix, m.Pix[i:i+3]...)
	}
	return pix
}

// greyImage draws a grey gradient image.
func greyImage() *image.Gray {
	m := image.NewGray(image.Rect(0, 0, drawW, drawH))
	for i := range m.Pix {
		m.Pix[i] = uint8(pattern(i%drawW, i/drawW, 0, 255))
	}
	return m
}
