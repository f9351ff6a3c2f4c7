package pdq

import "slices"

// dihedral names one of the 8 symmetries of the square, in the reference's output order.
type dihedral int

const (
	orig dihedral = iota
	rot90
	rot180
	rot270
	flipX
	flipY
	flipPlus1
	flipMinus1
)

// coefficient returns entry (i, j) of the DCT of the transformed image, computed from the DCT of the
// original: a transpose swaps the frequency axes, and reflecting an axis negates its odd-indexed
// basis functions (index 0 here is frequency 1, so the negated ones are the even indices).
func (h *Hasher) coefficient(d dihedral, i, j int) float32 {
	even := func(n int) bool { return n%2 == 0 }
	switch d {
	case rot90:
		return negateIf(h.b[j*16+i], even(i))
	case rot180:
		return negateIf(h.b[i*16+j], !even(i+j))
	case rot270:
		return negateIf(h.b[j*16+i], even(j))
	case flipX:
		return negateIf(h.b[i*16+j], even(i))
	case flipY:
		return negateIf(h.b[i*16+j], even(j))
	case flipPlus1:
		return h.b[j*16+i]
	case flipMinus1:
		return negateIf(h.b[j*16+i], !even(i+j))
	}
	return h.b[i*16+j]
}

func negateIf(v float32, negate bool) float32 {
	if negate {
		return -v
	}
	return v
}

// bits thresholds the (transformed) DCT at its median: bit 16*i+j is set when coefficient (i, j)
// is strictly above it. The median is the lower one, element 127 of 256 in ascending order, which
// is what the reference's Torben selection returns.
func (h *Hasher) bits(d dihedral) Hash {
	var coef [256]float32
	for i := range 16 {
		for j := range 16 {
			coef[i*16+j] = h.coefficient(d, i, j)
		}
	}
	h.sorted = coef
	slices.Sort(h.sorted[:])
	median := h.sorted[127]
	var hash Hash
	for k, v := range coef {
		if v > median {
			hash.setBit(k)
		}
	}
	return hash
}
