// Package hasher computes every signal Vigil takes from a photo in one pass over its bytes: the PDQ
// perceptual hash with its quality (and optionally its 8 dihedral variants) and the MD5, SHA-1 and
// SHA-256 of the file as stored. It joins package media (bytes to pixels) and package pdq (pixels
// to hash), and records how long each stage took.
package hasher

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vigilproject/vigil/media"
	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
)

// Options selects how a photo is hashed.
type Options struct {
	// Flavour chooses the PDQ pre-processing: pdq.Full (the default, what HMA computes) or pdq.CLI.
	Flavour pdq.Flavour
	// Fast decodes JPEGs luma-only at reduced scale. The hash stays within a few bits of the
	// full-resolution one: good for matching, while hashes that are stored or shared should use
	// the exact path. It approximates the Full flavour only.
	Fast bool
	// Dihedral also computes the hashes of the 8 rotations and reflections.
	Dihedral bool
	// Limits bounds the input size and the declared pixel count.
	Limits media.Limits
}

// Result holds the signals of one photo.
type Result struct {
	PDQ     pdq.Hash
	Quality int
	// Dihedral holds 8 hashes in the order orig, rot90, rot180, rot270, flipx, flipy, flipplus1,
	// flipminus1, or is nil unless Options.Dihedral was set.
	Dihedral []pdq.Hash
	MD5      [md5.Size]byte
	SHA1     [sha1.Size]byte
	SHA256   [sha256.Size]byte
	// Width and Height are the size of the image as stored.
	Width, Height int
	Format        media.Format
	// Orientation is the EXIF orientation tag (1..8) or 0; reported, not applied.
	Orientation int
	Timing      Timing
}

// Signals returns the result's hashes as the signals a bank is searched with: PDQ, MD5, SHA-1
// and SHA-256, each in its text form.
func (r *Result) Signals() []signal.Signal {
	return []signal.Signal{
		{Type: signal.PDQ, Value: r.PDQ.String()},
		{Type: signal.MD5, Value: hex.EncodeToString(r.MD5[:])},
		{Type: signal.SHA1, Value: hex.EncodeToString(r.SHA1[:])},
		{Type: signal.SHA256, Value: hex.EncodeToString(r.SHA256[:])},
	}
}

// ErrFastFlavour is returned when the fast path is asked for a flavour other than pdq.Full: it
// works from a reduced decode, which the CLI flavour's nearest-neighbour resize cannot use.
var ErrFastFlavour = errors.New("hasher: the fast path computes the full flavour only")

// Timing is the time spent in each stage, for benchmarks and metrics.
type Timing struct {
	Read   time.Duration // reading the bytes (none for HashBytes) and computing MD5, SHA-1 and SHA-256
	Decode time.Duration // bytes to pixels
	Hash   time.Duration // pixels to PDQ
}

// scratch is the memory one hash computation reuses: the luminance buffer and the PDQ hasher's own.
type scratch struct {
	luma   []float32
	hasher pdq.Hasher
}

// scratchPool recycles scratch between calls and goroutines.
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// HashFile hashes the file at path. Errors name the path.
func HashFile(path string, opt Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := Hash(f, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// Hash reads r to the end and hashes what it read. Input over the byte limit is refused without
// reading more than one byte past it.
func Hash(r io.Reader, opt Options) (*Result, error) {
	if opt.Fast && opt.Flavour != pdq.Full {
		return nil, ErrFastFlavour
	}
	start := time.Now()
	data, err := readLimited(r, opt.Limits)
	if err != nil {
		return nil, err
	}
	return hashBytes(data, opt, start)
}

// HashBytes hashes data, a whole file already in memory, as Hash would hash a reader of it. It
// neither copies nor retains data: a server that has read an upload hashes it in place.
func HashBytes(data []byte, opt Options) (*Result, error) {
	if opt.Fast && opt.Flavour != pdq.Full {
		return nil, ErrFastFlavour
	}
	if maxBytes := maxBytesOf(opt.Limits); int64(len(data)) > maxBytes {
		return nil, tooLarge(maxBytes)
	}
	return hashBytes(data, opt, time.Now())
}

// hashBytes computes every signal of data; start is when reading it began, for Timing.Read.
func hashBytes(data []byte, opt Options, start time.Time) (*Result, error) {
	var res Result
	res.MD5 = md5.Sum(data)
	res.SHA1 = sha1.Sum(data)
	res.SHA256 = sha256.Sum256(data)
	res.Timing.Read = time.Since(start)

	start = time.Now()
	decode := media.Decode
	if opt.Fast {
		decode = media.DecodeFast
	}
	img, err := decode(data, opt.Limits)
	if err != nil {
		return nil, err
	}
	res.Width, res.Height = img.SourceWidth, img.SourceHeight
	res.Format, res.Orientation = img.Format, img.Orientation
	res.Timing.Decode = time.Since(start)

	start = time.Now()
	hashPixels(img, opt, &res)
	res.Timing.Hash = time.Since(start)
	return &res, nil
}

// maxBytesOf is the byte limit of lim, with its default.
func maxBytesOf(lim media.Limits) int64 {
	if lim.MaxBytes <= 0 {
		return media.DefaultMaxBytes
	}
	return lim.MaxBytes
}

func tooLarge(maxBytes int64) error {
	return fmt.Errorf("%w: input is over the limit of %d bytes", media.ErrTooLarge, maxBytes)
}

// readLimited reads all of r, refusing input over the byte limit of lim.
func readLimited(r io.Reader, lim media.Limits) ([]byte, error) {
	maxBytes := maxBytesOf(lim)
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, tooLarge(maxBytes)
	}
	return data, nil
}

// hashPixels computes the PDQ hash, quality and, if asked, the dihedral hashes of img.
func hashPixels(img *media.Image, opt Options, res *Result) {
	pix, w, h := img.Pix, img.Width, img.Height
	if opt.Flavour == pdq.CLI {
		pix, w, h = pdq.ResizeCLI(pix, w, h, img.Channels)
	}
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	if cap(s.luma) < w*h {
		s.luma = make([]float32, w*h)
	}
	luma := s.luma[:w*h]
	if img.Channels == 1 {
		pdq.LumaFromGrey(luma, pix)
	} else {
		pdq.LumaFromRGB(luma, pix)
	}
	var dihedral [8]pdq.Hash
	switch {
	case img.Scale > 1 && opt.Dihedral:
		dihedral, res.Quality = s.hasher.DihedralReduced(luma, w, h, img.Scale, img.SourceWidth, img.SourceHeight)
		res.PDQ, res.Dihedral = dihedral[0], dihedral[:]
	case img.Scale > 1:
		res.PDQ, res.Quality = s.hasher.HashReduced(luma, w, h, img.Scale, img.SourceWidth, img.SourceHeight)
	case opt.Dihedral:
		res.PDQ, res.Quality, dihedral = s.hasher.HashAndDihedral(luma, w, h)
		res.Dihedral = dihedral[:]
	default:
		res.PDQ, res.Quality = s.hasher.Hash(luma, w, h)
	}
}
