package pdq

import (
	"math"
	"testing"
)

// TestResamplingWeights checks that every sample's weights sum to one (the reference's blur
// preserves a flat image) and cover only reduced pixels that exist.
func TestResamplingWeights(t *testing.T) {
	tests := []struct{ n, scale int }{
		{1600, 8}, {1004, 4}, {512, 2}, {37, 1}, {4032, 8}, {130, 8},
	}
	for _, tt := range tests {
		reduced := (tt.n + tt.scale - 1) / tt.scale
		var r resampling
		r.plan(tt.n, reduced, tt.scale)
		for k := range 64 {
			sum := 0.0
			for _, v := range r.weight[k] {
				sum += v
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("n=%d scale=%d sample %d: weights sum to %v", tt.n, tt.scale, k, sum)
			}
			if last := r.first[k] + len(r.weight[k]) - 1; r.first[k] < 0 || last >= reduced {
				t.Errorf("n=%d scale=%d sample %d: weights cover %d..%d of %d", tt.n, tt.scale, k, r.first[k], last, reduced)
			}
		}
	}
}

// reduce averages scale x scale squares of a width x height buffer, as a DCT-domain JPEG
// decode at 1/scale does, and returns the reduced buffer and its size.
func reduce(luma []float32, width, height, scale int) ([]float32, int, int) {
	w, h := (width+scale-1)/scale, (height+scale-1)/scale
	out := make([]float32, w*h)
	for y := range h {
		for x := range w {
			var sum float32
			n := 0
			for yy := y * scale; yy < min((y+1)*scale, height); yy++ {
				for xx := x * scale; xx < min((x+1)*scale, width); xx++ {
					sum += luma[yy*width+xx]
					n++
				}
			}
			out[y*w+x] = sum / float32(n)
		}
	}
	return out, w, h
}

// TestHashReducedNearFull checks that hashing a reduced copy stays close to the full-resolution
// hash on an image with real structure, which is what the fast JPEG path relies on.
func TestHashReducedNearFull(t *testing.T) {
	const width, height = 1500, 1000
	luma := make([]float32, width*height)
	for y := range height {
		for x := range width {
			fx, fy := float64(x)/width, float64(y)/height
			v := 128 + 60*math.Sin(9*fx+3*fy) + 40*math.Cos(14*fy-5*fx*fx)
			if (x/150+y/125)%3 == 0 {
				v += 30
			}
			luma[y*width+x] = float32(math.Round(v))
		}
	}
	var h Hasher
	want, _ := h.Hash(append([]float32(nil), luma...), width, height)
	for _, scale := range []int{1, 2, 4, 8} {
		small, w, ht := reduce(luma, width, height, scale)
		got, quality := h.HashReduced(small, w, ht, scale, width, height)
		if d := Distance(got, want); d > 6 || quality < 50 {
			t.Errorf("scale 1/%d: %d bits from the full-resolution hash (quality %d)", scale, d, quality)
		}
	}
}
