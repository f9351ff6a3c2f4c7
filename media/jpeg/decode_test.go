package jpeg

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture is one committed test file made by testdata/gen.sh.
type fixture struct {
	name                    string
	comps                   int
	progressive, arithmetic bool
}

// fixtures lists testdata/*.jpg with what their headers declare. All are 61x45.
var fixtures = []fixture{
	{"b444", 3, false, false},
	{"b422", 3, false, false},
	{"b420", 3, false, false},
	{"b411", 3, false, false},
	{"b440", 3, false, false},
	{"b410", 3, false, false},
	{"b32", 3, false, false},
	{"mixed", 3, false, false},
	{"grey", 1, false, false},
	{"optimize", 3, false, false},
	{"q100", 3, false, false},
	{"q5", 3, false, false},
	{"separate", 3, false, false},
	{"prog420", 3, true, false},
	{"prog444", 3, true, false},
	{"proggrey", 1, true, false},
	{"arith420", 3, false, true},
	{"arith444", 3, false, true},
	{"arithgrey", 1, false, true},
	{"arithprog", 3, true, true},
	{"restartrow", 3, false, false},
	{"restartmcu", 3, false, false},
	{"progrestart", 3, true, false},
	{"arithrestart", 3, false, true},
	{"arithprogrst", 3, true, true},
	{"rgb", 3, false, false},
	{"rgbprog", 3, true, false},
	{"cmyk", 4, false, false},
	{"ycck", 4, false, false},
}

const fixtureW, fixtureH = 61, 45

// readFixture returns testdata/NAME.jpg.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".jpg"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readExpected returns djpeg's decode of testdata/NAME.jpg (NAME.ppm or NAME.pgm).
func readExpected(t testing.TB, name string) (pix []byte, w, h, channels int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".ppm"))
	if errors.Is(err, os.ErrNotExist) {
		data, err = os.ReadFile(filepath.Join("testdata", name+".pgm"))
	}
	if err != nil {
		t.Fatal(err)
	}
	pix, w, h, channels, err = parsePNM(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return pix, w, h, channels
}

// countMismatches returns how many samples differ and the largest difference.
func countMismatches(got, want []byte) (n, maxDiff int) {
	for i := range min(len(got), len(want)) {
		if d := int(got[i]) - int(want[i]); d != 0 {
			n++
			maxDiff = max(maxDiff, d, -d)
		}
	}
	return n, maxDiff
}

func TestDecodeMatchesDjpeg(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			t.Parallel()
			img, err := Decode(readFixture(t, fx.name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			want, w, h, channels := readExpected(t, fx.name)
			if img.Width != w || img.Height != h || img.Channels != channels {
				t.Fatalf("got %dx%d with %d channels, want %dx%d with %d", img.Width, img.Height, img.Channels, w, h, channels)
			}
			if n, maxDiff := countMismatches(img.Pix, want); n != 0 {
				t.Errorf("%d of %d samples differ from djpeg (max difference %d)", n, len(want), maxDiff)
			}
		})
	}
}

func TestDecodeConfig(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := DecodeConfig(readFixture(t, fx.name))
			if err != nil {
				t.Fatal(err)
			}
			want := Config{Width: fixtureW, Height: fixtureH, Components: fx.comps, Progressive: fx.progressive, Arithmetic: fx.arithmetic}
			if cfg.Width != want.Width || cfg.Height != want.Height || cfg.Components != want.Components ||
				cfg.Progressive != want.Progressive || cfg.Arithmetic != want.Arithmetic || cfg.EXIF != nil {
				t.Errorf("got %+v, want %+v", cfg, want)
			}
		})
	}
}

// withSegment returns data with a marker segment inserted right after SOI.
func withSegment(data []byte, marker byte, payload []byte) []byte {
	n := len(payload) + 2
	out := append([]byte{0xFF, markerSOI, 0xFF, marker, byte(n >> 8), byte(n)}, payload...)
	return append(out, data[2:]...)
}

func TestEXIF(t *testing.T) {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00")
	data := readFixture(t, "b420")
	data = withSegment(data, markerAPP1, []byte("http://ns.adobe.com/xap/1.0/\x00<x/>")) // XMP, not Exif
	data = withSegment(data, markerAPP1, append([]byte("Exif\x00\x00"), tiff...))
	data = withSegment(data, markerAPP1, []byte("Exif\x00\x00second"))
	data = withSegment(data, markerAPP1, append([]byte("Exif\x00\x00"), tiff...))
	img, err := Decode(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := DecodeConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"Decode": img.EXIF, "DecodeConfig": cfg.EXIF} {
		if !bytes.Equal(got, tiff) {
			t.Errorf("%s: EXIF = %q, want %q", name, got, tiff)
		}
	}
}

