package jpeg

import (
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"strings"
	"testing"
)

// cjpegOptions are the encoder settings TestAgainstCjpeg tries at every size: all sampling
// layouts cjpeg accepts up to 4, every coding process, restart intervals with each, and extreme
// qualities.
var cjpegOptions = []string{
	"-sample 1x1", "-sample 2x1", "-sample 2x2", "-sample 4x1", "-sample 1x2", "-sample 4x2",
	"-sample 1x4", "-sample 2x4", "-sample 3x1", "-sample 2x2,1x2,2x1", "-sample 1x1,2x2,1x1",
	"-grayscale", "-rgb", "-quality 1", "-quality 100 -sample 1x1",
	"-progressive", "-progressive -sample 1x1", "-progressive -sample 4x2", "-optimize -progressive -grayscale",
	"-arithmetic", "-arithmetic -sample 1x1", "-arithmetic -progressive", "-arithmetic -progressive -sample 4x1",
	"-restart 1B", "-restart 3B -progressive", "-restart 2B -arithmetic", "-restart 1 -arithmetic -progressive -sample 1x2",
}

// TestAgainstCjpeg encodes drawn pictures of awkward sizes with libjpeg-turbo's cjpeg and checks
// that Decode matches djpeg exactly. It needs both tools, so it complements the committed
// fixtures where they are installed and is skipped elsewhere.
func TestAgainstCjpeg(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs cjpeg and djpeg many times")
	}
	cjpeg, err := exec.LookPath("cjpeg")
	if err != nil {
		t.Skip("cjpeg (libjpeg-turbo) is not installed")
	}
	for _, size := range [][2]int{{1, 1}, {7, 9}, {16, 16}, {17, 33}, {129, 67}} {
		ppm := drawPPM(size[0], size[1])
		for _, opts := range cjpegOptions {
			t.Run(fmt.Sprintf("%dx%d %s", size[0], size[1], opts), func(t *testing.T) {
				cmd := exec.Command(cjpeg, strings.Fields(opts)...)
				cmd.Stdin = bytes.NewReader(ppm)
				data, err := cmd.Output()
				if err != nil {
					t.Fatalf("cjpeg %s: %v", opts, err)
				}
				want, w, h, channels := djpegDecode(t, data)
				img, err := Decode(data, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if img.Width != w || img.Height != h || img.Channels != channels {
					t.Fatalf("got %dx%d with %d channels, want %dx%d with %d", img.Width, img.Height, img.Channels, w, h, channels)
				}
				if n, maxDiff := countMismatches(img.Pix, want); n != 0 {
					t.Errorf("%d of %d samples differ from djpeg (max difference %d)", n, len(want), maxDiff)
				}
			})
		}
	}
}

// drawPPM returns a binary PPM of a w x h picture with waves, ramps and a coarse checkerboard.
func drawPPM(w, h int) []byte {
	out := fmt.Appendf(nil, "P6\n%d %d\n255\n", w, h)
	for y := range h {
		for x := range w {
			r := 128 + 120*math.Sin(float64(x)/5+float64(y)/13)
			if (x/4+y/4)%3 == 0 {
				r = 255 - r
			}
			out = append(out, byte(r), byte((x*7+y*3)%256), byte(255*y/h))
		}
	}
	return out
}
