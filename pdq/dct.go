package pdq

import "math"

// dctMatrix is the reference's 16x64 float32 DCT-II matrix. Row i is frequency i+1: the DC term is
// skipped because it carries only the mean brightness. Each entry is computed in float64 from a
// float32 scale factor and rounded to float32, as the reference does.
var dctMatrix = func() (m [16 * 64]float32) {
	scale := float64(float32(math.Sqrt(2.0 / 64)))
	for i := range 16 {
		for j := range 64 {
			m[i*64+j] = float32(scale * math.Cos((math.Pi/2/64)*float64(i+1)*float64(2*j+1)))
		}
	}
	return m
}()

// dct computes h.b = D * A * D^T from h.a64. Each sum is a float32 accumulator run in index order,
// and every product is rounded to float32 before it is added (the explicit conversions forbid the
// compiler from fusing multiply and add), which keeps the result bit-exact on every architecture.
func (h *Hasher) dct() {
	t := &h.t
	clear(t[:])
	for i := range 16 {
		row := t[i*64 : i*64+64]
		for k := range 64 {
			d := dctMatrix[i*64+k]
			a := h.a64[k*64 : k*64+64]
			for j := range row {
				row[j] += float32(d * a[j])
			}
		}
	}
	for i := range 16 {
		trow := t[i*64 : i*64+64]
		for j := range 16 {
			drow := dctMatrix[j*64 : j*64+64]
			var sum float32
			for k := range 64 {
				sum += float32(trow[k] * drow[k])
			}
			h.b[i*16+j] = sum
		}
	}
}
