package drawjpeg

import (
	"bytes"
	"testing"

	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/pdq"
)

func TestDraw(t *testing.T) {
	hashes := map[pdq.Hash]uint64{}
	for seed := range uint64(8) {
		jpg := Draw(seed, 1024, 768)
		if !bytes.Equal(jpg, Draw(seed, 1024, 768)) {
			t.Fatalf("seed %d: two draws differ", seed)
		}
		res, err := hasher.Hash(bytes.NewReader(jpg), hasher.Options{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if res.Width != 1024 || res.Height != 768 {
			t.Errorf("seed %d: %dx%d", seed, res.Width, res.Height)
		}
		for h, other := range hashes {
			if d := pdq.Distance(h, res.PDQ); d < 32 {
				t.Errorf("seeds %d and %d hash %d bits apart", other, seed, d)
			}
		}
		hashes[res.PDQ] = seed
		t.Logf("seed %d: %d bytes, quality %d", seed, len(jpg), res.Quality)
	}
}

func TestTag(t *testing.T) {
	jpg := Draw(1, 320, 240)
	tests := []struct {
		name string
		in   []byte
		same bool // Tag returns its input unchanged
	}{
		{"jpeg", jpg, false},
		{"not a jpeg", []byte("GIF89a"), true},
		{"empty", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Tag(tt.in, "n=42")
			if bytes.Equal(out, tt.in) != tt.same {
				t.Fatalf("changed = %v, want %v", !bytes.Equal(out, tt.in), !tt.same)
			}
			if tt.same {
				return
			}
			a, err1 := hasher.Hash(bytes.NewReader(tt.in), hasher.Options{})
			b, err2 := hasher.Hash(bytes.NewReader(out), hasher.Options{})
			if err1 != nil || err2 != nil {
				t.Fatalf("hash: %v %v", err1, err2)
			}
			if a.PDQ != b.PDQ || a.SHA256 == b.SHA256 {
				t.Errorf("tagging must keep the PDQ and change the SHA-256")
			}
		})
	}
}
