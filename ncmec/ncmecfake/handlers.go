package ncmecfake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"

	"github.com/vigilproject/vigil/ncmec"
)

// reply is an answer: <reportResponse>, or <reportDoneResponse> for finish.
type reply struct {
	XMLName     xml.Name
	Code        int        `xml:"responseCode"`
	Description string     `xml:"responseDescription,omitempty"`
	ReportID    int64      `xml:"reportId,omitempty"`
	FileID      string     `xml:"fileId,omitempty"`
	Hash        string     `xml:"hash,omitempty"`
	Files       *fileNames `xml:"files"`
}

type fileNames struct {
	IDs []string `xml:"fileId"`
}

// failure is an answer with a non-zero code.
type failure struct {
	code int
	why  string
}

func fail(code int, format string, args ...any) *failure {
	return &failure{code: code, why: fmt.Sprintf(format, args...)}
}

// ServeHTTP answers the API's endpoints, found by the last element of the path, so the fake
// works under any prefix (such as /ispws).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep := Endpoint(path.Base(r.URL.Path))
	handle := s.handler(ep)
	if handle == nil {
		http.NotFound(w, r)
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="CyberTipline"`)
		writeReply(w, reply{Code: ncmec.CodeAuthRequired, Description: "Authentication required"})
		return
	}
	wantMethod := http.MethodPost
	if ep == Status {
		wantMethod = http.MethodGet
	}
	if r.Method != wantMethod {
		writeReply(w, reply{Code: ncmec.CodeInvalidRequest, Description: "method must be " + wantMethod})
		return
	}
	out, f := s.serve(w, r, ep, handle)
	if f != nil {
		out = reply{Code: f.code, Description: ncmec.CodeText(f.code) + ": " + f.why}
	}
	if out.Code == ncmec.CodeOK && out.Description == "" && ep != Finish {
		out.Description = "Success"
	}
	writeReply(w, out)
}

type handler func(body []byte, r *http.Request) (reply, *failure)

// handler returns the handler of an endpoint, or nil for an unknown one.
func (s *Server) handler(ep Endpoint) handler {
	switch ep {
	case Status:
		return s.status
	case Submit:
		return s.submit
	case Upload:
		return s.upload
	case FileInfo:
		return s.fileInfo
	case Finish:
		return s.finish
	case Retract:
		return s.retract
	}
	return nil
}

// serve reads the body, holds the call at a gate if one is set, applies a planned failure and
// runs the handler.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, ep Endpoint, handle handler) (reply, *failure) {
	limit := int64(maxXML)
	if ep == Upload {
		limit = maxUpload
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return reply{}, fail(ncmec.CodeInvalidRequest, "reading the body: %v", err)
	}
	if !s.wait(r, ep) {
		return reply{}, fail(ncmec.CodeServerError, "the caller went away")
	}
	s.mu.Lock()
	code, planned := s.takeFailure(ep)
	s.mu.Unlock()
	if planned {
		return reply{}, fail(code, "failure planned by the test")
	}
	return handle(body, r)
}

func (s *Server) status(_ []byte, r *http.Request) (reply, *failure) {
	return reply{Description: fmt.Sprintf("Remote User : %s, Remote Ip : %s", s.user, r.RemoteAddr)}, nil
}

func (s *Server) submit(body []byte, _ *http.Request) (reply, *failure) {
	if _, err := validate(body, reportSpec); err != nil {
		return reply{}, xmlFailure(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	rep := &Report{ID: s.nextID, Status: Open, XML: body, Opened: now, Changed: now}
	s.nextID++
	s.reports = append(s.reports, rep)
	return reply{ReportID: rep.ID}, nil
}

func (s *Server) upload(body []byte, r *http.Request) (reply, *failure) {
	id, name, data, f := readUpload(body, r)
	if f != nil {
		return reply{}, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, f := s.openReport(id)
	if f != nil {
		return reply{}, f
	}
	file := File{ID: newFileID(), Name: name, MD5: md5Hex(data), Data: data}
	rep.Files = append(rep.Files, file)
	rep.Changed = s.clock.Now()
	hash := file.MD5
	if s.badMD5 > 0 {
		s.badMD5--
		hash = md5Hex(append(data, 0))
	}
	return reply{ReportID: id, FileID: file.ID, Hash: hash}, nil
}

// readUpload reads the multipart form of /upload: the report id and one file.
func readUpload(body []byte, r *http.Request) (int64, string, []byte, *failure) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		return 0, "", nil, fail(ncmec.CodeInvalidRequest, "multipart form: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	id, f := formID(r)
	if f != nil {
		return 0, "", nil, f
	}
	part, header, err := r.FormFile("file")
	if err != nil {
		return 0, "", nil, fail(ncmec.CodeMalformedFile, "no file: %v", err)
	}
	defer part.Close()
	data, err := io.ReadAll(part)
	if err != nil || len(data) == 0 {
		return 0, "", nil, fail(ncmec.CodeMalformedFile, "the file is empty or unreadable")
	}
	return id, header.Filename, data, nil
}

func (s *Server) fileInfo(body []byte, _ *http.Request) (reply, *failure) {
	doc, err := validate(body, fileDetailsSpec)
	if err != nil {
		return reply{}, xmlFailure(err)
	}
	id, err := strconv.ParseInt(doc.child("reportId"), 10, 64)
	if err != nil {
		return reply{}, fail(ncmec.CodeValidationFailed, "reportId: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, f := s.openReport(id)
	if f != nil {
		return reply{}, f
	}
	fileID := doc.child("fileId")
	for i := range rep.Files {
		if rep.Files[i].ID == fileID {
			rep.Files[i].Details = append(rep.Files[i].Details, body)
			rep.Changed = s.clock.Now()
			return reply{ReportID: id}, nil
		}
	}
	return reply{}, fail(ncmec.CodeFileNotFound, "report %d has no file %q", id, fileID)
}

func (s *Server) finish(body []byte, r *http.Request) (reply, *failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, f := s.formReport(body, r)
	if f != nil {
		return reply{}, f
	}
	rep.Status = Finished
	rep.Changed = s.clock.Now()
	names := &fileNames{}
	for _, file := range rep.Files {
		names.IDs = append(names.IDs, file.ID)
	}
	return reply{XMLName: xml.Name{Local: "reportDoneResponse"}, ReportID: rep.ID, Files: names}, nil
}

func (s *Server) retract(body []byte, r *http.Request) (reply, *failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, f := s.formReport(body, r)
	if f != nil {
		return reply{}, f
	}
	rep.Status = Retracted
	rep.Changed = s.clock.Now()
	return reply{ReportID: rep.ID}, nil
}

// formReport finds the open report named by the form field id. The caller holds s.mu.
func (s *Server) formReport(body []byte, r *http.Request) (*Report, *failure) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	id, f := formID(r)
	if f != nil {
		return nil, f
	}
	return s.openReport(id)
}

func formID(r *http.Request) (int64, *failure) {
	raw := r.FormValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, fail(ncmec.CodeInvalidRequest, "id %q is not a report id", raw)
	}
	return id, nil
}

// openReport returns a report that may still change, or the failure NCMEC answers. The caller
// holds s.mu.
func (s *Server) openReport(id int64) (*Report, *failure) {
	s.expireStale()
	rep := s.find(id)
	switch {
	case rep == nil || rep.Status == Expired:
		return nil, fail(ncmec.CodeReportNotFound, "no report %d", id)
	case rep.Status == Retracted:
		return nil, fail(ncmec.CodeAlreadyRetracted, "report %d", id)
	case rep.Status == Finished:
		return nil, fail(ncmec.CodeAlreadyFinished, "report %d", id)
	}
	return rep, nil
}

func xmlFailure(err error) *failure {
	if errors.Is(err, errMalformed) {
		return fail(ncmec.CodeMalformedXML, "%v", err)
	}
	return fail(ncmec.CodeValidationFailed, "%v", err)
}

// writeReply writes an answer with an HTTP status that matches its code.
func writeReply(w http.ResponseWriter, out reply) {
	if out.XMLName.Local == "" {
		out.XMLName.Local = "reportResponse"
	}
	body, err := xml.Marshal(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(httpStatus(out.Code))
	io.WriteString(w, xml.Header)
	w.Write(body)
}

func httpStatus(code int) int {
	switch {
	case code == ncmec.CodeOK:
		return http.StatusOK
	case code == ncmec.CodeAuthRequired:
		return http.StatusUnauthorized
	case code >= 3000 && code < 4000:
		return http.StatusForbidden
	case code >= 4000 && code < 5000:
		return http.StatusBadRequest
	case code == ncmec.CodeReportNotFound || code == ncmec.CodeFileNotFound:
		return http.StatusNotFound
	case code >= 5100 && code < 5200:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
