//go:build ignore

// Command gen draws the benign test picture the JPEG fixtures are made from and writes
// picture.ppm. Given -cmyk or -ycck it instead writes a 4-component baseline JPEG of the same
// picture (Adobe APP14 transform 0 or 2), which cjpeg cannot make. See gen.sh.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
)

const width, height = 61, 45

func main() {
	cmyk := flag.String("cmyk", "", "write a CMYK JPEG to this file")
	ycck := flag.String("ycck", "", "write a YCCK JPEG to this file")
	ppm := flag.String("ppm", "", "write the picture as PPM to this file")
	flag.Parse()
	pix := draw()
	var err error
	switch {
	case *ppm != "":
		err = writePPM(*ppm, pix)
	case *cmyk != "":
		err = os.WriteFile(*cmyk, encode4(planesCMYK(pix), 0), 0o644)
	case *ycck != "":
		err = os.WriteFile(*ycck, encode4(planesYCCK(pix), 2), 0o644)
	default:
		err = fmt.Errorf("give -ppm, -cmyk or -ycck")
	}
	if err != nil {
		log.Fatal(err)
	}
}

// draw returns RGB pixels: gradients, a disc, a bar, a diagonal line and a checkerboard corner,
// so that every kind of block (flat, smooth, sharp edges, high frequency) occurs.
func draw() []byte {
	pix := make([]byte, 3*width*height)
	for y := range height {
		for x := range width {
			r := 255 * x / (width - 1)
			g := 255 * y / (height - 1)
			b := 128 + int(100*math.Sin(float64(x+y)/7))
			dx, dy := x-20, y-20
			switch {
			case dx*dx+dy*dy <= 144:
				r, g, b = 230, 40, 40
			case x >= 38 && x <= 55 && y >= 8 && y <= 30:
				r, g, b = 30, 60, 200
			case x == y || x == y+1:
				r, g, b = 250, 250, 250
			case x >= 44 && y >= 34 && (x/2+y/2)%2 == 0:
				r, g, b = 10, 10, 10
			}
			pix[3*(y*width+x)], pix[3*(y*width+x)+1], pix[3*(y*width+x)+2] = byte(r), byte(g), byte(b)
		}
	}
	return pix
}

func writePPM(name string, pix []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "P6\n%d %d\n255\n", width, height)
	w.Write(pix)
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// planesCMYK returns the four stored planes of an Adobe CMYK JPEG of the picture. Adobe stores
// inverted CMYK, so the stored C, M, Y are R, G, B and the stored K is 255 minus a drawn K.
func planesCMYK(pix []byte) [4][]float64 {
	var p [4][]float64
	for i := range p {
		p[i] = make([]float64, width*height)
	}
	for i := range width * height {
		x, y := i%width, i/width
		p[0][i] = float64(pix[3*i])
		p[1][i] = float64(pix[3*i+1])
		p[2][i] = float64(pix[3*i+2])
		p[3][i] = 255 - float64((x*3+y*2)%90)
	}
	return p
}

// planesYCCK returns the stored planes of a YCCK JPEG that libjpeg decodes to the stored CMYK
// of planesCMYK: YCbCr of (255-C, 255-M, 255-Y), and K unchanged.
func planesYCCK(pix []byte) [4][]float64 {
	p := planesCMYK(pix)
	for i := range width * height {
		r, g, b := 255-p[0][i], 255-p[1][i], 255-p[2][i]
		p[0][i] = 0.299*r + 0.587*g + 0.114*b
		p[1][i] = -0.168735892*r - 0.331264108*g + 0.5*b + 128
		p[2][i] = 0.5*r - 0.418687589*g - 0.081312411*b + 128
	}
	return p
}

// The T.81 Annex K example tables: luminance quantization (used for all four components, at
// quality 75 as cjpeg scales it) and the luminance DC and AC Huffman tables.
var (
	quantK1 = [64]int{
		16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
		14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
		18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
		49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
	}
	dcCounts  = [16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1}
	dcSymbols = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	acCounts  = [16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d}
	acSymbols = []byte{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
	zigzag = [64]int{
		0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
		12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
		35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
		58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
	}
)

// code is a Huffman code: its bits, right-aligned, and its length.
type code struct{ bits, n uint32 }

// codes assigns canonical codes (T.81 Annex C) to the symbols of a table.
func codes(counts [16]byte, symbols []byte) map[byte]code {
	m := map[byte]code{}
	c, k := uint32(0), 0
	for l := 1; l <= 16; l++ {
		for range counts[l-1] {
			m[symbols[k]] = code{c, uint32(l)}
			c++
			k++
		}
		c <<= 1
	}
	return m
}

// bitWriter packs bits MSB first with 0xFF00 byte stuffing.
type bitWriter struct {
	out  []byte
	acc  uint32
	nacc uint32
}

func (w *bitWriter) put(bits, n uint32) {
	for i := int(n) - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | (bits>>uint(i))&1
		w.nacc++
		if w.nacc == 8 {
			w.out = append(w.out, byte(w.acc))
			if byte(w.acc) == 0xFF {
				w.out = append(w.out, 0)
			}
			w.acc, w.nacc = 0, 0
		}
	}
}

