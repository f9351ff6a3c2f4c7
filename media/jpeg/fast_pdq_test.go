package jpeg

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/internal/refdata"
	"github.com/vigilproject/vigil/pdq"
)

// This file checks that DecodeLuma is good enough for PDQ: hashes computed from its reduced luma
// must stay close to the reference's full-resolution hashes. Reduced images are hashed with
// pdq.Hasher.HashReduced, which weights each reduced pixel as the reference's blur weights the
// source pixels it stands for; hashing the small image as it is would land 10 to 20 bits away.

// lumaPDQHash hashes a DecodeLuma image as PDQ's full-resolution flavour hashes the source.
func lumaPDQHash(h *pdq.Hasher, img *Image) (pdq.Hash, int) {
	luma := pdq.LumaFromGrey(make([]float32, len(img.Pix)), img.Pix)
	if img.Scale == 1 {
		return h.Hash(luma, img.Width, img.Height)
	}
	return h.HashReduced(luma, img.Width, img.Height, img.Scale, img.SourceWidth, img.SourceHeight)
}

// TestLumaPDQ hashes every reference JPEG of quality >= 50 from DecodeLuma's output and
// compares with the reference's full-resolution hash. The goal for the fast path is a mean
// distance of at most 3 bits and a maximum of 10.
func TestLumaPDQ(t *testing.T) {
	dir := refdata.Dir(t)
	f, err := os.Open(filepath.Join(dir, "pdq", "expected-hashes.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	var h pdq.Hasher
	n, sum, worst := 0, 0, 0
	for _, rec := range records[1:] {
		name := rec[col["path"]]
		quality, err := strconv.Atoi(rec[col["quality_fullres"]])
		if err != nil {
			t.Fatalf("%s: quality_fullres: %v", name, err)
		}
		if !strings.HasSuffix(name, ".jpg") || quality < 50 {
			continue
		}
		want, err := pdq.Parse(rec[col["pdq_hash_fullres"]])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		data, err := os.ReadFile(filepath.Join(dir, "pdq", "images", name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := DecodeLuma(data, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _ := lumaPDQHash(&h, img)
		d := pdq.Distance(got, want)
		t.Logf("%-45s %4dx%-4d 1:%d  distance %2d", name, img.SourceWidth, img.SourceHeight, img.Scale, d)
		n, sum, worst = n+1, sum+d, max(worst, d)
	}
	mean := float64(sum) / float64(n)
	t.Logf("%d images: mean distance %.2f, max %d", n, mean, worst)
	if mean > 3 || worst > 10 {
		t.Errorf("mean distance %.2f, max %d: want at most 3 and 10", mean, worst)
	}
}
