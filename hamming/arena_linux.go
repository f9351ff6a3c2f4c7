//go:build linux

package hamming

import "syscall"

// canMap reports that this system can map memory for huge pages.
const canMap = true

// mapRegion maps length bytes of private anonymous memory and advises MADV_HUGEPAGE, which asks
// for 2 MiB pages even when the system's transparent huge page setting is "madvise". A refused
// advice is not an error: the memory then works with small pages, only slower.
func mapRegion(length int) ([]byte, error) {
	region, err := syscall.Mmap(-1, 0, length, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, err
	}
	_ = syscall.Madvise(region, syscall.MADV_HUGEPAGE)
	return region, nil
}

// unmapRegion releases a region returned by mapRegion.
func unmapRegion(region []byte) error {
	return syscall.Munmap(region)
}
