package eucentre

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// supplementInput returns a valid supplement answering a request for information (RP-17).
func supplementInput() SupplementInput {
	return SupplementInput{
		ID:        "sup_1",
		Reference: "EUC-000001",
		ReportID:  "rep_1",
		IssuedAt:  time.Date(2026, 11, 27, 10, 0, 0, 5e6, time.FixedZone("CET", 3600)),
		InReplyTo: "req-7",
		Text:      "The uploader's account was created on 2026-01-02.",
	}
}

func TestRenderSupplement(t *testing.T) {
	late := supplementInput()
	late.InReplyTo, late.Text = "", ""
	late.ThirdCountry = []vigil.ThirdCountryReport{{Entity: "NCMEC", Reference: "123456"}} // RP-09
	noTime := supplementInput()
	noTime.IssuedAt = time.Time{}
	empty := supplementInput()
	empty.Text, empty.InReplyTo = "", ""
	noRef := supplementInput()
	noRef.Reference = ""
	tests := []struct {
		name      string
		in        SupplementInput
		want      string // a substring of the document
		wantField string // the field an error names; "" for success
	}{
		{"answer to a request (RP-17)", supplementInput(), `"issued_at":"2026-11-27T09:00:00.005Z","in_reply_to":"req-7","text":`, ""},
		{"late NCMEC id (RP-09)", late, `"third_country_reports":[{"entity":"NCMEC","reference":"123456"}]`, ""},
		{"no issue time", noTime, "", "issued_at"},
		{"neither text nor references", empty, "", ""},
		{"no report reference", noRef, "", "reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := RenderSupplement(tc.in)
			if tc.want == "" {
				ve, ok := errors.AsType[*vigil.Error](err)
				if !ok {
					t.Fatalf("RenderSupplement = %s, %v; want a *vigil.Error", doc, err)
				}
				if tc.wantField != "" && ve.Field != tc.wantField {
					t.Errorf("error field %q, want %q (%v)", ve.Field, tc.wantField, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("RenderSupplement: %v", err)
			}
			if !strings.Contains(string(doc), tc.want) {
				t.Errorf("document %s lacks %s", doc, tc.want)
			}
			if !strings.HasPrefix(string(doc), `{"format":"`+SupplementFormat+`"`) {
				t.Errorf("document %s does not start with its format", doc)
			}
		})
	}
}

func TestParseSupplement(t *testing.T) {
	valid, err := RenderSupplement(supplementInput())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		doc       string
		wantField string // "" for a valid document, "-" for an error without a field
	}{
		{"valid", string(valid), ""},
		{"not JSON", `{"format":`, "-"},
		{"unknown member", strings.Replace(string(valid), `{"format"`, `{"extra":1,"format"`, 1), "-"},
		{"wrong format", strings.Replace(string(valid), SupplementFormat, "vigil.eucentre.report/v1", 1), "format"},
		{"bad time", strings.Replace(string(valid), "09:00:00.005Z", "09:00:00Z", 1), "issued_at"},
		{"not canonical", strings.Replace(string(valid), `","report_id"`, `", "report_id"`, 1), "-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSupplement([]byte(tc.doc))
			if tc.wantField == "" {
				if err != nil || s.SupplementID != "sup_1" {
					t.Fatalf("ParseSupplement = %+v, %v", s, err)
				}
				return
			}
			ve, ok := errors.AsType[*vigil.Error](err)
			if !ok {
				t.Fatalf("ParseSupplement error %v, want a *vigil.Error", err)
			}
			if tc.wantField != "-" && ve.Field != tc.wantField {
				t.Errorf("error field %q, want %q (%v)", ve.Field, tc.wantField, err)
			}
			if strings.Contains(err.Error(), "account was created") {
				t.Errorf("error %q repeats the text", err)
			}
		})
	}
}

func TestSupplementURL(t *testing.T) {
	tests := []struct {
		name, base, ref, want string
	}{
		{"plain", "https://eu.example/v1/reports", "EUC-1", "https://eu.example/v1/reports/EUC-1/supplements"},
		{"trailing slash", "https://eu.example/v1/reports/", "EUC-1", "https://eu.example/v1/reports/EUC-1/supplements"},
		{"escaped reference", "http://127.0.0.1:9/r", "a/b?c", "http://127.0.0.1:9/r/a%2Fb%3Fc/supplements"},
		{"plain http elsewhere", "http://eu.example/r", "EUC-1", ""},
		{"query", "https://eu.example/r?x=1", "EUC-1", ""},
		{"empty reference", "https://eu.example/r", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SupplementURL(tc.base, tc.ref)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("SupplementURL = %q, want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("SupplementURL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func FuzzParseSupplement(f *testing.F) {
	valid, err := RenderSupplement(supplementInput())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"vigil.eucentre.supplement/v1","third_country_reports":[]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := ParseSupplement(doc)
		if err != nil {
			return
		}
		again, err := RenderSupplement(SupplementInput{
			ID: s.SupplementID, Reference: s.Reference, ReportID: s.ReportID,
			IssuedAt: mustTime(t, s.IssuedAt), InReplyTo: s.InReplyTo, Text: s.Text,
			ThirdCountry: thirdCountryRecords(s.ThirdCountry),
		})
		if err != nil || string(again) != string(doc) {
			t.Fatalf("an accepted supplement does not render back: %v\n%s\n%s", err, doc, again)
		}
	})
}

func mustTime(t *testing.T, s string) time.Time {
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("accepted time %q does not parse: %v", s, err)
	}
	return at
}

func thirdCountryRecords(tcs []ThirdCountry) []vigil.ThirdCountryReport {
	var out []vigil.ThirdCountryReport
	for _, tc := range tcs {
		out = append(out, vigil.ThirdCountryReport{Entity: tc.Entity, Reference: tc.Reference})
	}
	return out
}
