package hamming

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestTmpLoad(t *testing.T) {
	if os.Getenv("LOAD_N") == "" {
		t.Skip()
	}
	d := makeDataset(10_000_000, false, 1)
	ix := newTestIndex(t, d)
	path := filepath.Join(t.TempDir(), "x.snap")
	t0 := time.Now()
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	t.Logf("save %v", time.Since(t0))
	ix = nil
	d = nil
	releaseMemory()
	for range 3 {
		t0 = time.Now()
		ix2, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("load %v", time.Since(t0))
		_ = ix2
		ix2 = nil
		releaseMemory()
	}
}
