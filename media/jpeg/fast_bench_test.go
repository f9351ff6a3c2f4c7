package jpeg

import (
	"bytes"
	"fmt"
	"image"
	stdjpeg "image/jpeg"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// photoW and photoH are the size of the benchmark photo: a typical phone or camera picture.
const photoW, photoH = 3000, 2000

// photoJPEG is a drawn photo-like picture encoded by image/jpeg at quality 90 (4:2:0), made once.
var photoJPEG = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := stdjpeg.Encode(&buf, drawPhoto(photoW, photoH), &stdjpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// drawPhoto draws a benign picture with the statistics of a photo: smooth large-scale colour
// gradients, mid-frequency texture that varies across the frame, sharp edges, and sensor-like
// noise, so that blocks carry a realistic mix of coefficients.
func drawPhoto(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		fy := float64(y) / float64(h)
		for x := range w {
			fx := float64(x) / float64(w)
			base := 110 + 60*math.Sin(3*fx+2*fy) + 40*math.Cos(5*fy-fx)
			strength := 0.5 + 0.5*math.Sin(7*fx)*math.Cos(4*fy)
			texture := strength * 25 * math.Sin(float64(x)*0.21+3*math.Sin(float64(y)*0.05)) * math.Cos(float64(y)*0.17)
			edge := 0.0
			if (x/180+y/140)%3 == 0 {
				edge = 35
			}
			noise := rng.NormFloat64() * 4
			l := base + texture + edge + noise
			p := img.PixOffset(x, y)
			img.Pix[p+0] = clampFloat(l + 30*math.Sin(2*fx))
			img.Pix[p+1] = clampFloat(l)
			img.Pix[p+2] = clampFloat(l - 25*math.Cos(3*fy))
			img.Pix[p+3] = 255
		}
	}
	return img
}

func clampFloat(v float64) uint8 { return uint8(min(max(v, 0), 255)) }

// BenchmarkDecodeLuma times DecodeLuma on the photo (1/8 scale by LumaScale).
func BenchmarkDecodeLuma(b *testing.B) {
	data := photoJPEG()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeLuma(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeLumaScale times the fast path at each scale on the photo.
func BenchmarkDecodeLumaScale(b *testing.B) {
	data := photoJPEG()
	for _, s := range []int{1, 2, 4, 8} {
		b.Run(scaleName(s), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := decodeLuma(data, Options{}, func(int, int) int { return s }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStdlibDecode times image/jpeg.Decode on the same photo, the baseline of the speed goal.
func BenchmarkStdlibDecode(b *testing.B) {
	data := photoJPEG()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := stdjpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeLumaVsStdlib alternates DecodeLuma and image/jpeg.Decode on the photo and reports
// the ratio of their times, which is robust to the machine's load changing during the run.
func BenchmarkDecodeLumaVsStdlib(b *testing.B) {
	data := photoJPEG()
	var fast, std time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := DecodeLuma(data, Options{}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := stdjpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		fast, std = fast+t1.Sub(t0), std+time.Since(t1)
	}
	b.ReportMetric(float64(fast)/float64(std), "luma/stdlib")
	b.ReportMetric(float64(fast.Nanoseconds())/float64(b.N), "luma-ns/op")
	b.ReportMetric(float64(std.Nanoseconds())/float64(b.N), "stdlib-ns/op")
}

// scaleName names a scale in subtest names ("1/8" would nest them).
func scaleName(s int) string { return fmt.Sprintf("1:%d", s) }
