package jpeg

import (
	"bytes"
	"errors"
	"fmt"
)

// This file parses the marker segments around the entropy-coded data: the frame header (SOF),
// scan headers (SOS) and the tables they refer to (DQT, DHT, DAC, DRI), plus the APPn segments
// that carry colour hints (JFIF, Adobe) and Exif. It follows libjpeg-turbo's jdmarker.c in what it
// accepts, so that files libjpeg decodes also decode here and files it rejects are rejected.
//
// Typical use (see decode.go): newHeaderReader, then nextScan repeatedly. nextScan reads tables
// until the next SOS and returns its scanHeader; the caller decodes the entropy-coded data that
// starts at scanHeader.dataStart and then calls skipEntropyData (or sets r.pos itself) so the
// next nextScan resumes at the marker that follows the scan.

// Marker codes: the byte after 0xFF.
const (
	markerSOF0  = 0xC0 // baseline DCT, Huffman
	markerSOF1  = 0xC1 // extended sequential DCT, Huffman
	markerSOF2  = 0xC2 // progressive DCT, Huffman
	markerSOF3  = 0xC3 // lossless, Huffman
	markerDHT   = 0xC4 // define Huffman tables
	markerSOF5  = 0xC5 // differential sequential, Huffman
	markerSOF6  = 0xC6 // differential progressive, Huffman
	markerSOF7  = 0xC7 // differential lossless, Huffman
	markerJPG   = 0xC8 // reserved for JPEG extensions
	markerSOF9  = 0xC9 // extended sequential DCT, arithmetic
	markerSOF10 = 0xCA // progressive DCT, arithmetic
	markerSOF11 = 0xCB // lossless, arithmetic
	markerDAC   = 0xCC // define arithmetic coding conditioning
	markerSOF13 = 0xCD // differential sequential, arithmetic
	markerSOF14 = 0xCE // differential progressive, arithmetic
	markerSOF15 = 0xCF // differential lossless, arithmetic
	markerRST0  = 0xD0 // restart markers RST0..RST7 are 0xD0..0xD7
	markerRST7  = 0xD7
	markerSOI   = 0xD8 // start of image
	markerEOI   = 0xD9 // end of image
	markerSOS   = 0xDA // start of scan
	markerDQT   = 0xDB // define quantization tables
	markerDNL   = 0xDC // define number of lines (not supported; skipped like libjpeg)
	markerDRI   = 0xDD // define restart interval
	markerAPP0  = 0xE0 // APP0..APP15 are 0xE0..0xEF
	markerAPP1  = 0xE1
	markerAPP14 = 0xEE
	markerAPP15 = 0xEF
	markerCOM   = 0xFE // comment
	markerTEM   = 0x01 // temporary private use, parameterless
)

// maxScanBlocks is the largest number of blocks one MCU of an interleaved scan may hold (T.81 B.2.3).
const maxScanBlocks = 10

// maxScans bounds the number of scans in a file. Every scan visits all blocks of its components,
// so a small file with very many scans (each only an SOS header and an EOB run) could make
// decoding take arbitrarily long. Encoders use about 10 scans; 500 is the limit libjpeg-turbo's
// TurboJPEG API applies when asked to limit scans (TJFLAG_LIMITSCANS).
const maxScans = 500

// segment is one marker segment as found in the file.
type segment struct {
	marker byte   // marker code, e.g. markerDQT
	start  int    // offset of the marker's 0xFF byte
	data   []byte // payload after the two length bytes; nil for parameterless markers (RSTn, TEM, SOI, EOI)
	end    int    // offset just past the segment; for SOS, where the entropy-coded data begins
}

// huffmanSpec is a Huffman table exactly as a DHT segment defines it (T.81 B.2.4.2). Decoders
// build their lookup tables from it (see huffman.go); keeping the raw form lets another decoder
// build a different lookup from the same file.
type huffmanSpec struct {
	counts  [16]uint8 // counts[i] is the number of codes of length i+1 bits
	symbols []uint8   // the symbols in order of increasing code length, sum(counts) of them (at most 256)
}

