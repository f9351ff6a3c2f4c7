package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// encoded is a drawn image in some format with the pixels Decode must return for it.
type encoded struct {
	name         string
	data         []byte
	format       Format
	w, h         int
	wantChannels int
	wantPix      []byte
}

func encode(t testing.TB, enc func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// drawnPalette has a fully transparent entry (index 1) whose colour image/gif would lose.
var drawnPalette = color.Palette{
	color.RGBA{10, 20, 30, 255}, color.NRGBA{0, 0, 0, 0}, color.RGBA{250, 240, 230, 255}, color.RGBA{90, 180, 45, 255},
}

// transparentStored is the colour written into the GIF colour table for the transparent index.
var transparentStored = [3]byte{200, 100, 50}

func palettedImage(r image.Rectangle) *image.Paletted {
	p := image.NewPaletted(r, drawnPalette)
	for i := range p.Pix {
		p.Pix[i] = uint8(pattern(i%r.Dx(), i/r.Dx(), 0, len(drawnPalette)-1))
	}
	return p
}

// expandPalette is what Decode must return for palettedImage, given the colour it must report
// for the transparent entry.
func expandPalette(p *image.Paletted, transparent [3]byte) []byte {
	var out []byte
	for _, idx := range p.Pix {
		c, ok := p.Palette[idx].(color.RGBA)
		if !ok {
			out = append(out, transparent[:]...)
			continue
		}
		out = append(out, c.R, c.G, c.B)
	}
	return out
}

// gifWithStoredTransparent encodes g, then writes transparentStored into the colour table entry
// of the transparent index (1), as encoders that keep the colour do. The table is the global one,
// or with local set the first frame's local table, which follows the global table, the graphic
// control extension (8 bytes) and the image descriptor (10 bytes).
func gifWithStoredTransparent(t testing.TB, g *gif.GIF, local bool) []byte {
	data := encode(t, func(b *bytes.Buffer) error { return gif.EncodeAll(b, g) })
	table := 13
	if local {
		table += 3*len(g.Config.ColorModel.(color.Palette)) + 8 + 10
	}
	copy(data[table+3:], transparentStored[:])
	return data
}

func gifCases(t testing.TB) []encoded {
	screen := image.Config{ColorModel: drawnPalette, Width: drawW, Height: drawH}
	whole := palettedImage(image.Rect(0, 0, drawW, drawH))
	// The first frame of an animation is decoded at its own size, as ImageMagick writes it;
	// the second frame is ignored.
	first := palettedImage(image.Rect(5, 3, 25, 13))
	second := image.NewPaletted(image.Rect(0, 0, drawW, drawH), drawnPalette)
	anim := &gif.GIF{Image: []*image.Paletted{first, second}, Delay: []int{10, 10}, Config: screen}
	// A frame with its own palette gets a local colour table.
	localFrame := palettedImage(image.Rect(0, 0, drawW, drawH))
	localFrame.Palette = append(color.Palette{color.RGBA{1, 2, 3, 255}}, drawnPalette[1:]...)
	globalPal := color.Palette{color.RGBA{9, 9, 9, 255}, color.RGBA{8, 8, 8, 255}, color.RGBA{7, 7, 7, 255}, color.RGBA{6, 6, 6, 255}}
	withLocal := &gif.GIF{Image: []*image.Paletted{localFrame}, Delay: []int{0},
		Config: image.Config{ColorModel: globalPal, Width: drawW, Height: drawH}}
	greyPal := color.Palette{color.Gray{0}, color.Gray{128}, color.Gray{255}, color.Gray{7}}
	grey := image.NewPaletted(image.Rect(0, 0, drawW, drawH), greyPal)
	var greyPix []byte
	for i := range grey.Pix {
		grey.Pix[i] = uint8(i % 4)
		greyPix = append(greyPix, greyPal[i%4].(color.Gray).Y)
	}
	return []encoded{
		{"gif/transparent-keeps-colour", gifWithStoredTransparent(t, &gif.GIF{Image: []*image.Paletted{whole}, Delay: []int{0}, Config: screen}, false),
			GIF, drawW, drawH, 3, expandPalette(whole, transparentStored)},
		{"gif/local-table", gifWithStoredTransparent(t, withLocal, true), GIF, drawW, drawH, 3, expandPalette(localFrame, transparentStored)},
		{"gif/first-frame", gifWithStoredTransparent(t, anim, false), GIF, 20, 10, 3, expandPalette(first, transparentStored)},
		{"gif/grey-palette", encode(t, func(b *bytes.Buffer) error { return gif.Encode(b, grey, nil) }), GIF, drawW, drawH, 1, greyPix},
	}
}

func bmpCases(t testing.TB) []encoded {
	nrgba := colourNRGBA()
	opaque := image.NewRGBA(nrgba.Rect)
	copy(opaque.Pix, nrgba.Pix)
	for i := 3; i < len(opaque.Pix); i += 4 {
		opaque.Pix[i] = 0xff
	}
	pal := palettedImage(image.Rect(0, 0, drawW, drawH))
	g := greyImage()
	return []encoded{
		{"bmp/24-bit", encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, opaque) }), BMP, drawW, drawH, 3, rgbOf(nrgba)},
		{"bmp/32-bit-alpha", encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, nrgba) }), BMP, drawW, drawH, 3, rgbOf(nrgba)},
		// The BMP encoder writes a transparent palette entry as black.
		{"bmp/8-bit-palette", encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, pal) }), BMP, drawW, drawH, 3, expandPalette(pal, [3]byte{})},
		{"bmp/grey", encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, g) }), BMP, drawW, drawH, 1, g.Pix},
	}
}

