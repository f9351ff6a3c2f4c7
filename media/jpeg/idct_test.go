package jpeg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// repeatRows returns a block whose eight rows all equal row.
func repeatRows(row [8]byte) [64]byte {
	var b [64]byte
	for r := range 8 {
		copy(b[r*8:], row[:])
	}
	return b
}

// rowsOf returns a block whose row r is filled with v[r].
func rowsOf(v [8]byte) [64]byte {
	var b [64]byte
	for r := range 8 {
		for c := range 8 {
			b[r*8+c] = v[r]
		}
	}
	return b
}

// TestIDCTOverflowLikeSIMD checks blocks whose values overflow 16 bits somewhere in the
// transform. The expected pixels are djpeg's (libjpeg-turbo 2.1.5 on x86-64 with AVX2); its C
// code (JSIMD_FORCENONE=1) gives different pixels for all but the ordinary case.
func TestIDCTOverflowLikeSIMD(t *testing.T) {
	tests := []struct {
		name  string
		coef  map[int]int16  // natural-order index: quantized value
		quant map[int]uint16 // natural-order index: quantizer, where not qAll
		qAll  uint16
		want  [64]byte
	}{
		{
			name: "DC wraps in the shortcut for empty rows 1 to 7",
			coef: map[int]int16{0: 1000}, quant: map[int]uint16{0: 40}, qAll: 1,
			want: rowsOf([8]byte{255, 255, 255, 255, 255, 255, 255, 255}),
		},
		{
			name: "row 0 wraps in the shortcut for empty rows 1 to 7",
			coef: map[int]int16{0: 100, 1: 3000, 3: -2000}, qAll: 11,
			want: repeatRows([8]byte{0, 255, 255, 255, 0, 0, 38, 255}),
		},
		{
			name: "first pass saturates",
			coef: map[int]int16{0: 1000, 8: 1}, quant: map[int]uint16{0: 40}, qAll: 1,
			want: rowsOf([8]byte{0, 0, 0, 0, 0, 0, 0, 0}),
		},
		{
			name: "16-bit sums wrap",
			coef: map[int]int16{0: 20000, 32: 20000, 9: 5, 56: 18000, 24: 17000}, qAll: 1,
			want: rowsOf([8]byte{0, 255, 0, 0, 0, 255, 0, 255}),
		},
		{
			name: "quantizer above 32767",
			coef: map[int]int16{0: 1, 1: 2, 8: -1, 9: 1}, qAll: 40000,
			want: [64]byte{
				0, 0, 255, 255, 255, 255, 255, 255,
				0, 0, 0, 255, 255, 255, 255, 255,
				0, 0, 0, 0, 0, 0, 255, 255,
				255, 195, 0, 0, 0, 0, 0, 0,
				255, 255, 0, 0, 0, 0, 0, 0,
				255, 255, 0, 0, 0, 0, 0, 0,
				255, 255, 0, 0, 0, 0, 0, 0,
				255, 255, 0, 0, 0, 0, 0, 0},
		},
		{
			name: "dequantized product wraps",
			coef: map[int]int16{0: 3, 2: 700, 16: -650, 18: 300}, qAll: 200,
			want: [64]byte{
				255, 255, 255, 101, 101, 255, 255, 255,
				255, 255, 0, 0, 0, 0, 255, 255,
				255, 255, 0, 0, 0, 0, 255, 255,
				255, 255, 0, 0, 0, 0, 255, 255,
				255, 255, 0, 0, 0, 0, 255, 255,
				255, 255, 0, 0, 0, 0, 255, 255,
				255, 255, 0, 0, 0, 0, 255, 255,
				255, 255, 255, 101, 101, 255, 255, 255},
		},
		{
			name: "ordinary",
			coef: map[int]int16{0: -30, 1: 12, 8: -7, 9: 3, 2: 2, 16: -1, 63: 1}, qAll: 4,
			want: [64]byte{
				120, 117, 113, 108, 104, 100, 99, 98,
				121, 119, 114, 110, 105, 102, 100, 99,
				122, 119, 116, 110, 108, 104, 103, 102,
				123, 121, 116, 114, 109, 108, 105, 105,
				124, 121, 119, 114, 113, 109, 109, 108,
				124, 123, 119, 117, 113, 112, 110, 111,
				124, 122, 120, 116, 115, 112, 113, 112,
				124, 122, 120, 117, 115, 114, 113, 113},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var coef [64]int16
			var q [64]uint16
			for i := range q {
				q[i] = tt.qAll
			}
			for i, v := range tt.quant {
				q[i] = v
			}
			for i, v := range tt.coef {
				coef[i] = v
			}
			qt := quantMultipliers(&q)
			var got [64]byte
			idctBlock(got[:], 8, &coef, &qt)
			if got != tt.want {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

// idctBasis[x][u] is C(u) cos((2x+1) u pi / 16), with C(0) = 1/sqrt(2) and C(u) = 1 otherwise.
var idctBasis = func() (b [8][8]float64) {
	for x := range 8 {
		for u := range 8 {
			b[x][u] = math.Cos(float64(2*x+1) * float64(u) * math.Pi / 16)
			if u == 0 {
				b[x][u] *= math.Sqrt2 / 2
			}
		}
	}
	return b
}()

// floatIDCT is the textbook 2-D inverse DCT of dequantized coefficients, level-shifted and
// clamped: the value the integer transform approximates.
func floatIDCT(coef *[64]int16, q *[64]uint16) [64]float64 {
	var out [64]float64
	for y := range 8 {
		for x := range 8 {
			sum := 0.0
			for v := range 8 {
				for u := range 8 {
					f := float64(coef[v*8+u]) * float64(q[v*8+u])
					sum += f * idctBasis[x][u] * idctBasis[y][v]
				}
			}
			out[y*8+x] = min(max(sum/4+128, 0), 255)
		}
	}
	return out
}

// TestIDCTNearFloat checks random blocks in the range real files use against floatIDCT: the
// fixed-point transform must stay within 1 of it.
func TestIDCTNearFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := []struct {
		name    string
		density float64 // chance that an AC coefficient is non-zero
		maxAC   int
	}{
		{"DC only", 0, 0},
		{"sparse", 0.1, 40},
		{"dense", 0.6, 20},
		{"strong", 0.3, 120},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			for n := 0; n < 2000; n++ {
				var coef [64]int16
				var q [64]uint16
				for i := range q {
					q[i] = uint16(1 + rng.IntN(8))
				}
				coef[0] = int16(rng.IntN(2001)-1000) / int16(q[0])
				for i := 1; i < 64; i++ {
					if rng.Float64() < s.density {
						coef[i] = int16((rng.IntN(2*s.maxAC+1) - s.maxAC) / int(q[i]))
					}
				}
				qt := quantMultipliers(&q)
				var got [64]byte
				idctBlock(got[:], 8, &coef, &qt)
				want := floatIDCT(&coef, &q)
				for i := range got {
					if math.Abs(float64(got[i])-want[i]) > 1 {
						t.Fatalf("block %v quant %v: pixel %d is %d, float IDCT gives %.2f", coef, q, i, got[i], want[i])
					}
				}
			}
		})
	}
}

// idctNoShortcuts is idctBlock without its shortcuts: the full butterfly on every column and row.
// On values that cannot overflow, the shortcuts must give exactly the same pixels.
func idctNoShortcuts(coef *[64]int16, qt *[64]int16) [64]byte {
	var ws [64]int32
	for c := range 8 {
		var in [8]int32
		for k := range in {
			in[k] = int32(coef[8*k+c] * qt[8*k+c])
		}
		o := [8]int32{}
		o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7] = butterfly(in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7])
		for k := range o {
			ws[8*k+c] = sat16((o[k] + 1<<(islowDescale1-1)) >> islowDescale1)
		}
	}
	var out [64]byte
	for r := range 8 {
		w := ws[8*r : 8*r+8]
		o := [8]int32{}
		o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7] = butterfly(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7])
		for k := range o {
			out[8*r+k] = pixelOf(o[k])
		}
	}
	return out
}

