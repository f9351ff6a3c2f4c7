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

// BenchmarkHashBytes compares hashing a 1024x768 JPEG upload already in memory through a reader
// (Hash copies it) and in place (HashBytes), on the fast path a server uses.
func BenchmarkHashBytes(b *testing.B) {
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, drawPattern(1024, 768), &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	data := jpg.Bytes()
	for _, entry := range entryPoints {
		b.Run(entry.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := entry.hash(data, Options{Fast: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
