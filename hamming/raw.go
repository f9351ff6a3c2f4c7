package hamming

import (
	"encoding/binary"
	"unsafe"
)

// This file holds the package's only uses of unsafe: typed views of raw memory. The big arrays of
// a segment live in memory mapped for huge pages (see arena), which arrives as bytes, and
// snapshots are read and written straight from and to those arrays instead of being decoded
// element by element, which keeps loading 10M codes under a second.

// hostLittleEndian reports whether the machine stores integers little-endian, as snapshots do. The
// raw views below only match the file format on such machines.
var hostLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// viewAs reinterprets b, which must be aligned for T and hold only plain integers, as a slice of
// T. The result shares b's memory.
func viewAs[T uint16 | uint32 | uint64 | Code](b []byte) []T {
	var zero T
	n := len(b) / int(unsafe.Sizeof(zero))
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// bytesOf returns the memory of s as bytes, sharing it.
func bytesOf[T uint16 | uint32 | uint64 | Code](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// uintptrOf returns the address of b's first byte, to align allocations.
func uintptrOf(b []byte) uintptr {
	return uintptr(unsafe.Pointer(unsafe.SliceData(b)))
}