// arithConditioning holds the DAC parameters of one arithmetic-coding table (T.81 F.1.4.4).
type arithConditioning struct {
	dcL, dcU uint8 // DC conditioning bounds L and U, 0 <= L <= U <= 15; default 0 and 1
	acK      uint8 // AC conditioning threshold Kx, 1..63; default 5
}

// tables is the decoder state that DQT, DHT, DAC and DRI segments define. Tables may be
// (re)defined between scans; a scan uses whatever is current when its SOS is read.
type tables struct {
	quant        [4][64]uint16 // quantization tables in natural (row-major) order
	quantDefined [4]bool

	huff        [2][4]huffmanSpec // [class][id]; class 0 is DC, 1 is AC
	huffDefined [2][4]bool

	arith [4]arithConditioning // indexed by table selector; reset to defaults at SOI

	// restartInterval is the number of MCUs between restart markers; 0 means no restarts.
	restartInterval int
}

// scanComponent is one component of a scan header.
type scanComponent struct {
	comp   int   // index into frame.comps
	dc, ac uint8 // DC and AC entropy table selectors Td and Ta (not yet validated against defined tables)
}

// scanHeader is a parsed SOS segment (T.81 B.2.3).
type scanHeader struct {
	comps  []scanComponent // 1..4 components in scan order; more than one means an interleaved scan
	ss, se int             // spectral selection: first and last coefficient, in zig-zag order (0..63)
	ah, al int             // successive approximation: previous and current point transform
	index  int             // 1 for the file's first scan, 2 for the second, ...

	// dataStart is the offset of the scan's first entropy-coded byte.
	dataStart int
}

// headerReader walks a JPEG file's marker segments in order, parsing the frame header and the
// tables, and stops at each SOS so the caller can decode that scan.
type headerReader struct {
	data []byte
	pos  int // offset of the next unread byte

	// maxPixels, if positive, is the pixel budget checked as soon as the SOF is read.
	maxPixels int64

	frame  *frame // nil until the SOF has been read; coefficient buffers are not allocated here
	tables tables
	scans  int // number of SOS segments read so far

	// pending collects the colour hints and Exif of APPn segments read before the SOF; parseSOF
	// moves them into the frame.
	pending frame
}

// zigzag maps a coefficient's zig-zag index (its order in the entropy-coded data and in DQT) to
// its natural, row-major index within the 8x8 block. The 16 extra entries absorb run lengths that
// overshoot 63 in corrupt data, in the manner of libjpeg's jpeg_natural_order; decoders reject
// such data before using these entries, so they only guard the lookup itself.
var zigzag = [64 + 16]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
	63, 63, 63, 63, 63, 63, 63, 63,
	63, 63, 63, 63, 63, 63, 63, 63,
}

// errTruncatedHeader is wrapped by errors about marker segments cut off by the end of the data.
var errTruncatedHeader = errors.New("jpeg: truncated file")

// newHeaderReader checks for the SOI marker, which must be the first two bytes (no leading
// garbage, as in libjpeg), and returns a reader positioned after it. maxPixels > 0 sets the pixel
// budget enforced at the SOF.
func newHeaderReader(data []byte, maxPixels int64) (*headerReader, error) {
	if len(data) < 2 || data[0] != 0xFF || data[1] != markerSOI {
		return nil, errors.New("jpeg: missing SOI marker: not a JPEG file")
	}
	r := &headerReader{data: data, pos: 2, maxPixels: maxPixels}
	r.tables.resetArith()
	return r, nil
}

// resetArith sets the arithmetic conditioning to the T.81 defaults, as SOI does.
func (t *tables) resetArith() {
	for i := range t.arith {
		t.arith[i] = arithConditioning{dcL: 0, dcU: 1, acK: 5}
	}
}

