package media

import (
	"encoding/binary"
	"errors"
	"fmt"
)

const tagOrientation = 0x0112

// exifOrientation reads the orientation tag (0x0112) from IFD0 of a TIFF structure, the payload
// of an EXIF block. A leading "Exif\0\0" header, which some writers keep in PNG and WebP EXIF
// chunks, is skipped. It returns 0 and no error when IFD0 has no orientation tag.
func exifOrientation(b []byte) (int, error) {
	if len(b) >= 6 && string(b[:6]) == "Exif\x00\x00" {
		b = b[6:]
	}
	if len(b) < 8 {
		return 0, fmt.Errorf("exif: header is %d bytes, want at least 8", len(b))
	}
	var order binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0, errors.New("exif: no TIFF byte-order marker")
	}
	off := uint64(order.Uint32(b[4:8]))
	if off+2 > uint64(len(b)) {
		return 0, fmt.Errorf("exif: IFD0 offset %d past the end of %d bytes", off, len(b))
	}
	count := uint64(order.Uint16(b[off:]))
	entries := b[off+2:]
	if count*12 > uint64(len(entries)) {
		return 0, fmt.Errorf("exif: IFD0 declares %d entries, only %d bytes follow", count, len(entries))
	}
	for i := range count {
		e := entries[12*i : 12*i+12]
		if order.Uint16(e[0:2]) != tagOrientation {
			continue
		}
		return orientationValue(e, order)
	}
	return 0, nil
}

// orientationValue decodes the value of a 12-byte IFD entry holding the orientation tag.
func orientationValue(e []byte, order binary.ByteOrder) (int, error) {
	typ, n := order.Uint16(e[2:4]), order.Uint32(e[4:8])
	if n != 1 {
		return 0, fmt.Errorf("exif: orientation has %d values, want 1", n)
	}
	var v uint32
	switch typ {
	case 3: // SHORT, left-justified in the value field
		v = uint32(order.Uint16(e[8:10]))
	case 4: // LONG, written by a few non-conforming tools
		v = order.Uint32(e[8:12])
	default:
		return 0, fmt.Errorf("exif: orientation has type %d, want 3 (SHORT)", typ)
	}
	if v < 1 || v > 8 {
		return 0, fmt.Errorf("exif: orientation %d out of range 1..8", v)
	}
	return int(v), nil
}

// orientationOrZero returns the orientation in an EXIF payload, or 0 when it is absent or
// malformed: a broken EXIF block does not make the picture undecodable.
func orientationOrZero(b []byte) int {
	if b == nil {
		return 0
	}
	o, err := exifOrientation(b)
	if err != nil {
		return 0
	}
	return o
}