func TestMissingEOI(t *testing.T) {
	for _, name := range []string{"b420", "prog420", "arithprog", "separate"} {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			if !bytes.HasSuffix(data, []byte{0xFF, markerEOI}) {
				t.Fatal("fixture does not end with EOI")
			}
			full, err := Decode(data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, cut := range []int{1, 2} {
				img, err := Decode(data[:len(data)-cut], Options{})
				if err != nil {
					t.Fatalf("without the last %d bytes: %v", cut, err)
				}
				if !bytes.Equal(img.Pix, full.Pix) {
					t.Errorf("without the last %d bytes: pixels differ", cut)
				}
			}
		})
	}
}

// TestTruncated decodes every prefix of some fixtures. None may panic, and every prefix that
// loses more than the EOI marker must fail, except that a cut inside the last scan of an
// arithmetic-coded file can go unnoticed (see maxArithPadding).
func TestTruncated(t *testing.T) {
	for _, name := range []string{"b420", "grey", "prog420", "progrestart", "restartmcu", "separate", "arith420", "arithprog", "arithrestart", "cmyk"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := readFixture(t, name)
			headers, lastScan := scanOffsets(t, data)
			mustFail := len(data) - 2
			if strings.HasPrefix(name, "arith") {
				mustFail = lastScan
			}
			for n := range len(data) - 2 {
				if _, err := Decode(data[:n], Options{}); err == nil && n < mustFail {
					t.Errorf("prefix of %d bytes (of %d) decoded without error", n, len(data))
				}
				// DecodeConfig needs the headers up to the end of the first SOS segment.
				if _, err := DecodeConfig(data[:n]); (err == nil) != (n >= headers) {
					t.Errorf("DecodeConfig of a %d-byte prefix (headers end at %d): error %v", n, headers, err)
				}
			}
		})
	}
}

// scanOffsets returns where the entropy-coded data of the first and of the last scan begin.
func scanOffsets(t *testing.T, data []byte) (first, last int) {
	t.Helper()
	r, err := newHeaderReader(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	for {
		s, err := r.nextScan()
		if err != nil {
			t.Fatal(err)
		}
		if s == nil {
			return first, last
		}
		if first == 0 {
			first = s.dataStart
		}
		last = s.dataStart
		r.skipEntropyData(s)
	}
}

func TestTruncatedMessage(t *testing.T) {
	data := readFixture(t, "b420")
	_, err := Decode(data[:len(data)-40], Options{})
	const want = "jpeg: truncated entropy-coded data in scan 1 at MCU "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), " of 12") {
		t.Errorf("got error %v, want %q...\" of 12\"", err, want)
	}
}

// patch returns a copy of data with the bytes at off replaced.
func patch(data []byte, off int, b ...byte) []byte {
	out := bytes.Clone(data)
	copy(out[off:], b)
	return out
}

// markerOffset returns the offset of the first segment with the given marker.
func markerOffset(t *testing.T, data []byte, marker byte) int {
	t.Helper()
	for pos := 2; ; {
		seg, err := nextSegment(data, pos)
		if err != nil {
			t.Fatalf("no marker 0xFF%02X: %v", marker, err)
		}
		if seg.marker == marker {
			return seg.start
		}
		pos = seg.end
	}
}

