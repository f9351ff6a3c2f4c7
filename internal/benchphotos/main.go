// Command benchphotos writes the photo set the fast-path benchmark runs on: 3000x2000 crops of the
// benign 4032x3024 phone photos in the shared test data (reg-test-input/exif-rotn), encoded as
// baseline 4:2:0 JPEGs at quality 85, 90 and 95, like typical camera and phone uploads.
//
//	go run ./internal/benchphotos -out /tmp/photos
//	taskset -c 0 go run ./cmd/vigil bench hash --fast --workers 1 --stdlib /tmp/photos
package main

import (
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
)

func main() {
	src := flag.String("testdata", os.Getenv("VIGIL_TESTDATA"), "shared test data directory (default ../shared/testdata)")
	out := flag.String("out", "", "directory to write the photos to")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: benchphotos -out DIR [-testdata DIR]")
		os.Exit(2)
	}
	if *src == "" {
		*src = filepath.Join("..", "shared", "testdata")
	}
	if err := write(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "benchphotos:", err)
		os.Exit(1)
	}
}

func write(testdata, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	sources, err := filepath.Glob(filepath.Join(testdata, "pdq", "images", "reg-test-input", "exif-rotn", "*.jpg"))
	if err != nil || len(sources) == 0 {
		return fmt.Errorf("no source photos under %s (set -testdata): %v", testdata, err)
	}
	for i, path := range sources {
		img, err := decode(path)
		if err != nil {
			return err
		}
		b := img.Bounds()
		crop := image.Rect(0, 0, 3000, 2000).Add(image.Pt((b.Dx()-3000)/2, (b.Dy()-2000)/2))
		sub := img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(crop)
		for _, q := range []int{85, 90, 95} {
			name := filepath.Join(out, fmt.Sprintf("photo%d-q%d.jpg", i+1, q))
			if err := encode(name, sub, q); err != nil {
				return err
			}
		}
	}
	return nil
}

func decode(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

func encode(path string, img image.Image, quality int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: quality}); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
