package jpeg

import (
	"bytes"
	"fmt"
	"image"
	stdjpeg "image/jpeg"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// atScale returns a scale policy that always picks s.
func atScale(s int) func(int, int) int { return func(int, int) int { return s } }

func TestLumaScale(t *testing.T) {
	tests := []struct {
		w, h, scale, outW, outH int
	}{
		{3000, 2000, 8, 375, 250},
		{4032, 3024, 8, 504, 378},
		{1600, 1004, 4, 400, 251},
		{1004, 1600, 4, 251, 400},
		{1280, 1271, 4, 320, 318},
		{1280, 1273, 8, 160, 160},
		{1272, 1280, 4, 318, 320},
		{640, 480, 2, 320, 240},
		{512, 512, 2, 256, 256},
		{318, 4000, 1, 318, 4000},
		{319, 4000, 2, 160, 2000},
		{320, 320, 2, 160, 160},
		{256, 256, 1, 256, 256},
		{1, 1, 1, 1, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%d", tt.w, tt.h), func(t *testing.T) {
			if got := LumaScale(tt.w, tt.h); got != tt.scale {
				t.Errorf("LumaScale = %d, want %d", got, tt.scale)
			}
			if w, h := LumaSize(tt.w, tt.h); w != tt.outW || h != tt.outH {
				t.Errorf("LumaSize = %dx%d, want %dx%d", w, h, tt.outW, tt.outH)
			}
		})
	}
}

// floatReducedIDCT is the definition the reduced IDCTs implement: the n-point inverse DCT of
// the top-left n x n dequantized coefficients, normalized so that DC gives the block mean.
func floatReducedIDCT(blk *[64]int16, n int) []float64 {
	out := make([]float64, n*n)
	c := func(u int) float64 {
		if u == 0 {
			return 1 / math.Sqrt2
		}
		return 1
	}
	for y := range n {
		for x := range n {
			sum := 0.0
			for v := range n {
				for u := range n {
					sum += c(u) * c(v) * float64(blk[v*8+u]) *
						math.Cos(float64(2*x+1)*float64(u)*math.Pi/float64(2*n)) *
						math.Cos(float64(2*y+1)*float64(v)*math.Pi/float64(2*n))
				}
			}
			out[y*n+x] = min(max(sum/4+128, 0), 255)
		}
	}
	return out
}

func TestReducedIDCT(t *testing.T) {
	var ones [64]uint16
	for i := range ones {
		ones[i] = 1
	}
	tests := []struct {
		name string
		n    int
		idct func(*[64]int16, *[64]uint16, []byte, int)
	}{
		{"1x1", 1, idct1x1},
		{"2x2", 2, idct2x2},
		{"4x4", 4, idct4x4},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			worst := 0.0
			for trial := range 2000 {
				var blk [64]int16
				amp := []int{64, 300, 1200}[trial%3] // small, typical and saturating values
				for v := range tt.n {
					for u := range tt.n {
						blk[v*8+u] = int16(rng.IntN(2*amp+1) - amp)
					}
				}
				blk[0] = int16(rng.IntN(2049) - 1024)
				// Higher coefficients must be ignored.
				blk[63], blk[tt.n*8+tt.n%8] = 999, -999
				const stride = 9
				dst := make([]byte, stride*tt.n)
				tt.idct(&blk, &ones, dst, stride)
				want := floatReducedIDCT(&blk, tt.n)
				for y := range tt.n {
					for x := range tt.n {
						d := math.Abs(float64(dst[y*stride+x]) - want[y*tt.n+x])
						worst = max(worst, d)
						if d > 1 {
							t.Fatalf("trial %d: pixel (%d, %d) = %d, float reference %.3f", trial, x, y, dst[y*stride+x], want[y*tt.n+x])
						}
					}
				}
			}
			t.Logf("largest difference from the float reference: %.3f", worst)
		})
	}
}

