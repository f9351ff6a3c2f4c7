package media

import (
	"bytes"
	"errors"
	"image"
	"image/gif"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// sampleFiles returns one small valid file per format, drawn in the test.
func sampleFiles(t testing.TB) map[Format][]byte {
	t.Helper()
	g := greyImage()
	pal := palettedImage(image.Rect(0, 0, drawW, drawH))
	return map[Format][]byte{
		PNG:  pngCases(t)[0].data,
		GIF:  encode(t, func(b *bytes.Buffer) error { return gif.Encode(b, pal, nil) }),
		BMP:  encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, g) }),
		TIFF: encode(t, func(b *bytes.Buffer) error { return tiff.Encode(b, g, nil) }),
		PNM:  pnm("P5 37 23 255\n", g.Pix...),
		WebP: readWebPFixture(t, "lossy.webp"),
		JPEG: drawnJPEG(t, opaqueColour(drawW, drawH), nil),
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		data string
		want Format
	}{
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", JPEG},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", PNG},
		{"gif87a", "GIF87a\x01\x00", GIF},
		{"gif89a", "GIF89a\x01\x00", GIF},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", WebP},
		{"bmp", "BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00", BMP},
		{"tiff little-endian", "II*\x00\x08\x00\x00\x00", TIFF},
		{"tiff big-endian", "MM\x00*\x00\x00\x00\x08", TIFF},
		{"p4", "P4\n1 1\n", PNM},
		{"p5", "P5 1 1 255\n", PNM},
		{"p6", "P6\t1 1 255\n", PNM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff([]byte(tt.data))
			if err != nil || got != tt.want {
				t.Errorf("Sniff = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSniffUnknown(t *testing.T) {
	const want = "media: unknown image format (supported: jpeg, png, gif, webp, bmp, tiff, pnm)"
	for _, data := range []string{"", "P3 1 1 255\n", "P6", "RIFF\x24\x00\x00\x00AVI ", "BM", "<svg", "\xff\xd8"} {
		_, err := Sniff([]byte(data))
		if err == nil || err.Error() != want || !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Sniff(%q) err = %v, want %q", data, err, want)
		}
		if _, err := Decode([]byte(data), Limits{}); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Decode(%q) err = %v, want ErrUnknownFormat", data, err)
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	for f, data := range sampleFiles(t) {
		t.Run(string(f), func(t *testing.T) {
			got, err := DecodeConfig(data)
			want := Config{Width: drawW, Height: drawH, Format: f}
			if err != nil || got != want {
				t.Errorf("DecodeConfig = %+v, %v; want %+v", got, err, want)
			}
		})
	}
}

// TestDecodeFastNonJPEG: DecodeFast decodes formats other than JPEG exactly as Decode does.
func TestDecodeFastNonJPEG(t *testing.T) {
	for f, data := range sampleFiles(t) {
		if f == JPEG {
			continue
		}
		t.Run(string(f), func(t *testing.T) {
			slow, err := Decode(data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			fast, err := DecodeFast(data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if fast.String() != slow.String() || !bytes.Equal(fast.Pix, slow.Pix) ||
				fast.SourceWidth != drawW || fast.SourceHeight != drawH {
				t.Errorf("DecodeFast gave %v (source %dx%d), Decode gave %v", fast, fast.SourceWidth, fast.SourceHeight, slow)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	files := sampleFiles(t)
	const pixels = drawW * drawH
	tests := []struct {
		name    string
		format  Format
		lim     Limits
		wantErr string
	}{
		{"pixels at the limit", PNG, Limits{MaxPixels: pixels}, ""},
		{"jpeg over pixels", JPEG, Limits{MaxPixels: 100}, "media: jpeg: image is 37x23 (851 pixels), over the limit of 100"},
		{"png over pixels", PNG, Limits{MaxPixels: pixels - 1}, "media: png: image is 37x23 (851 pixels), over the limit of 850"},
		{"gif over pixels", GIF, Limits{MaxPixels: 100}, "media: gif: image is 37x23 (851 pixels), over the limit of 100"},
		{"webp over pixels", WebP, Limits{MaxPixels: 100}, "media: webp: image is 37x23 (851 pixels), over the limit of 100"},
		{"bmp over pixels", BMP, Limits{MaxPixels: 100}, "media: bmp: image is 37x23 (851 pixels), over the limit of 100"},
		{"tiff over pixels", TIFF, Limits{MaxPixels: 100}, "media: tiff: image is 37x23 (851 pixels), over the limit of 100"},
		{"pnm over pixels", PNM, Limits{MaxPixels: 100}, "media: pnm: image is 37x23 (851 pixels), over the limit of 100"},
		{"bytes at the limit", PNM, Limits{MaxBytes: int64(len(files[PNM]))}, ""},
		{"over bytes", PNM, Limits{MaxBytes: 100}, "media: input is 864 bytes, over the limit of 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(files[tt.format], tt.lim)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr+": image too large" || !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want %q wrapping ErrTooLarge", err, tt.wantErr)
			}
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	big := pngFile(t, 10001, 10000, 0, 8, nil)
	_, err := Decode(big, Limits{})
	want := "media: png: image is 10001x10000 (100010000 pixels), over the limit of 100000000"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("default MaxPixels: err = %v, want %q", err, want)
	}
	huge := make([]byte, DefaultMaxBytes+1)
	copy(huge, "P5 1 1 255\n")
	if _, err := Decode(huge, Limits{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("default MaxBytes: err = %v, want ErrTooLarge", err)
	}
}

// TestHugeHeaderNotAllocated: a PNG whose header claims 60000x60000 pixels is refused from its
// header alone, without allocating anything near the 3.6 GB it declares.
func TestHugeHeaderNotAllocated(t *testing.T) {
	data := pngFile(t, 60000, 60000, 2, 8, [][]byte{{1, 2, 3}})
	const want = "media: png: image is 60000x60000 (3600000000 pixels), over the limit of 100000000: image too large"
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := Decode(data, Limits{}); err == nil || err.Error() != want {
			t.Fatalf("err = %v, want %q", err, want)
		}
	})
	n := allocatedBytes(func() { Decode(data, Limits{}) })
	t.Logf("refusing the header took %v allocations, %d bytes", allocs, n)
	if n > 64<<10 {
		t.Errorf("refusing the header allocated %d bytes", n)
	}
}

// allocatedBytes returns the bytes allocated while f runs.
func allocatedBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestDecodeErrors(t *testing.T) {
	files := sampleFiles(t)
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"truncated jpeg", files[JPEG][:200], "media: jpeg: "},
		{"truncated png", files[PNG][:60], "media: png: "},
		{"truncated gif", files[GIF][:30], "media: gif: "},
		{"truncated webp", files[WebP][:40], "media: webp: "},
		{"truncated bmp", files[BMP][:20], "media: bmp: "},
		{"truncated tiff", files[TIFF][:20], "media: tiff: "},
		{"empty bmp", bmpHeader(t, 0, 0), "media: bmp: image is empty (0x0)"},
		{"empty gif frame", emptyFrameGIF, "media: gif: decoded image is empty (0x4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.data, Limits{})
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want prefix %q", err, tt.wantErr)
			}
			if rest := strings.TrimPrefix(err.Error(), tt.wantErr); strings.HasPrefix(rest, tt.wantErr[len("media: "):]) {
				t.Errorf("format named twice: %v", err)
			}
		})
	}
}

// emptyFrameGIF has a 4x4 screen whose first frame is 0x4 pixels, with an LZW stream holding
// only the clear and end codes.
var emptyFrameGIF = []byte("GIF89a\x04\x00\x04\x00\x80\x00\x00" + "\x00\x00\x00\xff\xff\xff" +
	"\x2c\x00\x00\x00\x00\x00\x00\x04\x00\x00" + "\x02\x01\x2c\x00" + "\x3b")

// bmpHeader is a 24-bit BMP header of the given size with no pixel data.
func bmpHeader(t testing.TB, w, h int) []byte {
	return encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, image.NewRGBA(image.Rect(0, 0, w, h))) })
}

