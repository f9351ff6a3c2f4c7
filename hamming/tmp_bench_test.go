package hamming

import (
	"os"
	"strconv"
	"testing"
)

func TestTmpBench(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("BENCH_N"))
	if n == 0 {
		t.Skip()
	}
	if err := Bench(n, 31, os.Getenv("BENCH_D") != "", os.Getenv("BENCH_C") != "", os.Stdout); err != nil {
		t.Fatal(err)
	}
}
