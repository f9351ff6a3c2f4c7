// Package media turns image file bytes into packed 8-bit pixels for perceptual hashing.
//
// The pixels are meant to equal what Meta's reference PDQ hasher sees, since that hasher decodes
// through ImageMagick 6 and reads the PNM it writes: alpha is dropped rather than composited (a
// transparent pixel keeps its stored colour), palettes are expanded, and an image whose every pixel
// has R==G==B comes back with one grey channel. One deliberate difference: 16-bit samples are scaled
// to 8 bits as round(v*255/65535), where the reference keeps only the low byte.
//
// Every entry point bounds its work: the input size is checked first, then the pixel count declared
// by the header, before any pixel memory is allocated. EXIF orientation is read and reported, never
// applied, because the reference hashes the image as stored.
package media

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Format names an image file format by its conventional short name.
type Format string

// The formats this package decodes.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
	BMP  Format = "bmp"
	TIFF Format = "tiff"
	PNM  Format = "pnm" // binary netpbm: P4 (bitmap), P5 (greymap), P6 (pixmap)
)

// formats lists the supported formats in the order used in error messages.
var formats = []Format{JPEG, PNG, GIF, WebP, BMP, TIFF, PNM}

// Default limits, used when the corresponding Limits field is zero or negative.
const (
	// DefaultMaxPixels is 100 megapixels: larger than any camera photo in common use (a 108 MP
	// phone sensor excepted), small enough that the returned RGB buffer stays near 300 MB. A
	// format decoder's own buffer can take up to 8 bytes per pixel more (16-bit RGBA).
	DefaultMaxPixels = 100_000_000
	// DefaultMaxBytes is 64 MiB, several times the size of a high-quality 100 MP JPEG.
	DefaultMaxBytes = 64 << 20
)

// Limits bounds the work of a decode. A zero or negative field means its default.
type Limits struct {
	MaxPixels int64 // largest width*height accepted, checked against the header before decoding
	MaxBytes  int64 // largest input accepted, in bytes
}

func (l Limits) maxPixels() int64 {
	if l.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return l.MaxPixels
}

func (l Limits) maxBytes() int64 {
	if l.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return l.MaxBytes
}

// Image is a decoded image as 8-bit samples.
type Image struct {
	// Width and Height are the size of the decoded buffer Pix.
	Width, Height int
	// SourceWidth and SourceHeight are the size the file declares. They equal Width and Height
	// except when DecodeFast decoded a JPEG at reduced scale.
	SourceWidth, SourceHeight int
	// Scale is 1, or for a reduced decode the side of the square of source pixels each pixel
	// stands for (2, 4 or 8).
	Scale int
	// Channels is 1 (grey) or 3 (R, G, B). It is 1 whenever every pixel has R==G==B, as
	// ImageMagick then writes a greymap.
	Channels int
	// Pix holds Height rows of Width pixels, Channels bytes per pixel, without padding.
	Pix    []byte
	Format Format
	// Orientation is the EXIF orientation tag, 1 to 8, when the file carries a valid one, else 0.
	// It is reported, not applied.
	Orientation int
}

// Config is what a file's header declares, read without decoding pixels. For GIF the size is
// the logical screen, which bounds the first frame that Decode returns.
type Config struct {
	Width, Height int
	Format        Format
}

var (
	// ErrUnknownFormat is returned (wrapped) for input that is not one of the supported formats.
	ErrUnknownFormat = errors.New("unknown image format")
	// ErrTooLarge is returned (wrapped) when the input exceeds a Limits bound.
	ErrTooLarge = errors.New("image too large")
)

// codec is what each format supplies: header parsing and a full decode. decode may assume the
// header passed the limits; it returns Width, Height, Channels, Pix and Orientation.
type codec struct {
	config func(data []byte) (width, height int, err error)
	decode func(data []byte, maxPixels int64) (*Image, error)
}

// codecs holds the codec of every supported format; decode swaps in decodeJPEGFast for DecodeFast.
var codecs = map[Format]codec{
	JPEG: {jpegConfig, decodeJPEG},
	PNG:  {pngConfig, decodePNG},
	GIF:  {gifConfig, decodeGIF},
	WebP: {webpConfig, decodeWebP},
	BMP:  {bmpConfig, decodeBMP},
	TIFF: {tiffConfig, decodeTIFF},
	PNM:  {pnmConfig, decodePNM},
}

