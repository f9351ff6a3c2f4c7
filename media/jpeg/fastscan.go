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

// overrun names why a scan consumed bits past its data.
func overrun(data []byte, pos int) error {
	if entropyEnd(data, pos) == len(data) {
		return errTruncatedData
	}
	return errEarlyMarker
}

// decodeScan decodes one sequential Huffman scan starting at data[pos], writing component 0's
// reduced blocks into d.plane and skipping everything else. It returns the offset where the
// scan's entropy-coded data ends.
func (d *lumaDecoder) decodeScan(sc *lumaScan, pos int) (int, error) {
	data := d.data
	b := bitState{pos: pos}
	pred := 0
	q0 := int(d.quant[0])
	limit := d.valueLimit
	left, rst := sc.restart, 0
	for my := range sc.mcusY {
		rowOff := my * sc.stepY
		for mx := range sc.mcusX {
			if sc.restart > 0 {
				if left == 0 {
					pos, err := skipRestartMarker(data, b.pos, rst)
					if err != nil {
						return 0, sc.fail(mx, my, err)
					}
					b, pred, left, rst = bitState{pos: pos}, 0, sc.restart, (rst+1)&7
				}
				left--
			}
			mcuOff := rowOff + mx*sc.stepX
			for si := range sc.slots {
				sl := &sc.slots[si]
				if b.n < 32 {
					b = b.fill(data)
				}
				b, size, ok := b.symbol(sl.dc)
				if !ok {
					return 0, sc.fail(mx, my, errBadHuffmanCode)
				}
				b, diff := b.receive(uint(size))
				k := 1
				if sl.luma && limit > 1 {
					pred += int(diff)
					d.blk = [64]int16{0: int16(pred)}
					var err error
					if b, k, err = readValues(sl.ac, data, b, limit, &d.blk); err != nil {
						return 0, sc.fail(mx, my, err)
					}
				} else if sl.luma {
					pred += int(diff)
				}
				if k < 64 {
					var err error
					if b, err = skipAC(sl.ac, data, b, k); err != nil {
						return 0, sc.fail(mx, my, err)
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
				return 0, sc.fail(mx, my, overrun(data, b.pos))
			}
		}
	}
	return entropyEnd(data, b.pos), nil
}

// skipAC skips the AC coefficients of a block from zig-zag index k on: mostly by skipRun, and one
// symbol at a time where the skip table cannot decide.
func skipAC(h *lumaHuff, data []byte, b bitState, k int) (bitState, error) {
	for {
		var done bool
		if b, k, done = skipRun(h.skip, data, b, k); done {
			return b, nil
		}
		if b.n < 32 {
			b = b.fill(data)
		}
		b, s, ok := b.symbol(h)
		if !ok {
			return b, errBadHuffmanCode
		}
		run, size := int(s>>4), uint(s&15)
		b = b.consume(size)
		switch {
		case size == 0 && run != 15:
			return b, nil // end of block
		case size != 0 && k+run > 63:
			return b, errCoefOverflow
		}
		if k += run + 1; k >= 64 {
			return b, nil
		}
	}
}

// skipRun is the hot loop of the fast path: it consumes whole runs of AC symbols per skip-table
// lookup until the block ends (done) or until it needs help: a refill near a 0xFF byte or the
// end of the data, a code longer than the table, or a step that may reach the end of the block.
// It makes no calls, so the compiler keeps all its state in registers.
func skipRun(skip *[1 << skipBits]uint16, data []byte, b bitState, k int) (_ bitState, _ int, done bool) {
	for {
		if b.n < skipBits {
			w, ok := word8(data, b.pos)
			if !ok {
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
	for k := 1; k < limit; {
		if b.n < 32 {
			b = b.fill(data)
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
	return b, limit, nil
}
