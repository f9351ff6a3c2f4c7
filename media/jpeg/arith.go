package jpeg

import (
	"errors"
	"fmt"
)

// This file decodes arithmetic-coded scans (SOF9 sequential, SOF10 progressive): the binary
// arithmetic decoder of T.81 Annex D and the coefficient models of Annex F.1.4 / F.2.4 and G.1.3.

// qeEntry is one row of T.81 Table D.2, the probability estimation state machine.
type qeEntry struct {
	qe        uint16 // LPS probability estimate
	nextLPS   uint8  // state after coding an LPS
	nextMPS   uint8  // state after coding an MPS (with renormalisation)
	switchMPS bool   // an LPS in this state swaps the sense of MPS
}

// qeTable is T.81 Table D.2 plus a final state 113 that never adapts: its fixed 0.5 estimate codes
// sign bits and DC refinement bits, as libjpeg does (after T.851 Table 5).
var qeTable = [114]qeEntry{
	{0x5a1d, 1, 1, true}, {0x2586, 14, 2, false}, {0x1114, 16, 3, false}, {0x080b, 18, 4, false},
	{0x03d8, 20, 5, false}, {0x01da, 23, 6, false}, {0x00e5, 25, 7, false}, {0x006f, 28, 8, false},
	{0x0036, 30, 9, false}, {0x001a, 33, 10, false}, {0x000d, 35, 11, false}, {0x0006, 9, 12, false},
	{0x0003, 10, 13, false}, {0x0001, 12, 13, false}, {0x5a7f, 15, 15, true}, {0x3f25, 36, 16, false},
	{0x2cf2, 38, 17, false}, {0x207c, 39, 18, false}, {0x17b9, 40, 19, false}, {0x1182, 42, 20, false},
	{0x0cef, 43, 21, false}, {0x09a1, 45, 22, false}, {0x072f, 46, 23, false}, {0x055c, 48, 24, false},
	{0x0406, 49, 25, false}, {0x0303, 51, 26, false}, {0x0240, 52, 27, false}, {0x01b1, 54, 28, false},
	{0x0144, 56, 29, false}, {0x00f5, 57, 30, false}, {0x00b7, 59, 31, false}, {0x008a, 60, 32, false},
	{0x0068, 62, 33, false}, {0x004e, 63, 34, false}, {0x003b, 32, 35, false}, {0x002c, 33, 9, false},
	{0x5ae1, 37, 37, true}, {0x484c, 64, 38, false}, {0x3a0d, 65, 39, false}, {0x2ef1, 67, 40, false},
	{0x261f, 68, 41, false}, {0x1f33, 69, 42, false}, {0x19a8, 70, 43, false}, {0x1518, 72, 44, false},
	{0x1177, 73, 45, false}, {0x0e74, 74, 46, false}, {0x0bfb, 75, 47, false}, {0x09f8, 77, 48, false},
	{0x0861, 78, 49, false}, {0x0706, 79, 50, false}, {0x05cd, 48, 51, false}, {0x04de, 50, 52, false},
	{0x040f, 50, 53, false}, {0x0363, 51, 54, false}, {0x02d4, 52, 55, false}, {0x025c, 53, 56, false},
	{0x01f8, 54, 57, false}, {0x01a4, 55, 58, false}, {0x0160, 56, 59, false}, {0x0125, 57, 60, false},
	{0x00f6, 58, 61, false}, {0x00cb, 59, 62, false}, {0x00ab, 61, 63, false}, {0x008f, 61, 32, false},
	{0x5b12, 65, 65, true}, {0x4d04, 80, 66, false}, {0x412c, 81, 67, false}, {0x37d8, 82, 68, false},
	{0x2fe8, 83, 69, false}, {0x293c, 84, 70, false}, {0x2379, 86, 71, false}, {0x1edf, 87, 72, false},
	{0x1aa9, 87, 73, false}, {0x174e, 72, 74, false}, {0x1424, 72, 75, false}, {0x119c, 74, 76, false},
	{0x0f6b, 74, 77, false}, {0x0d51, 75, 78, false}, {0x0bb6, 77, 79, false}, {0x0a40, 77, 48, false},
	{0x5832, 80, 81, true}, {0x4d1c, 88, 82, false}, {0x438e, 89, 83, false}, {0x3bdd, 90, 84, false},
	{0x34ee, 91, 85, false}, {0x2eae, 92, 86, false}, {0x299a, 93, 87, false}, {0x2516, 86, 71, false},
	{0x5570, 88, 89, true}, {0x4ca9, 95, 90, false}, {0x44d9, 96, 91, false}, {0x3e22, 97, 92, false},
	{0x3824, 99, 93, false}, {0x32b4, 99, 94, false}, {0x2e17, 93, 86, false}, {0x56a8, 95, 96, true},
	{0x4f46, 101, 97, false}, {0x47e5, 102, 98, false}, {0x41cf, 103, 99, false}, {0x3c3d, 104, 100, false},
	{0x375e, 99, 93, false}, {0x5231, 105, 102, false}, {0x4c0f, 106, 103, false}, {0x4639, 107, 104, false},
	{0x415e, 103, 99, false}, {0x5627, 105, 106, true}, {0x50e7, 108, 107, false}, {0x4b85, 109, 103, false},
	{0x5597, 110, 109, false}, {0x504f, 111, 107, false}, {0x5a10, 110, 111, true}, {0x5522, 112, 109, false},
	{0x59eb, 112, 111, true}, {0x5a1d, 113, 113, false},
}

