package media

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// The WebP files in testdata/webp encode colourNRGBA() (37x23, alpha 0 to 255 across). They were
// made with libwebp 1.2.4's cwebp, because no Go WebP encoder exists:
//
//	cwebp -q 80 -noalpha colour.png -o lossy.webp
//	cwebp -q 80 colour.png -o lossy-alpha.webp
//	cwebp -lossless -exact colour.png -o lossless.webp
//
// and each lossy file's .ppm is ImageMagick 6.9.11's `convert FILE pnm:FILE.ppm`, which decodes
// with libwebp's default (fancy) upsampling: the pixels the reference hasher sees.

func readWebPFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "webp", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDecodeWebP(t *testing.T) {
	tests := []struct {
		file string
		want func(t *testing.T) []byte
	}{
		// -exact keeps the colour of transparent pixels, which must survive decoding.
		{"lossless.webp", func(*testing.T) []byte { return rgbOf(colourNRGBA()) }},
		{"lossy.webp", func(t *testing.T) []byte { return readReferenceBuffer(t, "testdata/webp/lossy.webp.ppm").Pix }},
		{"lossy-alpha.webp", func(t *testing.T) []byte { return readReferenceBuffer(t, "testdata/webp/lossy-alpha.webp.ppm").Pix }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := Decode(readWebPFixture(t, tt.file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			checkImage(t, m, WebP, drawW, drawH, 3, tt.want(t))
		})
	}
}

// TestWebPOrientation wraps a simple lossy WebP in the extended format with an EXIF chunk.
func TestWebPOrientation(t *testing.T) {
	simple := readWebPFixture(t, "lossy.webp")
	vp8 := simple[12:] // the VP8 chunk, after "RIFF", size, "WEBP"
	for _, exifFirst := range []bool{false, true} {
		exif := riffChunkBytes("EXIF", exifBlock(binary.LittleEndian, 3, 8))
		var vp8x [10]byte
		vp8x[0] = 0x08 // EXIF present
		putUint24(vp8x[4:], drawW-1)
		putUint24(vp8x[7:], drawH-1)
		body := append([]byte("WEBP"), riffChunkBytes("VP8X", vp8x[:])...)
		if exifFirst {
			body = append(append(body, exif...), vp8...)
		} else {
			body = append(append(body, vp8...), exif...)
		}
		data := binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body)))
		data = append(data, body...)
		m, err := Decode(data, Limits{})
		if err != nil {
			t.Fatalf("exifFirst=%v: %v", exifFirst, err)
		}
		if m.Orientation != 8 {
			t.Errorf("exifFirst=%v: Orientation = %d, want 8", exifFirst, m.Orientation)
		}
	}
}

// riffChunkBytes returns a RIFF chunk with its padding byte.
func riffChunkBytes(fourCC string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint32([]byte(fourCC), uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func putUint24(b []byte, v int) {
	b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
}

// TestChromaRows pins the pairing of output rows with chroma rows that libwebp's line-pair
// upsampler uses, including both edges for odd and even heights.
func TestChromaRows(t *testing.T) {
	tests := []struct {
		height   int
		wantNear []int
		wantFar  []int
	}{
		{1, []int{0}, []int{0}},
		{2, []int{0, 0}, []int{0, 0}},
		{5, []int{0, 0, 1, 1, 2}, []int{0, 1, 0, 2, 1}},
		{6, []int{0, 0, 1, 1, 2, 2}, []int{0, 1, 0, 2, 1, 2}},
	}
	for _, tt := range tests {
		for y := range tt.height {
			near, far := chromaRows(y, (tt.height+1)/2)
			if near != tt.wantNear[y] || far != tt.wantFar[y] {
				t.Errorf("height %d row %d: chroma rows (%d, %d), want (%d, %d)", tt.height, y, near, far, tt.wantNear[y], tt.wantFar[y])
			}
		}
	}
}
