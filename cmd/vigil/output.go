package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil/pdq"
)

// recordWriter writes one record per input of "vigil hash".
type recordWriter interface {
	// write records the outcome of hashing path.
	write(path string, o outcome) error
	// flush writes out anything buffered.
	flush() error
}

// outputFormats are the values of --format, the first being the default.
var outputFormats = []string{"jsonl", "tsv"}

// newRecordWriter returns a writer of the named format on w. With dihedral, records carry
// the 8 dihedral hashes too.
func newRecordWriter(format string, w io.Writer, dihedral bool) (recordWriter, error) {
	bw := bufio.NewWriter(w)
	switch format {
	case "jsonl":
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &jsonlWriter{bw: bw, enc: enc}, nil
	case "tsv":
		tw := &tsvWriter{bw: bw, dihedral: dihedral}
		tw.row(tw.header()) // an error here is sticky in bw and returned by the next write
		return tw, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(outputFormats, " or "))
}

// jsonRecord is one JSON Lines record for a hashed file.
type jsonRecord struct {
	Path        string   `json:"path"`
	PDQ         string   `json:"pdq"`
	Quality     int      `json:"quality"`
	MD5         string   `json:"md5"`
	SHA1        string   `json:"sha1"`
	SHA256      string   `json:"sha256"`
	Width       int      `json:"width"`
	Height      int      `json:"height"`
	Format      string   `json:"format"`
	Orientation int      `json:"orientation,omitempty"`
	PDQDihedral []string `json:"pdq_dihedral,omitempty"`
}

// jsonError is the JSON Lines record for a file that could not be hashed.
type jsonError struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// jsonlWriter writes one JSON object per line.
type jsonlWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func (w *jsonlWriter) write(path string, o outcome) error {
	if o.err != nil {
		return w.enc.Encode(jsonError{Path: path, Error: o.err.Error()})
	}
	r := o.res
	return w.enc.Encode(jsonRecord{
		Path:        path,
		PDQ:         r.PDQ.String(),
		Quality:     r.Quality,
		MD5:         hex.EncodeToString(r.MD5[:]),
		SHA1:        hex.EncodeToString(r.SHA1[:]),
		SHA256:      hex.EncodeToString(r.SHA256[:]),
		Width:       r.Width,
		Height:      r.Height,
		Format:      string(r.Format),
		Orientation: r.Orientation,
		PDQDihedral: hashStrings(r.Dihedral),
	})
}

func (w *jsonlWriter) flush() error { return w.bw.Flush() }

// hashStrings returns the hex form of each hash, or nil for none.
func hashStrings(hs []pdq.Hash) []string {
	if hs == nil {
		return nil
	}
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = h.String()
	}
	return s
}

// tsvColumns are the TSV columns before the dihedral ones; the error column comes last.
var tsvColumns = []string{"path", "pdq", "quality", "md5", "sha1", "sha256", "width", "height", "format", "orientation"}

// tsvDihedralColumns name the 8 dihedral hashes in hasher.Result order, as in the PDQ
// reference's hash lists.
var tsvDihedralColumns = []string{"dih_orig", "dih_rot90", "dih_rot180", "dih_rot270",
	"dih_flipx", "dih_flipy", "dih_flipplus1", "dih_flipminus1"}

// tsvWriter writes tab-separated values under a header line. A failed file has its path
// and error and empty hash columns.
type tsvWriter struct {
	bw       *bufio.Writer
	dihedral bool
}

func (w *tsvWriter) write(path string, o outcome) error {
	fields := make([]string, len(w.header()))
	fields[0] = path
	if o.err != nil {
		fields[len(fields)-1] = o.err.Error()
		return w.row(fields)
	}
	r := o.res
	copy(fields[1:], []string{
		r.PDQ.String(),
		strconv.Itoa(r.Quality),
		hex.EncodeToString(r.MD5[:]),
		hex.EncodeToString(r.SHA1[:]),
		hex.EncodeToString(r.SHA256[:]),
		strconv.Itoa(r.Width),
		strconv.Itoa(r.Height),
		string(r.Format),
		strconv.Itoa(r.Orientation),
	})
	if w.dihedral {
		copy(fields[len(tsvColumns):], hashStrings(r.Dihedral))
	}
	return w.row(fields)
}

// header returns the column names.
func (w *tsvWriter) header() []string {
	h := append([]string{}, tsvColumns...)
	if w.dihedral {
		h = append(h, tsvDihedralColumns...)
	}
	return append(h, "error")
}

// row writes fields as one line, escaping what would break the format.
func (w *tsvWriter) row(fields []string) error {
	for i, f := range fields {
		if i > 0 {
			w.bw.WriteByte('\t')
		}
		w.bw.WriteString(tsvEscaper.Replace(f))
	}
	return w.bw.WriteByte('\n')
}

func (w *tsvWriter) flush() error { return w.bw.Flush() }

// tsvEscaper escapes tabs, line breaks and backslashes in a field, as in PostgreSQL's text
// format, so that odd file names or error messages cannot shift columns or rows.
var tsvEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