// fixedState is the index of the non-adapting 0.5 estimate in qeTable.
const fixedState = 113

// Statistics bins per table (T.81 F.1.4.4): DC uses 5 contexts x 4 bins plus two 14-bin banks
// for magnitude categories and bits; AC uses 3 bins per coefficient plus two such banks.
const (
	dcBins = 64
	acBins = 256
)

var (
	errArithMagnitude = errors.New("arithmetic-coded magnitude too large")
	errArithSpectral  = errors.New("arithmetic-coded coefficient index past the end of the band")
)

// arithState is one statistics bin: the state index in its low 7 bits and the current MPS
// (0 or 1) in bit 7.
type arithState = uint8

// arithReader is the arithmetic decoder's interval and input state (T.81 D.2).
type arithReader struct {
	data     []byte
	pos      int
	atMarker bool  // a marker (or the end) was reached; zeros are supplied from then on
	pastEnd  int   // zero bytes supplied after the end of data (as opposed to before a RSTn marker)
	c        int64 // code register: interval base and input bits
	a        int64 // interval size, normalised to at least 0x8000
	ct       int   // bits left in the low byte of c; -16 before the first two bytes
}

// reset restarts decoding at the current position, as at a scan start or restart marker.
func (ar *arithReader) reset() {
	ar.c, ar.a, ar.ct, ar.atMarker, ar.pastEnd = 0, 0, -16, false, 0
}

// nextByte returns the next data byte, undoing 0xFF00 stuffing. At a marker, or at the end of
// the data, it returns zeros: arithmetic-coded data may legitimately end before the decoder has
// read all the bits it asks for.
func (ar *arithReader) nextByte() int64 {
	if ar.pos >= len(ar.data) {
		ar.atMarker = true
		ar.pastEnd++
		return 0
	}
	if ar.atMarker {
		return 0
	}
	b := ar.data[ar.pos]
	if b != 0xFF {
		ar.pos++
		return int64(b)
	}
	j := ar.pos + 1
	for j < len(ar.data) && ar.data[j] == 0xFF {
		j++
	}
	if j < len(ar.data) && ar.data[j] == 0 {
		ar.pos = j + 1
		return 0xFF
	}
	ar.atMarker = true
	return 0
}

// decode decodes one binary decision with the statistics bin st, updating the bin (T.81 D.2.4-D.2.6).
func (ar *arithReader) decode(st *arithState) int {
	for ar.a < 0x8000 {
		ar.ct--
		if ar.ct < 0 {
			ar.c = ar.c<<8 | ar.nextByte()
			ar.ct += 8
			if ar.ct < 0 {
				// Still reading the first two bytes; after the second, A starts at 0x10000.
				ar.ct++
				if ar.ct == 0 {
					ar.a = 0x8000
				}
			}
		}
		ar.a <<= 1
	}
	sv := *st
	e := &qeTable[sv&0x7F]
	qe := int64(e.qe)
	mps := int(sv >> 7)
	ar.a -= qe
	temp := ar.a << ar.ct
	var lps bool
	switch {
	case ar.c >= temp:
		ar.c -= temp
		lps = ar.a >= qe // conditional exchange: when the LPS interval is larger, it codes the MPS
		ar.a = qe
	case ar.a >= 0x8000:
		return mps // no renormalisation, so no estimate update
	default:
		lps = ar.a < qe
	}
	if lps {
		next := sv&0x80 | e.nextLPS
		if e.switchMPS {
			next ^= 0x80
		}
		*st = next
		return mps ^ 1
	}
	*st = sv&0x80 | e.nextMPS
	return mps
}

