package media

import (
	"bytes"
	"image"
	"image/color"
	"testing"
)

// TestFromImage covers each concrete image type read directly, and the color.Color fallback, on
// 2x1 images at a non-zero origin (as sub-images have).
func TestFromImage(t *testing.T) {
	r := image.Rect(3, 5, 5, 6)
	gray := image.NewGray(r)
	copy(gray.Pix, []byte{7, 250})
	gray16 := image.NewGray16(r)
	copy(gray16.Pix, []byte{0x12, 0x34, 0xff, 0x7f})
	nrgba := image.NewNRGBA(r)
	copy(nrgba.Pix, []byte{200, 100, 50, 0, 1, 2, 3, 255})
	rgba := image.NewRGBA(r)
	copy(rgba.Pix, []byte{25, 5, 0, 50, 1, 2, 3, 255}) // premultiplied, then opaque
	nrgba64 := image.NewNRGBA64(r)
	copy(nrgba64.Pix, []byte{0xff, 0xff, 0, 0x80, 0, 0x81, 0, 0, 1, 1, 1, 1, 1, 1, 0xff, 0xff})
	rgba64 := image.NewRGBA64(r)
	copy(rgba64.Pix, []byte{0x19, 0x19, 0x05, 0x05, 0, 0, 0x32, 0x32, 1, 1, 2, 2, 3, 3, 0xff, 0xff}) // the same, times 257
	paletted := image.NewPaletted(r, color.Palette{color.NRGBA{9, 8, 7, 0}})
	copy(paletted.Pix, []byte{0, 5}) // index 5 is past the palette's end
	cmyk := image.NewCMYK(r)
	copy(cmyk.Pix, []byte{0, 255, 255, 0, 0, 0, 0, 255})

	tests := []struct {
		name         string
		m            image.Image
		wantChannels int
		wantPix      []byte
	}{
		{"Gray", gray, 1, []byte{7, 250}},
		{"Gray16", gray16, 1, []byte{round16(0x1234), round16(0xff7f)}},
		{"NRGBA keeps transparent colour", nrgba, 3, []byte{200, 100, 50, 1, 2, 3}},
		// 25/50 gives 127 with ImageMagick's double rounding, 5/50 gives 25.
		{"RGBA un-premultiplied", rgba, 3, []byte{127, 25, 0, 1, 2, 3}},
		{"NRGBA64", nrgba64, 3, []byte{255, 0, 1, 1, 1, 1}},
		{"RGBA64 un-premultiplied", rgba64, 3, []byte{127, 25, 0, 1, 2, 3}},
		{"Paletted", paletted, 3, []byte{9, 8, 7, 0, 0, 0}},
		{"CMYK through color.Color", cmyk, 3, []byte{255, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromImage(tt.m)
			if got.Width != 2 || got.Height != 1 || got.Channels != tt.wantChannels || !bytes.Equal(got.Pix, tt.wantPix) {
				t.Errorf("got %dx%d, %d channels, %v; want 2x1, %d, %v", got.Width, got.Height, got.Channels, got.Pix, tt.wantChannels, tt.wantPix)
			}
		})
	}
}
