package media

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/internal/refdata"
)

// pdqSide is the size the reference PDQ hasher resizes to when either side exceeds it.
const pdqSide = 512

// TestReferenceBuffers compares decoded pixels of every reference image with the buffer the
// reference PDQ hasher hashed (ImageMagick's PNM after its nearest-neighbour pre-resize). All must
// match exactly: PNG, lossy WebP (converted with libwebp's arithmetic) and JPEG (package
// media/jpeg follows libjpeg-turbo), including the choice of one grey channel.
func TestReferenceBuffers(t *testing.T) {
	root := filepath.Join(refdata.Dir(t), "pdq")
	imagesDir := filepath.Join(root, "images")
	var paths []string
	err := filepath.WalkDir(imagesDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".png", ".webp", ".jpg":
			rel, _ := filepath.Rel(imagesDir, path)
			paths = append(paths, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no images under %s", imagesDir)
	}
	for _, rel := range paths {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(imagesDir, rel))
			if err != nil {
				t.Fatal(err)
			}
			bufName := strings.ReplaceAll(filepath.ToSlash(rel), "/", "__") + ".pnm"
			want := readReferenceBuffer(t, filepath.Join(root, "buffers", bufName))
			m, err := Decode(data, Limits{})
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got := pdqResize(m)
			if got.Channels != want.Channels || got.Width != want.Width || got.Height != want.Height {
				t.Fatalf("got %dx%d with %d channels, reference buffer is %dx%d with %d",
					got.Width, got.Height, got.Channels, want.Width, want.Height, want.Channels)
			}
			n, maxDiff := compareSamples(got.Pix, want.Pix)
			t.Logf("%s: %d of %d samples differ, max |diff| %d", rel, n, len(want.Pix), maxDiff)
			if n != 0 {
				t.Errorf("%d samples differ from the reference buffer (max |diff| %d)", n, maxDiff)
			}
		})
	}
}

// readReferenceBuffer reads a P5 or P6 buffer with maxval 255 as stored, channel count included.
func readReferenceBuffer(t *testing.T, path string) *Image {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := parsePNMHeader(data)
	if err != nil || h.kind == '4' || h.maxval != 255 {
		t.Fatalf("%s: want an 8-bit P5 or P6 buffer (header %+v, err %v)", path, h, err)
	}
	ch := 1
	if h.kind == '6' {
		ch = 3
	}
	n := h.width * h.height * ch
	if len(data)-h.rasterOffset < n {
		t.Fatalf("%s: raster truncated", path)
	}
	return &Image{Width: h.width, Height: h.height, Channels: ch, Pix: data[h.rasterOffset : h.rasterOffset+n]}
}

// pdqResize applies the reference hasher's pre-resize: to exactly 512x512 by nearest neighbour
// (source index floor(x*W/512)) when either side exceeds 512, else nothing.
func pdqResize(m *Image) *Image {
	if m.Width <= pdqSide && m.Height <= pdqSide {
		return m
	}
	out := &Image{Width: pdqSide, Height: pdqSide, Channels: m.Channels, Pix: make([]byte, pdqSide*pdqSide*m.Channels)}
	c := m.Channels
	for y := range pdqSide {
		sy := y * m.Height / pdqSide
		for x := range pdqSide {
			sx := x * m.Width / pdqSide
			copy(out.Pix[(y*pdqSide+x)*c:][:c], m.Pix[(sy*m.Width+sx)*c:])
		}
	}
	return out
}

// compareSamples counts differing samples and the largest absolute difference.
func compareSamples(got, want []byte) (n, maxDiff int) {
	for i := range want {
		d := int(got[i]) - int(want[i])
		if d != 0 {
			n++
			maxDiff = max(maxDiff, d, -d)
		}
	}
	return n, maxDiff
}

// TestReferenceOrientation reads the EXIF orientation of the reference set's rotated photos.
func TestReferenceOrientation(t *testing.T) {
	dir := filepath.Join(refdata.Dir(t), "pdq", "images", "reg-test-input", "exif-rotn")
	for _, want := range []int{1, 3, 6, 8} {
		t.Run(fmt.Sprint(want), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("exif-rotn-%d.jpg", want)))
			if err != nil {
				t.Fatal(err)
			}
			m, err := DecodeFast(data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Orientation != want {
				t.Errorf("Orientation = %d, want %d", m.Orientation, want)
			}
		})
	}
}

func (m *Image) String() string {
	return fmt.Sprintf("%dx%d %s %dch", m.Width, m.Height, m.Format, m.Channels)
}
