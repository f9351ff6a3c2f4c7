package jpeg

import (
	"bytes"
	"math"
	"testing"
)

func TestColorSpaceChoice(t *testing.T) {
	ids := func(a, b, c uint8) []component { return []component{{id: a}, {id: b}, {id: c}} }
	tests := []struct {
		name  string
		f     frame
		want  colorSpace
		isErr bool
	}{
		{"grey", frame{comps: []component{{id: 1}}}, csGray, false},
		{"JFIF", frame{comps: ids('R', 'G', 'B'), jfif: true}, csYCbCr, false},
		{"JFIF beats Adobe RGB", frame{comps: ids(1, 2, 3), jfif: true, adobe: true}, csYCbCr, false},
		{"Adobe transform 0", frame{comps: ids(1, 2, 3), adobe: true}, csRGB, false},
		{"Adobe transform 1", frame{comps: ids('R', 'G', 'B'), adobe: true, adobeTransform: 1}, csYCbCr, false},
		{"Adobe transform 2 on 3 components", frame{comps: ids(1, 2, 3), adobe: true, adobeTransform: 2}, csYCbCr, false},
		{"ids R G B", frame{comps: ids('R', 'G', 'B')}, csRGB, false},
		{"ids 1 2 3", frame{comps: ids(1, 2, 3)}, csYCbCr, false},
		{"other ids", frame{comps: ids(0, 1, 2)}, csYCbCr, false},
		{"CMYK without Adobe", frame{comps: make([]component, 4)}, csCMYK, false},
		{"CMYK, Adobe transform 0", frame{comps: make([]component, 4), adobe: true}, csCMYK, false},
		{"YCCK", frame{comps: make([]component, 4), adobe: true, adobeTransform: 2}, csYCCK, false},
		{"4 components, Adobe transform 1", frame{comps: make([]component, 4), adobe: true, adobeTransform: 1}, csYCCK, false},
		{"2 components", frame{comps: make([]component, 2)}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f.colorSpace()
			if (err != nil) != tt.isErr {
				t.Fatalf("error %v, want error: %v", err, tt.isErr)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// TestYCCToRGB checks values worked out by hand from jdcolor.c's tables and confirmed with djpeg.
func TestYCCToRGB(t *testing.T) {
	tests := []struct {
		name      string
		y, cb, cr byte
		want      [3]byte
	}{
		{"grey", 128, 128, 128, [3]byte{128, 128, 128}},
		{"red, green clamps low", 0, 128, 255, [3]byte{178, 0, 0}},
		{"blue clamps high", 200, 255, 128, [3]byte{200, 156, 255}},
		{"green clamps high", 255, 0, 0, [3]byte{76, 255, 28}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]byte, 3)
			yccToRGB(got, []byte{tt.y}, []byte{tt.cb}, []byte{tt.cr}, 1)
			if [3]byte(got) != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestYCCToRGBNearFloat checks every colour against the JFIF equations: within 1 everywhere.
func TestYCCToRGBNearFloat(t *testing.T) {
	n := 256 * 256
	y, cb, cr := make([]byte, n), make([]byte, n), make([]byte, n)
	got := make([]byte, 3*n)
	for yy := 0; yy < 256; yy += 5 {
		for i := range n {
			y[i], cb[i], cr[i] = byte(yy), byte(i>>8), byte(i)
		}
		yccToRGB(got, y, cb, cr, n)
		for i := range n {
			fy, fb, fr := float64(yy), float64(cb[i])-128, float64(cr[i])-128
			want := [3]float64{fy + 1.402*fr, fy - 0.344136*fb - 0.714136*fr, fy + 1.772*fb}
			for c, w := range want {
				if math.Abs(float64(got[3*i+c])-min(max(w, 0), 255)) > 1 {
					t.Fatalf("Y %d Cb %d Cr %d: channel %d is %d, want %.2f", yy, cb[i], cr[i], c, got[3*i+c], w)
				}
			}
		}
	}
}

// TestCMYKToRGB checks ImageMagick's conversion of inverted CMYK: in exact arithmetic
// R = C*K/255 (on libjpeg's samples), then rounded through 16-bit quanta.
func TestCMYKToRGB(t *testing.T) {
	tests := []struct {
		name       string
		c, m, y, k byte
		want       [3]byte
	}{
		{"white", 255, 255, 255, 255, [3]byte{255, 255, 255}},
		{"full black", 255, 255, 255, 0, [3]byte{0, 0, 0}},
		{"full inks", 0, 0, 0, 255, [3]byte{0, 0, 0}},
		{"half", 128, 255, 0, 255, [3]byte{128, 255, 0}},
		{"mixed", 200, 100, 50, 100, [3]byte{78, 39, 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]byte, 3)
			cmykToRGB(got, []byte{tt.c}, []byte{tt.m}, []byte{tt.y}, []byte{tt.k}, 1)
			if [3]byte(got) != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	tab := cmykTable()
	for k := range 256 {
		for c := range 256 {
			exact := float64(c*k) / 255
			if v := tab[k<<8|c]; math.Abs(float64(v)-exact) > 0.5+1e-9 {
				t.Fatalf("C %d K %d gives %d, want %.2f rounded", c, k, v, exact)
			}
		}
	}
}

// TestYCCKToRGB checks that YCCK is libjpeg's YCbCr conversion, inverted, then taken as CMYK.
func TestYCCKToRGB(t *testing.T) {
	y, cb, cr, k := []byte{0, 90, 255}, []byte{128, 30, 200}, []byte{255, 160, 10}, []byte{255, 200, 17}
	rgb := make([]byte, 9)
	yccToRGB(rgb, y, cb, cr, 3)
	c, m, ye := make([]byte, 3), make([]byte, 3), make([]byte, 3)
	for i := range 3 {
		c[i], m[i], ye[i] = 255-rgb[3*i], 255-rgb[3*i+1], 255-rgb[3*i+2]
	}
	want := make([]byte, 9)
	cmykToRGB(want, c, m, ye, k, 3)
	got := make([]byte, 9)
	ycckToRGB(got, y, cb, cr, k, 3)
	if !bytes.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