// nextSegment reads the marker segment at or after data[pos]. Like libjpeg's next_marker it skips
// garbage bytes and 0xFF fill bytes before a marker. It does not interpret the payload.
func nextSegment(data []byte, pos int) (segment, error) {
	for {
		i := bytes.IndexByte(data[pos:], 0xFF)
		if i < 0 {
			return segment{}, fmt.Errorf("%w: no marker after offset %d", errTruncatedHeader, pos)
		}
		start := pos + i
		j := start + 1
		for j < len(data) && data[j] == 0xFF {
			j++
		}
		if j >= len(data) {
			return segment{}, fmt.Errorf("%w: incomplete marker at offset %d", errTruncatedHeader, start)
		}
		if data[j] == 0 { // a stuffed 0xFF 0x00 outside entropy-coded data is garbage
			pos = j + 1
			continue
		}
		seg := segment{marker: data[j], start: j - 1, end: j + 1}
		if parameterless(seg.marker) {
			return seg, nil
		}
		if seg.end+2 > len(data) {
			return segment{}, fmt.Errorf("%w: marker 0xFF%02X at offset %d lacks its length", errTruncatedHeader, seg.marker, seg.start)
		}
		n := int(data[seg.end])<<8 | int(data[seg.end+1])
		if n < 2 {
			return segment{}, fmt.Errorf("jpeg: marker 0xFF%02X at offset %d has invalid length %d", seg.marker, seg.start, n)
		}
		if seg.end+n > len(data) {
			return segment{}, fmt.Errorf("%w: marker 0xFF%02X at offset %d declares %d bytes, %d remain",
				errTruncatedHeader, seg.marker, seg.start, n, len(data)-seg.end)
		}
		seg.data = data[seg.end+2 : seg.end+n]
		seg.end += n
		return seg, nil
	}
}

// parameterless reports whether a marker stands alone, without a length and payload.
func parameterless(m byte) bool {
	return m == markerSOI || m == markerEOI || m == markerTEM || (m >= markerRST0 && m <= markerRST7)
}

// nextScan reads segments up to and including the next SOS and returns its header, positioning
// r.pos at the scan's entropy-coded data. At EOI it returns (nil, nil). It fails on a malformed
// or unsupported segment, on a missing SOF before the first SOS, and when the data ends first.
func (r *headerReader) nextScan() (*scanHeader, error) {
	for {
		seg, err := nextSegment(r.data, r.pos)
		if err != nil {
			return nil, err
		}
		r.pos = seg.end
		switch m := seg.marker; {
		case m == markerSOS:
			return r.parseSOS(seg)
		case m == markerEOI:
			return nil, nil
		case m == markerSOI:
			return nil, fmt.Errorf("jpeg: duplicate SOI marker at offset %d", seg.start)
		case m == markerSOF0 || m == markerSOF1 || m == markerSOF2 || m == markerSOF9 || m == markerSOF10:
			err = r.parseSOF(seg)
		case m == markerSOF3 || m == markerSOF5 || m == markerSOF6 || m == markerSOF7 || m == markerJPG ||
			m == markerSOF11 || m == markerSOF13 || m == markerSOF14 || m == markerSOF15:
			err = fmt.Errorf("jpeg: unsupported coding process (marker 0xFF%02X: lossless, hierarchical or reserved)", m)
		case m == markerDHT:
			err = r.tables.parseDHT(seg.data)
		case m == markerDQT:
			err = r.tables.parseDQT(seg.data)
		case m == markerDAC:
			err = r.tables.parseDAC(seg.data)
		case m == markerDRI:
			err = r.tables.parseDRI(seg.data)
		case m >= markerAPP0 && m <= markerAPP15:
			r.parseAPP(m, seg.data)
		case m == markerCOM, m == markerDNL, parameterless(m):
			// Comments, DNL (ignored, as libjpeg does), stray RSTn and TEM carry nothing we use.
		default:
			err = fmt.Errorf("jpeg: unknown marker 0xFF%02X", m)
		}
		if err != nil {
			return nil, fmt.Errorf("%w (segment at offset %d)", err, seg.start)
		}
	}
}

