package jpeg

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTmpSweep(t *testing.T) {
	files, _ := filepath.Glob("/tmp/sweep/s*.jpg")
	bad := 0
	for _, f := range files {
		data, _ := os.ReadFile(f)
		ref, err := os.ReadFile(f[:len(f)-4] + ".pnm")
		if err != nil { continue }
		want, w, h, c, err := parsePNM(ref)
		if err != nil { t.Fatal(err) }
		img, err := Decode(data, Options{})
		if err != nil { t.Errorf("%s: %v", f, err); bad++; continue }
		if img.Width != w || img.Height != h || img.Channels != c { t.Errorf("%s: dims", f); bad++; continue }
		if n, m := countMismatches(img.Pix, want); n != 0 { t.Errorf("%s: %d mismatches max %d", f, n, m); bad++ }
		for n := 0; n < len(data); n += 1 + len(data)/50 {
			Decode(data[:n], Options{})
		}
	}
	t.Logf("%d files, %d bad", len(files), bad)
}
