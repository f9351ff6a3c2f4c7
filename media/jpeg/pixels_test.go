package jpeg

import (
	"crypto/sha256"
	"encoding/hex"
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
	"cmyk":    {{1, 1}, {1, 1}, {1, 1}, {1, 1}},
	"cmyk2":   {{2, 2}, {1, 1}, {1, 1}, {2, 2}},
}

// drawn is a test picture per component: waves and a checkerboard, clipped to 0..255.
func drawn(ci, x, y int) float64 {
	fx, fy := float64(x), float64(y)
	v := 128 + 90*math.Sin(fx/7+float64(ci))*math.Cos(fy/5)
	if (x/9+y/6)%2 == 0 {
		v += 40
	}
	return min(max(v, 0), 255)
}

// randomFrame is a frame with random quantizers up to qmax and random coefficients up to limit.
func randomFrame(w, h int, sampling string, seed uint64, qmax, limit int) *frame {
	f := newTestFrame(w, h, testSamplings[sampling], 1)
	rng := rand.New(rand.NewPCG(seed, uint64(w*h)))
	for i := range f.comps {
		for j := range f.comps[i].quant {
			f.comps[i].quant[j] = uint16(1 + rng.IntN(qmax))
		}
	}
	f.fillRandom(rng, 0.2, limit)
	return f
}

// withMarkers sets the colour hints of f.
func withMarkers(f *frame, jfif, adobe bool, transform uint8) *frame {
	f.jfif, f.adobe, f.adobeTransform = jfif, adobe, transform
	return f
}

