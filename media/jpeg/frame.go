// Package jpeg decodes JPEG images to 8-bit pixels the way libjpeg-turbo does with its default
// settings (accurate integer IDCT, "fancy" triangular chroma upsampling, its fixed-point colour
// conversion), so that perceptual hashes computed from our pixels agree with hashes computed by
// tools built on libjpeg-turbo. It also offers a fast luma-only path decoded at reduced scale.
package jpeg

// component is one image component as declared in the frame header (SOF), together with the
// quantized DCT coefficients the entropy decoders fill in.
type component struct {
	id    uint8
	h, v  int        // sampling factors, 1..4
	tq    uint8      // quantization table selector, 0..3
	quant [64]uint16 // quantization table latched at this component's first scan, natural order

	// blocksW and blocksH are the numbers of 8x8 blocks stored in coef per row and per column.
	// They cover whole MCUs (mcusX*h by mcusY*v) so interleaved scans never write out of range;
	// only the first ceil(ceil(width*h/hmax)/8) by ceil(ceil(height*v/vmax)/8) blocks hold image data.
	blocksW, blocksH int

	// coef holds blocksW*blocksH blocks of 64 quantized coefficients each, block-major in raster
	// order, each block in natural (row-major, not zig-zag) order, not yet dequantized.
	coef []int16
}

// frame is the decoded state of a whole image: its header, components and colour hints.
type frame struct {
	width, height int
	comps         []component
	hmax, vmax    int
	mcusX, mcusY  int // MCUs per row and per column of an interleaved scan
	progressive   bool
	arithmetic    bool

	jfif           bool   // a JFIF APP0 marker was seen
	adobe          bool   // an Adobe APP14 marker was seen
	adobeTransform uint8  // its transform flag: 0 none (RGB or CMYK), 1 YCbCr, 2 YCCK
	exif           []byte // payload of the first Exif APP1 segment after "Exif\0\0" (a TIFF structure), or nil
}