// flush pads the last byte with one bits.
func (w *bitWriter) flush() {
	for w.nacc != 0 {
		w.put(1, 1)
	}
}

// category returns the magnitude category of v and its T.81 F.1.2.1 bit pattern.
func category(v int) (uint32, uint32) {
	a := v
	if a < 0 {
		a = -a
	}
	s := uint32(0)
	for a > 0 {
		s++
		a >>= 1
	}
	if v < 0 {
		v += 1<<s - 1
	}
	return s, uint32(v)
}

// encode4 encodes four full-resolution planes as a baseline, interleaved JPEG with an Adobe
// APP14 marker carrying the given transform flag.
func encode4(planes [4][]float64, transform byte) []byte {
	q := [64]int{}
	for i, v := range quantK1 {
		q[i] = max(1, min(255, (v*50+50)/100))
	}
	dc, ac := codes(dcCounts, dcSymbols), codes(acCounts, acSymbols)
	var w bitWriter
	var pred [4]int
	bw, bh := (width+7)/8, (height+7)/8
	for by := range bh {
		for bx := range bw {
			for ci := range 4 {
				blk := fdct(planes[ci], bx, by)
				var z [64]int
				for k := range 64 {
					f := blk[zigzag[k]] / float64(q[zigzag[k]])
					z[k] = int(math.Round(f))
				}
				s, bits := category(z[0] - pred[ci])
				pred[ci] = z[0]
				w.put(dc[byte(s)].bits, dc[byte(s)].n)
				w.put(bits, s)
				run := 0
				for k := 1; k < 64; k++ {
					if z[k] == 0 {
						run++
						continue
					}
					for run > 15 {
						w.put(ac[0xF0].bits, ac[0xF0].n)
						run -= 16
					}
					s, bits := category(z[k])
					sym := byte(run<<4) | byte(s)
					w.put(ac[sym].bits, ac[sym].n)
					w.put(bits, s)
					run = 0
				}
				if run > 0 {
					w.put(ac[0].bits, ac[0].n)
				}
			}
		}
	}
	w.flush()

	out := []byte{0xFF, 0xD8}
	out = segment(out, 0xEE, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, transform})
	dqt := []byte{0}
	for k := range 64 {
		dqt = append(dqt, byte(q[zigzag[k]]))
	}
	out = segment(out, 0xDB, dqt)
	sof := []byte{8, byte(height >> 8), byte(height), byte(width >> 8), byte(width), 4}
	for ci := range 4 {
		sof = append(sof, byte(ci+1), 0x11, 0)
	}
	out = segment(out, 0xC0, sof)
	dht := append([]byte{0x00}, dcCounts[:]...)
	dht = append(dht, dcSymbols...)
	dht = append(dht, 0x10)
	dht = append(dht, acCounts[:]...)
	dht = append(dht, acSymbols...)
	out = segment(out, 0xC4, dht)
	out = segment(out, 0xDA, []byte{4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0})
	out = append(out, w.out...)
	return append(out, 0xFF, 0xD9)
}

func segment(out []byte, marker byte, payload []byte) []byte {
	n := len(payload) + 2
	out = append(out, 0xFF, marker, byte(n>>8), byte(n))
	return append(out, payload...)
}

// fdct returns the forward DCT (T.81 A.3.3) of the 8x8 block at bx, by of a plane, edges
// replicated, in natural order.
func fdct(p []float64, bx, by int) [64]float64 {
	var out [64]float64
	sample := func(x, y int) float64 {
		x, y = min(bx*8+x, width-1), min(by*8+y, height-1)
		return p[y*width+x] - 128
	}
	for v := range 8 {
		for u := range 8 {
			sum := 0.0
			for y := range 8 {
				for x := range 8 {
					sum += sample(x, y) * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) *
						math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
				}
			}
			cu, cv := 1.0, 1.0
			if u == 0 {
				cu = math.Sqrt2 / 2
			}
			if v == 0 {
				cv = math.Sqrt2 / 2
			}
			out[v*8+u] = sum * cu * cv / 4
		}
	}
	return out
}
