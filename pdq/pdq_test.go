package pdq

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/internal/refdata"
)

// readPNM reads the reference's hashed buffer: P5 (grey) or P6 (RGB), maxval 255.
func readPNM(t *testing.T, path string) (pix []byte, width, height, channels int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(bytes.NewReader(data))
	var magic string
	var maxval int
	if _, err := fmt.Fscan(r, &magic, &width, &height, &maxval); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	r.ReadByte()
	channels = map[string]int{"P5": 1, "P6": 3}[magic]
	if channels == 0 || maxval != 255 {
		t.Fatalf("%s: unexpected %s maxval %d", path, magic, maxval)
	}
	pix = make([]byte, width*height*channels)
	if _, err := r.Read(pix[:0]); err != nil {
		t.Fatal(err)
	}
	n := 0
	for n < len(pix) {
		m, err := r.Read(pix[n:])
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		n += m
	}
	return pix, width, height, channels
}

func readFloats(t *testing.T, path string) []float32 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(data)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return out
}

func lumaOf(pix []byte, channels int) []float32 {
	luma := make([]float32, len(pix)/channels)
	if channels == 1 {
		return LumaFromGrey(luma, pix)
	}
	return LumaFromRGB(luma, pix)
}

// TestReferenceBuffers feeds the exact buffers the reference CLI hashed into the hash core and
// requires every intermediate and output to be bit-identical.
func TestReferenceBuffers(t *testing.T) {
	dir := refdata.Dir(t)
	for _, row := range refdata.ExpectedHashes(t) {
		name := row["path"]
		t.Run(name, func(t *testing.T) {
			base := filepath.Join(dir, "pdq", "buffers", strings.ReplaceAll(name, "/", "__"))
			pix, w, h, ch := readPNM(t, base+".pnm")
			var hasher Hasher

			hash, quality := hasher.Hash(lumaOf(pix, ch), w, h)
			if got, want := hash.String(), row["pdq_hash"]; got != want {
				t.Errorf("hash %s, want %s (distance %d)", got, want, Distance(hash, mustParse(t, want)))
			}
			if got, want := strconv.Itoa(quality), row["quality"]; got != want {
				t.Errorf("quality %s, want %s", got, want)
			}
			compareFloats(t, "luma64", hasher.a64[:], readFloats(t, base+".luma64.f32"))
			compareFloats(t, "dct16", hasher.b[:], readFloats(t, base+".dct16.f32"))
			if got, want := hasher.sorted[127], readFloats(t, base+".median.f32")[0]; got != want {
				t.Errorf("median %v, want %v", got, want)
			}

			dih, dq := hasher.Dihedral(lumaOf(pix, ch), w, h)
			names := []string{"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"}
			for i, n := range names {
				if got, want := dih[i].String(), row["dih_"+n]; got != want {
					t.Errorf("dihedral %s: %s, want %s", n, got, want)
				}
			}
			if dq != quality {
				t.Errorf("dihedral quality %d, want %d", dq, quality)
			}
		})
	}
}

func compareFloats(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	bad := 0
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			if bad == 0 {
				t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d values differ", what, bad, len(got))
	}
}

func mustParse(t *testing.T, s string) Hash {
	t.Helper()
	h, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
