package jpeg

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
)

// This file builds frames of coefficients for render tests and writes them as baseline JPEG
// files, so that a reference decoder (djpeg) can decode exactly the same coefficients. It is
// independent of the package's parser on purpose: render is tested on its own.

// testNatural maps zig-zag positions to natural (row-major) positions.
var testNatural = [64]int{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// testSampling is a frame layout: sampling factors per component.
type testSampling [][2]int

// newTestFrame lays out a frame of the given size and sampling with zeroed coefficients and
// flat quantization tables of value q.
func newTestFrame(w, h int, sampling testSampling, q uint16) *frame {
	f := &frame{width: w, height: h}
	for _, s := range sampling {
		f.hmax, f.vmax = max(f.hmax, s[0]), max(f.vmax, s[1])
	}
	f.mcusX, f.mcusY = ceilDiv(w, 8*f.hmax), ceilDiv(h, 8*f.vmax)
	for i, s := range sampling {
		c := component{id: uint8(i + 1), h: s[0], v: s[1], tq: uint8(i)}
		if len(sampling) == 1 {
			// A single component is coded non-interleaved: its blocks cover the image only.
			c.blocksW, c.blocksH = ceilDiv(w*s[0], 8*f.hmax), ceilDiv(h*s[1], 8*f.vmax)
		} else {
			c.blocksW, c.blocksH = f.mcusX*s[0], f.mcusY*s[1]
		}
		for j := range c.quant {
			c.quant[j] = q
		}
		c.coef = make([]int16, c.blocksW*c.blocksH*64)
		f.comps = append(f.comps, c)
	}
	return f
}

// fillFromImage sets each component's coefficients to the quantized forward DCT of pix(ci, x, y),
// a sample function over the component's own (downsampled) grid, with its quantization table.
// This gives coefficients like an encoder's, mostly small and zero at high frequencies.
func (f *frame) fillFromImage(pix func(ci, x, y int) float64) {
	var basis [8][8]float64
	for u := range 8 {
		for x := range 8 {
			basis[u][x] = math.Cos(float64(2*x+1) * float64(u) * math.Pi / 16)
		}
	}
	for ci := range f.comps {
		c := &f.comps[ci]
		dw, dh := ceilDiv(f.width*c.h, f.hmax), ceilDiv(f.height*c.v, f.vmax)
		for by := range c.blocksH {
			for bx := range c.blocksW {
				var s [8][8]float64
				for y := range 8 {
					for x := range 8 {
						// Replicate the edge into padding blocks, as encoders do.
						sx, sy := min(bx*8+x, dw-1), min(by*8+y, dh-1)
						s[y][x] = pix(ci, sx, sy) - 128
					}
				}
				blk := c.coef[(by*c.blocksW+bx)*64:]
				// Separable transform: rows (over x, giving u), then columns (over y, giving v).
				var rows [8][8]float64
				for y := range 8 {
					for u := range 8 {
						for x := range 8 {
							rows[y][u] += s[y][x] * basis[u][x]
						}
					}
				}
				for v := range 8 {
					for u := range 8 {
						sum := 0.0
						for y := range 8 {
							sum += rows[y][u] * basis[v][y]
						}
						cu, cv := 1.0, 1.0
						if u == 0 {
							cu = math.Sqrt2 / 2
						}
						if v == 0 {
							cv = math.Sqrt2 / 2
						}
						blk[v*8+u] = int16(math.Round(sum * cu * cv / 4 / float64(c.quant[v*8+u])))
					}
				}
			}
		}
	}
}

// fillRandom sets coefficients at random: each is non-zero with probability density, with
// magnitude up to limit.
func (f *frame) fillRandom(rng *rand.Rand, density float64, limit int) {
	for ci := range f.comps {
		coef := f.comps[ci].coef
		for i := range coef {
			if rng.Float64() < density {
				coef[i] = int16(rng.IntN(2*limit+1) - limit)
			}
		}
	}
}

// encodeTestJPEG writes the frame as a baseline (or, with 16-bit quantization tables, extended)
// sequential JPEG with one Huffman table per class in which every symbol has an 8-bit code, so
// any coefficient value can be coded. DC values must stay within +-16383 so that differences
// between neighbouring blocks fit in 15 bits.
func encodeTestJPEG(f *frame) []byte {
	var b bytes.Buffer
	marker := func(m byte, payload []byte) {
		b.Write([]byte{0xFF, m})
		binary.Write(&b, binary.BigEndian, uint16(len(payload)+2))
		b.Write(payload)
	}
	b.Write([]byte{0xFF, 0xD8})
	if f.jfif {
		marker(0xE0, []byte{'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0})
	}
	if f.adobe {
		marker(0xEE, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, f.adobeTransform})
	}
	wide := false
	for ci := range f.comps {
		var dqt []byte
		c := &f.comps[ci]
		for _, q := range c.quant {
			wide = wide || q > 255
		}
		if wide {
			dqt = append(dqt, 0x10|c.tq)
			for _, n := range testNatural {
				dqt = binary.BigEndian.AppendUint16(dqt, c.quant[n])
			}
		} else {
			dqt = append(dqt, c.tq)
			for _, n := range testNatural {
				dqt = append(dqt, byte(c.quant[n]))
			}
		}
		marker(0xDB, dqt)
	}
	sof := []byte{8, byte(f.height >> 8), byte(f.height), byte(f.width >> 8), byte(f.width), byte(len(f.comps))}
	for _, c := range f.comps {
		sof = append(sof, c.id, byte(c.h<<4|c.v), c.tq)
	}
	sofMarker := byte(0xC0)
	if wide {
		sofMarker = 0xC1
	}
	marker(sofMarker, sof)
	dcSyms, acSyms := testHuffSymbols()
	for class, syms := range [][]byte{dcSyms, acSyms} {
		dht := []byte{byte(class << 4)}
		var counts [16]byte
		counts[7] = byte(len(syms))
		dht = append(append(dht, counts[:]...), syms...)
		marker(0xC4, dht)
	}
	sos := []byte{byte(len(f.comps))}
	for _, c := range f.comps {
		sos = append(sos, c.id, 0x00)
	}
	marker(0xDA, append(sos, 0, 63, 0))
	b.Write(testEntropyData(f, dcSyms, acSyms))
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// testHuffSymbols lists the symbols of the two Huffman tables: all DC sizes 0 to 15, and all AC
// run/size pairs plus EOB and ZRL. A symbol's code is its index, on 8 bits.
func testHuffSymbols() (dc, ac []byte) {
	for s := range 16 {
		dc = append(dc, byte(s))
	}
	ac = append(ac, 0x00, 0xF0)
	for r := range 16 {
		for s := 1; s < 16; s++ {
			ac = append(ac, byte(r<<4|s))
		}
	}
	return dc, ac
}

// testBitWriter accumulates entropy-coded bits with 0xFF byte stuffing.
type testBitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *testBitWriter) put(v uint32, n uint) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.nbits += n
	for w.nbits >= 8 {
		w.nbits -= 8
		b := byte(w.acc >> w.nbits)
		w.out = append(w.out, b)
		if b == 0xFF {
			w.out = append(w.out, 0)
		}
	}
}

func (w *testBitWriter) flush() []byte {
	if w.nbits > 0 {
		w.put(0x7F, 8-w.nbits)
	}
	return w.out
}

// testEntropyData codes all blocks of the frame in one scan.
func testEntropyData(f *frame, dcSyms, acSyms []byte) []byte {
	var dcCode, acCode [256]uint32
	for i, s := range dcSyms {
		dcCode[s] = uint32(i)
	}
	for i, s := range acSyms {
		acCode[s] = uint32(i)
	}
	w := &testBitWriter{}
	value := func(v int32) (size uint, bitsOut uint32) {
		size = uint(bits.Len32(uint32(max(v, -v))))
		if v < 0 {
			v += 1<<size - 1
		}
		return size, uint32(v)
	}
	preds := make([]int32, len(f.comps))
	block := func(ci int, blk []int16) {
		diff := int32(blk[0]) - preds[ci]
		preds[ci] = int32(blk[0])
		size, v := value(diff)
		w.put(dcCode[size], 8)
		w.put(v, size)
		run := 0
		for k := 1; k < 64; k++ {
			c := int32(blk[testNatural[k]])
			if c == 0 {
				run++
				continue
			}
			for ; run >= 16; run -= 16 {
				w.put(acCode[0xF0], 8)
			}
			size, v := value(c)
			w.put(acCode[run<<4|int(size)], 8)
			w.put(v, size)
			run = 0
		}
		if run > 0 {
			w.put(acCode[0x00], 8)
		}
	}
	if len(f.comps) == 1 {
		c := &f.comps[0]
		for i := 0; i < c.blocksW*c.blocksH; i++ {
			block(0, c.coef[i*64:i*64+64])
		}
		return w.flush()
	}
	for my := range f.mcusY {
		for mx := range f.mcusX {
			for ci := range f.comps {
				c := &f.comps[ci]
				for by := range c.v {
					for bx := range c.h {
						i := (my*c.v+by)*c.blocksW + mx*c.h + bx
						block(ci, c.coef[i*64:i*64+64])
					}
				}
			}
		}
	}
	return w.flush()
}