func TestCorrupt(t *testing.T) {
	base := readFixture(t, "b420")
	sof := markerOffset(t, base, markerSOF0)
	sos := markerOffset(t, base, markerSOS)
	dht := markerOffset(t, base, markerDHT)
	dqt := markerOffset(t, base, markerDQT)
	tests := []struct {
		name string
		data []byte
		opt  Options
		want string
	}{
		{"empty", nil, Options{}, "missing SOI"},
		{"not jpeg", []byte("GIF89a"), Options{}, "missing SOI"},
		{"12-bit", patch(base, sof+4, 12), Options{}, "unsupported sample precision 12 bits"},
		{"lossless", patch(base, sof+1, markerSOF3), Options{}, "unsupported coding process"},
		{"zero width", patch(base, sof+7, 0, 0), Options{}, "empty image"},
		{"two components", patch(base, sof+9, 2), Options{}, "SOF segment length"},
		{"sampling 5", patch(base, sof+11, 0x51), Options{}, "invalid sampling factors 5x1"},
		{"too many pixels", base, Options{MaxPixels: 61*45 - 1}, "over the limit of 2744"},
		{"unknown scan component", patch(base, sos+5, 9), Options{}, "unknown or out-of-order component id 9"},
		{"undefined quant table", patch(base, sof+15, 3), Options{}, "undefined quantization table 3"},
		{"undefined Huffman table", patch(base, sos+6, 0x33), Options{}, "undefined DC Huffman table 3"},
		{"invalid Huffman table", patch(base, dht+5, 2, 0, 4), Options{}, "do not form a valid code"},
		{"bad DQT id", patch(base, dqt+4, 7), Options{}, "invalid table id 7"},
		{"unknown marker", patch(base, dqt+1, 0xF5), Options{}, "unknown marker 0xFFF5"},
		{"SOS before SOF", append(base[:2:2], base[sos:]...), Options{}, "before any SOF"},
		{"segment past end", base[:dqt+30], Options{}, "truncated file"},
		{"no scans", append(base[:sos:sos], 0xFF, markerEOI), Options{}, "holds no image"},
		{"garbage data", append(base[:sos+14:sos+14], bytes.Repeat([]byte{0xFF, 0, 0xFF, 0}, 50)...), Options{}, "invalid Huffman code in scan 1 at MCU 0 of 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.data, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRestartErrors(t *testing.T) {
	data := readFixture(t, "restartmcu")
	i := bytes.Index(data, []byte{0xFF, markerRST0 + 1})
	if i < 0 {
		t.Fatal("no RST1 marker")
	}
	_, err := Decode(patch(data, i+1, markerRST0+5), Options{})
	const want = "found marker 0xFFD5 where RST1 was expected in scan 1 at MCU 2 of 12"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got error %v, want one containing %q", err, want)
	}
}

// TestQuantLatch redefines quantization table 1 between the scans of a non-interleaved file:
// as in libjpeg, each component keeps the table current at its first scan.
func TestQuantLatch(t *testing.T) {
	data := readFixture(t, "separate")
	var scans []int
	for pos := 2; ; {
		seg, err := nextSegment(data, pos)
		if err != nil {
			t.Fatal(err)
		}
		if seg.marker == markerEOI {
			break
		}
		if seg.marker == markerSOS {
			scans = append(scans, seg.start)
		}
		pos = seg.end
	}
	if len(scans) != 3 {
		t.Fatalf("%d scans, want 3", len(scans))
	}
	table := append([]byte{1}, bytes.Repeat([]byte{7}, 64)...)
	dqt := append([]byte{0xFF, markerDQT, 0, 67}, table...)
	patched := append(bytes.Clone(data[:scans[2]]), dqt...)
	patched = append(patched, data[scans[2]:]...)
	f, err := decodeCoefficients(patched, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.comps[1].tq != 1 || f.comps[2].tq != 1 {
		t.Fatalf("chroma components use tables %d and %d, want 1", f.comps[1].tq, f.comps[2].tq)
	}
	if f.comps[1].quant[0] == 7 {
		t.Error("Cb (scanned before the redefinition) took the new table")
	}
	for k, q := range f.comps[2].quant {
		if q != 7 {
			t.Fatalf("Cr quant[%d] = %d, want 7 (the table current at its first scan)", k, q)
		}
	}
}

// TestScanLimit repeats the DC refinement scan of a progressive file up to maxScans scans, which
// must decode, and then once more, which must fail.
func TestScanLimit(t *testing.T) {
	data := readFixture(t, "prog420")
	r, err := newHeaderReader(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	var refine []byte
	for {
		s, err := r.nextScan()
		if err != nil || s == nil {
			t.Fatalf("no DC refinement scan (error %v)", err)
		}
		r.skipEntropyData(s)
		if s.ss == 0 && s.ah != 0 {
			refine = data[s.dataStart-(8+2*len(s.comps)) : r.pos]
			break
		}
	}
	out := bytes.Clone(data[:len(data)-2])
	for range maxScans - countScans(t, data) {
		out = append(out, refine...)
	}
	if _, err := Decode(append(bytes.Clone(out), 0xFF, markerEOI), Options{}); err != nil {
		t.Fatalf("%d scans: %v", maxScans, err)
	}
	out = append(out, refine...)
	_, err = Decode(append(out, 0xFF, markerEOI), Options{})
	if want := "more than 500 scans"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%d scans: got error %v, want one containing %q", maxScans+1, err, want)
	}
}

// countScans returns the number of scans in a file.
func countScans(t *testing.T, data []byte) int {
	t.Helper()
	r, err := newHeaderReader(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	for {
		s, err := r.nextScan()
		if err != nil {
			t.Fatal(err)
		}
		if s == nil {
			return r.scans
		}
		r.skipEntropyData(s)
	}
}

// TestCoefficientBudget checks the coefficient memory bound directly: within the pixel budget it
// always holds (the SOF check refuses larger images first), so it is exercised with a budget
// smaller than the image.
func TestCoefficientBudget(t *testing.T) {
	tests := []struct {
		maxPixels int64
		wantErr   bool
	}{
		{1000 * 1000, false},
		{1 << 62, false},
		{1000, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.maxPixels), func(t *testing.T) {
			f := &frame{width: 1000, height: 1000, hmax: 1, vmax: 1, mcusX: 125, mcusY: 125,
				comps: []component{{h: 1, v: 1, blocksW: 125, blocksH: 125}, {h: 1, v: 1, blocksW: 125, blocksH: 125},
					{h: 1, v: 1, blocksW: 125, blocksH: 125}, {h: 1, v: 1, blocksW: 125, blocksH: 125}}}
			err := allocateCoefficients(f, tt.maxPixels)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && len(f.comps[3].coef) != 1000*1000 {
				t.Errorf("component 3 has %d coefficients, want %d", len(f.comps[3].coef), 1000*1000)
			}
		})
	}
}
