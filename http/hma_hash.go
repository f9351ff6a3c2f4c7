package http

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/urlfetch"
)

// HMA content types and the signal types hashed for each, under the names the HMA endpoints
// answer with. Photos get every Vigil signal; videos get their file digests under
// python-threatexchange's names, since Vigil has no video perceptual hash.
var hmaContentSignals = map[string][]string{
	"photo": {"pdq", "md5", "sha1", "sha256"},
	"video": {"video_md5", "video_sha256"},
}

// maxHMAUpload bounds an uploaded or fetched file.
const maxHMAUpload = 64 << 20

// hmaSignals are the signals of one piece of content, keyed by the HMA name of their type, and
// its PDQ quality (-1 when no PDQ was computed).
type hmaSignals struct {
	byName  map[string]string
	quality int
}

// hashContent computes the signals that types (comma-separated HMA names, or "" for all) selects
// for data, a file of the HMA content type contentType. As in HMA, a PDQ of quality below 50 is
// reported as "".
func hashContent(data []byte, contentType, types string) (hmaSignals, error) {
	names, ok := hmaContentSignals[contentType]
	if !ok {
		return hmaSignals{}, vigil.FieldErrorf(vigil.EINVALID, "content_type", "no such content_type: %q (want photo or video)", contentType)
	}
	if types != "" {
		var chosen []string
		for _, t := range splitList(types) {
			if !slices.Contains(names, t) {
				return hmaSignals{}, vigil.FieldErrorf(vigil.EINVALID, "types", "signal type %q doesn't exist for %s (want %s)", t, contentType, strings.Join(names, ", "))
			}
			chosen = append(chosen, t)
		}
		names = chosen
	}
	out := hmaSignals{byName: map[string]string{}, quality: -1}
	if contentType == "video" {
		md, sh := md5.Sum(data), sha256.Sum256(data)
		all := map[string]string{"video_md5": hex.EncodeToString(md[:]), "video_sha256": hex.EncodeToString(sh[:])}
		for _, n := range names {
			out.byName[n] = all[n]
		}
		return out, nil
	}
	res, err := hasher.Hash(bytes.NewReader(data), hasher.Options{})
	if err != nil {
		return out, vigil.FieldErrorf(vigil.EINVALID, contentType, "cannot hash the file: %v", err)
	}
	pdqValue := ""
	if res.Quality >= match.DefaultMinQuality {
		pdqValue = res.PDQ.String()
	}
	all := map[string]string{"pdq": pdqValue, "md5": hex.EncodeToString(res.MD5[:]),
		"sha1": hex.EncodeToString(res.SHA1[:]), "sha256": hex.EncodeToString(res.SHA256[:])}
	for _, n := range names {
		out.byName[n] = all[n]
	}
	out.quality = res.Quality
	return out, nil
}

// hashUpload hashes the single file of an HMA multipart upload, whose field name is its
// content type (photo=@x.jpg).
func hashUpload(w http.ResponseWriter, r *http.Request) (hmaSignals, error) {
	form, err := readHMAForm(w, r)
	if err != nil {
		return hmaSignals{}, err
	}
	if form.files == 0 {
		return hmaSignals{}, vigil.Errorf(vigil.EINVALID, "Missing multipart/form-data file upload")
	}
	return hashContent(form.data, form.field, r.URL.Query().Get("types"))
}

// hmaForm is the body of an HMA request read into memory: at most one file, under the name of
// its field, which is its HMA content type, and the other fields.
type hmaForm struct {
	files  int    // files sent; more than one is refused
	field  string // of the file
	data   []byte // the file
	values map[string]string
}

// value returns the form field name, or else the query parameter.
func (f hmaForm) value(r *http.Request, name string) string {
	if v, ok := f.values[name]; ok {
		return v
	}
	return r.URL.Query().Get(name)
}

// maxHMAField bounds a field of an HMA form other than the file: metadata, note.
const maxHMAField = 64 << 10

