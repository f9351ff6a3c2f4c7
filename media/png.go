package media

import (
	"bytes"
	"encoding/binary"
	"image/png"
)

func pngConfig(data []byte) (int, int, error) {
	c, err := png.DecodeConfig(bytes.NewReader(data))
	return c.Width, c.Height, err
}

// decodePNG decodes with image/png, which returns NRGBA or NRGBA64 for any image with
// transparency, so the stored colour of transparent pixels survives, and scales 1, 2 and 4-bit
// grey to 0..255 as ImageMagick does.
func decodePNG(data []byte, _ int64) (*Image, error) {
	m, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out := fromImage(m)
	out.Orientation = orientationOrZero(pngChunk(data, "eXIf"))
	return out, nil
}

// pngChunk returns the data of the first chunk of the given type, or nil. It walks the chunk
// lengths only, without checking CRCs, and stops at IEND or at the first length that does not fit.
func pngChunk(data []byte, typ string) []byte {
	const sigLen = 8
	for p := sigLen; p+8 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[p:]))
		t := string(data[p+4 : p+8])
		end := int64(p) + 8 + n + 4 // length, type, data, CRC
		if end > int64(len(data)) {
			return nil
		}
		if t == typ {
			return data[p+8 : p+8+int(n)]
		}
		if t == "IEND" {
			return nil
		}
		p = int(end)
	}
	return nil
}