// lumaFixtures are the committed fixtures that have a Y component, and so take the fast path
// (sequential) or the coefficient path (progressive, arithmetic).
func lumaFixtures() []fixture {
	var out []fixture
	for _, fx := range fixtures {
		if fx.comps != 4 && !strings.HasPrefix(fx.name, "rgb") {
			out = append(out, fx)
		}
	}
	return out
}

// drawnJPEG encodes a drawn w x h picture with image/jpeg (4:2:0 colour, or greyscale).
func drawnJPEG(t testing.TB, w, h, quality int, grey bool) []byte {
	t.Helper()
	var img image.Image = drawPhoto(w, h)
	if grey {
		g := image.NewGray(img.Bounds())
		for y := range h {
			for x := range w {
				g.Set(x, y, img.At(x, y))
			}
		}
		img = g
	}
	var buf bytes.Buffer
	if err := stdjpeg.Encode(&buf, img, &stdjpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeLumaMatchesCoefficients checks the fast path's entropy decoding: at every scale its
// output must equal the reduced IDCT of the coefficients the full decoder finds. The fixtures
// cover every sampling layout, restart intervals, separate scans and optimized tables.
func TestDecodeLumaMatchesCoefficients(t *testing.T) {
	files := map[string][]byte{
		"drawn-q90":  drawnJPEG(t, 203, 157, 90, false),
		"drawn-q100": drawnJPEG(t, 203, 157, 100, false),
		"drawn-q20":  drawnJPEG(t, 97, 61, 20, false),
		"drawn-grey": drawnJPEG(t, 131, 75, 75, true),
	}
	for _, fx := range lumaFixtures() {
		files[fx.name] = readFixture(t, fx.name)
	}
	files["y-subsampled"] = subsampledLumaJPEG()
	for name, data := range files {
		for _, s := range []int{1, 2, 4, 8} {
			t.Run(fmt.Sprintf("%s/1:%d", name, s), func(t *testing.T) {
				t.Parallel()
				got, err := decodeLuma(data, Options{}, atScale(s))
				if err != nil {
					t.Fatal(err)
				}
				want, err := lumaFromCoefficients(data, Options{}, s)
				if err != nil {
					t.Fatal(err)
				}
				if got.Width != want.Width || got.Height != want.Height {
					t.Fatalf("got %dx%d, want %dx%d", got.Width, got.Height, want.Width, want.Height)
				}
				if n, maxDiff := countMismatches(got.Pix, want.Pix); n != 0 {
					t.Errorf("%d of %d pixels differ (max difference %d)", n, len(want.Pix), maxDiff)
				}
			})
		}
	}
}

// subsampledLumaJPEG returns a 53x37 file whose Y component has fewer samples than its chroma
// (sampling 1x1, 2x2, 1x2), which encoders do not normally write. The picture is smooth, so
// that the Y component's low resolution loses little.
func subsampledLumaJPEG() []byte {
	f := newTestFrame(53, 37, testSampling{{1, 1}, {2, 2}, {1, 2}}, 4)
	f.fillFromImage(func(ci, x, y int) float64 {
		return 128 + 50*math.Sin(float64(x)/15+float64(ci))*math.Cos(float64(y)/12)
	})
	return encodeTestJPEG(f)
}

// TestDecodeLumaSubsampled checks that a Y component with fewer samples than the image is
// stretched to the image's reduced size.
func TestDecodeLumaSubsampled(t *testing.T) {
	data := subsampledLumaJPEG()
	full, err := Decode(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []int{1, 2, 4, 8} {
		t.Run(fmt.Sprintf("1:%d", s), func(t *testing.T) {
			got, err := decodeLuma(data, Options{}, atScale(s))
			if err != nil {
				t.Fatal(err)
			}
			if w, h := ceilDiv(53, s), ceilDiv(37, s); got.Width != w || got.Height != h {
				t.Fatalf("got %dx%d, want %dx%d", got.Width, got.Height, w, h)
			}
			// Decode interpolates the Y samples where DecodeLuma repeats them, and at 1/8 scale each
			// reduced Y sample stands for 16x16 pixels, so the two differ even on a smooth picture.
			want := boxReduce(&Image{Width: full.Width, Height: full.Height, Channels: 1, Pix: lumaOf(full)}, s)
			sum := 0
			for i := range want.Pix {
				sum += max(int(got.Pix[i])-int(want.Pix[i]), int(want.Pix[i])-int(got.Pix[i]))
			}
			if mean := float64(sum) / float64(len(want.Pix)); mean > 5 {
				t.Errorf("mean difference from Decode's luma %.1f, want at most 5", mean)
			}
		})
	}
}

// TestDecodeLumaRunPastEnd decodes a block whose last symbol is a run of sixteen zeros that
// passes the end of the block, which libjpeg and the full decoder accept.
func TestDecodeLumaRunPastEnd(t *testing.T) {
	f := newTestFrame(8, 8, testSampling{{1, 1}}, 2)
	base := encodeTestJPEG(f)
	start, _ := scanOffsets(t, base)
	// The test tables give every symbol an 8-bit code equal to its index in testHuffSymbols:
	// DC size 0 is code 0, AC ZRL code 1, AC run 0 size 1 code 2.
	w := &testBitWriter{}
	w.put(0, 8)
	for range 48 {
		w.put(2, 8)
		w.put(1, 1)
	}
	w.put(1, 8)
	data := append(append(bytes.Clone(base[:start]), w.flush()...), 0xFF, markerEOI)
	for _, s := range []int{1, 2, 4, 8} {
		t.Run(fmt.Sprintf("1:%d", s), func(t *testing.T) {
			got, err := decodeLuma(data, Options{}, atScale(s))
			if err != nil {
				t.Fatal(err)
			}
			want, err := lumaFromCoefficients(data, Options{}, s)
			if err != nil {
				t.Fatal(err)
			}
			if n, maxDiff := countMismatches(got.Pix, want.Pix); n != 0 {
				t.Errorf("%d pixels differ from the full decoder's coefficients, by up to %d", n, maxDiff)
			}
		})
	}
}

// TestDecodeLumaFullScale compares DecodeLuma at scale 1 with the luma of Decode's RGB. Where no
// RGB channel was clamped the two differ only by the rounding of the colour conversion; greyscale
// files must match exactly.
func TestDecodeLumaFullScale(t *testing.T) {
	files := map[string][]byte{
		"drawn-q75": drawnJPEG(t, 203, 157, 75, false),
		"drawn-q95": drawnJPEG(t, 203, 157, 95, false),
	}
	for _, fx := range fixtures {
		files[fx.name] = readFixture(t, fx.name)
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeLuma(data, Options{}, atScale(1))
			if err != nil {
				t.Fatal(err)
			}
			full, err := Decode(data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Width != full.Width || got.Height != full.Height || got.Channels != 1 {
				t.Fatalf("got %dx%d with %d channels, want %dx%d with 1", got.Width, got.Height, got.Channels, full.Width, full.Height)
			}
			want := lumaOf(full)
			compared, worst := 0, 0
			for i := range want {
				if full.Channels == 3 && clamped(full.Pix[3*i:3*i+3]) {
					continue
				}
				d := int(got.Pix[i]) - int(want[i])
				compared, worst = compared+1, max(worst, d, -d)
			}
			tolerance := 1
			if full.Channels == 1 {
				tolerance = 0
			}
			if worst > tolerance {
				t.Errorf("luma differs from Decode's by up to %d (%d unclamped pixels compared), want at most %d", worst, compared, tolerance)
			}
		})
	}
}

// lumaOf returns the BT.601 luma of a decoded image, rounded.
func lumaOf(img *Image) []byte {
	if img.Channels == 1 {
		return img.Pix
	}
	out := make([]byte, img.Width*img.Height)
	for i := range out {
		r, g, b := float64(img.Pix[3*i]), float64(img.Pix[3*i+1]), float64(img.Pix[3*i+2])
		out[i] = byte(math.Round(0.299*r + 0.587*g + 0.114*b))
	}
	return out
}

// clamped reports whether an RGB pixel has a channel at the end of the range.
func clamped(rgb []byte) bool {
	return bytes.IndexByte(rgb, 0) >= 0 || bytes.IndexByte(rgb, 255) >= 0
}

// TestDecodeLumaBlockMeans checks that reduced pixels are the means of the blocks they stand for:
// at 1/8 each pixel is its 8x8 block's mean, at 1/4 and 1/2 the mean of the 2x2 or 4x4 square.
// The drawn picture never saturates, so the full-size IDCT's clamping does not interfere.
func TestDecodeLumaBlockMeans(t *testing.T) {
	data := drawnJPEG(t, 160, 96, 95, false)
	full, err := decodeLuma(data, Options{}, atScale(1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		scale   int
		maxDiff int // the N-point IDCT of the low coefficients is a smooth estimate, not a box mean
	}{
		{8, 1},
		{4, 4},
		{2, 6},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("1:%d", tt.scale), func(t *testing.T) {
			got, err := decodeLuma(data, Options{}, atScale(tt.scale))
			if err != nil {
				t.Fatal(err)
			}
			mean := boxReduce(full, tt.scale)
			n, maxDiff := countMismatches(got.Pix, mean.Pix)
			t.Logf("%d of %d pixels differ from the box mean, by up to %d", n, len(got.Pix), maxDiff)
			if maxDiff > tt.maxDiff {
				t.Errorf("pixels differ from the box mean by up to %d, want at most %d", maxDiff, tt.maxDiff)
			}
		})
	}
}

// TestDecodeLumaPaths checks the fields every path fills, and the path for files without a Y
// component: a full decode whose luma is averaged down.
func TestDecodeLumaPaths(t *testing.T) {
	for _, fx := range fixtures {
		for _, s := range []int{1, 2, 4, 8} {
			t.Run(fmt.Sprintf("%s/1:%d", fx.name, s), func(t *testing.T) {
				data := readFixture(t, fx.name)
				got, err := decodeLuma(data, Options{}, atScale(s))
				if err != nil {
					t.Fatal(err)
				}
				w, h := ceilDiv(fixtureW, s), ceilDiv(fixtureH, s)
				if got.Width != w || got.Height != h || got.Channels != 1 || len(got.Pix) != w*h ||
					got.Scale != s || got.SourceWidth != fixtureW || got.SourceHeight != fixtureH {
					t.Fatalf("got %dx%d, %d channels, %d bytes, scale %d, source %dx%d; want %dx%d, 1, %d, %d, %dx%d",
						got.Width, got.Height, got.Channels, len(got.Pix), got.Scale, got.SourceWidth, got.SourceHeight,
						w, h, w*h, s, fixtureW, fixtureH)
				}
				if fx.comps != 4 && !strings.HasPrefix(fx.name, "rgb") {
					return // Y files: see TestDecodeLumaMatchesCoefficients
				}
				full, err := Decode(data, Options{})
				if err != nil {
					t.Fatal(err)
				}
				want := boxReduce(&Image{Width: full.Width, Height: full.Height, Channels: 1, Pix: lumaOf(full)}, s)
				if n, maxDiff := countMismatches(got.Pix, want.Pix); maxDiff > 1 {
					t.Errorf("%d pixels differ from the box mean of Decode's luma, by up to %d", n, maxDiff)
				}
			})
		}
	}
}

// TestDecodeLumaErrors feeds damaged files: each must fail at every scale with an error naming
// the problem.
func TestDecodeLumaErrors(t *testing.T) {
	base := readFixture(t, "b420")
	first, _ := scanOffsets(t, base)
	mid := (first + len(base)) / 2
	rst := readFixture(t, "restartmcu")
	rstFirst, _ := scanOffsets(t, rst)
	rst0 := rstFirst + bytes.Index(rst[rstFirst:], []byte{0xFF, markerRST0})
	tests := []struct {
		name string
		data []byte
		opt  Options
		want string
	}{
		{"empty", nil, Options{}, "missing SOI"},
		{"not a JPEG", []byte("GIF89a"), Options{}, "missing SOI"},
		{"no scan", append(bytes.Clone(base[:first-14]), 0xFF, markerEOI), Options{}, "holds no image"},
		{"headers only", base[:first], Options{}, "truncated entropy-coded data in scan 1 at MCU 0 of 12"},
		{"truncated scan", base[:mid], Options{}, "truncated entropy-coded data"},
		{"marker in scan", patch(base, mid, 0xFF, markerEOI), Options{}, "interrupted by a marker"},
		{"too many pixels", base, Options{MaxPixels: fixtureW*fixtureH - 1}, "over the limit"},
		{"wrong restart marker", patch(rst, rst0+1, markerRST0+3), Options{}, "0xFFD3 where RST0 was expected"},
		{"bad Huffman code", patch(base, first, 0xFF, 0, 0xFF, 0, 0xFF, 0), Options{}, "invalid Huffman code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range []int{1, 2, 4, 8} {
				img, err := decodeLuma(tt.data, tt.opt, atScale(s))
				if err == nil {
					t.Fatalf("1:%d: decoded %dx%d, want an error", s, img.Width, img.Height)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("1:%d: error %q, want it to mention %q", s, err, tt.want)
				}
			}
		})
	}
}

