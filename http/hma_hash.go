package http

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
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
	r.Body = http.MaxBytesReader(w, r.Body, maxHMAUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return hmaSignals{}, vigil.Errorf(vigil.EINVALID, "Missing multipart/form-data file upload: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	files := r.MultipartForm.File
	if len(files) == 0 {
		return hmaSignals{}, vigil.Errorf(vigil.EINVALID, "Missing multipart/form-data file upload")
	}
	if len(files) > 1 {
		return hmaSignals{}, vigil.Errorf(vigil.EINVALID, "Only one file allowed per request")
	}
	var field string
	for name := range files {
		field = name
	}
	if len(files[field]) > 1 {
		return hmaSignals{}, vigil.Errorf(vigil.EINVALID, "Only one file allowed per request")
	}
	f, err := files[field][0].Open()
	if err != nil {
		return hmaSignals{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return hmaSignals{}, err
	}
	return hashContent(data, field, r.URL.Query().Get("types"))
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
		hmaError(w, vigil.FieldErrorf(vigil.EINVALID, "url", "url is required"))
		return
	}
	sigs, err := s.hashURL(r, u)
	if err != nil {
		hmaError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, sigs.byName)
}

// hmaHashUpload answers POST /h/hash: the signals of the uploaded file.
func (s *Server) hmaHashUpload(w http.ResponseWriter, r *http.Request) {
	sigs, err := hashUpload(w, r)
	if err != nil {
		hmaError(w, err)
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