// parseSOF reads a frame header (T.81 B.2.2) into r.frame, without allocating coefficients.
func (r *headerReader) parseSOF(seg segment) error {
	if r.frame != nil {
		return errors.New("jpeg: duplicate SOF marker")
	}
	p := seg.data
	if len(p) < 6 {
		return fmt.Errorf("jpeg: SOF segment too short (%d bytes)", len(p))
	}
	precision := int(p[0])
	height := int(p[1])<<8 | int(p[2])
	width := int(p[3])<<8 | int(p[4])
	n := int(p[5])
	switch {
	case height == 0 || width == 0 || n == 0:
		return fmt.Errorf("jpeg: empty image (%dx%d, %d components; DNL-defined height is not supported)", width, height, n)
	case len(p) != 6+3*n:
		return fmt.Errorf("jpeg: SOF segment length %d does not match %d components", len(p)+2, n)
	case precision != 8:
		return fmt.Errorf("jpeg: unsupported sample precision %d bits (only 8-bit JPEG is supported)", precision)
	case n != 1 && n != 3 && n != 4: // libjpeg reads up to 10 but converts only these to pixels
		return fmt.Errorf("jpeg: unsupported number of components %d (want 1, 3 or 4)", n)
	}
	if r.maxPixels > 0 && int64(width)*int64(height) > r.maxPixels {
		return fmt.Errorf("jpeg: image is %dx%d = %d pixels, over the limit of %d", width, height, int64(width)*int64(height), r.maxPixels)
	}
	f := &frame{
		width: width, height: height, comps: make([]component, n), hmax: 1, vmax: 1,
		progressive: seg.marker == markerSOF2 || seg.marker == markerSOF10,
		arithmetic:  seg.marker == markerSOF9 || seg.marker == markerSOF10,
	}
	f.jfif, f.adobe, f.adobeTransform, f.exif = r.pending.jfif, r.pending.adobe, r.pending.adobeTransform, r.pending.exif
	for i := range f.comps {
		c := &f.comps[i]
		b := p[6+3*i:]
		c.id, c.h, c.v, c.tq = b[0], int(b[1]>>4), int(b[1]&15), b[2]
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return fmt.Errorf("jpeg: component %d has invalid sampling factors %dx%d (want 1..4)", i, c.h, c.v)
		}
		if c.tq > 3 {
			return fmt.Errorf("jpeg: component %d selects quantization table %d (want 0..3)", i, c.tq)
		}
		f.hmax = max(f.hmax, c.h)
		f.vmax = max(f.vmax, c.v)
	}
	f.mcusX = ceilDiv(width, 8*f.hmax)
	f.mcusY = ceilDiv(height, 8*f.vmax)
	for i := range f.comps {
		c := &f.comps[i]
		c.blocksW = f.mcusX * c.h
		c.blocksH = f.mcusY * c.v
	}
	r.frame = f
	return nil
}

// parseSOS reads a scan header (T.81 B.2.3) and checks it against the frame as libjpeg does.
func (r *headerReader) parseSOS(seg segment) (*scanHeader, error) {
	f := r.frame
	if f == nil {
		return nil, fmt.Errorf("jpeg: SOS marker at offset %d before any SOF", seg.start)
	}
	r.scans++
	if r.scans > maxScans {
		return nil, fmt.Errorf("jpeg: more than %d scans", maxScans)
	}
	p := seg.data
	if len(p) < 1 {
		return nil, fmt.Errorf("jpeg: empty SOS segment at offset %d", seg.start)
	}
	n := int(p[0])
	if n < 1 || n > 4 || len(p) != 4+2*n {
		return nil, fmt.Errorf("jpeg: SOS segment at offset %d: length %d does not fit %d components", seg.start, len(p)+2, n)
	}
	s := &scanHeader{comps: make([]scanComponent, n), index: r.scans, dataStart: seg.end}
	for i := range s.comps {
		id, sel := p[1+2*i], p[2+2*i]
		ci, err := scanComponentIndex(f, s.comps[:i], id)
		if err != nil {
			return nil, fmt.Errorf("%w (scan %d)", err, s.index)
		}
		s.comps[i] = scanComponent{comp: ci, dc: sel >> 4, ac: sel & 15}
	}
	q := p[1+2*n:]
	s.ss, s.se, s.ah, s.al = int(q[0]), int(q[1]), int(q[2]>>4), int(q[2]&15)
	if err := s.check(f); err != nil {
		return nil, err
	}
	return s, nil
}

