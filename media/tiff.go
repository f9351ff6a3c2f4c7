package media

import (
	"bytes"

	"golang.org/x/image/tiff"
)

func tiffConfig(data []byte) (int, int, error) {
	c, err := tiff.DecodeConfig(bytes.NewReader(data))
	return c.Width, c.Height, err
}

// decodeTIFF decodes the first image of a TIFF with x/image/tiff. The file itself is the TIFF
// structure that EXIF borrows, so the orientation tag is read from its IFD0.
func decodeTIFF(data []byte, _ int64) (*Image, error) {
	m, err := tiff.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out := fromImage(m)
	out.Orientation = orientationOrZero(data)
	return out, nil
}
