package media

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// fuzzLimits keeps each fuzz input's decode small enough for the fuzzer's memory.
var fuzzLimits = Limits{MaxPixels: 1 << 20}

// FuzzDecode feeds every decoder arbitrary bytes: it must return an image consistent with its
// own fields, or an error, and never panic.
func FuzzDecode(f *testing.F) {
	for _, data := range sampleFiles(f) {
		f.Add(data)
	}
	for _, c := range pngCases(f) {
		f.Add(c.data)
	}
	for _, c := range gifCases(f) {
		f.Add(c.data)
	}
	for _, c := range tiffCases(f) {
		f.Add(c.data)
	}
	for _, name := range []string{"lossless.webp", "lossy-alpha.webp"} {
		f.Add(readWebPFixture(f, name))
	}
	f.Add(tiffWithOrientation(binary.BigEndian, 6))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, decode := range []func([]byte, Limits) (*Image, error){Decode, DecodeFast} {
			m, err := decode(data, fuzzLimits)
			if err != nil {
				continue
			}
			checkInvariants(t, m)
		}
	})
}

// checkInvariants verifies what every successfully decoded image promises.
func checkInvariants(t *testing.T, m *Image) {
	t.Helper()
	if m.Channels != 1 && m.Channels != 3 {
		t.Fatalf("Channels = %d", m.Channels)
	}
	if m.Width <= 0 || m.Height <= 0 || int64(m.Width)*int64(m.Height) > fuzzLimits.MaxPixels {
		t.Fatalf("size %dx%d", m.Width, m.Height)
	}
	if len(m.Pix) != m.Width*m.Height*m.Channels {
		t.Fatalf("len(Pix) = %d for %dx%d with %d channels", len(m.Pix), m.Width, m.Height, m.Channels)
	}
	if m.Orientation < 0 || m.Orientation > 8 {
		t.Fatalf("Orientation = %d", m.Orientation)
	}
	if m.Channels == 3 {
		if ch, _ := greyIfNeutral(bytes.Clone(m.Pix)); ch == 1 {
			t.Fatal("3 channels returned for an image with R==G==B everywhere")
		}
	}
}

// FuzzPNM checks the hand-written PNM parser: no panic, and a decoded image whose pixels
// match a P5 raster with maxval 255 byte for byte.
func FuzzPNM(f *testing.F) {
	for _, seed := range []string{
		"P5 3 2 255\n\x00\x01\x02\x80\xfe\xff",
		"P5\n# c\n3\t# w\r\n2 # h\n255\r\x09\x08\x07\x06\x05\x04",
		"P5 4 1 100\n\x00\x01\x32\x64",
		"P5 3 1 65535\n\x00\x00\x80\x80\xff\xff",
		"P5 2 1 1000\n\x00\x00\x03\xe8",
		"P6 2 1 255\n\x0a\x14\x1e\x28\x32\x3c",
		"P6 1 1 65535\n\xff\xff\x00\x80\x00\x00",
		"P4 10 2\n\xa0\xc0\x00\x7f",
		"P5 1 1 0\n\x00",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, herr := parsePNMHeader(data)
		if format, _ := Sniff(data); format != PNM {
			if herr == nil {
				t.Fatal("header parsed but not sniffed as PNM")
			}
			return
		}
		m, err := Decode(data, fuzzLimits)
		if err != nil {
			return
		}
		if herr != nil {
			t.Fatalf("decoded although the header fails: %v", herr)
		}
		checkInvariants(t, m)
		if h.kind == '5' && h.maxval == 255 && !bytes.Equal(m.Pix, data[h.rasterOffset:h.rasterOffset+len(m.Pix)]) {
			t.Fatal("P5 maxval 255 pixels differ from the raster")
		}
	})
}

// FuzzEXIF checks the orientation parser: no panic, and any value it returns is 0 to 8.
func FuzzEXIF(f *testing.F) {
	f.Add(exifBlock(binary.LittleEndian, 3, 6))
	f.Add(exifBlock(binary.BigEndian, 4, 8))
	f.Add(append([]byte("Exif\x00\x00"), exifBlock(binary.BigEndian, 3, 1)...))
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := exifOrientation(data)
		if err == nil && (o < 0 || o > 8) {
			t.Fatalf("orientation %d without error", o)
		}
		if err != nil && o != 0 {
			t.Fatalf("orientation %d with error %v", o, err)
		}
	})
}
