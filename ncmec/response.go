package ncmec

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// maxResponse bounds what is read of a response: the API's answers are a few hundred bytes.
const maxResponse = 1 << 20

// response is a parsed answer of the Reporting API. Every endpoint answers with a
// <reportResponse>, except finish, which answers with a <reportDoneResponse>.
type response struct {
	Root        string
	Code        int
	Description string
	ReportID    int64    // 0 when absent
	FileID      string   // upload only
	Hash        string   // upload only: NCMEC's MD5 of the file, lower-case hex
	FileIDs     []string // finish only
}

// wireResponse collects every occurrence of each field, so duplicates are seen and refused
// instead of silently keeping the last.
type wireResponse struct {
	XMLName     xml.Name
	Code        []string `xml:"responseCode"`
	Description []string `xml:"responseDescription"`
	ReportID    []string `xml:"reportId"`
	FileID      []string `xml:"fileId"`
	Hash        []string `xml:"hash"`
	Files       []struct {
		FileID []string `xml:"fileId"`
	} `xml:"files"`
}

// parseResponse parses and checks an answer: the root must be reportResponse or
// reportDoneResponse, responseCode must be present once and be an integer, and reportId, fileId
// and hash, when present, must be well-formed.
func parseResponse(body []byte) (response, error) {
	var w wireResponse
	if err := xml.NewDecoder(bytes.NewReader(body)).Decode(&w); err != nil {
		return response{}, fmt.Errorf("cybertipline response: %w", err)
	}
	r := response{Root: w.XMLName.Local}
	if w.XMLName.Space != "" || (r.Root != "reportResponse" && r.Root != "reportDoneResponse") {
		return response{}, fmt.Errorf("cybertipline response: unexpected root element %q", clip(r.Root))
	}
	code, err := single("responseCode", w.Code, true)
	if err != nil {
		return response{}, err
	}
	if r.Code, err = strconv.Atoi(code); err != nil || r.Code < 0 {
		return response{}, fmt.Errorf("cybertipline response: responseCode %q is not a code", clip(code))
	}
	if r.Description, err = single("responseDescription", w.Description, false); err != nil {
		return response{}, err
	}
	if err := r.parseIDs(w); err != nil {
		return response{}, err
	}
	return r, nil
}

// parseIDs checks and copies the report id, file id(s) and hash.
func (r *response) parseIDs(w wireResponse) error {
	id, err := single("reportId", w.ReportID, false)
	if err != nil {
		return err
	}
	if id != "" {
		if r.ReportID, err = parseReportID(id); err != nil {
			return fmt.Errorf("cybertipline response: %w", err)
		}
	}
	if r.FileID, err = single("fileId", w.FileID, false); err != nil {
		return err
	}
	if r.FileID != "" && !validFileID(r.FileID) {
		return fmt.Errorf("cybertipline response: fileId %q is not an id", clip(r.FileID))
	}
	if r.Hash, err = single("hash", w.Hash, false); err != nil {
		return err
	}
	r.Hash = strings.ToLower(r.Hash)
	if r.Hash != "" && !isHex(r.Hash, 32) {
		return fmt.Errorf("cybertipline response: hash %q is not an MD5", clip(r.Hash))
	}
	if len(w.Files) > 1 {
		return fmt.Errorf("cybertipline response: %d files elements, want at most one", len(w.Files))
	}
	for _, f := range w.Files {
		for _, id := range f.FileID {
			id = strings.TrimSpace(id)
			if !validFileID(id) {
				return fmt.Errorf("cybertipline response: files/fileId %q is not an id", clip(id))
			}
			r.FileIDs = append(r.FileIDs, id)
		}
	}
	return nil
}

// single returns the one value of a field, trimmed, refusing duplicates and, when required, absence.
func single(name string, values []string, required bool) (string, error) {
	switch {
	case len(values) > 1:
		return "", fmt.Errorf("cybertipline response: %s appears %d times", name, len(values))
	case len(values) == 0 && required:
		return "", fmt.Errorf("cybertipline response: %s missing", name)
	case len(values) == 0:
		return "", nil
	}
	return strings.TrimSpace(values[0]), nil
}

// parseReportID parses a CyberTipline report id: a positive decimal integer.
func parseReportID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, fmt.Errorf("reportId %q is not a positive integer", clip(s))
	}
	return id, nil
}

// validFileID accepts what a file id can safely be: 1 to 128 ASCII letters, digits, '-' or '_'.
// NCMEC's ids are hex strings; the bound keeps anything else out of the caller's database.
func validFileID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isHex reports whether s is n lower-case hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// clip shortens a value from a response for an error message: a broken server may send megabytes.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
