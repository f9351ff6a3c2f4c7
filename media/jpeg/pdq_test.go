package jpeg

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/internal/refdata"
)

// TestPDQBuffers decodes every JPEG among the PDQ reference images and compares the pixels with
// the buffer the reference hasher saw: ImageMagick's decode (through libjpeg-turbo), resized by
// nearest neighbour to 512x512 when either side exceeds 512, stored as PGM when every pixel is
// grey. Each image must match sample for sample.
func TestPDQBuffers(t *testing.T) {
	dir := refdata.Dir(t)
	images := filepath.Join(dir, "pdq", "images")
	var names []string
	err := filepath.WalkDir(images, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".jpg") {
			names = append(names, strings.TrimPrefix(path, images+string(filepath.Separator)))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatalf("no JPEG files under %s", images)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(images, name))
			if err != nil {
				t.Fatal(err)
			}
			ref, err := os.ReadFile(filepath.Join(dir, "pdq", "buffers", strings.ReplaceAll(name, "/", "__")+".pnm"))
			if err != nil {
				t.Fatal(err)
			}
			want, w, h, channels, err := parsePNM(ref)
			if err != nil {
				t.Fatal(err)
			}
			img, err := Decode(data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, gotChannels := referenceBuffer(img)
			if gotW, gotH := min(img.Width, 512), min(img.Height, 512); max(img.Width, img.Height) > 512 {
				gotW, gotH = 512, 512
				if w != gotW || h != gotH {
					t.Fatalf("reference is %dx%d, want %dx%d", w, h, gotW, gotH)
				}
			} else if w != img.Width || h != img.Height {
				t.Fatalf("reference is %dx%d, decoded %dx%d", w, h, img.Width, img.Height)
			}
			if gotChannels != channels {
				t.Fatalf("decoded %d channels after the grey test, reference has %d", gotChannels, channels)
			}
			if n, maxDiff := countMismatches(got, want); n != 0 {
				t.Errorf("%d of %d samples differ (max difference %d)", n, len(want), maxDiff)
			}
		})
	}
}

// referenceBuffer turns a decoded image into the reference hasher's input: nearest-neighbour
// resized to 512x512 if either side is larger (source index floor(x*W/512)), one channel if
// every pixel is grey.
func referenceBuffer(img *Image) ([]byte, int) {
	w, h, c := img.Width, img.Height, img.Channels
	pix := img.Pix
	if w > 512 || h > 512 {
		out := make([]byte, 512*512*c)
		for y := range 512 {
			sy := y * h / 512
			for x := range 512 {
				sx := x * w / 512
				copy(out[(y*512+x)*c:(y*512+x+1)*c], pix[(sy*w+sx)*c:(sy*w+sx+1)*c])
			}
		}
		pix = out
	}
	if c == 1 {
		return pix, 1
	}
	grey := make([]byte, len(pix)/3)
	for i := range grey {
		r, g, b := pix[3*i], pix[3*i+1], pix[3*i+2]
		if r != g || g != b {
			return pix, 3
		}
		grey[i] = r
	}
	return grey, 1
}
