package eucentre

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// wantFieldError fails unless err is an invalid-input *vigil.Error naming field.
func wantFieldError(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one about %q", field)
	}
	ve, ok := errors.AsType[*vigil.Error](err)
	if !ok || ve.Code != vigil.EINVALID {
		t.Fatalf("error %v (%T), want an invalid *vigil.Error", err, err)
	}
	if ve.Field != field {
		t.Fatalf("error names %q (%v), want %q", ve.Field, err, field)
	}
}

// RP-02..RP-13: every record field reaches the document, times in UTC with milliseconds.
func TestRenderMapsEveryField(t *testing.T) {
	doc, err := Render(fullRecord(), twoFiles())
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	d, err := Parse(doc)
	if err != nil {
		t.Fatalf("Parse(Render()): %v", err)
	}
	c := d.Content[1]
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"format", d.Format, Format},
		{"RP-03 issued_at in UTC, ms", d.IssuedAt, "2026-11-27T09:30:15.123Z"},
		{"RP-12 legal_basis", d.LegalBasis, "Regulation (EU) 2026/1881, Art. 3(1)"},
		{"RP-02 provider", d.Provider, Provider{"Example Hosting B.V.", "Example Rep GmbH", "csar@example.com", "legal@example.com"}},
		{"RP-11 urgent", d.Urgent, true},
		{"RP-11 urgent_reason", d.UrgentReason, "ongoing abuse indicated"},
		{"RP-06 type", d.Type, "known_csam"},
		{"RP-04 content count", len(d.Content), 2},
		{"RP-04 content data", string(c.Data), string(payloads["cnt_two"])},
		{"content id", c.ContentID, "cnt_two"},
		{"uploaded_at", c.UploadedAt, "2026-11-27T08:30:15.123Z"},
		{"pdq lowercased", c.PDQ, "f8f8f0cee0f4a84f06370a32038f67f0b36e2ed596623e1d33e6339f60d8d0c4"},
		{"NC-06 viewed", c.Viewed, true},
		{"exif viewed", c.EXIFViewed, false},
		{"RP-05 metadata", c.Metadata["tz"], "+01:00"},
		{"matched lists", strings.Join(c.MatchedLists, ","), "bank-a"},
		{"RP-05 incident_at", d.IncidentAt, "2026-11-27T07:30:15.123Z"},
		{"RP-05 non_content", d.NonContent["upload_client"], "web"},
		{"RP-07 geo", d.Geo, Geo{"192.0.2.10", 50123, "2026-11-27T07:30:15.123Z", "Europe/Amsterdam", "1011", "NL"}},
		{"RP-08 users", d.Users[0], User{UniqueID: "u-1", Username: "someone", Email: "someone@example.net"}},
		{"RP-13 victims", strings.Join(d.Victims, ","), "apparent minor, age unknown"},
		{"RP-13 service", d.Service, Service{"Example Photos", "hosting", "https://photos.example.com/"}},
		{"RP-13 awareness", d.Awareness, "own_motion"},
		{"RP-09 third country", d.ThirdCountry[0], ThirdCountry{"NCMEC", "123456789"}},
		{"RP-10 removed", d.Removed, true},
		{"RP-10 removed_at", d.RemovedAt, "2026-11-27T09:30:15.123Z"},
		{"RP-13 account decision", d.AccountDecision, "suspended"},
		{"RP-13 other", d.OtherInformation, "see <notes> & more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !equalJSON(t, tc.got, tc.want) {
				t.Errorf("got %#v, want %#v", tc.got, tc.want)
			}
		})
	}
}

// equalJSON compares two values by their JSON encodings, which covers structs with maps.
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(ja, jb)
}

