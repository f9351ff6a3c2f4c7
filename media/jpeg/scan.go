package jpeg

import (
	"errors"
	"fmt"
)

// This file drives the decoding of one scan: it sets up the entropy decoder the frame type calls
// for, walks the scan's MCUs in order, maps each MCU to its blocks in the coefficient buffers and
// handles restart intervals.

// entropyDecoder decodes the blocks of one scan. Implementations: huffSequential (huffman.go),
// huffProgressive (progressive.go), arithDecoder (arith.go).
type entropyDecoder interface {
	// block decodes the next block of scan component i (an index into scanHeader.comps) into
	// blk, which holds that block's 64 coefficients in natural order.
	block(i int, blk []int16) error
	// endMCU is called after each MCU and reports entropy-coded data that ran out.
	endMCU() error
	// restart consumes restart marker RSTn and resets the prediction and entropy state.
	restart(n int) error
}

// errTruncatedData and errEarlyMarker report a scan whose decoder needed more data than there
// was: the file ended, or a marker interrupted the data.
var (
	errTruncatedData = errors.New("truncated entropy-coded data")
	errEarlyMarker   = errors.New("entropy-coded data interrupted by a marker")
)

// scanData returns the entropy-coded bytes of scan s: from its start up to the marker that ends
// it (restart markers included), and whether they run to the end of the file.
func scanData(data []byte, s *scanHeader) (seg []byte, eof bool) {
	end := entropyEnd(data, s.dataStart)
	return data[s.dataStart:end], end == len(data)
}

// newEntropyDecoder builds the decoder for scan s from the tables currently defined.
func newEntropyDecoder(f *frame, t *tables, s *scanHeader, seg []byte, eof bool) (entropyDecoder, error) {
	switch {
	case f.arithmetic:
		return newArithDecoder(f, t, s, seg, eof)
	case f.progressive:
		return newHuffProgressive(t, s, seg, eof)
	default:
		return newHuffSequential(t, s, seg, eof)
	}
}

// decodeScan decodes all MCUs of scan s into the frame's coefficient buffers.
func decodeScan(f *frame, s *scanHeader, dec entropyDecoder, restartInterval int) error {
	rc := restartCounter{interval: restartInterval}
	first := &f.comps[s.comps[0].comp]
	// A non-interleaved scan covers only the blocks that hold image data, one block per MCU.
	perRow := ceilDiv(ceilDiv(f.width*first.h, f.hmax), 8)
	total := perRow * ceilDiv(ceilDiv(f.height*first.v, f.vmax), 8)
	if s.interleaved() {
		perRow, total = f.mcusX, f.mcusX*f.mcusY
	}
	for m := range total {
		if rc.due(m) {
			if err := dec.restart(rc.take()); err != nil {
				return scanError(s, m, total, err)
			}
		}
		var err error
		if s.interleaved() {
			err = decodeInterleavedMCU(f, s, dec, m%perRow, m/perRow)
		} else {
			off := (m/perRow*first.blocksW + m%perRow) * 64
			err = dec.block(0, first.coef[off:off+64])
		}
		if err == nil {
			err = dec.endMCU()
		}
		if err != nil {
			return scanError(s, m, total, err)
		}
	}
	return nil
}

// decodeInterleavedMCU decodes the MCU at column mx, row my of an interleaved scan: for each
// component in scan order, its v rows of h blocks.
func decodeInterleavedMCU(f *frame, s *scanHeader, dec entropyDecoder, mx, my int) error {
	for i, sc := range s.comps {
		c := &f.comps[sc.comp]
		for y := range c.v {
			off := ((my*c.v+y)*c.blocksW + mx*c.h) * 64
			for range c.h {
				if err := dec.block(i, c.coef[off:off+64]); err != nil {
					return err
				}
				off += 64
			}
		}
	}
	return nil
}

// scanError names the scan and MCU where decoding failed.
func scanError(s *scanHeader, m, total int, err error) error {
	return fmt.Errorf("jpeg: %w in scan %d at MCU %d of %d", err, s.index, m, total)
}

// buildHuffTables builds the DC (class 0) or AC (class 1) tables that scan s selects, indexed by
// scan component.
func buildHuffTables(t *tables, s *scanHeader, class int) ([]*huffTable, error) {
	out := make([]*huffTable, len(s.comps))
	var built [4]*huffTable
	for i, sc := range s.comps {
		id := sc.dc
		if class == 1 {
			id = sc.ac
		}
		if id > 3 || !t.huffDefined[class][id] {
			return nil, fmt.Errorf("jpeg: scan %d uses undefined %s Huffman table %d", s.index, className(class), id)
		}
		if built[id] == nil {
			built[id] = new(huffTable)
			if err := built[id].build(&t.huff[class][id], class == 0); err != nil {
				return nil, fmt.Errorf("jpeg: scan %d, %s table %d: %w", s.index, className(class), id, err)
			}
		}
		out[i] = built[id]
	}
	return out, nil
}

// className names a table class in error messages.
func className(class int) string {
	if class == 0 {
		return "DC"
	}
	return "AC"
}

// huffSequential decodes a sequential Huffman-coded scan (SOF0, SOF1).
type huffSequential struct {
	br     bitReader
	eof    bool // the scan's data runs to the end of the file
	dc, ac []*huffTable
	pred   []int32 // DC predictors by scan component
}

func newHuffSequential(t *tables, s *scanHeader, seg []byte, eof bool) (*huffSequential, error) {
	dc, err := buildHuffTables(t, s, 0)
	if err != nil {
		return nil, err
	}
	ac, err := buildHuffTables(t, s, 1)
	if err != nil {
		return nil, err
	}
	return &huffSequential{br: bitReader{data: seg}, eof: eof, dc: dc, ac: ac, pred: make([]int32, len(s.comps))}, nil
}

func (d *huffSequential) block(i int, blk []int16) error {
	return d.br.decodeSequential(blk, d.dc[i], d.ac[i], &d.pred[i])
}

func (d *huffSequential) endMCU() error { return d.br.endMCU(d.eof) }

func (d *huffSequential) restart(n int) error {
	clear(d.pred)
	return d.br.restart(n)
}

// endMCU reports whether the decoder consumed padding, with the reason.
func (br *bitReader) endMCU(eof bool) error {
	if !br.overrun() {
		return nil
	}
	if eof {
		return errTruncatedData
	}
	return errEarlyMarker
}

// restart skips to restart marker RSTn and clears the bit buffer.
func (br *bitReader) restart(n int) error {
	pos, err := skipRestartMarker(br.data, br.pos, n)
	if err != nil {
		return err
	}
	br.reset()
	br.pos = pos
	return nil
}
