package media

import (
	"bytes"
	"strings"
	"testing"
)

func pnm(header string, raster ...byte) []byte {
	return append([]byte(header), raster...)
}

func TestDecodePNM(t *testing.T) {
	tests := []struct {
		name         string
		data         []byte
		w, h         int
		wantChannels int
		wantPix      []byte
	}{
		{"P5", pnm("P5 3 2 255\n", 0, 1, 2, 128, 254, 255), 3, 2, 1, []byte{0, 1, 2, 128, 254, 255}},
		{"comments and odd whitespace", pnm("P5\n# made by hand\n3\t# width\r\n2 # height\n255\r", 9, 8, 7, 6, 5, 4), 3, 2, 1, []byte{9, 8, 7, 6, 5, 4}},
		{"maxval 100", pnm("P5 4 1 100\n", 0, 1, 50, 100), 4, 1, 1, []byte{0, 3, 128, 255}},
		{"maxval 1", pnm("P5 2 1 1\n", 0, 1), 2, 1, 1, []byte{0, 255}},
		{"16-bit", pnm("P5 3 1 65535\n", 0, 0, 0x80, 0x80, 0xff, 0xff), 3, 1, 1, []byte{0, round16(0x8080), 255}},
		{"16-bit maxval 1000", pnm("P5 4 1 1000\n", 0, 0, 1, 244, 3, 232, 0, 2), 4, 1, 1, []byte{0, 128, 255, 1}},
		{"P6", pnm("P6 2 1 255\n", 10, 20, 30, 40, 50, 60), 2, 1, 3, []byte{10, 20, 30, 40, 50, 60}},
		{"P6 all grey", pnm("P6 2 1 255\n", 10, 10, 10, 40, 40, 40), 2, 1, 1, []byte{10, 40}},
		{"P6 16-bit", pnm("P6 1 1 65535\n", 0xff, 0xff, 0, 0x80, 0, 0), 1, 1, 3, []byte{255, 0, 0}},
		// Rows of a bitmap are padded to whole bytes; bit 1 is black.
		{"P4", pnm("P4 10 2\n", 0b10100000, 0b11000000, 0b00000000, 0b01111111), 10, 2, 1,
			[]byte{0, 255, 0, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0}},
		{"trailing second image", pnm("P5 1 1 255\n\x07P5 1 1 255\n\x08"), 1, 1, 1, []byte{7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			checkImage(t, m, PNM, tt.w, tt.h, tt.wantChannels, tt.wantPix)
		})
	}
}

func TestDecodePNMErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"maxval 0", pnm("P5 1 1 0\n", 0), `media: pnm: bad maxval "0"`},
		{"maxval too big", pnm("P5 1 1 65536\n", 0, 0), `media: pnm: bad maxval "65536"`},
		{"width not a number", pnm("P6 abc 1 255\n"), `media: pnm: bad width "abc"`},
		{"width zero", pnm("P5 0 1 255\n"), `media: pnm: bad width "0"`},
		{"height negative", pnm("P5 1 -3 255\n"), `media: pnm: bad height "-3"`},
		{"width overflows", pnm("P5 99999999999999999999 1 255\n"), `media: pnm: bad width "99999999999999999999"`},
		{"header ends", pnm("P5 1 1"), "media: pnm: header ends before maxval"},
		{"header ends after maxval", pnm("P5 1 1 25"), "media: pnm: header ends after maxval"},
		{"comment to the end", pnm("P4 1 # 1\n"), "media: pnm: header ends before height"},
		{"no whitespace before raster", pnm("P5 1 1 255#x"), "media: pnm: no whitespace between maxval and raster"},
		{"raster truncated", pnm("P6 2 2 255\n", 1, 2, 3), "media: pnm: raster truncated: want 12 bytes, have 3"},
		{"16-bit raster truncated", pnm("P5 2 1 65535\n", 1, 2, 3), "media: pnm: raster truncated: want 4 bytes, have 3"},
		{"bitmap truncated", pnm("P4 9 2\n", 1, 2, 3), "media: pnm: raster truncated: want 4 bytes, have 3"},
		{"sample over maxval", pnm("P5 2 1 100\n", 100, 101), "media: pnm: sample 101 at byte 1 exceeds maxval 100"},
		{"16-bit sample over maxval", pnm("P5 1 1 1000\n", 3, 233), "media: pnm: sample 1001 at byte 0 exceeds maxval 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.data, Limits{})
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestPNMHugeHeader: a header claiming a large image over a short raster is refused before
// the raster is allocated, even with the pixel limit raised.
func TestPNMHugeHeader(t *testing.T) {
	data := pnm("P6 40000 40000 255\n", bytes.Repeat([]byte{1}, 100)...)
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := Decode(data, Limits{MaxPixels: 1 << 40}); err == nil || !strings.Contains(err.Error(), "truncated") {
			t.Fatalf("err = %v, want a truncated raster", err)
		}
	})
	bytesAllocated := allocatedBytes(func() { Decode(data, Limits{MaxPixels: 1 << 40}) })
	t.Logf("%v allocations, %d bytes", allocs, bytesAllocated)
	if bytesAllocated > 1<<20 {
		t.Errorf("allocated %d bytes for a refused image", bytesAllocated)
	}
}
