package media

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
)

// gifConfig returns the logical screen size, which bounds every frame.
func gifConfig(data []byte) (int, int, error) {
	c, err := gif.DecodeConfig(bytes.NewReader(data))
	return c.Width, c.Height, err
}

// decodeGIF decodes the first frame at its own size, as ImageMagick does. image/gif blanks the
// palette entry of the transparent index, so the colour table is re-read from the file to give
// transparent pixels their stored colour.
func decodeGIF(data []byte, _ int64) (*Image, error) {
	m, err := gif.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if p, ok := m.(*image.Paletted); ok {
		p.Palette = withStoredColours(p.Palette, gifColourTable(data))
	}
	return fromImage(m), nil
}

// withStoredColours returns a copy of pal whose first entries are replaced by the RGB triples of
// table, a raw GIF colour table.
func withStoredColours(pal color.Palette, table []byte) color.Palette {
	out := make(color.Palette, len(pal))
	copy(out, pal)
	for i := 0; i < len(out) && 3*i+2 < len(table); i++ {
		out[i] = color.RGBA{table[3*i], table[3*i+1], table[3*i+2], 0xff}
	}
	return out
}

// gifColourTable returns the raw colour table (RGB triples) that applies to the first image of
// a GIF: its local table if it has one, else the global table. It returns nil when the stream
// ends or is malformed before the first image descriptor.
func gifColourTable(data []byte) []byte {
	const headerLen, screenLen = 6, 7
	p := headerLen + screenLen
	if len(data) < p {
		return nil
	}
	global, p := gifTable(data, p, data[10])
	for p < len(data) {
		switch data[p] {
		case 0x21: // extension: label, then data sub-blocks
			p = skipSubBlocks(data, p+2)
		case 0x2c: // image descriptor: position, size, flags
			const descLen = 10
			if p+descLen > len(data) {
				return nil
			}
			if local, _ := gifTable(data, p+descLen, data[p+9]); local != nil {
				return local
			}
			return global
		default:
			return nil
		}
	}
	return nil
}

// gifTable returns the colour table announced by a packed flags byte at p, and the offset after
// it. A table that runs past the end of data is returned as nil.
func gifTable(data []byte, p int, flags byte) ([]byte, int) {
	if flags&0x80 == 0 {
		return nil, p
	}
	n := 3 << (flags&7 + 1)
	if p+n > len(data) {
		return nil, len(data)
	}
	return data[p : p+n], p + n
}

// skipSubBlocks returns the offset after a sequence of GIF data sub-blocks starting at p, or
// len(data) when the sequence is not terminated.
func skipSubBlocks(data []byte, p int) int {
	for p < len(data) {
		n := int(data[p])
		p++
		if n == 0 {
			return p
		}
		p += n
	}
	return len(data)
}
