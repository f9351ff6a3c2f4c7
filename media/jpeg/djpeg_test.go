package jpeg

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"testing"
)

// djpegDecode runs the reference decoder on data and returns its pixels, skipping the test when
// djpeg is not installed.
func djpegDecode(t *testing.T, data []byte) (pix []byte, w, h, channels int) {
	t.Helper()
	path, err := exec.LookPath("djpeg")
	if err != nil {
		t.Skip("djpeg (libjpeg-turbo) is not installed")
	}
	cmd := exec.Command(path)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("djpeg: %v: %s", err, stderr.Bytes())
	}
	pix, w, h, channels, err = parsePNM(out)
	if err != nil {
		t.Fatalf("djpeg output: %v", err)
	}
	return pix, w, h, channels
}

// parsePNM reads a binary 8-bit PGM (P5) or PPM (P6).
func parsePNM(data []byte) (pix []byte, w, h, channels int, err error) {
	r := bufio.NewReader(bytes.NewReader(data))
	var fields [4]string
	for i := range fields {
		if _, err := fmt.Fscan(r, &fields[i]); err != nil {
			return nil, 0, 0, 0, fmt.Errorf("header: %w", err)
		}
	}
	if _, err := r.ReadByte(); err != nil {
		return nil, 0, 0, 0, fmt.Errorf("header: %w", err)
	}
	switch fields[0] {
	case "P5":
		channels = 1
	case "P6":
		channels = 3
	default:
		return nil, 0, 0, 0, fmt.Errorf("unsupported PNM type %q", fields[0])
	}
	w, _ = strconv.Atoi(fields[1])
	h, _ = strconv.Atoi(fields[2])
	if fields[3] != "255" {
		return nil, 0, 0, 0, fmt.Errorf("maxval %s, want 255", fields[3])
	}
	pix = make([]byte, w*h*channels)
	if _, err := io.ReadFull(r, pix); err != nil {
		return nil, 0, 0, 0, fmt.Errorf("pixels: %w", err)
	}
	return pix, w, h, channels, nil
}
