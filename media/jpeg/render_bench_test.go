package jpeg

import (
	"bytes"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"math"
	"testing"
)

// benchPhoto is a photo-like test picture: smooth shading, hard edges and fine texture.
func benchPhoto(x, y int) (r, g, b float64) {
	fx, fy := float64(x), float64(y)
	base := 110 + 60*math.Sin(fx/90)*math.Cos(fy/70)
	if (x/150+y/110)%3 == 0 {
		base += 50
	}
	noise := float64(uint32(x*7919+y*104729) * 2654435761 >> 27) // 0 to 31
	v := base + noise
	return min(max(v+20*math.Sin(fy/40), 0), 255), min(max(v, 0), 255), min(max(v-30*math.Cos(fx/60), 0), 255)
}

// benchQuant are the example tables of the JPEG standard (Annex K) scaled to quality 90.
func benchQuant(chroma bool) [64]uint16 {
	lum := [64]uint16{16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
		14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
		18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
		49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99}
	var q [64]uint16
	for i := range q {
		v := lum[i]
		if chroma {
			v = 99
			if i%8 < 4 && i/8 < 4 {
				v = 24
			}
		}
		q[i] = max((v*20+50)/100, 1)
	}
	return q
}

// benchFrame is a 3000x2000 4:2:0 frame with photo-like coefficients.
func benchFrame() *frame {
	const w, h = 3000, 2000
	f := newTestFrame(w, h, testSamplings["420"], 1)
	f.jfif = true
	for i := range f.comps {
		f.comps[i].quant = benchQuant(i > 0)
	}
	f.fillFromImage(func(ci, x, y int) float64 {
		if ci == 0 {
			r, g, b := benchPhoto(x, y)
			return 0.299*r + 0.587*g + 0.114*b
		}
		r, g, b := benchPhoto(2*x, 2*y)
		if ci == 1 {
			return 128 - 0.168736*r - 0.331264*g + 0.5*b
		}
		return 128 + 0.5*r - 0.418688*g - 0.081312*b
	})
	return f
}

// BenchmarkRender measures render on a 3000x2000 4:2:0 frame, next to the standard library's
// whole decode (entropy decoding and IDCT, without colour conversion) of a similar JPEG.
func BenchmarkRender(b *testing.B) {
	f := benchFrame()
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.render(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(f.width*f.height)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpixel/s")
	})
	b.Run("image-jpeg-decode", func(b *testing.B) {
		img := image.NewRGBA(image.Rect(0, 0, f.width, f.height))
		for y := range f.height {
			for x := range f.width {
				r, g, bl := benchPhoto(x, y)
				img.SetRGBA(x, y, color.RGBA{uint8(r), uint8(g), uint8(bl), 255})
			}
		}
		var buf bytes.Buffer
		if err := stdjpeg.Encode(&buf, img, &stdjpeg.Options{Quality: 90}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := stdjpeg.Decode(bytes.NewReader(buf.Bytes())); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(f.width*f.height)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpixel/s")
	})
}
