package jpeg

import (
	"bytes"
	"fmt"
)

// This file handles restart intervals (T.81 B.2.4.4, E.1.4): after every restartInterval MCUs the
// encoder byte-aligns its output and writes marker RSTn, n counting 0..7 cyclically; the decoder
// resets its predictions and entropy state there.

// restartCounter tells the MCU loop when a restart marker is due and which one.
type restartCounter struct {
	interval int // MCUs per interval; 0 disables restarts
	next     int // number (0..7) of the next expected RSTn
}

// due reports whether MCU m (counted from 0 within the scan) starts a new restart interval.
func (rc *restartCounter) due(m int) bool {
	return rc.interval > 0 && m > 0 && m%rc.interval == 0
}

// take returns the number of the marker that is due and advances the count.
func (rc *restartCounter) take() int {
	n := rc.next
	rc.next = (rc.next + 1) & 7
	return n
}

// skipRestartMarker finds the marker at or after data[pos], which must be RSTn, and returns the
// offset just past it. Like libjpeg it tolerates bytes the entropy decoder left unread before the
// marker; unlike libjpeg's resynchronisation heuristics it treats a wrong or missing marker as
// corrupt data.
func skipRestartMarker(data []byte, pos, n int) (int, error) {
	want := byte(markerRST0 + n)
	for {
		i := bytes.IndexByte(data[pos:], 0xFF)
		if i < 0 {
			return 0, fmt.Errorf("missing restart marker RST%d", n)
		}
		j := pos + i + 1
		for j < len(data) && data[j] == 0xFF {
			j++
		}
		switch {
		case j >= len(data):
			return 0, fmt.Errorf("missing restart marker RST%d", n)
		case data[j] == 0:
			pos = j + 1
		case data[j] != want:
			return 0, fmt.Errorf("found marker 0xFF%02X where RST%d was expected", data[j], n)
		default:
			return j + 1, nil
		}
	}
}
