package jpeg

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// The expected values below are worked out by hand from jdsample.c's formulas.

func TestUpsampleH2V1(t *testing.T) {
	got := make([]byte, 6)
	upsampleH2V1(got, []byte{10, 20, 40})
	// Edges copy the outer samples; inside, (3*near + far + 1 or 2) / 4.
	if want := []byte{10, 13, 17, 25, 35, 40}; !bytes.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestUpsampleH1V2(t *testing.T) {
	tests := []struct {
		bias int
		want []byte
	}{
		{1, []byte{12, 150}}, // neighbour above: (3*near + far + 1) / 4
		{2, []byte{13, 150}}, // neighbour below: (3*near + far + 2) / 4
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("bias ", tt.bias), func(t *testing.T) {
			got := make([]byte, 2)
			upsampleH1V2(got, []byte{10, 200}, []byte{20, 0}, tt.bias)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUpsampleH2V2(t *testing.T) {
	got := make([]byte, 6)
	// Column sums 3*near+far are 30, 160, 160; outputs (3*this + neighbour + 8 or 7) / 16.
	upsampleH2V2(got, []byte{10, 20, 40}, []byte{0, 100, 40})
	if want := []byte{8, 16, 32, 40, 40, 40}; !bytes.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestReplicate(t *testing.T) {
	for _, hx := range []int{1, 2, 3, 4} {
		t.Run(fmt.Sprint(hx), func(t *testing.T) {
			got := make([]byte, 2*hx)
			replicate(got, []byte{1, 2}, hx)
			want := append(bytes.Repeat([]byte{1}, hx), bytes.Repeat([]byte{2}, hx)...)
			if !bytes.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestUpsamplerChoice follows jinit_upsampler: the ratio to the largest sampling factors picks
// the method, and components at most 2 samples wide are never filtered horizontally.
func TestUpsamplerChoice(t *testing.T) {
	tests := []struct {
		h, v, hmax, vmax, w int
		want                upsampleKind
		hx, vx              int
	}{
		{1, 1, 1, 1, 100, upFull, 1, 1},
		{2, 2, 2, 2, 100, upFull, 1, 1},
		{1, 1, 2, 1, 100, upH2V1Fancy, 2, 1},
		{2, 1, 4, 1, 100, upH2V1Fancy, 2, 1},
		{1, 1, 2, 1, 2, upReplicate, 2, 1},
		{1, 1, 1, 2, 1, upH1V2Fancy, 1, 2},
		{1, 1, 2, 2, 100, upH2V2Fancy, 2, 2},
		{1, 1, 2, 2, 3, upH2V2Fancy, 2, 2},
		{1, 1, 2, 2, 2, upReplicate, 2, 2},
		{1, 1, 4, 1, 100, upReplicate, 4, 1},
		{1, 1, 4, 2, 100, upReplicate, 4, 2},
		{1, 1, 3, 1, 100, upReplicate, 3, 1},
		{1, 2, 1, 4, 100, upH1V2Fancy, 1, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%d of %dx%d w%d", tt.h, tt.v, tt.hmax, tt.vmax, tt.w), func(t *testing.T) {
			u, err := newUpsampler(tt.h, tt.v, tt.hmax, tt.vmax, tt.w)
			if err != nil {
				t.Fatal(err)
			}
			if u.kind != tt.want || u.hx != tt.hx || u.vx != tt.vx {
				t.Errorf("got kind %d %dx%d, want kind %d %dx%d", u.kind, u.hx, u.vx, tt.want, tt.hx, tt.vx)
			}
		})
	}
}

func TestUpsamplerFractional(t *testing.T) {
	for _, f := range [][4]int{{2, 1, 3, 1}, {1, 3, 1, 4}} {
		if _, err := newUpsampler(f[0], f[1], f[2], f[3], 10); err == nil {
			t.Errorf("sampling %dx%d of %dx%d: no error", f[0], f[1], f[2], f[3])
		}
	}
}

// TestUpsamplerRows checks the rows produced through the two-block-row ring against the same
// upsampling applied to the whole component decoded at once, with the first and last rows
// repeated beyond the edges.
func TestUpsamplerRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	layouts := []struct {
		name           string
		width, height  int
		sampling       testSampling
		comp           int
		wantKindOfComp upsampleKind
	}{
		{"h2v2", 45, 37, testSamplings["420"], 1, upH2V2Fancy},
		{"h2v1", 45, 37, testSamplings["422"], 2, upH2V1Fancy},
		{"h1v2", 45, 37, testSamplings["440"], 1, upH1V2Fancy},
		{"h1v2 tall", 9, 70, testSamplings["1x4"], 2, upH1V2Fancy},
		{"replicate 4x2", 45, 37, testSamplings["410"], 1, upReplicate},
		{"full", 45, 37, testSamplings["420"], 0, upFull},
		{"h2v2 one row", 45, 1, testSamplings["420"], 1, upH2V2Fancy},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			f := newTestFrame(l.width, l.height, l.sampling, 5)
			f.fillRandom(rng, 0.3, 30)
			c := &f.comps[l.comp]

			var src componentRows
			if err := src.init(f, c); err != nil {
				t.Fatal(err)
			}
			u, err := newUpsampler(c.h, c.v, f.hmax, f.vmax, src.w)
			if err != nil {
				t.Fatal(err)
			}
			if u.kind != l.wantKindOfComp {
				t.Fatalf("kind %d, want %d", u.kind, l.wantKindOfComp)
			}

			// The whole component, and its rows with edge repetition.
			plane := make([]byte, src.stride*c.blocksH*8)
			for by := range ceilDiv(src.h, 8) {
				for bx := range src.bw {
					i := (by*c.blocksW + bx) * 64
					idctBlock(plane[by*8*src.stride+bx*8:], src.stride, (*[64]int16)(c.coef[i:i+64]), &src.qt)
				}
			}
			row := func(r int) []byte {
				r = min(max(r, 0), src.h-1)
				return plane[r*src.stride : r*src.stride+src.w]
			}
			want := make([]byte, len(u.buf))
			for y := range l.height {
				switch u.kind {
				case upFull:
					want = row(y)
				case upH2V1Fancy:
					upsampleH2V1(want, row(y))
				case upH1V2Fancy:
					if y%2 == 0 {
						upsampleH1V2(want, row(y/2), row(y/2-1), 1)
					} else {
						upsampleH1V2(want, row(y/2), row(y/2+1), 2)
					}
				case upH2V2Fancy:
					if y%2 == 0 {
						upsampleH2V2(want, row(y/2), row(y/2-1))
					} else {
						upsampleH2V2(want, row(y/2), row(y/2+1))
					}
				case upReplicate:
					replicate(want, row(y/u.vx), u.hx)
				}
				if got := u.rowAt(&src, y); !bytes.Equal(got[:l.width], want[:l.width]) {
					t.Fatalf("row %d:\ngot  %v\nwant %v", y, got[:l.width], want[:l.width])
				}
			}
		})
	}
}