// Sniff identifies the format of data from its leading magic bytes.
func Sniff(data []byte) (Format, error) {
	s := string(data[:min(len(data), 16)])
	switch {
	case strings.HasPrefix(s, "\xff\xd8\xff"):
		return JPEG, nil
	case strings.HasPrefix(s, "\x89PNG\r\n\x1a\n"):
		return PNG, nil
	case strings.HasPrefix(s, "GIF87a"), strings.HasPrefix(s, "GIF89a"):
		return GIF, nil
	case len(s) >= 12 && s[:4] == "RIFF" && s[8:12] == "WEBP":
		return WebP, nil
	case len(s) >= 10 && s[:2] == "BM" && s[6:10] == "\x00\x00\x00\x00":
		return BMP, nil
	case strings.HasPrefix(s, "II*\x00"), strings.HasPrefix(s, "MM\x00*"):
		return TIFF, nil
	case len(s) >= 3 && s[0] == 'P' && strings.IndexByte("456", s[1]) >= 0 && isPNMSpace(s[2]):
		return PNM, nil
	}
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("media: %w (supported: %s)", ErrUnknownFormat, strings.Join(names, ", "))
}

// DecodeConfig identifies the format of data and reads the image size from its header.
func DecodeConfig(data []byte) (Config, error) {
	f, err := Sniff(data)
	if err != nil {
		return Config{}, err
	}
	w, h, err := codecs[f].config(data)
	if err != nil {
		return Config{}, wrap(f, err)
	}
	return Config{Width: w, Height: h, Format: f}, nil
}

// Decode decodes an image (the first frame of an animation) to 8-bit pixels, refusing input
// beyond lim: the byte count first, then the pixel count its header declares.
func Decode(data []byte, lim Limits) (*Image, error) {
	return decode(data, lim, false)
}

// DecodeFast is Decode, except that a JPEG is decoded by the jpeg package's fast luma-only path,
// at a reduced scale that package chooses: the result then has one channel holding JPEG's Y
// (not 0.299R+0.587G+0.114B) and Width and Height smaller than SourceWidth and SourceHeight.
// It trades agreement with the reference for speed, for callers that hash at low resolution.
func DecodeFast(data []byte, lim Limits) (*Image, error) {
	return decode(data, lim, true)
}

func decode(data []byte, lim Limits, fast bool) (*Image, error) {
	if n := int64(len(data)); n > lim.maxBytes() {
		return nil, fmt.Errorf("media: input is %d bytes, over the limit of %d: %w", n, lim.maxBytes(), ErrTooLarge)
	}
	cfg, err := DecodeConfig(data)
	if err != nil {
		return nil, err
	}
	if err := checkSize(cfg, lim.maxPixels()); err != nil {
		return nil, err
	}
	dec := codecs[cfg.Format].decode
	if fast && cfg.Format == JPEG {
		dec = decodeJPEGFast
	}
	m, err := dec(data, lim.maxPixels())
	if err != nil {
		return nil, wrap(cfg.Format, err)
	}
	if m.Width <= 0 || m.Height <= 0 { // a GIF's first frame can be empty inside a non-empty screen
		return nil, fmt.Errorf("media: %s: decoded image is empty (%dx%d)", cfg.Format, m.Width, m.Height)
	}
	m.Format = cfg.Format
	if m.Scale == 0 {
		m.Scale, m.SourceWidth, m.SourceHeight = 1, m.Width, m.Height
	}
	return m, nil
}

// checkSize refuses empty images and images with more pixels than maxPixels.
func checkSize(cfg Config, maxPixels int64) error {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("media: %s: image is empty (%dx%d)", cfg.Format, cfg.Width, cfg.Height)
	}
	n := int64(cfg.Width) * int64(cfg.Height)
	if n > maxPixels {
		return fmt.Errorf("media: %s: image is %dx%d (%d pixels), over the limit of %d: %w",
			cfg.Format, cfg.Width, cfg.Height, n, maxPixels, ErrTooLarge)
	}
	return nil
}

// wrap prefixes err with the package and format, without repeating a format prefix that the
// underlying decoder already put there ("png: invalid format" stays "media: png: invalid format").
// A bare io.EOF from a decoder means the input ended early, and is reported as such.
func wrap(f Format, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if strings.HasPrefix(err.Error(), string(f)+":") {
		return fmt.Errorf("media: %w", err)
	}
	return fmt.Errorf("media: %s: %w", f, err)
}