// The canonical form: fixed member order, no whitespace, stable across renderings.
func TestRenderCanonical(t *testing.T) {
	a, err := Render(fullRecord(), twoFiles())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(fullRecord(), twoFiles())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"rendering twice gives the same bytes", bytes.Equal(a, b)},
		{"format comes first, then issued_at", bytes.HasPrefix(a, []byte(`{"format":"vigil.eucentre.report/v1","issued_at":`))},
		{"no insignificant whitespace", !bytes.ContainsAny(a, "\n\t") && !bytes.Contains(a, []byte(`": `))},
		{"data is standard base64", bytes.Contains(a, []byte(base64.StdEncoding.EncodeToString(payloads["cnt_two"])))},
		{"map keys sorted", bytes.Index(a, []byte(`"exif:DateTimeOriginal"`)) < bytes.Index(a, []byte(`"tz"`))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Errorf("not so: %s", a[:200])
			}
		})
	}
}

// RP-02..RP-13: members the provider knows nothing about are present and empty, never absent.
func TestRenderMinimalKeepsEveryMember(t *testing.T) {
	doc, err := Render(minimalRecord(), oneFile())
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	for _, want := range []string{
		`"non_content":{}`, `"geo":{}`, `"users":[]`, `"victims":[]`, `"third_country_reports":[]`,
		`"urgent":false`, `"removed":false`, `"account_decision":""`, `"other_information":""`,
	} {
		t.Run(want, func(t *testing.T) {
			if !bytes.Contains(doc, []byte(want)) {
				t.Errorf("document lacks %s: %s", want, doc)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(r *vigil.ReportRecord, files map[string][]byte)
		field  string
		inText string
	}{
		{"RP-04 missing file", func(r *vigil.ReportRecord, f map[string][]byte) { delete(f, "cnt_two") }, "content[1].data", "no file"},
		{"RP-04 empty file", func(r *vigil.ReportRecord, f map[string][]byte) { f["cnt_one"] = nil }, "content[0].data", "empty"},
		{"file for no item", func(r *vigil.ReportRecord, f map[string][]byte) { f["cnt_x"] = []byte("x") }, "content", "does not list"},
		{"RP-04 no content", func(r *vigil.ReportRecord, f map[string][]byte) { r.Content = nil; clear(f) }, "content", "at least 1"},
		{"RP-03 no issue time", func(r *vigil.ReportRecord, f map[string][]byte) { r.Issued = time.Time{} }, "issued_at", "not set"},
		{"RP-05 no incident time", func(r *vigil.ReportRecord, f map[string][]byte) { r.Incident = time.Time{} }, "incident_at", "not set"},
		{"no upload time", func(r *vigil.ReportRecord, f map[string][]byte) { r.Content[1].Uploaded = time.Time{} }, "content[1].uploaded_at", "not set"},
		{"RP-06 unknown type", func(r *vigil.ReportRecord, f map[string][]byte) { r.Type = "grooming" }, "type", `"known_csam", "new_csam", "solicitation"`},
		{"RP-13 unknown awareness", func(r *vigil.ReportRecord, f map[string][]byte) { r.Awareness = "rumour" }, "awareness", `"detection_order"`},
		{"RP-12 no legal basis", func(r *vigil.ReportRecord, f map[string][]byte) { r.LegalBasis = "" }, "legal_basis", "empty"},
		{"RP-02 no provider name", func(r *vigil.ReportRecord, f map[string][]byte) { r.Provider.Name = "" }, "provider.name", "empty"},
		{"RP-02 bad contact point", func(r *vigil.ReportRecord, f map[string][]byte) { r.Provider.ContactPoint = "nobody" }, "provider.contact_point", "email"},
		{"RP-11 urgent without reason", func(r *vigil.ReportRecord, f map[string][]byte) { r.UrgentWhy = "" }, "urgent_reason", "required"},
		{"RP-13 unknown service type", func(r *vigil.ReportRecord, f map[string][]byte) { r.Service.Type = "forum" }, "service.type", `"hosting"`},
		{"RP-13 bad service url", func(r *vigil.ReportRecord, f map[string][]byte) { r.Service.URL = "::not a url" }, "service.url", "uri"},
		{"RP-07 bad ip", func(r *vigil.ReportRecord, f map[string][]byte) { r.Geo.IP = "300.1.1.1" }, "geo.ip", "ipv4, or is not a valid ipv6"},
		{"RP-07 port without ip", func(r *vigil.ReportRecord, f map[string][]byte) { r.Geo.IP = "" }, "geo.ip", "required when port"},
		{"RP-07 port out of range", func(r *vigil.ReportRecord, f map[string][]byte) { r.Geo.Port = 70000 }, "geo.port", "want at most 65535"},
		{"RP-08 user without id", func(r *vigil.ReportRecord, f map[string][]byte) { r.Users[0].UniqueID = "" }, "users[0].unique_id", "empty"},
		{"RP-09 reference missing", func(r *vigil.ReportRecord, f map[string][]byte) { r.ThirdCountry[0].Reference = "" }, "third_country_reports[0].reference", "empty"},
		{"md5 not hex", func(r *vigil.ReportRecord, f map[string][]byte) { r.Content[0].MD5 = "xyz" }, "content[0].md5", "pattern"},
		{"md5 of other bytes", func(r *vigil.ReportRecord, f map[string][]byte) { r.Content[0].MD5 = r.Content[1].MD5 }, "content[0].md5", "not the md5"},
		{"sha1 of other bytes", func(r *vigil.ReportRecord, f map[string][]byte) { r.Content[1].SHA1 = r.Content[0].SHA1 }, "content[1].sha1", "not the sha1"},
		{"sha256 of other bytes", func(r *vigil.ReportRecord, f map[string][]byte) {
			r.Content[0].MD5, r.Content[0].SHA1 = "", ""
			f["cnt_one"] = []byte("other")
		}, "content[0].sha256", "not the sha256"},
		{"content id twice", func(r *vigil.ReportRecord, f map[string][]byte) {
			r.Content[1] = r.Content[0]
			delete(f, "cnt_two")
		}, "content[1].content_id", "repeats"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, files := fullRecord(), twoFiles()
			tc.edit(&rec, files)
			_, err := Render(rec, files)
			wantFieldError(t, err, tc.field)
			if !strings.Contains(err.Error(), tc.inText) {
				t.Errorf("error %q does not say %q", err, tc.inText)
			}
		})
	}
}

// The schema's enumerations accept every value the root package defines, so a constant added
// there without the schema (or the reverse) fails here.
func TestRenderAcceptsEveryVigilEnumValue(t *testing.T) {
	type edit struct {
		name string
		set  func(r *vigil.ReportRecord)
	}
	var edits []edit
	for _, v := range []vigil.ReportType{vigil.ReportKnown, vigil.ReportNew, vigil.ReportSolicitation} {
		edits = append(edits, edit{"RP-06 type " + string(v), func(r *vigil.ReportRecord) { r.Type = v }})
	}
	for _, v := range []vigil.Awareness{vigil.AwarenessDetection, vigil.AwarenessAuthority, vigil.AwarenessHotline,
		vigil.AwarenessUserFlag, vigil.AwarenessOwnMotion, vigil.AwarenessOther} {
		edits = append(edits, edit{"RP-13 awareness " + string(v), func(r *vigil.ReportRecord) { r.Awareness = v }})
	}
	for _, v := range vigil.ServiceTypes {
		edits = append(edits, edit{"RP-13 service type " + string(v), func(r *vigil.ReportRecord) { r.Service.Type = string(v) }})
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			rec := minimalRecord()
			e.set(&rec)
			if _, err := Render(rec, oneFile()); err != nil {
				t.Fatalf("Render: %v", err)
			}
		})
	}
}

// BenchmarkRender renders and validates a report with one 4 MiB item, the bulk of the cost
// being base64 and the hash checks.
func BenchmarkRender(b *testing.B) {
	data := bytes.Repeat([]byte("benign bytes "), 4<<20/13)
	rec := minimalRecord()
	files := map[string][]byte{"cnt_one": data}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Render(rec, files); err != nil {
			b.Fatal(err)
		}
	}
}
