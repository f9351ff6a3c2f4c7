package jpeg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

var testSamplings = map[string]testSampling{
	"grey":    {{1, 1}},
	"444":     {{1, 1}, {1, 1}, {1, 1}},
	"420":     {{2, 2}, {1, 1}, {1, 1}},
	"422":     {{2, 1}, {1, 1}, {1, 1}},
	"440":     {{1, 2}, {1, 1}, {1, 1}},
	"411":     {{4, 1}, {1, 1}, {1, 1}},
	"410":     {{4, 2}, {1, 1}, {1, 1}},
	"mixed":   {{2, 2}, {1, 2}, {2, 1}},
	"3to1":    {{3, 1}, {1, 1}, {1, 1}},
	"all2x1":  {{2, 1}, {2, 1}, {2, 1}},
	"lumaup":  {{1, 1}, {2, 2}, {2, 2}},
	"4-2-1":   {{4, 1}, {2, 1}, {1, 1}},
	"2x1-1x2": {{2, 1}, {1, 2}, {1, 1}},
	"1x4":     {{1, 4}, {1, 1}, {1, 2}},
}

func drawn(ci, x, y int) float64 {
	fx, fy := float64(x), float64(y)
	v := 128 + 90*math.Sin(fx/7+float64(ci))*math.Cos(fy/5)
	if (x/9+y/6)%2 == 0 {
		v += 40
	}
	return min(max(v, 0), 255)
}

func TestRenderMatchesDjpeg(t *testing.T) {
	sizes := [][2]int{{1, 1}, {2, 2}, {3, 17}, {61, 45}, {16, 16}, {33, 9}, {5, 3}, {100, 75}, {17, 1}, {1, 23}}
	for name, s := range testSamplings {
		for _, sz := range sizes {
			for _, fill := range []string{"drawn", "random", "extreme"} {
				t.Run(fmt.Sprintf("%s/%dx%d/%s", name, sz[0], sz[1], fill), func(t *testing.T) {
					f := newTestFrame(sz[0], sz[1], s, 3)
					f.jfif = len(s) == 3
					rng := rand.New(rand.NewPCG(uint64(sz[0]), uint64(sz[1])))
					switch fill {
					case "drawn":
						f.fillFromImage(drawn)
					case "random":
						for i := range f.comps {
							for j := range f.comps[i].quant {
								f.comps[i].quant[j] = uint16(1 + rng.IntN(40))
							}
						}
						f.fillRandom(rng, 0.2, 60)
					case "extreme":
						for i := range f.comps {
							for j := range f.comps[i].quant {
								f.comps[i].quant[j] = uint16(1 + rng.IntN(65535))
							}
						}
						f.fillRandom(rng, 0.3, 8000)
					}
					compareWithDjpeg(t, f)
				})
			}
		}
	}
}

func compareWithDjpeg(t *testing.T, f *frame, env ...string) {
	t.Helper()
	data := encodeTestJPEG(f)
	want, w, h, ch := djpegDecode(t, data, env...)
	img, err := f.render()
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	if img.Width != w || img.Height != h || img.Channels != ch {
		t.Fatalf("render gives %dx%dx%d, djpeg %dx%dx%d", img.Width, img.Height, img.Channels, w, h, ch)
	}
	diff, first := 0, -1
	for i := range want {
		if want[i] != img.Pix[i] {
			if first < 0 {
				first = i
			}
			diff++
		}
	}
	if diff > 0 {
		p := first / ch
		t.Errorf("%d of %d samples differ; first at x=%d y=%d channel %d: got %d, want %d",
			diff, len(want), p%w, p/w, first%ch, img.Pix[first], want[first])
	}
}
