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
	// Scale is how many source pixels one output pixel spans in each direction. DecodeLuma sets
	// it to 1, 2, 4 or 8 and returns Width = ceil(source width / Scale), likewise Height; 0 (as
	// Decode leaves it) means full size.
	Scale int
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
