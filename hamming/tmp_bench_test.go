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
	r := 31
	if v := os.Getenv("BENCH_R"); v != "" {
		r, _ = strconv.Atoi(v)
	}
	if err := Bench(n, r, os.Getenv("BENCH_D") != "", os.Getenv("BENCH_C") != "", os.Stdout); err != nil {
		t.Fatal(err)
	}
}
