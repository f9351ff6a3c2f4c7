package jpeg

// This file decodes the four kinds of progressive Huffman scans (T.81 G.1.2): DC first and
// refinement scans, which may interleave components, and AC first and refinement scans over a
// spectral band of a single component, which code runs of empty blocks as EOB runs.

// huffProgressive decodes one progressive Huffman-coded scan (SOF2).
type huffProgressive struct {
	br     bitReader
	eof    bool
	ss, se int
	al     uint
	refine bool // successive approximation refinement (Ah != 0)
	dc     []*huffTable
	ac     *huffTable // the only component's AC table, for AC scans
	pred   []int32    // DC predictors by scan component
	eobRun int        // blocks left in the current EOB run, including the one being decoded
}

func newHuffProgressive(t *tables, s *scanHeader, seg []byte, eof bool) (*huffProgressive, error) {
	d := &huffProgressive{
		br: bitReader{data: seg}, eof: eof, ss: s.ss, se: s.se, al: uint(s.al), refine: s.ah != 0,
		pred: make([]int32, len(s.comps)),
	}
	var err error
	switch {
	case s.ss != 0:
		var ac []*huffTable
		ac, err = buildHuffTables(t, s, 1)
		if err == nil {
			d.ac = ac[0]
		}
	case !d.refine:
		d.dc, err = buildHuffTables(t, s, 0)
	}
	return d, err
}

func (d *huffProgressive) block(i int, blk []int16) error {
	blk = blk[:64]
	switch {
	case d.ss == 0 && !d.refine:
		s, err := d.br.decode(d.dc[i])
		if err != nil {
			return err
		}
		d.pred[i] += d.br.receiveExtend(s)
		blk[0] = int16(d.pred[i] << d.al)
	case d.ss == 0:
		if d.br.bit() {
			blk[0] |= 1 << d.al
		}
	case !d.refine:
		return d.acFirst(blk)
	default:
		return d.acRefine(blk)
	}
	return nil
}

// acFirst decodes the first scan of a spectral band (T.81 G.1.2.2).
func (d *huffProgressive) acFirst(blk []int16) error {
	if d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	r, err := d.br.decodeBand(blk, d.ac, d.ss, d.se, d.al)
	if r >= 0 {
		d.eobRun = d.readEOBRun(r) - 1
	}
	return err
}

// readEOBRun reads the length of an EOB run whose symbol had run field r: 2^r plus r more bits.
func (d *huffProgressive) readEOBRun(r int) int {
	n := 1 << r
	if r > 0 {
		n += int(d.br.bits(uint(r)))
	}
	return n
}

// acRefine decodes a refinement scan of a spectral band (T.81 G.1.2.3): one more bit for every
// coefficient already nonzero, and new coefficients of magnitude 1 in the current bit position.
func (d *huffProgressive) acRefine(blk []int16) error {
	p1 := int16(1) << d.al
	k := d.ss
	if d.eobRun == 0 {
		for ; k <= d.se; k++ {
			rs, err := d.br.decode(d.ac)
			if err != nil {
				return err
			}
			r, s := int(rs>>4), rs&15
			var v int16
			switch {
			case s > 1:
				return errBadRefinement
			case s == 1:
				v = p1
				if !d.br.bit() {
					v = -p1
				}
			case r != 15:
				d.eobRun = d.readEOBRun(r)
				r = -1 // stop: the rest of the block is handled as part of the EOB run below
			}
			if r < 0 {
				break
			}
			// Skip r zero-history coefficients, refining the nonzero ones passed on the way.
			for ; k <= d.se; k++ {
				z := zigzag[k]
				if blk[z] != 0 {
					d.refineCoef(&blk[z], p1)
				} else if r--; r < 0 {
					break
				}
			}
			if v != 0 {
				if k > d.se {
					return errCoefOverflow
				}
				blk[zigzag[k]] = v
			}
		}
	}
	if d.eobRun > 0 {
		for ; k <= d.se; k++ {
			if z := zigzag[k]; blk[z] != 0 {
				d.refineCoef(&blk[z], p1)
			}
		}
		d.eobRun--
	}
	return nil
}

// refineCoef reads the correction bit of an already nonzero coefficient and, if set, moves the
// coefficient one step p1 away from zero (unless this bit was already applied).
func (d *huffProgressive) refineCoef(c *int16, p1 int16) {
	if d.br.bit() && *c&p1 == 0 {
		if *c >= 0 {
			*c += p1
		} else {
			*c -= p1
		}
	}
}

func (d *huffProgressive) endMCU() error { return d.br.endMCU(d.eof) }

func (d *huffProgressive) restart(n int) error {
	clear(d.pred)
	d.eobRun = 0
	return d.br.restart(n)
}