// arithDecoder decodes one arithmetic-coded scan, sequential or progressive.
type arithDecoder struct {
	ar          arithReader
	eof         bool // the scan's data runs to the end of the file
	progressive bool
	ss, se, al  int
	refine      bool
	dcTbl       []uint8 // DC statistics table by scan component
	acTbl       []uint8 // AC statistics table by scan component
	cond        [4]arithConditioning
	pred        []int32 // DC predictors (kept modulo 2^16, as libjpeg does)
	dcContext   []int   // DC conditioning context (T.81 F.1.4.4.1.2) by scan component
	dcStats     [4][dcBins]arithState
	acStats     [4][acBins]arithState
	fixed       arithState
}

func newArithDecoder(f *frame, t *tables, s *scanHeader, seg []byte, eof bool) (*arithDecoder, error) {
	d := &arithDecoder{
		ar: arithReader{data: seg}, eof: eof, progressive: f.progressive,
		ss: s.ss, se: s.se, al: s.al, refine: s.ah != 0, cond: t.arith,
		dcTbl: make([]uint8, len(s.comps)), acTbl: make([]uint8, len(s.comps)),
		pred: make([]int32, len(s.comps)), dcContext: make([]int, len(s.comps)), fixed: fixedState,
	}
	if !f.progressive {
		d.ss, d.se, d.al, d.refine = 0, 63, 0, false
	}
	for i, sc := range s.comps {
		if d.usesDC() && sc.dc > 3 || d.usesAC() && sc.ac > 3 {
			return nil, fmt.Errorf("jpeg: scan %d selects arithmetic table %d/%d (want 0..3)", s.index, sc.dc, sc.ac)
		}
		d.dcTbl[i], d.acTbl[i] = sc.dc&3, sc.ac&3
	}
	d.ar.reset()
	return d, nil
}

// usesDC and usesAC report which statistics the scan codes with: DC statistics in sequential
// scans and DC first scans, AC statistics in sequential scans and all AC scans.
func (d *arithDecoder) usesDC() bool { return !d.progressive || d.ss == 0 && !d.refine }
func (d *arithDecoder) usesAC() bool { return !d.progressive || d.ss != 0 }

func (d *arithDecoder) block(i int, blk []int16) error {
	blk = blk[:64]
	switch {
	case !d.progressive:
		if err := d.decodeDC(i); err != nil {
			return err
		}
		blk[0] = int16(d.pred[i])
		return d.decodeAC(blk, d.acTbl[i])
	case d.ss == 0 && !d.refine:
		if err := d.decodeDC(i); err != nil {
			return err
		}
		blk[0] = int16(d.pred[i] << d.al)
	case d.ss == 0:
		if d.ar.decode(&d.fixed) != 0 {
			blk[0] |= 1 << d.al
		}
	case !d.refine:
		return d.decodeAC(blk, d.acTbl[i])
	default:
		return d.refineAC(blk, d.acTbl[i])
	}
	return nil
}

// decodeDC decodes a DC difference for scan component i and adds it to the predictor
// (T.81 F.1.4.4.1 and figures F.19 to F.24).
func (d *arithDecoder) decodeDC(i int) error {
	tbl := d.dcTbl[i]
	st := d.dcStats[tbl][:]
	ctx := d.dcContext[i]
	if d.ar.decode(&st[ctx]) == 0 {
		d.dcContext[i] = 0
		return nil
	}
	sign := d.ar.decode(&st[ctx+1])
	bin := ctx + 2 + sign
	m := d.ar.decode(&st[bin])
	if m != 0 {
		var err error
		if m, bin, err = d.category(st, 20, m); err != nil {
			return err
		}
	}
	switch c := d.cond[tbl]; {
	case m < (1<<c.dcL)>>1:
		d.dcContext[i] = 0
	case m > (1<<c.dcU)>>1:
		d.dcContext[i] = 12 + 4*sign
	default:
		d.dcContext[i] = 4 + 4*sign
	}
	d.pred[i] = (d.pred[i] + d.value(st, bin+14, m, sign)) & 0xFFFF
	return nil
}

