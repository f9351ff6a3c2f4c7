package media

import (
	"bytes"

	"golang.org/x/image/bmp"
)

func bmpConfig(data []byte) (int, int, error) {
	c, err := bmp.DecodeConfig(bytes.NewReader(data))
	return c.Width, c.Height, err
}

// decodeBMP decodes with x/image/bmp: uncompressed 1, 2, 4, 8, 24 and 32 bits per pixel. A 32-bit
// BMP comes back as NRGBA holding the stored colour, so dropping alpha keeps it.
func decodeBMP(data []byte, _ int64) (*Image, error) {
	m, err := bmp.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return fromImage(m), nil
}
