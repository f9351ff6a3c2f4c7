package pdq

import (
	"math/rand/v2"
	"testing"
)

// benchLuma draws a deterministic textured luminance buffer.
func benchLuma(width, height int) []float32 {
	rng := rand.New(rand.NewPCG(1, 2))
	luma := make([]float32, width*height)
	for y := range height {
		for x := range width {
			luma[y*width+x] = float32((x*7+y*3)%256) + float32(rng.IntN(32))
		}
	}
	return luma
}

func BenchmarkHash(b *testing.B) {
	for _, side := range []int{64, 512} {
		src := benchLuma(side, side)
		work := make([]float32, len(src))
		var h Hasher
		b.Run(sizeName(side)+"/hash", func(b *testing.B) {
			for b.Loop() {
				copy(work, src)
				h.Hash(work, side, side)
			}
		})
		b.Run(sizeName(side)+"/dihedral", func(b *testing.B) {
			for b.Loop() {
				copy(work, src)
				h.Dihedral(work, side, side)
			}
		})
	}
}

func sizeName(side int) string {
	return map[int]string{64: "64x64", 512: "512x512"}[side]
}

// BenchmarkString measures formatting a hash as hex, which exports and match output do per entry.
func BenchmarkString(b *testing.B) {
	h := Hash{0x0123456789abcdef, 0xfedcba9876543210, 0x1111111111111111, 0x8000000000000001}
	for b.Loop() {
		_ = h.String()
	}
}