func tiffCases(t testing.TB) []encoded {
	nrgba := colourNRGBA()
	g := greyImage()
	g16 := image.NewGray16(g.Rect)
	n64 := image.NewNRGBA64(nrgba.Rect)
	var g16Want, n64Want []byte
	for i := range g.Pix {
		v := pattern(i%drawW, i/drawW, 0, 65535)
		g16.Pix[2*i], g16.Pix[2*i+1] = byte(v>>8), byte(v)
		g16Want = append(g16Want, round16(v))
		for c := range 4 {
			v := pattern(i%drawW, i/drawW, c, 65535)
			n64.Pix[8*i+2*c], n64.Pix[8*i+2*c+1] = byte(v>>8), byte(v)
			if c < 3 {
				n64Want = append(n64Want, round16(v))
			}
		}
	}
	pal := palettedImage(image.Rect(0, 0, drawW, drawH))
	premul, premulWant := premultipliedImage()
	var cases []encoded
	for _, comp := range []struct {
		name string
		c    tiff.CompressionType
	}{{"", tiff.Uncompressed}, {"-deflate", tiff.Deflate}} {
		enc := func(m image.Image) []byte {
			return encode(t, func(b *bytes.Buffer) error { return tiff.Encode(b, m, &tiff.Options{Compression: comp.c}) })
		}
		cases = append(cases,
			encoded{"tiff/nrgba" + comp.name, enc(nrgba), TIFF, drawW, drawH, 3, rgbOf(nrgba)},
			encoded{"tiff/grey" + comp.name, enc(g), TIFF, drawW, drawH, 1, g.Pix},
			encoded{"tiff/grey16" + comp.name, enc(g16), TIFF, drawW, drawH, 1, g16Want},
			encoded{"tiff/nrgba64" + comp.name, enc(n64), TIFF, drawW, drawH, 3, n64Want},
			// The TIFF encoder writes a transparent palette entry as black.
			encoded{"tiff/palette" + comp.name, enc(pal), TIFF, drawW, drawH, 3, expandPalette(pal, [3]byte{})},
			encoded{"tiff/associated-alpha" + comp.name, enc(premul), TIFF, premul.Rect.Dx(), 1, 3, premulWant},
		)
	}
	return cases
}

// premultipliedImage is a one-row RGBA (associated alpha) image of (sample, alpha) pairs with the
// values ImageMagick 6.9.11 Q16 wrote for them, including cases where its double rounding differs
// from rounding v*255/a once (25/50 gives 127, not 128).
func premultipliedImage() (*image.RGBA, []byte) {
	pairs := []struct{ v, a, want byte }{
		{0, 0, 0}, {255, 255, 255}, {25, 50, 127}, {5, 50, 25}, {7, 14, 128}, {1, 21, 12}, {200, 255, 200}, {3, 3, 255},
	}
	m := image.NewRGBA(image.Rect(0, 0, len(pairs), 1))
	var want []byte
	for i, p := range pairs {
		m.Pix[4*i], m.Pix[4*i+1], m.Pix[4*i+2], m.Pix[4*i+3] = p.v, p.v, 0, p.a
		want = append(want, p.want, p.want, 0)
	}
	return m, want
}

func TestDecodeCodecs(t *testing.T) {
	var cases []encoded
	cases = append(cases, gifCases(t)...)
	cases = append(cases, bmpCases(t)...)
	cases = append(cases, tiffCases(t)...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m, err := Decode(c.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			checkImage(t, m, c.format, c.w, c.h, c.wantChannels, c.wantPix)
		})
	}
}

// tiffWithOrientation hand-writes an uncompressed 8-bit greyscale TIFF carrying the orientation
// tag, in either byte order (x/image/tiff's encoder writes no orientation).
func tiffWithOrientation(order byteOrder, orientation uint32) []byte {
	const w, h = 3, 2
	type entry struct {
		tag, typ uint16
		value    uint32
	}
	entries := []entry{
		{256, 3, w}, {257, 3, h}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
		{273, 4, 0}, // StripOffsets, filled in below
		{tagOrientation, 3, orientation}, {277, 3, 1}, {278, 3, h}, {279, 4, w * h},
	}
	ifdLen := 2 + 12*len(entries) + 4
	entries[5].value = uint32(8 + ifdLen)
	b := exifBlock(order, 3, 1)[:4] // byte-order marker
	b = order.AppendUint32(b, 8)
	b = order.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = exifEntry(b, order, e.tag, e.typ, 1, e.value)
	}
	b = order.AppendUint32(b, 0)
	return append(b, 0, 50, 100, 150, 200, 250)
}

func TestTIFFOrientation(t *testing.T) {
	for _, tt := range []struct {
		name  string
		order byteOrder
		value uint32
	}{{"little-endian", binary.LittleEndian, 6}, {"big-endian", binary.BigEndian, 3}} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tiffWithOrientation(tt.order, tt.value), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			checkImage(t, m, TIFF, 3, 2, 1, []byte{0, 50, 100, 150, 200, 250})
			if m.Orientation != int(tt.value) {
				t.Errorf("Orientation = %d, want %d", m.Orientation, tt.value)
			}
		})
	}
}
