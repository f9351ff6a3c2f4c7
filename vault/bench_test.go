package vault

import (
	"fmt"
	"testing"
)

// BenchmarkSealOpen measures sealing an object into its file and opening it again, at sizes of
// a small and a large photo.
func BenchmarkSealOpen(b *testing.B) {
	for _, size := range []int{64 << 10, 4 << 20} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			v := openTestVault(b)
			data := make([]byte, size)
			b.SetBytes(int64(size))
			for i := 0; b.Loop(); i++ {
				id := fmt.Sprintf("evd_%d", i)
				keyID, wrapped, err := v.Seal(id, data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := v.Open(id, keyID, wrapped); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
