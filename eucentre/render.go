package eucentre

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
)

// Render returns the canonical EU Centre document for rec, with files[id] attached as the data
// of the content item whose ContentID is id (RP-04). Every item needs its file and every file
// its item; a declared MD5, SHA-1 or SHA-256 must be the hash of the attached bytes. rec.Issued
// must be set: it is the time stamp the signature vouches for (RP-03).
//
// The result has passed Validate, so a receiver that checks the schema accepts it. Errors are
// *vigil.Error values (code invalid) whose Field is the JSON path at fault, such as
// "content[1].data" or "provider.contact_point".
func Render(rec vigil.ReportRecord, files map[string][]byte) ([]byte, error) {
	if err := checkTimes(rec); err != nil {
		return nil, err
	}
	content, err := renderContent(rec.Content, files)
	if err != nil {
		return nil, err
	}
	doc := Document{
		Format:           Format,
		IssuedAt:         formatTime(rec.Issued),
		LegalBasis:       rec.LegalBasis,
		Provider:         renderProvider(rec.Provider),
		Urgent:           rec.Urgent,
		UrgentReason:     rec.UrgentWhy,
		Type:             string(rec.Type),
		Content:          content,
		IncidentAt:       formatTime(rec.Incident),
		NonContent:       nonNil(rec.NonContent),
		Geo:              renderGeo(rec.Geo),
		Users:            renderUsers(rec.Users),
		Victims:          append([]string{}, rec.Victims...),
		Service:          Service{Name: rec.Service.Name, Type: rec.Service.Type, URL: rec.Service.URL},
		Awareness:        string(rec.Awareness),
		ThirdCountry:     renderThirdCountry(rec.ThirdCountry),
		Removed:          rec.Removed,
		RemovedAt:        formatTime(rec.RemovedAt),
		AccountDecision:  rec.Account,
		OtherInformation: rec.Other,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("eucentre: encode the document: %w", err)
	}
	if _, err := Parse(b); err != nil {
		return nil, err
	}
	return b, nil
}

// checkTimes refuses a record without one of the times the schema requires: a zero time would
// otherwise surface as a puzzling pattern mismatch.
func checkTimes(rec vigil.ReportRecord) error {
	type namedTime struct {
		field string
		t     time.Time
	}
	required := []namedTime{{"issued_at", rec.Issued}, {"incident_at", rec.Incident}}
	for i, c := range rec.Content {
		required = append(required, namedTime{fmt.Sprintf("content[%d].uploaded_at", i), c.Uploaded})
	}
	for _, r := range required {
		if r.t.IsZero() {
			return vigil.FieldErrorf(vigil.EINVALID, r.field, "the time is not set")
		}
	}
	return nil
}

// renderContent pairs every content item with its file, refusing a missing, empty or spare one.
func renderContent(items []vigil.ReportContent, files map[string][]byte) ([]Content, error) {
	out := make([]Content, 0, len(items))
	named := make(map[string]bool, len(items))
	for i, c := range items {
		field := fmt.Sprintf("content[%d].data", i)
		data, ok := files[c.ContentID]
		switch {
		case !ok:
			return nil, vigil.FieldErrorf(vigil.EINVALID, field, "no file given for content %q", c.ContentID)
		case len(data) == 0:
			return nil, vigil.FieldErrorf(vigil.EINVALID, field, "the file for content %q is empty", c.ContentID)
		}
		named[c.ContentID] = true
		out = append(out, Content{
			ContentID:    c.ContentID,
			FileName:     c.FileName,
			MediaType:    c.MediaType,
			UploadedAt:   formatTime(c.Uploaded),
			MD5:          strings.ToLower(c.MD5),
			SHA1:         strings.ToLower(c.SHA1),
			SHA256:       strings.ToLower(c.SHA256),
			PDQ:          strings.ToLower(c.PDQ),
			Category:     c.Category,
			Viewed:       c.Viewed,
			EXIFViewed:   c.ViewedEXIF,
			Public:       c.Public,
			Metadata:     c.Metadata,
			MatchedLists: c.MatchedList,
			Data:         data,
		})
	}
	for id := range files {
		if !named[id] {
			return nil, vigil.FieldErrorf(vigil.EINVALID, "content", "a file is given for content %q, which the record does not list", id)
		}
	}
	return out, nil
}

func renderProvider(p vigil.ReportProvider) Provider {
	return Provider{Name: p.Name, LegalRep: p.LegalRep, ContactPoint: p.ContactPoint, ReporterEmail: p.ReporterEmail}
}

func renderGeo(g vigil.ReportGeo) Geo {
	return Geo{
		IP:         g.IP,
		Port:       g.Port,
		At:         formatTime(g.At),
		TimeZone:   g.TimeZone,
		PostalCode: g.Postal,
		Country:    g.Country,
	}
}

// renderUsers returns an empty, never nil, list: the schema wants the member present.
func renderUsers(users []vigil.ReportUser) []User {
	out := make([]User, 0, len(users))
	for _, u := range users {
		out = append(out, User{
			UniqueID:    u.UniqueID,
			Username:    u.Username,
			DisplayName: u.DisplayName,
			Email:       u.Email,
			Phone:       u.Phone,
			Other:       u.Other,
		})
	}
	return out
}

func renderThirdCountry(reports []vigil.ThirdCountryReport) []ThirdCountry {
	out := make([]ThirdCountry, 0, len(reports))
	for _, r := range reports {
		out = append(out, ThirdCountry{Entity: r.Entity, Reference: r.Reference})
	}
	return out
}

// nonNil returns m, or an empty map for nil so that it encodes as {} rather than null.
func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
