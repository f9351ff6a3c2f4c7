package pdq

import "fmt"

// Flavour selects how an image is prepared before the hash core runs. The two flavours give hashes a
// few bits apart (mean 4.4, max 10 on Meta's test images), so a hash list should be matched with the
// flavour it was made with; both are well within the matching threshold of 31.
type Flavour int

const (
	// Full hashes the full-resolution image. It is what Meta's Java port, the pdqhash Python binding,
	// python-threatexchange and Hasher-Matcher-Actioner compute.
	Full Flavour = iota
	// CLI first resizes any image with a side over 512 pixels to exactly 512x512 by nearest
	// neighbour, as the reference command-line tool pdq-photo-hasher does.
	CLI
)

// String returns the flavour's name as used on the command line.
func (f Flavour) String() string {
	switch f {
	case Full:
		return "full"
	case CLI:
		return "cli"
	}
	return fmt.Sprintf("Flavour(%d)", int(f))
}

// ParseFlavour reads a flavour name: "full" or "cli".
func ParseFlavour(s string) (Flavour, error) {
	switch s {
	case "full":
		return Full, nil
	case "cli":
		return CLI, nil
	}
	return 0, fmt.Errorf("pdq: unknown flavour %q (want full or cli)", s)
}

// cliSide is the side of the square the CLI flavour resizes large images to.
const cliSide = 512

// ResizeCLI applies the CLI flavour's pre-resize to packed 8-bit pixels with the given number of
// channels: an image with a side over 512 becomes exactly 512x512 (aspect ratio ignored) by
// nearest-neighbour sampling, with source column floor(x*width/512) and row floor(y*height/512).
// Smaller images are returned unchanged.
func ResizeCLI(pix []byte, width, height, channels int) (out []byte, outWidth, outHeight int) {
	if width <= cliSide && height <= cliSide {
		return pix, width, height
	}
	out = make([]byte, cliSide*cliSide*channels)
	var srcCol [cliSide]int
	for x := range srcCol {
		srcCol[x] = x * width / cliSide * channels
	}
	for y := 0; y < cliSide; y++ {
		srcRow := pix[(y*height/cliSide)*width*channels:]
		dst := out[y*cliSide*channels : (y+1)*cliSide*channels]
		for x, sx := range srcCol {
			copy(dst[x*channels:(x+1)*channels], srcRow[sx:sx+channels])
		}
	}
	return out, cliSide, cliSide
}