// TestDecodeLumaTruncated decodes every prefix of some fixtures. None may panic, and every
// prefix that cuts into the data the luma needs must fail. A sequential file may end after
// its luma scan.
func TestDecodeLumaTruncated(t *testing.T) {
	for _, name := range []string{"b420", "grey", "restartrow", "separate", "prog420"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := readFixture(t, name)
			first, _ := scanOffsets(t, data)
			needed := entropyEnd(data, first) // the luma scan is the first in these files
			if strings.HasPrefix(name, "prog") {
				needed = len(data) - 2
			}
			for n := range len(data) {
				if _, err := DecodeLuma(data[:n], Options{}); err == nil && n < needed {
					t.Errorf("prefix of %d bytes (of %d) decoded without error", n, len(data))
				}
			}
		})
	}
}

// FuzzDecodeLuma checks that damaged input never panics and that, at every scale, whatever the
// fast path decodes agrees exactly with the full decoder's coefficients where those decode too.
func FuzzDecodeLuma(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := Options{MaxPixels: fuzzMaxPixels}
		if img, err := DecodeLuma(data, opt); err == nil {
			w, h := LumaSize(img.SourceWidth, img.SourceHeight)
			if img.Width != w || img.Height != h || img.Channels != 1 || len(img.Pix) != w*h ||
				img.Scale != LumaScale(img.SourceWidth, img.SourceHeight) {
				t.Fatalf("inconsistent image: %dx%d, %d channels, %d bytes, scale %d, source %dx%d",
					img.Width, img.Height, img.Channels, len(img.Pix), img.Scale, img.SourceWidth, img.SourceHeight)
			}
		}
		// Fuzzed images are small, so LumaScale picks 1: try the reduced scales explicitly.
		for _, s := range []int{1, 2, 4, 8} {
			img, err := decodeLuma(data, opt, atScale(s))
			if err != nil {
				continue
			}
			if w, h := ceilDiv(img.SourceWidth, s), ceilDiv(img.SourceHeight, s); img.Width != w || img.Height != h || len(img.Pix) != w*h {
				t.Fatalf("1:%d: %dx%d with %d bytes from a %dx%d source", s, img.Width, img.Height, len(img.Pix), img.SourceWidth, img.SourceHeight)
			}
			f, err := decodeCoefficients(data, opt)
			if err != nil {
				return
			}
			if cs, _ := f.colorSpace(); cs != csGray && cs != csYCbCr {
				return
			}
			want, err := lumaFromCoefficients(data, opt, s)
			if err != nil {
				t.Fatalf("decodeCoefficients succeeded, lumaFromCoefficients failed: %v", err)
			}
			if n, _ := countMismatches(img.Pix, want.Pix); n != 0 {
				t.Fatalf("1:%d: %d pixels differ from the full decoder's coefficients", s, n)
			}
		}
	})
}
