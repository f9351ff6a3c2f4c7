package vault

import (
	"bytes"
	"testing"
)

// FuzzParseKey checks that any text either parses to a key or fails, never panics, and that
// a parsed key survives a round trip.
func FuzzParseKey(f *testing.F) {
	f.Add(GenerateKey().mk.Encode())
	f.Add("c2hvcnQ=")
	f.Add("")
	f.Add("\n  AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=  \n")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := ParseKey(text)
		if err != nil {
			return
		}
		again, err := ParseKey(k.mk.Encode())
		if err != nil || again != k {
			t.Fatalf("round trip of %q failed: %v", text, err)
		}
	})
}

// FuzzOpen checks the decoders of wrapped keys and object files against arbitrary bytes:
// they fail cleanly, and only the genuine values open.
func FuzzOpen(f *testing.F) {
	k := GenerateKey()
	dek := bytes.Repeat([]byte{7}, KeySize)
	wrapped, _ := wrapKey(k, "evd_1", dek)
	blob, _ := seal(blobMagic, dek, []byte("payload"), "evd_1")
	f.Add(wrapped, blob)
	f.Add([]byte(wrappedMagic), []byte(blobMagic))
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, w, b []byte) {
		got, err := unwrapKey(k, "evd_1", w)
		if err == nil && !bytes.Equal(got, dek) {
			t.Fatalf("a forged wrapped key opened to %x", got)
		}
		plain, err := open(blobMagic, dek, b, "evd_1")
		if err == nil && string(plain) != "payload" {
			t.Fatalf("a forged blob opened to %q", plain)
		}
	})
}
