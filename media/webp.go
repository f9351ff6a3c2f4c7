package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"

	"golang.org/x/image/webp"
)

func webpConfig(data []byte) (int, int, error) {
	c, err := webp.DecodeConfig(bytes.NewReader(data))
	return c.Width, c.Height, err
}

// decodeWebP decodes with x/image/webp. Lossless images come back as NRGBA and are taken as
// stored. Lossy images come back as 4:2:0 Y'CbCr planes (with a separate alpha plane, which is
// dropped); they are converted to RGB the way libwebp, ImageMagick's WebP decoder, does.
func decodeWebP(data []byte, _ int64) (*Image, error) {
	m, err := webp.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var out *Image
	switch m := m.(type) {
	case *image.YCbCr:
		out, err = webpRGB(m)
	case *image.NYCbCrA:
		out, err = webpRGB(&m.YCbCr)
	default:
		out = fromImage(m)
	}
	if err != nil {
		return nil, err
	}
	out.Orientation = orientationOrZero(riffChunk(data, "EXIF"))
	return out, nil
}

// riffChunk returns the data of the first top-level chunk of the given FourCC in a RIFF file,
// or nil when there is none or the chunk list is malformed before it.
func riffChunk(data []byte, fourCC string) []byte {
	const riffHeaderLen = 12 // "RIFF", size, form type
	for p := riffHeaderLen; p+8 <= len(data); {
		n := int64(binary.LittleEndian.Uint32(data[p+4:]))
		end := int64(p) + 8 + n
		if end > int64(len(data)) {
			return nil
		}
		if string(data[p:p+4]) == fourCC {
			return data[p+8 : end]
		}
		p = int(end + n&1) // chunks are padded to even length
	}
	return nil
}

// webpRGB converts a lossy WebP's planes to RGB exactly as libwebp's default decoder does: "fancy"
// upsampling of the chroma planes (each output sample weights the nearest chroma samples 9:3:3:1)
// followed by its fixed-point YUV->RGB formula.
func webpRGB(m *image.YCbCr) (*Image, error) {
	if m.SubsampleRatio != image.YCbCrSubsampleRatio420 || m.Rect.Min != (image.Point{}) {
		return nil, fmt.Errorf("webp: unexpected %v planes at %v", m.SubsampleRatio, m.Rect)
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	cw, ch := (w+1)/2, (h+1)/2
	pix := make([]byte, 3*w*h)
	u, v := make([]byte, w), make([]byte, w)
	for y := range h {
		near, far := chromaRows(y, ch)
		upsampleRow(u, m.Cb[near*m.CStride:near*m.CStride+cw], m.Cb[far*m.CStride:far*m.CStride+cw])
		upsampleRow(v, m.Cr[near*m.CStride:near*m.CStride+cw], m.Cr[far*m.CStride:far*m.CStride+cw])
		yuvRowToRGB(pix[3*w*y:3*w*(y+1)], m.Y[y*m.YStride:y*m.YStride+w], u, v)
	}
	out := &Image{Width: w, Height: h}
	out.Channels, out.Pix = greyIfNeutral(pix)
	return out, nil
}

// chromaRows returns, for output row y, the chroma row nearest to it (weight 3/4) and the other
// neighbouring one (weight 1/4). Chroma row k sits between luma rows 2k and 2k+1; the first row,
// and the last row of an even height, use their single neighbour for both.
func chromaRows(y, chromaHeight int) (near, far int) {
	switch {
	case y == 0:
		return 0, 0
	case y%2 == 1:
		return (y - 1) / 2, min((y+1)/2, chromaHeight-1)
	default:
		return y / 2, y/2 - 1
	}
}

// upsampleRow fills dst (one output row) with chroma interpolated horizontally and vertically
// from the near and far chroma rows, with libwebp's integer rounding: its pairwise formulation
// through the two diagonals is not the same as rounding (9a+3b+3c+d+8)/16 once.
func upsampleRow(dst, near, far []byte) {
	w := len(dst)
	dst[0] = byte((3*int(near[0]) + int(far[0]) + 2) >> 2)
	last := (w - 1) / 2
	for x := 1; x <= last; x++ {
		nl, nr, fl, fr := int(near[x-1]), int(near[x]), int(far[x-1]), int(far[x])
		sum := nl + nr + fl + fr + 8
		diagA := (sum + 2*(nr+fl)) >> 3
		diagB := (sum + 2*(nl+fr)) >> 3
		dst[2*x-1] = byte((diagA + nl) >> 1)
		dst[2*x] = byte((diagB + nr) >> 1)
	}
	if w%2 == 0 {
		dst[w-1] = byte((3*int(near[last]) + int(far[last]) + 2) >> 2)
	}
}

// yuvRowToRGB converts one row with libwebp's 14-bit fixed-point BT.601 (limited range) formula.
func yuvRowToRGB(dst, y, u, v []byte) {
	for x := range y {
		yy := mulHi(int(y[x]), 19077)
		uu, vv := int(u[x]), int(v[x])
		d := dst[3*x : 3*x+3 : 3*x+3]
		d[0] = clip8(yy + mulHi(vv, 26149) - 14234)
		d[1] = clip8(yy - mulHi(uu, 6419) - mulHi(vv, 13320) + 8708)
		d[2] = clip8(yy + mulHi(uu, 33050) - 17685)
	}
}

func mulHi(v, coeff int) int { return (v * coeff) >> 8 }

// clip8 drops the 6 fraction bits and clamps to 0..255.
func clip8(v int) byte {
	const mask = 256<<6 - 1
	switch {
	case v&^mask == 0:
		return byte(v >> 6)
	case v < 0:
		return 0
	default:
		return 255
	}
}
