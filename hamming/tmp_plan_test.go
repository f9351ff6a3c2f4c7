package hamming

import "testing"

func TestTmpPlan(t *testing.T) {
	for _, n := range []int{4096, 8192, 16384, 32768, 65536, 100000, 1000000, 10000000} {
		w := chooseWidths(n)
		if w == nil {
			t.Logf("n=%d scan", n)
			continue
		}
		for _, r := range []int{31, 48, 64} {
			p := planRadii(w, n, r)
			probes, cands := 0.0, 0.0
			for i, rho := range p.radii {
				if rho >= 0 {
					c := float64(countMasks(int(w[i]), int(rho)))
					probes += c
					cands += c * float64(n) / float64(uint64(1)<<w[i])
				}
			}
			t.Logf("n=%d r=%d m=%d widths=%v radii=%v probes=%.0f cands=%.0f cost=%.0f scan=%.0f", n, r, len(w), w[:2], p.radii, probes, cands, p.cost, scanCost(n, 1))
		}
	}
}