// decodeAC decodes the coefficients ss..se of a block with AC statistics table tbl (T.81
// F.1.4.4.2 and figure F.20), scaled by the point transform al.
func (d *arithDecoder) decodeAC(blk []int16, tbl uint8) error {
	st := d.acStats[tbl][:]
	for k := max(d.ss, 1); k <= d.se; k++ {
		bin := 3 * (k - 1)
		if d.ar.decode(&st[bin]) != 0 {
			return nil // end of block
		}
		for d.ar.decode(&st[bin+1]) == 0 {
			bin += 3
			k++
			if k > d.se {
				return errArithSpectral
			}
		}
		sign := d.ar.decode(&d.fixed)
		bin += 2
		m := d.ar.decode(&st[bin])
		if m != 0 && d.ar.decode(&st[bin]) != 0 {
			next := 217
			if k <= int(d.cond[tbl].acK) {
				next = 189
			}
			var err error
			if m, bin, err = d.category(st, next, 2); err != nil {
				return err
			}
		}
		blk[zigzag[k]] = int16(d.value(st, bin+14, m, sign) << d.al)
	}
	return nil
}

// category continues decoding a magnitude category: each 1 decided in bins st[bin], st[bin+1],
// ... doubles m. It returns m and the last bin used.
func (d *arithDecoder) category(st []arithState, bin, m int) (int, int, error) {
	for d.ar.decode(&st[bin]) != 0 {
		m <<= 1
		if m == 0x8000 {
			return 0, 0, errArithMagnitude
		}
		bin++
	}
	return m, bin, nil
}

// value decodes the bits below the top bit m of a magnitude, all in bin st[bin], and returns
// the signed value (magnitude plus one, negated if sign is 1).
func (d *arithDecoder) value(st []arithState, bin, m, sign int) int32 {
	v := m
	for m >>= 1; m != 0; m >>= 1 {
		if d.ar.decode(&st[bin]) != 0 {
			v |= m
		}
	}
	v++
	if sign != 0 {
		v = -v
	}
	return int32(v)
}

// refineAC decodes a successive approximation refinement of coefficients ss..se (T.81 G.1.3.3).
func (d *arithDecoder) refineAC(blk []int16, tbl uint8) error {
	st := d.acStats[tbl][:]
	p1 := int16(1) << d.al
	// kex is the end of block as of the previous scans of this band.
	kex := d.se
	for kex > 0 && blk[zigzag[kex]] == 0 {
		kex--
	}
	for k := d.ss; k <= d.se; k++ {
		bin := 3 * (k - 1)
		if k > kex && d.ar.decode(&st[bin]) != 0 {
			return nil // end of block
		}
		for {
			c := &blk[zigzag[k]]
			if *c != 0 {
				if d.ar.decode(&st[bin+2]) != 0 {
					if *c < 0 {
						*c -= p1
					} else {
						*c += p1
					}
				}
				break
			}
			if d.ar.decode(&st[bin+1]) != 0 {
				*c = p1
				if d.ar.decode(&d.fixed) != 0 {
					*c = -p1
				}
				break
			}
			bin += 3
			k++
			if k > d.se {
				return errArithSpectral
			}
		}
	}
	return nil
}

// maxArithPadding is how many zero bytes past the end of the file an arithmetic-coded scan may
// consume before it counts as truncated. A complete scan whose file merely lacks the EOI marker
// consumes two or three (the decoder reads ahead), plus any zero bytes the encoder left out at
// the end of the code stream, which it is allowed to. A file cut short usually needs more for
// its missing MCUs, but not always: decoding zeros is cheap, so small truncations can go
// unnoticed, and then the missing MCUs decode as whatever the zeros mean (as in libjpeg).
const maxArithPadding = 8

// endMCU reports a scan that runs to the end of the file and has consumed more zero padding
// there than an encoder can have left out. Before a marker zero padding is the convention of
// arithmetic coding and is never an error.
func (d *arithDecoder) endMCU() error {
	if d.eof && d.ar.pastEnd > maxArithPadding {
		return errTruncatedData
	}
	return nil
}

func (d *arithDecoder) restart(n int) error {
	pos, err := skipRestartMarker(d.ar.data, d.ar.pos, n)
	if err != nil {
		return err
	}
	d.ar.pos = pos
	d.ar.reset()
	d.resetStats()
	return nil
}

// resetStats clears the statistics, predictors and contexts the scan uses, as at its start.
func (d *arithDecoder) resetStats() {
	for i := range d.dcTbl {
		if d.usesDC() {
			clear(d.dcStats[d.dcTbl[i]][:])
			d.pred[i], d.dcContext[i] = 0, 0
		}
		if d.usesAC() {
			clear(d.acStats[d.acTbl[i]][:])
		}
	}
}
