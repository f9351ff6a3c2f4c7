package hasher

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"reflect"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/media"
	"github.com/vigilproject/vigil/pdq"
)

// drawPNG draws a benign test pattern (gradients and a disc) and encodes it as PNG.
func drawPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, drawPattern(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func drawPattern(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			dx, dy := x-w/3, y-h/2
			c := color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255}
			if dx*dx+dy*dy < w*h/16 {
				c = color.NRGBA{240, 200, 40, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func TestDigests(t *testing.T) {
	data := drawPNG(t, 80, 60)
	res, err := Hash(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.MD5 != md5.Sum(data) || res.SHA1 != sha1.Sum(data) || res.SHA256 != sha256.Sum256(data) {
		t.Error("digests differ from crypto package results")
	}
	if res.Width != 80 || res.Height != 60 || res.Format != media.PNG {
		t.Errorf("got %dx%d %s, want 80x60 png", res.Width, res.Height, res.Format)
	}
}

// TestMatchesHashCore checks the glue: the result equals the hash core run on the same pixels.
func TestMatchesHashCore(t *testing.T) {
	data := drawPNG(t, 700, 300)
	img, err := media.Decode(data, media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		flavour pdq.Flavour
		w, h    int
	}{
		{pdq.Full, 700, 300},
		{pdq.CLI, 512, 512},
	}
	for _, tt := range tests {
		t.Run(tt.flavour.String(), func(t *testing.T) {
			pix, w, h := img.Pix, img.Width, img.Height
			if tt.flavour == pdq.CLI {
				pix, w, h = pdq.ResizeCLI(pix, w, h, img.Channels)
			}
			if w != tt.w || h != tt.h {
				t.Fatalf("hashed size %dx%d, want %dx%d", w, h, tt.w, tt.h)
			}
			var core pdq.Hasher
			luma := pdq.LumaFromRGB(make([]float32, w*h), pix)
			want, wantQuality := core.Hash(luma, w, h)

			res, err := Hash(bytes.NewReader(data), Options{Flavour: tt.flavour, Dihedral: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.PDQ != want || res.Quality != wantQuality {
				t.Errorf("got %s q%d, want %s q%d", res.PDQ, res.Quality, want, wantQuality)
			}
			if len(res.Dihedral) != 8 || res.Dihedral[0] != want {
				t.Errorf("dihedral %v does not start with %s", res.Dihedral, want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	good := drawPNG(t, 40, 40)
	tests := []struct {
		name    string
		data    []byte
		opt     Options
		wantErr string
		is      error
	}{
		{"over byte limit", good, Options{Limits: media.Limits{MaxBytes: 100}}, "over the limit of 100 bytes", media.ErrTooLarge},
		{"over pixel limit", good, Options{Limits: media.Limits{MaxPixels: 1000}}, "over the limit", media.ErrTooLarge},
		{"not an image", []byte("hello, world"), Options{}, "unknown image format", media.ErrUnknownFormat},
		{"truncated", good[:len(good)/2], Options{}, "png", nil},
		{"fast cli flavour", good, Options{Fast: true, Flavour: pdq.CLI}, "full flavour only", ErrFastFlavour},
	}
	for _, tt := range tests {
		for _, entry := range entryPoints {
			t.Run(tt.name+"/"+entry.name, func(t *testing.T) {
				_, err := entry.hash(tt.data, tt.opt)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("error %v is not %v", err, tt.is)
				}
			})
		}
	}
}

// entryPoints are the two ways to hash a file's bytes: they must agree on everything.
var entryPoints = []struct {
	name string
	hash func(data []byte, opt Options) (*Result, error)
}{
	{"reader", func(data []byte, opt Options) (*Result, error) { return Hash(bytes.NewReader(data), opt) }},
	{"bytes", HashBytes},
}

// TestHashBytesMatchesHash checks that HashBytes gives what Hash gives for a reader of the same
// bytes, for every option set, and leaves its input as it was.
func TestHashBytesMatchesHash(t *testing.T) {
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, drawPattern(300, 200), nil); err != nil {
		t.Fatal(err)
	}
	options := []Options{{}, {Flavour: pdq.CLI}, {Fast: true}, {Fast: true, Dihedral: true}, {Dihedral: true}}
	for _, data := range [][]byte{jpg.Bytes(), drawPNG(t, 120, 90)} {
		for _, opt := range options {
			t.Run(fmt.Sprintf("%x/%+v", data[:2], opt), func(t *testing.T) {
				before := bytes.Clone(data)
				want, err := Hash(bytes.NewReader(data), opt)
				if err != nil {
					t.Fatal(err)
				}
				got, err := HashBytes(data, opt)
				if err != nil {
					t.Fatal(err)
				}
				want.Timing, got.Timing = Timing{}, Timing{}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("HashBytes %+v, Hash %+v", got, want)
				}
				if !bytes.Equal(data, before) {
					t.Error("HashBytes changed its input")
				}
			})
		}
	}
}

// FuzzHash feeds arbitrary bytes to the top-level hash function: it must return a result or an
// error, never panic.
func FuzzHash(f *testing.F) {
	f.Add(drawPNG(f, 16, 16))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, drawPattern(24, 16), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("P5 3 2 255\n\x00\x01\x02\x03\x04\x05"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opt := range []Options{{Flavour: pdq.CLI}, {Fast: true, Dihedral: true}} {
			opt.Limits = media.Limits{MaxPixels: 1 << 20}
			res, err := Hash(bytes.NewReader(data), opt)
			if err == nil && res.SHA256 != sha256.Sum256(data) {
				t.Fatal("wrong SHA-256")
			}
			fromBytes, errBytes := HashBytes(data, opt)
			if (err == nil) != (errBytes == nil) || err == nil && (fromBytes.PDQ != res.PDQ || fromBytes.MD5 != res.MD5) {
				t.Fatalf("Hash: %v, HashBytes: %v, or their hashes differ", err, errBytes)
			}
		}
	})
}
