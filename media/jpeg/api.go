package jpeg

// Image is a decoded JPEG: 8-bit samples, rows packed without padding.
type Image struct {
	Width, Height int
	// Channels is 1 for greyscale output (Pix holds one byte per pixel) or 3 for RGB
	// (Pix holds R, G, B per pixel). CMYK and YCCK files are converted to RGB.
	Channels int
	Pix      []byte
	// EXIF is the payload of the first Exif APP1 segment (a TIFF structure), or nil.
	EXIF []byte
	// Scale, SourceWidth and SourceHeight describe a reduced decode (DecodeLuma): each pixel
	// stands for a Scale x Scale square of the SourceWidth x SourceHeight image the file
	// declares, so Width = ceil(SourceWidth/Scale) and Height = ceil(SourceHeight/Scale). A
	// full-size image has Scale 1 and its own size as source size.
	Scale                     int
	SourceWidth, SourceHeight int
}

// Config is what a JPEG's headers declare, read without decoding any pixels.
type Config struct {
	Width, Height int
	Components    int  // 1 (grey), 3 (YCbCr or RGB) or 4 (CMYK or YCCK)
	Progressive   bool // SOF2 or SOF10
	Arithmetic    bool // SOF9 or SOF10
	EXIF          []byte
}

// Options bounds the work a decode may do.
type Options struct {
	// MaxPixels refuses images whose header declares more than this many pixels (width*height)
	// before any pixel memory is allocated. Zero means DefaultMaxPixels.
	MaxPixels int64
}

// DefaultMaxPixels is the pixel budget used when Options.MaxPixels is zero: 100 megapixels.
const DefaultMaxPixels = 100_000_000

// maxPixels returns the pixel budget in force.
func (o Options) maxPixels() int64 {
	if o.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return o.MaxPixels
}
