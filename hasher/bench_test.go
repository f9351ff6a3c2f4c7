package hasher

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/vigilproject/vigil/pdq"
)

// BenchmarkHash measures the end-to-end path (digests, decode, PDQ) on a drawn 1500x1000 JPEG and
// PNG, per option set.
func BenchmarkHash(b *testing.B) {
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, drawPattern(1500, 1000), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	inputs := []struct {
		name string
		data []byte
	}{
		{"jpeg", jpg.Bytes()},
		{"png", drawPNG(b, 1500, 1000)},
	}
	options := []struct {
		name string
		opt  Options
	}{
		{"full", Options{}},
		{"cli", Options{Flavour: pdq.CLI}},
		{"fast", Options{Fast: true}},
		{"full+dihedral", Options{Dihedral: true}},
	}
	for _, in := range inputs {
		for _, o := range options {
			b.Run(in.name+"/"+o.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.data)))
				for b.Loop() {
					if _, err := Hash(bytes.NewReader(in.data), o.opt); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