// TestScale16 checks the integer 16-to-8-bit scaling against exact rational rounding, and against
// ImageMagick's ScaleQuantumToChar for Q16, for every 16-bit value.
func TestScale16(t *testing.T) {
	for v := range 65536 {
		im := byte((v + 128 - ((v + 128) >> 8)) >> 8)
		if got := scale16v(uint16(v)); got != round16(v) || got != im {
			t.Fatalf("scale16v(%d) = %d, want %d (ImageMagick %d)", v, got, round16(v), im)
		}
	}
}

func TestGreyIfNeutral(t *testing.T) {
	tests := []struct {
		name         string
		rgb          []byte
		wantChannels int
		wantPix      []byte
	}{
		{"grey", []byte{1, 1, 1, 200, 200, 200}, 1, []byte{1, 200}},
		{"last pixel coloured", []byte{1, 1, 1, 200, 200, 201}, 3, []byte{1, 1, 1, 200, 200, 201}},
		{"first pixel coloured", []byte{0, 1, 1, 2, 2, 2}, 3, []byte{0, 1, 1, 2, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, pix := greyIfNeutral(append([]byte(nil), tt.rgb...))
			if ch != tt.wantChannels || !bytes.Equal(pix, tt.wantPix) {
				t.Errorf("got %d channels %v, want %d %v", ch, pix, tt.wantChannels, tt.wantPix)
			}
		})
	}
}
