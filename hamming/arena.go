package hamming

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// arena allocates the arrays of one segment and releases them together. Random reads of the
// codes and tables dominate search time, and with 4 KiB pages nearly every one of them also misses
// the TLB. On Linux an arena for a large segment therefore maps its memory itself, in regions
// aligned to and advised for 2 MiB transparent huge pages, and hands out arrays from them one
// after another (see arena_linux.go); the Go heap never asks for huge pages. Small segments, and
// every segment on other systems, use the Go heap.
type arena struct {
	huge    bool       // allocate from mapped regions
	mu      sync.Mutex // tables are built in parallel
	regions [][]byte   // whole mappings, to unmap on release
	spare   []byte     // the unused end of the last region
	used    int64      // bytes handed out from the regions
}

// hugePages enables mapping large segments for huge pages on Linux; benchmarks switch it off to
// measure what the huge pages are worth.
var hugePages = true

// mappedBytes counts the bytes currently mapped by arenas and usedBytes those handed out from
// them, for memory reports.
var mappedBytes, usedBytes atomic.Int64

// Arena sizes: a segment whose arrays take at least hugeArenaBytes is mapped, in regions of at
// least regionBytes. Only touched pages take memory, so a region's unused end costs address space
// only, except for the partly used huge page at its edge.
const (
	hugeArenaBytes = 16 << 20
	regionBytes    = 64 << 20
	hugePageSize   = 2 << 20
)

// alignment of every array an arena hands out: a cache line, so no code straddles two lines.
const alignment = 64

// newArena returns an arena for a segment whose arrays take about size bytes.
func newArena(size int) *arena {
	return &arena{huge: hugePages && canMap && size >= hugeArenaBytes}
}

// alloc returns size zeroed bytes aligned to alignment.
func (a *arena) alloc(size int) ([]byte, error) {
	if size < 0 || size > maxAllocBytes {
		return nil, fmt.Errorf("allocate %d bytes: size out of range", size)
	}
	if !a.huge {
		words := make([]uint64, (size+2*alignment)/8)
		return alignedPart(bytesOf(words), size, alignment), nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.spare) < size+alignment {
		length := (max(size+alignment, regionBytes) + 2*hugePageSize - 1) / hugePageSize * hugePageSize
		region, err := mapRegion(length)
		if err != nil {
			return nil, fmt.Errorf("allocate %d bytes: %w", size, err)
		}
		a.regions = append(a.regions, region)
		mappedBytes.Add(int64(length))
		a.spare = alignedPart(region, len(region)-hugePageSize, hugePageSize)
	}
	b := alignedPart(a.spare, size, alignment)
	a.spare = a.spare[len(b)+int(uintptrOf(b)-uintptrOf(a.spare)):]
	a.used += int64(size)
	usedBytes.Add(int64(size))
	return b, nil
}

// alignedPart returns the first size bytes of b that start at a multiple of align, a power of
// two; b must have room for them.
func alignedPart(b []byte, size, align int) []byte {
	skip := int(-uintptrOf(b) & uintptr(align-1))
	return b[skip : skip+size : skip+size]
}

// free unmaps the arena's regions. It runs once nothing can reach the segment that owns them.
func (a *arena) free() {
	for _, region := range a.regions {
		if unmapRegion(region) == nil {
			mappedBytes.Add(-int64(len(region)))
		}
	}
	usedBytes.Add(-a.used)
	a.regions, a.spare, a.used = nil, nil, 0
}

// maxAllocBytes bounds one allocation, so that a corrupt snapshot header cannot ask for an
// absurd amount of memory.
const maxAllocBytes = min(1<<40, math.MaxInt)

// bytes returns n zeroed bytes.
func (a *arena) bytes(n int) ([]byte, error) {
	return a.alloc(n)
}

// uint16s returns a zeroed slice of n uint16s.
func (a *arena) uint16s(n int) ([]uint16, error) {
	b, err := a.alloc(2 * n)
	return viewAs[uint16](b), err
}

// uint32s returns a zeroed slice of n uint32s.
func (a *arena) uint32s(n int) ([]uint32, error) {
	b, err := a.alloc(4 * n)
	return viewAs[uint32](b), err
}

// codes returns a zeroed slice of n codes.
func (a *arena) codes(n int) ([]Code, error) {
	b, err := a.alloc(32 * n)
	return viewAs[Code](b), err
}
