// Package drawjpeg draws benign synthetic photos for tests and load generators: gradients and
// overlapping shapes with a little noise, so each seed gives a distinct perceptual hash and a
// file about the size of a real photo of the same dimensions.
package drawjpeg

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
)

// Draw returns a w x h JPEG (quality 85) drawn from seed; the same seed gives the same bytes.
func Draw(seed uint64, w, h int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	gx, gy := r.IntN(200)-100, r.IntN(200)-100
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = clamp(128 + gx*x/w + gy*y/h)
		}
	}
	for range 12 {
		shape(r, img)
	}
	for i := range img.Y {
		img.Y[i] = clamp(int(img.Y[i]) + r.IntN(17) - 8)
	}
	cb, cr := uint8(r.IntN(256)), uint8(r.IntN(256))
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = cb, cr
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	return buf.Bytes()
}

// shape paints a filled rectangle or disc of one random brightness.
func shape(r *rand.Rand, img *image.YCbCr) {
	b := img.Bounds()
	cx, cy := r.IntN(b.Dx()), r.IntN(b.Dy())
	rx, ry := 10+r.IntN(b.Dx()/4), 10+r.IntN(b.Dy()/4)
	v := uint8(r.IntN(256))
	disc := r.IntN(2) == 0
	for y := max(0, cy-ry); y < min(b.Dy(), cy+ry); y++ {
		for x := max(0, cx-rx); x < min(b.Dx(), cx+rx); x++ {
			dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
			if !disc || dx*dx+dy*dy <= 1 {
				img.Y[y*img.YStride+x] = v
			}
		}
	}
}

func clamp(v int) uint8 {
	return uint8(min(255, max(0, v)))
}

// Tag returns a copy of a JPEG with a comment segment holding tag right after the start-of-image
// marker: the pixels, and so the perceptual hash, stay the same while the bytes, and so the
// cryptographic hashes, differ. It returns jpg unchanged if it does not start with a JPEG marker.
func Tag(jpg []byte, tag string) []byte {
	if len(jpg) < 2 || jpg[0] != 0xFF || jpg[1] != 0xD8 || len(tag) > 65000 {
		return jpg
	}
	n := len(tag) + 2
	out := make([]byte, 0, len(jpg)+n+2)
	out = append(out, 0xFF, 0xD8, 0xFF, 0xFE, byte(n>>8), byte(n))
	out = append(out, tag...)
	return append(out, jpg[2:]...)
}