// TestIDCTShortcutsExact checks the shortcut paths (empty rows 1 to 7, empty columns, empty right
// or lower half) against the full transform.
func TestIDCTShortcutsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	regions := []struct {
		name string
		in   func(i int) bool // natural-order positions that may be non-zero
	}{
		{"DC only", func(i int) bool { return i == 0 }},
		{"row 0 only", func(i int) bool { return i < 8 }},
		{"column 0 only", func(i int) bool { return i%8 == 0 }},
		{"left half", func(i int) bool { return i%8 < 4 }},
		{"top half", func(i int) bool { return i < 32 }},
		{"top-left quarter", func(i int) bool { return i%8 < 4 && i < 32 }},
		{"anywhere", func(int) bool { return true }},
	}
	for _, r := range regions {
		t.Run(r.name, func(t *testing.T) {
			for n := 0; n < 1000; n++ {
				var coef [64]int16
				var q [64]uint16
				for i := range coef {
					q[i] = uint16(1 + rng.IntN(30))
					if r.in(i) && rng.IntN(3) > 0 {
						coef[i] = int16(rng.IntN(101) - 50)
					}
				}
				qt := quantMultipliers(&q)
				var got [64]byte
				idctBlock(got[:], 8, &coef, &qt)
				if want := idctNoShortcuts(&coef, &qt); got != want {
					t.Fatalf("block %v quant %v:\ngot  %v\nwant %v", coef, q, got, want)
				}
			}
		})
	}
}
