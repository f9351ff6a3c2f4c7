package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"testing"
)

// drawnJPEG encodes m with the standard library at quality 95 and, when exif is not nil, inserts
// it as an APP1 Exif segment right after SOI.
func drawnJPEG(t testing.TB, m image.Image, exif []byte) []byte {
	t.Helper()
	data := encode(t, func(b *bytes.Buffer) error { return stdjpeg.Encode(b, m, &stdjpeg.Options{Quality: 95}) })
	if exif == nil {
		return data
	}
	payload := append([]byte("Exif\x00\x00"), exif...)
	seg := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(2+len(payload)))
	seg = append(seg, payload...)
	return append(append(append([]byte(nil), data[:2]...), seg...), data[2:]...)
}

// opaqueColour draws smooth colour gradients, which JPEG keeps closely even with its chroma
// subsampled.
func opaqueColour(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(255 - (x+y)*255/(w+h)), 255})
		}
	}
	return m
}

func TestDecodeJPEG(t *testing.T) {
	colour := opaqueColour(drawW*4, drawH*4)
	greyAsRGB := image.NewRGBA(colour.Rect)
	for i := range greyAsRGB.Pix {
		greyAsRGB.Pix[i] = colour.Pix[i-i%4] // R copied to G and B; alpha 255 where R is
	}
	for i := 3; i < len(greyAsRGB.Pix); i += 4 {
		greyAsRGB.Pix[i] = 0xff
	}
	tests := []struct {
		name         string
		data         []byte
		wantChannels int
		wantOrient   int
		want         []byte // approximate pixels, to catch channel-order and layout mistakes
	}{
		{"colour", drawnJPEG(t, colour, nil), 3, 0, rgbOfRGBA(colour)},
		// A 3-component file whose pixels all have R==G==B comes back grey, as from ImageMagick.
		{"grey in YCbCr", drawnJPEG(t, greyAsRGB, nil), 1, 0, firstOfThree(rgbOfRGBA(greyAsRGB))},
		{"exif little-endian", drawnJPEG(t, colour, exifBlock(binary.LittleEndian, 3, 6)), 3, 6, rgbOfRGBA(colour)},
		{"exif big-endian", drawnJPEG(t, colour, exifBlock(binary.BigEndian, 3, 3)), 3, 3, rgbOfRGBA(colour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Format != JPEG || m.Width != colour.Rect.Dx() || m.Height != colour.Rect.Dy() || m.Channels != tt.wantChannels {
				t.Fatalf("got %v, want %dx%d with %d channels", m, colour.Rect.Dx(), colour.Rect.Dy(), tt.wantChannels)
			}
			if m.Orientation != tt.wantOrient {
				t.Errorf("Orientation = %d, want %d", m.Orientation, tt.wantOrient)
			}
			if d := meanAbsDiff(m.Pix, tt.want); d > 4 {
				t.Errorf("mean |diff| from the drawn image = %.2f, want at most 4", d)
			}
		})
	}
}

// TestDecodeFastJPEG: the fast path returns reduced-scale luma with the source size kept.
func TestDecodeFastJPEG(t *testing.T) {
	const w, h = 600, 400 // the jpeg package halves this: the shorter side stays >= 128
	data := drawnJPEG(t, opaqueColour(w, h), exifBlock(binary.BigEndian, 3, 8))
	m, err := DecodeFast(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != JPEG || m.Channels != 1 || m.SourceWidth != w || m.SourceHeight != h {
		t.Fatalf("got %v from %dx%d, want 1 channel and source %dx%d", m, m.SourceWidth, m.SourceHeight, w, h)
	}
	if m.Width >= w || m.Height >= h || len(m.Pix) != m.Width*m.Height {
		t.Errorf("got %dx%d (%d bytes), want a reduced scale", m.Width, m.Height, len(m.Pix))
	}
	if m.Orientation != 8 {
		t.Errorf("Orientation = %d, want 8", m.Orientation)
	}
	if _, err := DecodeFast(data, Limits{MaxPixels: w*h - 1}); err == nil {
		t.Error("DecodeFast ignored MaxPixels")
	}
}

func rgbOfRGBA(m *image.RGBA) []byte {
	return rgbOf(&image.NRGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect})
}

// firstOfThree returns every third byte, from the first: the R of packed RGB.
func firstOfThree(rgb []byte) []byte {
	out := make([]byte, len(rgb)/3)
	for i := range out {
		out[i] = rgb[3*i]
	}
	return out
}

func meanAbsDiff(a, b []byte) float64 {
	if len(a) != len(b) {
		return 255
	}
	var sum int
	for i := range a {
		sum += max(int(a[i])-int(b[i]), int(b[i])-int(a[i]))
	}
	return float64(sum) / float64(len(a))
}