// scanComponentIndex finds the frame component that the scan's component id refers to, for
// the scan component at position len(prev). It follows libjpeg exactly: the id matches frame
// components from index len(prev) on (T.81 requires scan components in frame order), which
// also copes with files that give several components the same id; a component may not repeat.
func scanComponentIndex(f *frame, prev []scanComponent, id uint8) (int, error) {
	for ci := len(prev); ci < len(f.comps); ci++ {
		if f.comps[ci].id != id {
			continue
		}
		for _, p := range prev {
			if p.comp == ci {
				return 0, fmt.Errorf("jpeg: scan repeats component id %d", id)
			}
		}
		return ci, nil
	}
	return 0, fmt.Errorf("jpeg: scan refers to unknown or out-of-order component id %d", id)
}

// check validates a scan's parameters against the frame, with libjpeg's rules: progressive scans
// must describe a legal band and refinement step; sequential scans may carry any Ss/Se/Ah/Al
// (libjpeg only warns) and are decoded as full 0..63 scans.
func (s *scanHeader) check(f *frame) error {
	if len(s.comps) > 1 {
		blocks := 0
		for _, sc := range s.comps {
			blocks += f.comps[sc.comp].h * f.comps[sc.comp].v
		}
		if blocks > maxScanBlocks {
			return fmt.Errorf("jpeg: scan %d has %d blocks per MCU, more than %d", s.index, blocks, maxScanBlocks)
		}
	}
	if !f.progressive {
		return nil
	}
	bad := false
	if s.ss == 0 {
		bad = s.se != 0
	} else {
		bad = s.se < s.ss || s.se > 63 || len(s.comps) != 1
	}
	bad = bad || (s.ah != 0 && s.al != s.ah-1) || s.al > 13
	if bad {
		return fmt.Errorf("jpeg: scan %d has an invalid progression: Ss=%d Se=%d Ah=%d Al=%d", s.index, s.ss, s.se, s.ah, s.al)
	}
	return nil
}

// skipEntropyData moves r.pos from the start of a scan's entropy-coded data to the marker that
// ends it. Decoders that stop early, or that know where they stopped, may use it to resume the walk.
func (r *headerReader) skipEntropyData(s *scanHeader) {
	r.pos = entropyEnd(r.data, s.dataStart)
}

// entropyEnd returns the offset of the first marker at or after start that ends entropy-coded
// data: any 0xFF followed by a byte other than 0x00 (a stuffed 0xFF), 0xFF (fill) or RST0..RST7.
// If there is none it returns len(data).
func entropyEnd(data []byte, start int) int {
	for pos := start; ; {
		i := bytes.IndexByte(data[pos:], 0xFF)
		if i < 0 {
			return len(data)
		}
		j := pos + i + 1
		for j < len(data) && data[j] == 0xFF {
			j++
		}
		if j >= len(data) {
			return len(data)
		}
		if m := data[j]; m != 0 && (m < markerRST0 || m > markerRST7) {
			return j - 1
		}
		pos = j + 1
	}
}

// interleaved reports whether the scan holds more than one component, so that its MCUs follow
// the frame's MCU grid rather than the single component's block grid.
func (s *scanHeader) interleaved() bool { return len(s.comps) > 1 }