// renderGolden are frames whose rendering was checked against libjpeg-turbo 2.1.5: djpeg's
// output for grey and RGB, and for CMYK and YCCK libjpeg's CMYK output put through ImageMagick 6's
// conversion (compiled from its C expressions). want is the SHA-256 of the pixels.
var renderGolden = []struct {
	name  string
	frame func() *frame
	want  string
}{
	{"grey 61x45", func() *frame { return randomFrame(61, 45, "grey", 1, 20, 60) }, "7c8496f974a3e0026942fcad2409000daf4e89b9c743f9d1c211db54097f0bea"},
	{"grey 1x1", func() *frame { return randomFrame(1, 1, "grey", 1, 20, 60) }, "087d80f7f182dd44f184aa86ca34488853ebcc04f0c60d5294919a466b463831"},
	{"4:2:0 61x45", func() *frame { return withMarkers(randomFrame(61, 45, "420", 1, 20, 60), true, false, 0) }, "bbee062ecb5d881f7094aefccf5e077fec6a4ab3c9cf2708ce1f2369caf086e6"},
	{"4:2:0 2x2", func() *frame { return withMarkers(randomFrame(2, 2, "420", 1, 20, 60), true, false, 0) }, "ca8ddb1a0e14b528093758f78b75bd3e2ebc37ba586d884e419f6fe93a1a6bce"},
	{"4:2:0 3x17 (chroma 2 wide)", func() *frame { return withMarkers(randomFrame(3, 17, "420", 1, 20, 60), true, false, 0) }, "e91e9d2290b2dc0a2c2be1cf83f832dd3fdfd7c22951dcea6553995d277e37a5"},
	{"4:2:2 61x45", func() *frame { return withMarkers(randomFrame(61, 45, "422", 1, 20, 60), true, false, 0) }, "7e692f62b19f72aac40e5c99a86f28bb3c3fcb10a4c40c989d641923647bf418"},
	{"4:4:0 61x45", func() *frame { return withMarkers(randomFrame(61, 45, "440", 1, 20, 60), true, false, 0) }, "a90584a5ae16954858d31087269069069b8207060fb0049fabb2f39ce70f1ea6"},
	{"4:1:1 61x45", func() *frame { return withMarkers(randomFrame(61, 45, "411", 1, 20, 60), true, false, 0) }, "78cbde4a805b62f4bf8f352fd556ecbf5ffad3fd09a4c5ea8d65077775050e00"},
	{"4:1:0 61x45", func() *frame { return withMarkers(randomFrame(61, 45, "410", 1, 20, 60), true, false, 0) }, "fb50fd632c7b2ea7d946c3f16133a4650fe3055241181cdb645ed8058f92af99"},
	{"3:1 17x5", func() *frame { return withMarkers(randomFrame(17, 5, "3to1", 1, 20, 60), true, false, 0) }, "4047202a1d11188a6832ad823e413866fa01429ce8e7716295f7cb907b199af7"},
	{"mixed ratios 61x45", func() *frame { return withMarkers(randomFrame(61, 45, "mixed", 1, 20, 60), true, false, 0) }, "9ab18859f558141f9060d19d0c3fb75f39a7364587b327ddf18e2ee32da0209b"},
	{"chroma larger than luma 61x45", func() *frame { return withMarkers(randomFrame(61, 45, "lumaup", 1, 20, 60), true, false, 0) }, "695892dcf886db7cda5c3812851edeef0e0ffddff802af56b8aecd473cd8d154"},
	{"vertical 1x4 9x70", func() *frame { return withMarkers(randomFrame(9, 70, "1x4", 1, 20, 60), true, false, 0) }, "06a66ff8c7183e5e4ce550130ebee1c5c4edebb6afd7818e59b9efbef1a5abe4"},
	{"4:4:4 Adobe RGB 61x45", func() *frame { return withMarkers(randomFrame(61, 45, "444", 1, 20, 60), false, true, 0) }, "50009ae2a5c9a5ffc4a546489bd54002c04d12ce17508ce78bde1ff96b0934bf"},
	{"4:2:0 ids R G B 61x45", func() *frame {
		f := randomFrame(61, 45, "420", 1, 20, 60)
		f.comps[0].id, f.comps[1].id, f.comps[2].id = 'R', 'G', 'B'
		return f
	}, "30cf1e075c8bf95ddfa7159227fe7fe56e796e90d370238b47aadaa1f4508735"},
	{"4:2:0 overflowing 64x48", func() *frame { return withMarkers(randomFrame(64, 48, "420", 4, 65535, 8000), true, false, 0) }, "e2ed7576802642dbfadd84deae30a7320600b4d72d1240003fce43d8b1777037"},
	{"CMYK 37x29", func() *frame { return randomFrame(37, 29, "cmyk", 1, 20, 60) }, "6526e070f8119bce59f8d2d9dcc84cd35388962d55578223637f5195a49e5e7c"},
	{"CMYK Adobe 37x29", func() *frame { return withMarkers(randomFrame(37, 29, "cmyk2", 1, 20, 60), false, true, 0) }, "a6343ba8216c3f105f57059764cc87b13aab7a5118df09c0005afae0e8ec1b12"},
	{"YCCK 37x29", func() *frame { return withMarkers(randomFrame(37, 29, "cmyk2", 1, 20, 60), false, true, 2) }, "feebb72700aa6d014dc257d29dcc83ea97ff868eee649328d4f29b7ce5f2c90a"},
}

func TestRenderGolden(t *testing.T) {
	for _, tt := range renderGolden {
		t.Run(tt.name, func(t *testing.T) {
			img, err := tt.frame().render()
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(img.Pix)
			if got := hex.EncodeToString(sum[:]); got != tt.want {
				t.Errorf("pixels hash to %s, want %s", got, tt.want)
			}
		})
	}
}

