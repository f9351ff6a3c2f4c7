package jpeg

// lumaSlot is one block of an MCU as the fast scan decoder visits it.
type lumaSlot struct {
	dc, ac *lumaHuff
	luma   bool // a block of component 0, whose pixels are wanted
	off    int  // for luma blocks: offset of the block's first output pixel from the MCU's
}

// lumaScan is the geometry of one scan for the fast decoder.
type lumaScan struct {
	slots        []lumaSlot
	mcusX, mcusY int
	stepX, stepY int // output offset from one MCU to the next in a row, and from one MCU row to the next
	restart      int // MCUs per restart interval, 0 for none
	header       *scanHeader
}

// fail wraps err, found at MCU mx, my, as the full decoder does.
func (sc *lumaScan) fail(mx, my int, err error) error {
	return scanError(sc.header, my*sc.mcusX+mx, sc.mcusX*sc.mcusY, err)
}

// overrunError names why a scan consumed bits past its data.
func overrunError(data []byte, pos int) error {
	if entropyEnd(data, pos) == len(data) {
		return errTruncatedData
	}
	return errEarlyMarker
}

// decodeScan decodes one sequential Huffman scan whose entropy-coded data starts at data[pos],
// writing component 0's reduced blocks into d.plane and skipping everything else.
func (d *lumaDecoder) decodeScan(sc *lumaScan, pos int) error {
	data := d.data
	b := bitState{pos: pos}
	pred := 0 // component 0's DC prediction
	q0 := int(d.quant[0])
	limit := d.valueLimit
	left, rst := sc.restart, 0
	for my := range sc.mcusY {
		rowOff := my * sc.stepY
		for mx := range sc.mcusX {
			if sc.restart > 0 {
				if left == 0 {
					next, err := skipRestartMarker(data, b.pos, rst)
					if err != nil {
						return sc.fail(mx, my, err)
					}
					b, pred, left, rst = bitState{pos: next}, 0, sc.restart, (rst+1)&7
				}
				left--
			}
			mcuOff := rowOff + mx*sc.stepX
			for si := range sc.slots {
				sl := &sc.slots[si]
				if b.n < 32 {
					if w, ok := peek8(data, b.pos); ok && noFF(w) {
						b = b.load8(w)
					} else {
						b = b.fill(data)
					}
				}
				// The DC code, looked up here rather than by b.symbol, which is too large to inline.
				var size uint8
				if e := sl.dc.lookup[b.buf>>(64-lookaheadBits)]; e != 0 {
					b, size = b.consume(uint(e>>8)), uint8(e)
				} else {
					var ok bool
					if b, size, ok = b.symbolSlow(sl.dc); !ok {
						return sc.fail(mx, my, errBadHuffmanCode)
					}
				}
				var diff int32
				b, diff = b.receive(uint(size))
				k := 1
				if sl.luma {
					pred += int(diff)
					if limit > 1 {
						d.blk = [64]int16{0: int16(pred)}
						var err error
						if b, k, err = readValues(sl.ac, data, b, limit, &d.blk); err != nil {
							return sc.fail(mx, my, err)
						}
					}
				}
				for done := k >= 64; !done; {
					if b, k, done = skipRun(sl.ac.skip, data, b, k); !done {
						var err error
						if b, k, done, err = skipOne(sl.ac, data, b, k); err != nil {
							return sc.fail(mx, my, err)
						}
					}
				}
				if sl.luma {
					dst := d.plane[mcuOff+sl.off:]
					if limit > 1 {
						d.reduce(dst)
					} else {
						dst[0] = dcPixel(int(int16(pred)) * q0) // int16 as the coefficient buffers hold it
					}
				}
			}
			if b.overrun() {
				return sc.fail(mx, my, overrunError(data, b.pos))
			}
		}
	}
	return nil
}

// skipOne skips one AC symbol where skipRun cannot: it refills through 0xFF bytes, decodes codes
// longer than the skip table and handles runs that may end the block. done reports the end of
// the block.
func skipOne(h *lumaHuff, data []byte, b bitState, k int) (_ bitState, _ int, done bool, _ error) {
	if b.n < 32 {
		b = b.fill(data)
	}
	var s uint8
	var ok bool
	if b, s, ok = b.symbol(h); !ok {
		return b, k, true, errBadHuffmanCode
	}
	run, size := int(s>>4), uint(s&15)
	b = b.consume(size)
	switch {
	case size == 0 && run != 15:
		return b, k, true, nil // end of block
	case size != 0 && k+run > 63:
		return b, k, true, errCoefOverflow
	}
	k += run + 1
	return b, k, k >= 64, nil
}

// skipRun is the hot loop of the fast path: it consumes whole runs of AC symbols per skip-table
// lookup until the block ends (done) or until it needs help: a refill near a 0xFF byte or the
// end of the data, a code longer than the table, or a step that may reach the end of the block.
// It makes no calls, so the compiler keeps all its state in registers.
func skipRun(skip *[1 << skipBits]uint16, data []byte, b bitState, k int) (_ bitState, _ int, done bool) {
	for {
		if b.n < skipBits {
			w, ok := peek8(data, b.pos)
			if !ok || !noFF(w) {
				return b, k, false
			}
			b = b.load8(w)
		}
		e := skip[b.buf>>(64-skipBits)]
		adv := int(e >> skipAdvShift & 0xFF)
		if k+adv >= 64 {
			return b, k, false
		}
		b = b.consume(uint(e & skipLenMask))
		k += adv
		if e&skipEOB != 0 {
			return b, k, true
		}
	}
}

// readValues decodes the AC coefficients of a block with zig-zag index below limit into blk,
// mostly with one value-table lookup each. It returns the index to continue skipping from, 64
// if the block ended.
func readValues(h *lumaHuff, data []byte, b bitState, limit int, blk *[64]int16) (bitState, int, error) {
	vt := h.value
	k := 1
	for k < limit {
		if b.n < 32 {
			if w, ok := peek8(data, b.pos); ok && noFF(w) {
				b = b.load8(w)
			} else {
				b = b.fill(data)
			}
		}
		var run int
		var v int32
		if e := vt[b.buf>>(64-valueBits)]; e&valueLenMask != 0 {
			b = b.consume(uint(e & valueLenMask))
			if e&valueEOB != 0 {
				return b, 64, nil
			}
			run, v = int(e>>valueRunShift&15), int32(e)>>16
		} else {
			var s uint8
			var ok bool
			if b, s, ok = b.symbol(h); !ok {
				return b, k, errBadHuffmanCode
			}
			run = int(s >> 4)
			if s&15 == 0 {
				if run != 15 {
					return b, 64, nil
				}
				k += 16
				continue
			}
			b, v = b.receive(uint(s & 15))
		}
		if k += run; k > 63 {
			return b, k, errCoefOverflow
		}
		blk[zigzag[k]] = int16(v)
		k++
	}
	return b, k, nil
}
