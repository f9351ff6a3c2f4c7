//go:build !linux

package hamming

import "errors"

// canMap reports that huge pages are only arranged on Linux; elsewhere arenas use the Go heap.
const canMap = false

func mapRegion(int) ([]byte, error) { return nil, errors.ErrUnsupported }

func unmapRegion([]byte) error { return nil }