// parseDHT reads one or more Huffman table definitions (T.81 B.2.4.2).
func (t *tables) parseDHT(p []byte) error {
	for len(p) > 0 {
		if len(p) < 17 {
			return fmt.Errorf("jpeg: DHT segment has %d trailing bytes", len(p))
		}
		class, id := p[0]>>4, p[0]&15
		if class > 1 || id > 3 {
			return fmt.Errorf("jpeg: DHT defines invalid table class %d id %d", class, id)
		}
		var spec huffmanSpec
		total := 0
		for i := range spec.counts {
			spec.counts[i] = p[1+i]
			total += int(p[1+i])
		}
		if total > 256 || 17+total > len(p) {
			return fmt.Errorf("jpeg: DHT table class %d id %d declares %d symbols, %d bytes remain", class, id, total, len(p)-17)
		}
		spec.symbols = p[17 : 17+total : 17+total]
		t.huff[class][id] = spec
		t.huffDefined[class][id] = true
		p = p[17+total:]
	}
	return nil
}

// parseDQT reads one or more quantization tables (T.81 B.2.4.1), storing them in natural order.
func (t *tables) parseDQT(p []byte) error {
	for len(p) > 0 {
		precision, id := p[0]>>4, p[0]&15
		if id > 3 {
			return fmt.Errorf("jpeg: DQT defines invalid table id %d", id)
		}
		size := 64
		if precision != 0 {
			size = 128
		}
		if len(p) < 1+size {
			return fmt.Errorf("jpeg: DQT table %d is truncated (%d of %d bytes)", id, len(p)-1, size)
		}
		q := &t.quant[id]
		for k := range 64 {
			if precision != 0 {
				q[zigzag[k]] = uint16(p[1+2*k])<<8 | uint16(p[2+2*k])
			} else {
				q[zigzag[k]] = uint16(p[1+k])
			}
		}
		t.quantDefined[id] = true
		p = p[1+size:]
	}
	return nil
}

// parseDAC reads arithmetic-coding conditioning values (T.81 B.2.4.3).
func (t *tables) parseDAC(p []byte) error {
	if len(p)%2 != 0 {
		return fmt.Errorf("jpeg: DAC segment has odd length %d", len(p)+2)
	}
	for ; len(p) > 0; p = p[2:] {
		class, id, v := p[0]>>4, p[0]&15, p[1]
		if class > 1 || id > 3 {
			return fmt.Errorf("jpeg: DAC defines invalid table class %d id %d", class, id)
		}
		if class == 1 {
			if v < 1 || v > 63 {
				return fmt.Errorf("jpeg: DAC AC table %d has invalid Kx %d", id, v)
			}
			t.arith[id].acK = v
			continue
		}
		l, u := v&15, v>>4
		if l > u {
			return fmt.Errorf("jpeg: DAC DC table %d has L=%d > U=%d", id, l, u)
		}
		t.arith[id].dcL, t.arith[id].dcU = l, u
	}
	return nil
}

// parseDRI reads the restart interval (T.81 B.2.4.4).
func (t *tables) parseDRI(p []byte) error {
	if len(p) != 2 {
		return fmt.Errorf("jpeg: DRI segment has length %d, want 4", len(p)+2)
	}
	t.restartInterval = int(p[0])<<8 | int(p[1])
	return nil
}

// parseAPP records the JFIF, Adobe and Exif application segments; others are ignored. The
// length thresholds are libjpeg's: it only recognizes JFIF with at least 14 bytes of payload and
// Adobe with at least 12.
func (r *headerReader) parseAPP(m byte, p []byte) {
	f := r.frame
	if f == nil {
		// APP segments normally precede the SOF; keep what they say until the frame exists.
		f = &r.pending
	}
	switch {
	case m == markerAPP0 && len(p) >= 14 && bytes.HasPrefix(p, []byte("JFIF\x00")):
		f.jfif = true
	case m == markerAPP14 && len(p) >= 12 && bytes.HasPrefix(p, []byte("Adobe")):
		f.adobe = true
		f.adobeTransform = p[11]
	case m == markerAPP1 && f.exif == nil && bytes.HasPrefix(p, []byte("Exif\x00\x00")):
		f.exif = p[6:len(p):len(p)]
	}
}

// ceilDiv returns ceil(a/b) for a >= 0, b > 0.
func ceilDiv(a, b int) int { return (a + b - 1) / b }
