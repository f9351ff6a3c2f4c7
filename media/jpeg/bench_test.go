package jpeg

import (
	"bytes"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"math"
	"testing"
	"time"
)

// benchJPEG draws a 1500x1000 picture (smooth gradients, rings and fine stripes, so that blocks
// carry a realistic mix of coefficients) and encodes it with the standard library at quality 90,
// 4:2:0.
func benchJPEG(b *testing.B) []byte {
	b.Helper()
	const w, h = 1500, 1000
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			dx, dy := float64(x-600), float64(y-450)
			ring := 127 + 127*math.Sin(math.Hypot(dx, dy)/9)
			stripe := 0.0
			if x > 1000 && (x/3+y/5)%2 == 0 {
				stripe = 90
			}
			img.SetRGBA(x, y, color.RGBA{
				R: uint8(min(255, float64(x)*255/w+stripe)),
				G: uint8(ring),
				B: uint8(255 - float64(y)*255/h),
				A: 255,
			})
		}
	}
	var buf bytes.Buffer
	if err := stdjpeg.Encode(&buf, img, &stdjpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkDecode compares Decode with image/jpeg.Decode on the same bytes. Each iteration runs
// both, so that load from other processes affects them alike; vigil/stdlib is the ratio of
// their times. image/jpeg stops at planar YCbCr, while Decode also upsamples and converts to RGB.
func BenchmarkDecode(b *testing.B) {
	data := benchJPEG(b)
	b.SetBytes(int64(len(data)))
	var ours, std time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := Decode(data, Options{}); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := stdjpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		ours += mid.Sub(start)
		std += time.Since(mid)
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "vigil-ns/op")
	b.ReportMetric(float64(std.Nanoseconds())/float64(b.N), "stdlib-ns/op")
	b.ReportMetric(float64(ours)/float64(std), "vigil/stdlib")
}

// BenchmarkDecodeCoefficients measures the entropy decoding alone, without rendering pixels.
func BenchmarkDecodeCoefficients(b *testing.B) {
	data := benchJPEG(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decodeCoefficients(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