// TestRenderMatchesDjpeg compares render with djpeg on frames of every sampling layout, size
// and kind of coefficients, including values that overflow libjpeg-turbo's 16-bit SIMD lanes.
func TestRenderMatchesDjpeg(t *testing.T) {
	sizes := [][2]int{{1, 1}, {2, 2}, {3, 17}, {61, 45}, {16, 16}, {33, 9}, {5, 3}, {100, 75}, {17, 1}, {1, 23}}
	for name, s := range testSamplings {
		if len(s) == 4 {
			continue // djpeg cannot write CMYK
		}
		for _, sz := range sizes {
			for _, fill := range []string{"drawn", "random", "overflow"} {
				t.Run(fmt.Sprintf("%s/%dx%d/%s", name, sz[0], sz[1], fill), func(t *testing.T) {
					t.Parallel()
					var f *frame
					switch fill {
					case "drawn":
						f = newTestFrame(sz[0], sz[1], s, 3)
						f.fillFromImage(drawn)
					case "random":
						f = randomFrame(sz[0], sz[1], name, 2, 40, 60)
					case "overflow":
						f = randomFrame(sz[0], sz[1], name, 3, 65535, 8000)
					}
					compareWithDjpeg(t, withMarkers(f, len(s) == 3, false, 0))
				})
			}
		}
	}
	for _, tt := range renderGolden {
		t.Run("golden/"+tt.name, func(t *testing.T) {
			t.Parallel()
			if f := tt.frame(); len(f.comps) != 4 {
				compareWithDjpeg(t, f)
			}
		})
	}
}

// compareWithDjpeg checks that render gives djpeg's pixels for f.
func compareWithDjpeg(t *testing.T, f *frame) {
	t.Helper()
	want, w, h, ch := djpegDecode(t, encodeTestJPEG(f))
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

// FuzzRender renders frames of any layout and coefficients: render must return an image of the
// frame's size, or an error exactly when the layout is unsupported (fractional sampling, 2 or
// more than 4 components), and never panic.
func FuzzRender(f *testing.F) {
	f.Add(uint8(61), uint8(45), []byte{0x22, 0x11, 0x11}, []byte{1, 2, 3, 250, 7})
	f.Add(uint8(3), uint8(17), []byte{0x41, 0x11, 0x11, 0x12}, []byte{0xff, 0x7f, 0x80, 0x00, 9})
	f.Add(uint8(1), uint8(1), []byte{0x11}, []byte{})
	f.Add(uint8(9), uint8(70), []byte{0x14, 0x11, 0x12}, []byte{0x80, 0x00, 0x7f, 0xff})
	f.Add(uint8(20), uint8(20), []byte{0x32, 0x21, 0x11}, []byte{5})
	f.Fuzz(func(t *testing.T, w, h uint8, sampling, data []byte) {
		if w == 0 || h == 0 || len(sampling) == 0 || len(sampling) > 5 {
			return
		}
		var s testSampling
		blocks := 0
		for _, b := range sampling {
			hv := [2]int{1 + int(b>>4)%4, 1 + int(b&15)%4}
			s = append(s, hv)
			blocks += hv[0] * hv[1]
		}
		if len(s) > 1 && blocks > 10 {
			return // not a valid interleaved layout
		}
		fr := newTestFrame(int(w), int(h), s, 1)
		fr.jfif = len(data) > 0 && data[0]&1 == 1
		fr.adobe = len(data) > 0 && data[0]&2 == 2
		if len(data) > 1 {
			fr.adobeTransform = data[1] % 3
		}
		// Spread the data over quantizers and coefficients, as 16-bit values.
		for i := 0; i+1 < len(data); i += 2 {
			v := uint16(data[i])<<8 | uint16(data[i+1])
			c := &fr.comps[(i/2)%len(fr.comps)]
			c.quant[(i/2)%64] = max(v, 1)
			c.coef[(i*7919)%len(c.coef)] = int16(v)
		}
		wantErr := len(s) == 2 || len(s) > 4
		for _, c := range fr.comps {
			wantErr = wantErr || fr.hmax%c.h != 0 || fr.vmax%c.v != 0
		}
		img, err := fr.render()
		if (err != nil) != wantErr {
			t.Fatalf("%dx%d sampling %v: error %v, want one: %v", w, h, s, err, wantErr)
		}
		if err != nil {
			return
		}
		channels := 3
		if len(s) == 1 {
			channels = 1
		}
		if img.Width != int(w) || img.Height != int(h) || img.Channels != channels || len(img.Pix) != int(w)*int(h)*channels {
			t.Fatalf("%dx%d sampling %v: got image %dx%dx%d with %d bytes", w, h, s, img.Width, img.Height, img.Channels, len(img.Pix))
		}
	})
}
