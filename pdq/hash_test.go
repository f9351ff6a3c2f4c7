package pdq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{strings.Repeat("0", 64), strings.Repeat("0", 64)},
		{"d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22", "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22"},
		{"D8F8F0CEE0F4A84F0637022A078F67F0B36E2ED596621E1D33E6339C4E9C9B22", "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22"},
	}
	for _, tt := range tests {
		h, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		if got := h.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, wantErr string }{
		{"", "has 0 characters"},
		{strings.Repeat("a", 63), "has 63 characters"},
		{strings.Repeat("g", 64), "not hex"},
		{strings.Repeat("a", 65), "has 65 characters"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Parse(%q) error = %v, want it to mention %q", tt.in, err, tt.wantErr)
		}
	}
}

// TestBitLayout pins the hex layout: bit 0 is the last hex digit's low bit, bit 255 the first
// digit's high bit.
func TestBitLayout(t *testing.T) {
	var h Hash
	h.setBit(0)
	h.setBit(255)
	if got, want := h.String(), "8"+strings.Repeat("0", 62)+"1"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if !h.bit(0) || !h.bit(255) || h.bit(1) {
		t.Error("bit() disagrees with setBit")
	}
}

func TestDistance(t *testing.T) {
	a := mustParse(t, "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22")
	b := mustParse(t, "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")
	tests := []struct {
		a, b Hash
		want int
	}{
		{a, a, 0},
		{a, b, 6},
		{Hash{}, Hash{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}, 256},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestReciprocalDivision checks the claim the box filter relies on: rounding x * (1/n) computed in
// float64 to float32 equals the float32 quotient x / n whenever the quotient is a normal float32
// (the luma buffers the hash core accepts never produce subnormal sums; see jarosz.go).
func TestReciprocalDivision(t *testing.T) {
	var inv reciprocals
	table := inv.upTo(4096)
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 4096; n++ {
		for range 2000 {
			x := math.Float32frombits(rng.Uint32() & 0x7f7fffff) // finite, non-negative
			if x < 0x1p-100 {
				continue
			}
			if got, want := float32(float64(x)*table[n]), x/float32(n); got != want {
				t.Fatalf("%g / %d: multiply gives %g, divide gives %g", x, n, got, want)
			}
		}
	}
}

func TestResizeCLI(t *testing.T) {
	tests := []struct {
		w, h, wantW, wantH int
	}{
		{512, 512, 512, 512},
		{100, 30, 100, 30},
		{1600, 1004, 512, 512},
		{3, 600, 512, 512},
	}
	for _, tt := range tests {
		pix := make([]byte, tt.w*tt.h)
		for y := range tt.h {
			for x := range tt.w {
				pix[y*tt.w+x] = byte(x*31 + y*17)
			}
		}
		out, w, h := ResizeCLI(pix, tt.w, tt.h, 1)
		if w != tt.wantW || h != tt.wantH {
			t.Fatalf("%dx%d resized to %dx%d, want %dx%d", tt.w, tt.h, w, h, tt.wantW, tt.wantH)
		}
		for y := range h {
			for x := range w {
				sx, sy := x*tt.w/w, y*tt.h/h
				if out[y*w+x] != pix[sy*tt.w+sx] {
					t.Fatalf("%dx%d: pixel (%d,%d) is not source (%d,%d)", tt.w, tt.h, x, y, sx, sy)
				}
			}
		}
	}
}

// TestSmallImages checks the minimum size rule and that tiny or narrow images hash without error.
func TestSmallImages(t *testing.T) {
	tests := []struct {
		w, h     int
		wantZero bool
	}{
		{4, 100, true},
		{100, 4, true},
		{5, 5, false},
		{7, 300, false},
		{64, 64, false},
		{65, 63, false},
	}
	for _, tt := range tests {
		var hasher Hasher
		hash, _ := hasher.Hash(benchLuma(tt.w, tt.h), tt.w, tt.h)
		if (hash == Hash{}) != tt.wantZero {
			t.Errorf("%dx%d: hash %s, want zero: %v", tt.w, tt.h, hash, tt.wantZero)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22")
	f.Add("zz")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Parse(s)
		if err != nil {
			return
		}
		if !strings.EqualFold(h.String(), s) {
			t.Fatalf("Parse(%q) round-trips to %q", s, h.String())
		}
	})
}

// FuzzHash runs the hash core on arbitrary small buffers: it must never panic, and Hash must agree
// with Dihedral's first hash except on exactly 64x64, where the reference skips the blur.
func FuzzHash(f *testing.F) {
	f.Add(uint8(10), uint8(7), []byte("seed"))
	f.Add(uint8(64), uint8(64), []byte{0, 255})
	f.Fuzz(func(t *testing.T, w, h uint8, pattern []byte) {
		width, height := int(w), int(h)
		if len(pattern) == 0 {
			pattern = []byte{0}
		}
		luma := make([]float32, width*height)
		for i := range luma {
			luma[i] = float32(pattern[i%len(pattern)])
		}
		again := append([]float32(nil), luma...)
		var hasher Hasher
		hash, q := hasher.Hash(luma, width, height)
		dih, dq := hasher.Dihedral(again, width, height)
		if (width != 64 || height != 64) && (hash != dih[0] || q != dq) {
			t.Fatalf("%dx%d: Hash %s q%d, Dihedral %s q%d", width, height, hash, q, dih[0], dq)
		}
	})
}

// TestStringMatchesPrintf checks the hex form against the obvious formatting of the four words,
// most significant first, on random hashes, through String, AppendText and MarshalText.
func TestStringMatchesPrintf(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for range 1000 {
		h := Hash{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64() >> rng.UintN(64)}
		want := fmt.Sprintf("%016x%016x%016x%016x", h[3], h[2], h[1], h[0])
		appended, _ := h.AppendText([]byte("x:"))
		marshalled, _ := h.MarshalText()
		if got := h.String(); got != want || string(appended) != "x:"+want || string(marshalled) != want {
			t.Fatalf("String %q, AppendText %q, MarshalText %q; want %q", got, appended, marshalled, want)
		}
	}
}
