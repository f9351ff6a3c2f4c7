package media

import (
	"encoding/binary"
	"strings"
	"testing"
)

// byteOrder reads and appends; binary.LittleEndian and binary.BigEndian are both.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// exifBlock builds a TIFF structure whose IFD0 holds an ImageDescription-like ASCII tag, the
// orientation tag with the given type and value, and a trailing tag, in the given byte order.
func exifBlock(order byteOrder, typ uint16, orientation uint32) []byte {
	b := []byte("II*\x00")
	if order == binary.BigEndian {
		b = []byte("MM\x00*")
	}
	b = order.AppendUint32(b, 8)
	b = order.AppendUint16(b, 3)
	b = exifEntry(b, order, 0x010e, 2, 4, 0x61626300) // "abc\0", inline
	b = exifEntry(b, order, tagOrientation, typ, 1, orientation)
	b = exifEntry(b, order, 0x0131, 2, 4, 0x676f0000) // Software "go"
	return order.AppendUint32(b, 0)                   // no next IFD
}

// exifEntry appends a 12-byte IFD entry. A SHORT value is left-justified in the value field.
func exifEntry(b []byte, order byteOrder, tag, typ uint16, count, value uint32) []byte {
	b = order.AppendUint16(b, tag)
	b = order.AppendUint16(b, typ)
	b = order.AppendUint32(b, count)
	if typ == 3 {
		b = order.AppendUint16(b, uint16(value))
		return order.AppendUint16(b, 0)
	}
	return order.AppendUint32(b, value)
}

func TestExifOrientation(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	valid := exifBlock(le, 3, 6)
	tests := []struct {
		name    string
		data    []byte
		want    int
		wantErr string
	}{
		{"little-endian", exifBlock(le, 3, 6), 6, ""},
		{"big-endian", exifBlock(be, 3, 8), 8, ""},
		{"every value", exifBlock(be, 3, 1), 1, ""},
		{"LONG type", exifBlock(le, 4, 3), 3, ""},
		{"Exif header", append([]byte("Exif\x00\x00"), exifBlock(be, 3, 5)...), 5, ""},
		{"truncated IFD", exifBlock(le, 3, 6)[:8+2+12], 0, "declares 3 entries"},
		{"empty IFD", append(append([]byte{}, valid[:8]...), 0, 0), 0, ""},
		{"other tags only", withoutOrientation(exifBlock(be, 3, 6)), 0, ""},
		{"value 0", exifBlock(le, 3, 0), 0, "out of range"},
		{"value 9", exifBlock(be, 3, 9), 0, "out of range"},
		{"wrong type", exifBlock(le, 2, 6), 0, "type 2"},
		{"short header", []byte("II*\x00\x08"), 0, "at least 8"},
		{"bad marker", []byte("IM*\x00\x08\x00\x00\x00\x00\x00"), 0, "byte-order marker"},
		{"offset past end", []byte("II*\x00\xff\xff\xff\xff"), 0, "past the end"},
		{"empty", nil, 0, "at least 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := exifOrientation(tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("orientation = %d, want %d", got, tt.want)
			}
		})
	}
}

// withoutOrientation renames the orientation entry of an exifBlock to ImageWidth.
func withoutOrientation(b []byte) []byte {
	b[8+2+12], b[8+2+12+1] = 0x01, 0x00
	return b
}

// TestExifOrientationCount refuses an orientation entry with more than one value.
func TestExifOrientationCount(t *testing.T) {
	b := exifBlock(binary.LittleEndian, 3, 6)
	binary.LittleEndian.PutUint32(b[8+2+12+4:], 2) // count of the second entry
	if _, err := exifOrientation(b); err == nil || !strings.Contains(err.Error(), "2 values") {
		t.Fatalf("err = %v, want a count error", err)
	}
}
