package ncmec

import (
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
)

// Hash names in fileDetails: originalFileHash takes NCMEC's binary hash types; perceptual and
// other hashes go into details of type HASH under these names (NC-07).
const (
	hashMD5    = "MD5"
	hashSHA1   = "SHA1"
	hashPDQ    = "PDQ"
	hashSHA256 = "SHA256"
)

type fileDetailsDoc struct {
	XMLName xml.Name `xml:"fileDetails"`
	schemaAttrs
	ReportID         int64            `xml:"reportId"`
	FileID           string           `xml:"fileId"`
	OriginalFileName string           `xml:"originalFileName,omitempty"`
	ViewedByESP      bool             `xml:"fileViewedByEsp"`
	EXIFViewedByESP  bool             `xml:"exifViewedByEsp"`
	Public           bool             `xml:"publiclyAvailable"`
	Relevance        string           `xml:"fileRelevance"`
	Classification   string           `xml:"industryClassification,omitempty"`
	OriginalHash     []originalHash   `xml:"originalFileHash"`
	IPCapture        *ipCaptureEvent  `xml:"ipCaptureEvent"`
	Details          []detailsSection `xml:"details"`
	AdditionalInfo   []string         `xml:"additionalInfo,omitempty"`
}

type originalHash struct {
	Type  string `xml:"hashType,attr"`
	Value string `xml:",chardata"`
}

type detailsSection struct {
	Type  string      `xml:"type,attr"`
	Pairs []nameValue `xml:"nameValuePair"`
}

type nameValue struct {
	Name  string `xml:"name"`
	Value string `xml:"value"`
}

// RenderFileDetails renders the <fileDetails> document for one uploaded file of a report:
//   - fileViewedByEsp and exifViewedByEsp exactly as the record has them from the review log,
//     false included, never defaulted (NC-06);
//   - originalFileHash with the MD5 and SHA-1 of the file as the user uploaded it (NC-05);
//   - industryClassification only when the reviewer's category is itself an NCMEC class
//     (A1, A2, B1, B2): other scales are never translated (HL-02);
//   - details of type HASH with the PDQ and SHA-256, and of type EXIF with the media metadata,
//     sorted by name (NC-07);
//   - the upload IP (geo) as an Upload ipCaptureEvent, and the matched lists and upload time as
//     additionalInfo.
//
// Bad input is a *vigil.Error naming the content's JSON field.
func RenderFileDetails(reportID int64, fileID string, c vigil.ReportContent, geo vigil.ReportGeo) ([]byte, error) {
	if reportID <= 0 {
		return nil, fmt.Errorf("cybertipline file details: report id %d is not positive", reportID)
	}
	if !validFileID(fileID) {
		return nil, fmt.Errorf("cybertipline file details: file id %q is not an id", fileID)
	}
	hashes, err := originalHashes(c)
	if err != nil {
		return nil, err
	}
	details, err := detailSections(c)
	if err != nil {
		return nil, err
	}
	event, err := uploadEvent(geo)
	if err != nil {
		return nil, err
	}
	notes, err := fileNotes(c)
	if err != nil {
		return nil, err
	}
	return marshal(fileDetailsDoc{
		schemaAttrs:      rootAttrs,
		ReportID:         reportID,
		FileID:           fileID,
		OriginalFileName: c.FileName,
		ViewedByESP:      c.Viewed,
		EXIFViewedByESP:  c.ViewedEXIF,
		Public:           c.Public,
		Relevance:        "Reported",
		Classification:   industryClassification(c.Category),
		OriginalHash:     hashes,
		IPCapture:        event,
		Details:          details,
		AdditionalInfo:   notes,
	})
}

func originalHashes(c vigil.ReportContent) ([]originalHash, error) {
	var out []originalHash
	for _, h := range []struct {
		field, typ, value string
		digits            int
	}{
		{"content.md5", hashMD5, c.MD5, 32}, {"content.sha1", hashSHA1, c.SHA1, 40},
	} {
		v, err := hexHash(h.field, h.value, h.digits)
		if err != nil {
			return nil, err
		}
		if v != "" {
			out = append(out, originalHash{Type: h.typ, Value: v})
		}
	}
	return out, nil
}

// hexHash lower-cases a hex hash and checks its length; "" stays "".
func hexHash(field, s string, n int) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s != "" && !isHex(s, n) {
		return "", vigil.FieldErrorf(vigil.EINVALID, field, "not %d hex digits", n)
	}
	return s, nil
}

func detailSections(c vigil.ReportContent) ([]detailsSection, error) {
	var out []detailsSection
	var hashes []nameValue
	for _, h := range []struct{ field, name, value string }{
		{"content.pdq", hashPDQ, c.PDQ}, {"content.sha256", hashSHA256, c.SHA256},
	} {
		v, err := hexHash(h.field, h.value, 64)
		if err != nil {
			return nil, err
		}
		if v != "" {
			hashes = append(hashes, nameValue{Name: h.name, Value: v})
		}
	}
	if len(hashes) > 0 {
		out = append(out, detailsSection{Type: "HASH", Pairs: hashes})
	}
	var exif []nameValue
	for _, k := range slices.Sorted(maps.Keys(c.Metadata)) {
		if strings.TrimSpace(k) == "" {
			return nil, vigil.FieldErrorf(vigil.EINVALID, "content.metadata", "a metadata name is empty")
		}
		exif = append(exif, nameValue{Name: k, Value: c.Metadata[k]})
	}
	if len(exif) > 0 {
		out = append(out, detailsSection{Type: "EXIF", Pairs: exif})
	}
	return out, nil
}

// industryClassification passes the reviewer's category through only when it is an NCMEC class.
func industryClassification(category string) string {
	switch category {
	case "A1", "A2", "B1", "B2":
		return category
	}
	return ""
}

func fileNotes(c vigil.ReportContent) ([]string, error) {
	var notes []string
	if len(c.MatchedList) > 0 {
		notes = append(notes, "Matched hash lists: "+strings.Join(c.MatchedList, ", "))
	}
	at, err := formatTime("content.uploaded_at", c.Uploaded)
	if err != nil {
		return nil, err
	}
	if at != "" {
		notes = append(notes, "Uploaded at "+at)
	}
	return notes, nil
}