// readHMAForm reads r's body, of at most maxHMAUpload bytes: a multipart form part by part, so
// that the file goes to memory and never to a temporary file on disk, where ParseMultipartForm
// puts the parts it cannot keep in memory; or a URL-encoded form; or nothing.
func readHMAForm(w http.ResponseWriter, r *http.Request) (hmaForm, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxHMAUpload)
	form := hmaForm{values: map[string]string{}}
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch media {
	case "multipart/form-data":
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return form, hmaUploadError(err)
		}
		for k := range r.PostForm {
			form.values[k] = r.PostForm.Get(k)
		}
		return form, nil
	default:
		return form, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return form, vigil.Errorf(vigil.EINVALID, "Missing multipart/form-data file upload: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, nil
		}
		if err != nil {
			return form, hmaUploadError(err)
		}
		err = form.add(part)
		part.Close()
		if err != nil {
			return form, err
		}
	}
}

// add reads one part of a multipart form into f.
func (f *hmaForm) add(part *multipart.Part) error {
	if part.FileName() == "" {
		value, err := io.ReadAll(io.LimitReader(part, maxHMAField+1))
		if err != nil {
			return hmaUploadError(err)
		}
		if len(value) > maxHMAField {
			return vigil.FieldErrorf(vigil.ETOOLARGE, part.FormName(), "field over %d bytes", maxHMAField)
		}
		f.values[part.FormName()] = string(value)
		return nil
	}
	if f.files++; f.files > 1 {
		return vigil.Errorf(vigil.EINVALID, "Only one file allowed per request")
	}
	data, err := io.ReadAll(part)
	if err != nil {
		return hmaUploadError(err)
	}
	f.field, f.data = part.FormName(), data
	return nil
}

// hmaUploadError explains why an HMA upload could not be read: too large, or malformed.
func hmaUploadError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return vigil.Errorf(vigil.ETOOLARGE, "Content too large: at most %d bytes", maxHMAUpload)
	}
	return vigil.Errorf(vigil.EINVALID, "Missing multipart/form-data file upload: %v", err)
}

// hashURL fetches rawURL with the SSRF-safe fetcher and hashes it. The content type comes from
// the content_type parameter, else from the server's Content-Type (image/* or video/*).
func (s *Server) hashURL(r *http.Request, rawURL string) (hmaSignals, error) {
	res, err := s.Fetcher.Fetch(r.Context(), rawURL)
	switch {
	case errors.Is(err, urlfetch.ErrTooLarge):
		return hmaSignals{}, vigil.FieldErrorf(vigil.ETOOLARGE, "url", "Content too large")
	case err != nil:
		return hmaSignals{}, vigil.FieldErrorf(vigil.EINVALID, "url", "Failed to fetch URL: %v", err)
	}
	q := r.URL.Query()
	contentType := q.Get("content_type")
	if contentType == "" {
		media, _, _ := mime.ParseMediaType(res.ContentType)
		switch {
		case strings.HasPrefix(media, "image/"):
			contentType = "photo"
		case strings.HasPrefix(media, "video/"):
			contentType = "video"
		default:
			return hmaSignals{}, vigil.FieldErrorf(vigil.EINVALID, "content_type",
				"unsupported url ContentType: %q, if you know the expected type, provide it with the content_type query param", res.ContentType)
		}
	}
	return hashContent(res.Body, contentType, q.Get("types"))
}

// hmaHash answers GET /h/hash?url=: the signals of the content at url.
func (s *Server) hmaHash(w http.ResponseWriter, r *http.Request) {
	u := r.URL.Query().Get("url")
	if u == "" {
		s.hmaError(w, r, vigil.FieldErrorf(vigil.EINVALID, "url", "url is required"))
		return
	}
	sigs, err := s.hashURL(r, u)
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sigs.byName)
}

// hmaHashUpload answers POST /h/hash: the signals of the uploaded file.
func (s *Server) hmaHashUpload(w http.ResponseWriter, r *http.Request) {
	sigs, err := hashUpload(w, r)
	if err != nil {
		s.hmaError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sigs.byName)
}

// hmaSignal parses a signal given under an HMA signal type name.
func hmaSignal(typeName, value string) (signal.Signal, error) {
	sig, err := signal.Parse(typeName, value)
	if err != nil {
		return sig, vigil.FieldErrorf(vigil.EINVALID, "signal", "invalid signal: %v", err)
	}
	return sig, nil
}
