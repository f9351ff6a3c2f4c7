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
//
// This is the hot loop of the fast path. The bit reader lives in local variables (see
// fastbits.go), and the common cases (one table lookup per code, several AC symbols skipped per
// lookup, 8-byte refills) need no calls, so the compiler can keep the state in registers.
func (d *lumaDecoder) decodeScan(sc *lumaScan, pos int) (int, error) {
	data := d.data
	var buf uint64
	var nbits, fake uint
	pred := 0
	plane := d.plane
	q0 := int(d.quant[0])
	limit := d.valueLimit
	left, rst := sc.restart, 0
	for my := range sc.mcusY {
		rowOff := my * sc.stepY
		for mx := range sc.mcusX {
			if sc.restart > 0 {
				if left == 0 {
					var err error
					if pos, err = skipRestartMarker(data, pos, rst); err != nil {
						return 0, sc.fail(mx, my, err)
					}
					rst = (rst + 1) & 7
					buf, nbits, fake, pred, left = 0, 0, 0, 0, sc.restart
				}
				left--
			}
			mcuOff := rowOff + mx*sc.stepX
			for si := range sc.slots {
				sl := &sc.slots[si]
				if nbits < 32 {
					if w, ok := word8(data, pos); ok {
						buf, pos, nbits = buf|w>>nbits, pos+int((63-nbits)>>3), nbits|56
					} else {
						pos, buf, nbits, fake = fillSlow(data, pos, buf, nbits, fake)
					}
				}
				// DC: a size category, then that many bits of difference.
				h := sl.dc
				var size, l uint
				if e := h.lookup[buf>>(64-lookaheadBits)]; e != 0 {
					size, l = uint(e&0xFF), uint(e>>8)
				} else {
					s, n := h.decodeSlow(buf)
					if n == 0 {
						return 0, sc.fail(mx, my, errBadHuffmanCode)
					}
					size, l = uint(s), n
				}
				buf <<= l
				k := 1
				if sl.luma {
					pred += int(extend(int32(buf>>(64-size)), int(size)))
					if limit > 1 {
						d.blk = [64]int16{0: int16(pred)}
					}
				}
				buf <<= size
				nbits -= l + size

				// AC values, only for luma blocks at scales that need more than the DC.
				h = sl.ac
				if sl.luma && limit > 1 {
					blk := &d.blk
					vt := h.value
					for k < limit {
						if nbits < 32 {
							pos, buf, nbits, fake = fill(data, pos, buf, nbits, fake)
						}
						if e := vt[buf>>(64-valueBits)]; e&valueLenMask != 0 {
							n := uint(e & valueLenMask)
							buf <<= n
							nbits -= n
							if e&valueEOB != 0 {
								k = 64
								break
							}
							if k += int(e >> valueRunShift & 15); k > 63 {
								return 0, sc.fail(mx, my, errCoefOverflow)
							}
							blk[zigzag[k]] = int16(int32(e) >> 16)
							k++
							continue
						}
						var s uint8
						var n uint
						if e := h.lookup[buf>>(64-lookaheadBits)]; e != 0 {
							s, n = uint8(e), uint(e>>8)
						} else if s, n = h.decodeSlow(buf); n == 0 {
							return 0, sc.fail(mx, my, errBadHuffmanCode)
						}
						run, size := int(s>>4), uint(s&15)
						buf <<= n
						if size == 0 {
							nbits -= n
							if run != 15 {
								k = 64
								break
							}
							k += 16
							continue
						}
						v := extend(int32(buf>>(64-size)), int(size))
						buf <<= size
						nbits -= n + size
						if k += run; k > 63 {
							return 0, sc.fail(mx, my, errCoefOverflow)
						}
						blk[zigzag[k]] = int16(v)
						k++
					}
				}

				// AC skipping: lengths and runs only.
				skip := h.skip
				for k < 64 {
					if nbits < skipBits {
						if w, ok := word8(data, pos); ok {
							buf, pos, nbits = buf|w>>nbits, pos+int((63-nbits)>>3), nbits|56
						} else {
							pos, buf, nbits, fake = fillSlow(data, pos, buf, nbits, fake)
						}
					}
					e := skip[buf>>(64-skipBits)]
					if adv := int(e >> skipAdvShift & 0xFF); k+adv < 64 {
						n := uint(e & skipLenMask)
						buf <<= n
						nbits -= n
						k += adv
						if e&skipEOB != 0 {
							break
						}
						continue
					}
					// One symbol at a time: a long code, or a run that may end the block.
					if nbits < 32 {
						pos, buf, nbits, fake = fill(data, pos, buf, nbits, fake)
					}
					var s uint8
					var n uint
					if e := h.lookup[buf>>(64-lookaheadBits)]; e != 0 {
						s, n = uint8(e), uint(e>>8)
					} else if s, n = h.decodeSlow(buf); n == 0 {
						return 0, sc.fail(mx, my, errBadHuffmanCode)
					}
					run, size := int(s>>4), uint(s&15)
					buf <<= n + size
					nbits -= n + size
					if size == 0 {
						if run != 15 {
							break
						}
					} else if k+run > 63 {
						return 0, sc.fail(mx, my, errCoefOverflow)
					}
					k += run + 1
				}

				if sl.luma {
					dst := plane[mcuOff+sl.off:]
					if limit > 1 {
						d.reduce(dst)
					} else {
						dst[0] = dcPixel(int(int16(pred)) * q0) // int16 as the coefficient buffers hold it
					}
				}
			}
			if nbits < fake {
				return 0, sc.fail(mx, my, overrun(data, pos))
			}
		}
	}
	return entropyEnd(data, pos), nil
}
