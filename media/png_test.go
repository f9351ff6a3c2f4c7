package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"
	"testing"
)

// pngCase is a PNG drawn sample by sample, with the pixels ImageMagick writes for it.
type pngCase struct {
	name         string
	data         []byte
	wantChannels int
	wantPix      []byte
}

// round16 is an independent statement of the required 16-to-8-bit scaling, round(v*255/65535),
// computed with exact rationals.
func round16(v int) byte {
	r := new(big.Rat).SetFrac64(int64(v)*255, 65535)
	r.Add(r, big.NewRat(1, 2))
	return byte(new(big.Int).Quo(r.Num(), r.Denom()).Int64())
}

// scaleTo8 maps a sample of the given bit depth to 8 bits as PNG readers do.
func scaleTo8(v, depth int) byte {
	switch depth {
	case 16:
		return round16(v)
	case 8:
		return byte(v)
	default:
		return byte(v * 255 / (1<<depth - 1)) // exact: 255 is divisible by 1, 3 and 15
	}
}

// paletteEntry is the colour of palette index i; grey palettes have R==G==B.
func paletteEntry(i int, grey bool) [3]byte {
	if grey {
		return [3]byte{byte(i * 17), byte(i * 17), byte(i * 17)}
	}
	return [3]byte{byte(i * 37), byte(i*91 + 5), byte(i*53 + 200)}
}

// pngCases draws one PNG per colour type and bit depth, with and without transparency.
func pngCases(t testing.TB) []pngCase {
	t.Helper()
	var cases []pngCase
	// Direct colour: grey (0), RGB (2), grey+alpha (4), RGBA (6).
	type direct struct {
		colourType byte
		depth      int
		trns       bool
	}
	var directs []direct
	for _, d := range []int{1, 2, 4, 8, 16} {
		directs = append(directs, direct{0, d, false})
	}
	directs = append(directs, direct{0, 8, true}, direct{0, 16, true}, direct{2, 8, false}, direct{2, 16, false},
		direct{2, 8, true}, direct{2, 16, true}, direct{4, 8, false}, direct{4, 16, false}, direct{6, 8, false}, direct{6, 16, false})
	for _, d := range directs {
		cases = append(cases, directPNG(t, d.colourType, d.depth, d.trns))
	}
	// Palette (3) at every depth, with a tRNS chunk making some entries fully transparent, and
	// once with a palette of greys.
	for _, d := range []int{1, 2, 4, 8} {
		cases = append(cases, palettePNG(t, d, true, false), palettePNG(t, d, false, true))
	}
	return cases
}

func directPNG(t testing.TB, colourType byte, depth int, trns bool) pngCase {
	channels := map[byte]int{0: 1, 2: 3, 4: 2, 6: 4}[colourType]
	maxval := 1<<depth - 1
	colour := colourType == 2 || colourType == 6
	c := pngCase{name: fmt.Sprintf("type%d-depth%d", colourType, depth), wantChannels: 1}
	if colour {
		c.wantChannels = 3
	}
	var rows [][]byte
	for y := range drawH {
		var samples []int
		for x := range drawW {
			for ch := range channels {
				v := pattern(x, y, ch, maxval)
				samples = append(samples, v)
				if ch < c.wantChannels {
					c.wantPix = append(c.wantPix, scaleTo8(v, depth))
				}
			}
		}
		rows = append(rows, packSamples(samples, depth))
	}
	var chunks [][]byte
	if trns {
		c.name += "-tRNS"
		key := make([]byte, 2*c.wantChannels)
		binary.BigEndian.PutUint16(key, uint16(pattern(0, 0, 0, maxval))) // pixel (0,0) becomes transparent
		chunks = append(chunks, pngChunkBytes("tRNS", key))
	}
	c.data = pngFile(t, drawW, drawH, colourType, byte(depth), rows, chunks...)
	return c
}

func palettePNG(t testing.TB, depth int, trns, grey bool) pngCase {
	n := 1 << depth
	c := pngCase{name: fmt.Sprintf("palette-depth%d", depth), wantChannels: 3}
	if grey {
		c.name, c.wantChannels = c.name+"-grey", 1
	}
	var plte, alpha []byte
	for i := range n {
		e := paletteEntry(i, grey)
		plte = append(plte, e[:]...)
		alpha = append(alpha, byte(i*97)) // index 0 fully transparent
	}
	var rows [][]byte
	for y := range drawH {
		var idx []int
		for x := range drawW {
			i := pattern(x, y, 0, n-1)
			idx = append(idx, i)
			e := paletteEntry(i, grey)
			c.wantPix = append(c.wantPix, e[:c.wantChannels]...)
		}
		rows = append(rows, packSamples(idx, depth))
	}
	chunks := [][]byte{pngChunkBytes("PLTE", plte)}
	if trns {
		c.name += "-tRNS"
		chunks = append(chunks, pngChunkBytes("tRNS", alpha))
	}
	c.data = pngFile(t, drawW, drawH, 3, byte(depth), rows, chunks...)
	return c
}

// TestDecodePNG checks every PNG colour type and bit depth: grey stays one channel, 16-bit
// samples are rounded, palettes are expanded, alpha and tRNS are ignored.
func TestDecodePNG(t *testing.T) {
	for _, c := range pngCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m, err := Decode(c.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			checkImage(t, m, PNG, drawW, drawH, c.wantChannels, c.wantPix)
		})
	}
}

// checkImage compares a decoded image with the expected size, channels and pixels.
func checkImage(t *testing.T, m *Image, f Format, w, h, channels int, pix []byte) {
	t.Helper()
	if m.Format != f || m.Width != w || m.Height != h || m.Channels != channels {
		t.Fatalf("got %s %dx%d with %d channels, want %s %dx%d with %d", m.Format, m.Width, m.Height, m.Channels, f, w, h, channels)
	}
	if m.SourceWidth != w || m.SourceHeight != h {
		t.Errorf("source size %dx%d, want %dx%d", m.SourceWidth, m.SourceHeight, w, h)
	}
	if len(m.Pix) != len(pix) {
		t.Fatalf("len(Pix) = %d, want %d", len(m.Pix), len(pix))
	}
	if n, maxDiff := compareSamples(m.Pix, pix); n != 0 {
		i := firstDiff(m.Pix, pix)
		t.Errorf("%d samples differ (max |diff| %d); first at sample %d: got %d, want %d", n, maxDiff, i, m.Pix[i], pix[i])
	}
}

func firstDiff(a, b []byte) int {
	for i := range b {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// TestPNGOrientation reads orientation from an eXIf chunk, before or after the image data.
func TestPNGOrientation(t *testing.T) {
	grey := [][]byte{{0, 255}, {255, 0}}
	exif := pngChunkBytes("eXIf", exifBlock(binary.BigEndian, 3, 6))
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"none", pngFile(t, 2, 2, 0, 8, grey), 0},
		{"before IDAT", pngFile(t, 2, 2, 0, 8, grey, exif), 6},
		{"after IDAT", afterIDAT(pngFile(t, 2, 2, 0, 8, grey), exif), 6},
		{"malformed", pngFile(t, 2, 2, 0, 8, grey, pngChunkBytes("eXIf", []byte("MM\x00*junk"))), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Orientation != tt.want {
				t.Errorf("Orientation = %d, want %d", m.Orientation, tt.want)
			}
		})
	}
}

// afterIDAT inserts a chunk just before a PNG's IEND chunk.
func afterIDAT(png, chunk []byte) []byte {
	iend := bytes.LastIndex(png, []byte("IEND")) - 4
	return append(append(append([]byte(nil), png[:iend]...), chunk...), png[iend:]...)
}
