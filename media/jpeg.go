package media

import (
	"github.com/vigilproject/vigil/media/jpeg"
)

func jpegConfig(data []byte) (int, int, error) {
	c, err := jpeg.DecodeConfig(data)
	return c.Width, c.Height, err
}

// decodeJPEG decodes with package media/jpeg, whose pixels equal libjpeg-turbo's (ImageMagick's
// JPEG decoder) and which converts CMYK and YCCK to RGB.
func decodeJPEG(data []byte, maxPixels int64) (*Image, error) {
	m, err := jpeg.Decode(data, jpeg.Options{MaxPixels: maxPixels})
	if err != nil {
		return nil, err
	}
	return fromJPEG(m), nil
}

// decodeJPEGFast decodes only the luma, at the reduced scale package media/jpeg chooses.
func decodeJPEGFast(data []byte, maxPixels int64) (*Image, error) {
	m, err := jpeg.DecodeLuma(data, jpeg.Options{MaxPixels: maxPixels})
	if err != nil {
		return nil, err
	}
	return fromJPEG(m), nil
}

func fromJPEG(m *jpeg.Image) *Image {
	out := &Image{Width: m.Width, Height: m.Height, Channels: m.Channels, Pix: m.Pix,
		Scale: m.Scale, SourceWidth: m.SourceWidth, SourceHeight: m.SourceHeight}
	if m.Channels == 3 {
		out.Channels, out.Pix = greyIfNeutral(m.Pix)
	}
	out.Orientation = orientationOrZero(m.EXIF)
	return out
}
