package eucentrefake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
)

// maxSupplement bounds a supplement: it carries text and references, never content.
const maxSupplement = 1 << 20

// Supplement is a supplement the fake filed against one of its reports.
type Supplement struct {
	Reference      string              // the reference the fake gave the supplement
	ReportRef      string              // the reference of the report it supplements
	IdempotencyKey string              // the key it was sent with
	Body           []byte              // the document exactly as received
	Signature      eucentre.Signature  // the signature it carried, verified
	Document       eucentre.Supplement // the document decoded
}

// Supplements returns the supplements filed so far, in the order they were filed.
func (s *Server) Supplements() []Supplement {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Supplement(nil), s.supplements...)
}

// supplementTarget reports whether r is addressed to Path/<reference>/supplements and returns
// the unescaped reference.
func supplementTarget(r *http.Request) (string, bool) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), Path+"/")
	if !ok {
		return "", false
	}
	escaped, ok := strings.CutSuffix(rest, eucentre.SupplementsPath)
	if !ok || escaped == "" || strings.Contains(escaped, "/") {
		return "", false
	}
	ref, err := url.PathUnescape(escaped)
	return ref, err == nil
}

// serveSupplement files a supplement to the report ref. It answers like a report: 201 with a
// new reference, 200 with the first one for a repeated key, 401 for a bad signature, 404 for
// an unknown report, 400 for an invalid document, one naming another report, or a key that is
// not the supplement id.
func (s *Server) serveSupplement(w http.ResponseWriter, r *http.Request, ref string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, vigil.Errorf(vigil.EINVALID, "supplements are POSTed"))
		return
	}
	body, sig, key, ok := s.readSigned(w, r, "supplement", maxSupplement)
	if !ok {
		return
	}
	supRef, created, status, err := s.fileSupplement(ref, key, body, sig)
	if err != nil {
		writeError(w, status, err)
		return
	}
	status = http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]string{"reference": supRef})
}

// fileSupplement records a new supplement under key, or returns the reference already filed
// under it, holding the lock across the check and the write.
func (s *Server) fileSupplement(ref, key string, body []byte, sig eucentre.Signature) (string, bool, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if supRef, ok := s.bySupKey[key]; ok {
		return supRef, false, 0, nil
	}
	if !slices.ContainsFunc(s.reports, func(rep Report) bool { return rep.Reference == ref }) {
		return "", false, http.StatusNotFound, vigil.Errorf(vigil.ENOTFOUND, "no report has the reference %q", ref)
	}
	doc, err := eucentre.ParseSupplement(body)
	if err != nil {
		return "", false, http.StatusBadRequest, err
	}
	if doc.Reference != ref {
		return "", false, http.StatusBadRequest, vigil.FieldErrorf(vigil.EINVALID, "reference", "the supplement names another report than its URL")
	}
	if doc.SupplementID != key {
		return "", false, http.StatusBadRequest, vigil.Errorf(vigil.EINVALID, "the %s must be the supplement id", eucentre.IdempotencyKeyHeader)
	}
	supRef := fmt.Sprintf("%s-S%d", ref, len(s.supplements)+1)
	s.bySupKey[key] = supRef
	s.supplements = append(s.supplements, Supplement{
		Reference: supRef, ReportRef: ref, IdempotencyKey: key, Body: body, Signature: sig, Document: doc,
	})
	return supRef, true, 0, nil
}
