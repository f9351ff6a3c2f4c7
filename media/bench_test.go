package media

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/vigilproject/vigil/internal/refdata"
)

// benchW and benchH give a typical upload size (0.79 megapixels).
const benchW, benchH = 1024, 768

// benchImage draws smooth gradients with mild noise, so compressed formats compress about as
// much as they do photographs.
func benchImage() *image.NRGBA {
	rng := rand.New(rand.NewPCG(1, 2))
	m := image.NewNRGBA(image.Rect(0, 0, benchW, benchH))
	for y := range benchH {
		for x := range benchW {
			n := uint8(rng.IntN(8))
			m.SetNRGBA(x, y, color.NRGBA{uint8(x/4) + n, uint8(y/3) + n, uint8((x+y)/8) + n, 255})
		}
	}
	return m
}

func benchDecode(b *testing.B, data []byte, decode func([]byte, Limits) (*Image, error)) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var m *Image
	for b.Loop() {
		var err error
		if m, err = decode(data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
	pixels := float64(m.SourceWidth * m.SourceHeight)
	b.ReportMetric(pixels*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpixel/s")
}

func BenchmarkDecodeJPEG(b *testing.B) {
	benchDecode(b, drawnJPEG(b, benchImage(), nil), Decode)
}

// BenchmarkDecodeFastJPEG measures the reduced-scale luma path on the same file.
func BenchmarkDecodeFastJPEG(b *testing.B) {
	benchDecode(b, drawnJPEG(b, benchImage(), nil), DecodeFast)
}

func BenchmarkDecodePNG(b *testing.B) {
	benchDecode(b, encode(b, func(w *bytes.Buffer) error { return png.Encode(w, benchImage()) }), Decode)
}

func BenchmarkDecodeGIF(b *testing.B) {
	m := benchImage()
	p := image.NewPaletted(m.Rect, palette256())
	for i := range p.Pix {
		p.Pix[i] = m.Pix[4*i] ^ m.Pix[4*i+1]
	}
	benchDecode(b, encode(b, func(w *bytes.Buffer) error { return gif.Encode(w, p, nil) }), Decode)
}

func palette256() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.RGBA{uint8(i), uint8(i * 7), uint8(i * 13), 255}
	}
	return p
}

func BenchmarkDecodeBMP(b *testing.B) {
	benchDecode(b, encode(b, func(w *bytes.Buffer) error { return bmp.Encode(w, benchImage()) }), Decode)
}

func BenchmarkDecodeTIFF(b *testing.B) {
	benchDecode(b, encode(b, func(w *bytes.Buffer) error {
		return tiff.Encode(w, benchImage(), &tiff.Options{Compression: tiff.Deflate})
	}), Decode)
}

func BenchmarkDecodePNM(b *testing.B) {
	m := benchImage()
	benchDecode(b, pnm("P6 1024 768 255\n", rgbOf(m)...), Decode)
}

// BenchmarkDecodeWebP decodes the reference set's lossy WebP (1600x1004): no Go WebP encoder
// exists to draw one of this size.
func BenchmarkDecodeWebP(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(refdata.Dir(b), "pdq", "images", "misc-images", "modes", "HSV.webp"))
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, data, Decode)
}
