package main

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cliResult is what one in-process run of vigil produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs vigil in-process with args and the given standard input.
func runCLI(t *testing.T, stdin []byte, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, bytes.NewReader(stdin), &stdout, &stderr)
	return cliResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// testImage draws a w x h picture whose content depends on seed, so that every seed
// gives a different perceptual hash: a diagonal gradient with a bright disc placed by seed.
func testImage(seed, w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := (seed*37)%w, (seed*53)%h, 4+(seed*11)%(min(w, h)/2)
	for y := range h {
		for x := range w {
			v := uint8((x*255/w + y*(seed%7+1)*255/h) / 2)
			c := color.NRGBA{R: v, G: 255 - v, B: uint8(seed * 29), A: 255}
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) < r*r {
				c = color.NRGBA{R: 250, G: 240, B: uint8(seed * 13), A: 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// writeImage encodes img as PNG or JPEG, chosen by path's extension, and writes it to
// path, creating directories as needed.
func writeImage(t *testing.T, path string, img image.Image) {
	t.Helper()
	writeFile(t, path, encodeImage(t, filepath.Ext(path), img))
}

// encodeImage encodes img as JPEG when ext is ".jpg" and as PNG otherwise.
func encodeImage(t *testing.T, ext string, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if ext == ".jpg" {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatalf("encode %s: %v", ext, err)
	}
	return buf.Bytes()
}

// writeFile writes data to path, creating directories as needed.
func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRunDispatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring of stdout, or "" for empty stdout
		wantStderr string // substring of stderr, or "" for empty stderr
	}{
		{"no arguments", nil, exitUsage, "", "Usage: vigil COMMAND"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{"group without command", []string{"bench"}, exitUsage, "", `unknown command "bench"`},
		{"help", []string{"help"}, exitOK, "bench hash", ""},
		{"--help", []string{"--help"}, exitOK, "Usage: vigil COMMAND", ""},
		{"help hash", []string{"help", "hash"}, exitOK, "VIGIL_FLAVOUR", ""},
		{"help bench hash", []string{"help", "bench", "hash"}, exitOK, "--runs N", ""},
		{"help unknown", []string{"help", "nope"}, exitUsage, "", `unknown command "nope"`},
		{"hash -h", []string{"hash", "-h"}, exitOK, "", "--max-pixels N"},
		{"version", []string{"version"}, exitOK, "vigil ", ""},
		{"version with argument", []string{"version", "x"}, exitUsage, "", "unexpected arguments: x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("exit status %d, want %d (stderr %q)", got.code, tt.wantCode, got.stderr)
			}
			checkOutput(t, "stdout", got.stdout, tt.wantStdout)
			checkOutput(t, "stderr", got.stderr, tt.wantStderr)
		})
	}
}

// checkOutput checks that stream contains want, or is empty when want is empty.
func checkOutput(t *testing.T, name, stream, want string) {
	t.Helper()
	if want == "" && stream != "" {
		t.Errorf("%s = %q, want it empty", name, stream)
	}
	if !strings.Contains(stream, want) {
		t.Errorf("%s = %q, want it to contain %q", name, stream, want)
	}
}
