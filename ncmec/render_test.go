package ncmec_test

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/ncmec"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
)

var (
	incidentAt = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	uploadAt   = time.Date(2026, 11, 2, 9, 29, 58, 123e6, time.UTC)
)

// sampleRecord is a complete known-CSAM record with benign placeholder values.
func sampleRecord() vigil.ReportRecord {
	return vigil.ReportRecord{
		Provider: vigil.ReportProvider{Name: "Example Photos", ContactPoint: "spoc@example.org",
			ReporterEmail: "trust@example.org"},
		Type:     vigil.ReportKnown,
		Incident: incidentAt,
		Content: []vigil.ReportContent{{
			ContentID: "cnt_01", FileName: "holiday.jpg", MediaType: "image/jpeg", Uploaded: uploadAt,
			MD5:      "9e107d9d372bb6826bd81d3542a419d6",
			SHA1:     "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
			SHA256:   "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
			PDQ:      "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
			Viewed:   true,
			Metadata: map[string]string{"Model": "Test camera", "DateTime": "2026:11:02 09:00:00"},
		}},
		Geo:     vigil.ReportGeo{IP: "192.0.2.10", Port: 51234, At: uploadAt, TimeZone: "Europe/Berlin", Country: "de"},
		Users:   []vigil.ReportUser{{UniqueID: "u-42", Username: "sample_user", DisplayName: "Sample", Email: "user@example.net"}},
		Service: vigil.ReportService{Name: "Example Photos", Type: "hosting", URL: "https://photos.example.org/"},
	}
}

// gotReport is what the tests read back from a rendered <report>.
type gotReport struct {
	IncidentType string    `xml:"incidentSummary>incidentType"`
	Escalate     *string   `xml:"incidentSummary>escalateToHighPriority"`
	Sextortion   *struct{} `xml:"incidentSummary>reportAnnotations>sextortion"`
	DateTime     string    `xml:"incidentSummary>incidentDateTime"`
	URLs         []string  `xml:"internetDetails>webPageIncident>url"`
	ChatClient   string    `xml:"internetDetails>chatImIncident>chatClient"`
	Reporter     []string  `xml:"reporter>reportingPerson>email"`
	Contact      []string  `xml:"reporter>contactPerson>email"`
	UserID       string    `xml:"personOrUserReported>espIdentifier"`
	ScreenName   string    `xml:"personOrUserReported>screenName"`
	UserEmail    []string  `xml:"personOrUserReported>personOrUserReportedPerson>email"`
	IP           string    `xml:"personOrUserReported>ipCaptureEvent>ipAddress"`
	Port         string    `xml:"personOrUserReported>ipCaptureEvent>port"`
	Event        string    `xml:"personOrUserReported>ipCaptureEvent>eventName"`
	Country      string    `xml:"personOrUserReported>estimatedLocation>countryCode"`
	Info         string    `xml:"additionalInfo"`
}

func renderReport(t *testing.T, rec vigil.ReportRecord, annotations ...ncmec.Annotation) gotReport {
	t.Helper()
	doc, err := ncmec.RenderReport(rec, annotations...)
	if err != nil {
		t.Fatalf("RenderReport: %v", err)
	}
	if err := ncmecfake.ValidateReport(doc); err != nil {
		t.Fatalf("rendered report fails validation: %v\n%s", err, doc)
	}
	var got gotReport
	if err := xml.Unmarshal(doc, &got); err != nil {
		t.Fatalf("read back: %v", err)
	}
	return got
}

func TestRenderReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		edit        func(*vigil.ReportRecord)
		annotations []ncmec.Annotation
		check       func(*testing.T, gotReport)
	}{
		{"known CSAM", nil, nil, func(t *testing.T, g gotReport) {
			want(t, "incidentType", g.IncidentType, ncmec.IncidentCSAM)
			want(t, "incidentDateTime", g.DateTime, "2026-11-02T09:30:00.000Z")
			want(t, "url", strings.Join(g.URLs, " "), "https://photos.example.org/")
			want(t, "reporter email", strings.Join(g.Reporter, " "), "trust@example.org")
			want(t, "contact email", strings.Join(g.Contact, " "), "spoc@example.org")
		}},
		{"new CSAM", func(r *vigil.ReportRecord) { r.Type = vigil.ReportNew }, nil, func(t *testing.T, g gotReport) {
			want(t, "incidentType", g.IncidentType, ncmec.IncidentCSAM)
		}},
		// NC-08: solicitation and sextortion are online enticement; sextortion is an annotation.
		{"solicitation", func(r *vigil.ReportRecord) { r.Type = vigil.ReportSolicitation }, nil, func(t *testing.T, g gotReport) {
			want(t, "incidentType", g.IncidentType, ncmec.IncidentEnticement)
			if g.Sextortion != nil {
				t.Error("sextortion annotation without being asked")
			}
		}},
		{"sextortion", func(r *vigil.ReportRecord) { r.Type = vigil.ReportSolicitation },
			[]ncmec.Annotation{ncmec.AnnotationSextortion}, func(t *testing.T, g gotReport) {
				want(t, "incidentType", g.IncidentType, ncmec.IncidentEnticement)
				if g.Sextortion == nil {
					t.Error("no sextortion annotation")
				}
			}},
		{"sextortion with CSAM", nil, []ncmec.Annotation{ncmec.AnnotationSextortion, ncmec.AnnotationCSAMSolicitation},
			func(t *testing.T, g gotReport) {
				want(t, "incidentType", g.IncidentType, ncmec.IncidentEnticement)
			}},
		// NC-09: escalation iff urgent.
		{"not urgent", nil, nil, func(t *testing.T, g gotReport) {
			if g.Escalate != nil {
				t.Errorf("escalateToHighPriority = %q on a record that is not urgent", *g.Escalate)
			}
		}},
		{"urgent with reason", func(r *vigil.ReportRecord) { r.Urgent, r.UrgentWhy = true, "live stream announced" }, nil,
			func(t *testing.T, g gotReport) {
				if g.Escalate == nil || *g.Escalate != "live stream announced" {
					t.Errorf("escalateToHighPriority = %v, want the reason", g.Escalate)
				}
			}},
		{"urgent without reason", func(r *vigil.ReportRecord) { r.Urgent = true }, nil, func(t *testing.T, g gotReport) {
			if g.Escalate == nil || *g.Escalate == "" {
				t.Error("urgent record not escalated")
			}
		}},
		{"reported user and upload IP", nil, nil, func(t *testing.T, g gotReport) {
			want(t, "espIdentifier", g.UserID, "u-42")
			want(t, "screenName", g.ScreenName, "sample_user")
			want(t, "user email", strings.Join(g.UserEmail, " "), "user@example.net")
			want(t, "ipAddress", g.IP, "192.0.2.10")
			want(t, "port", g.Port, "51234")
			want(t, "eventName", g.Event, "Upload")
			want(t, "countryCode", g.Country, "DE")
		}},
		{"interpersonal service", func(r *vigil.ReportRecord) {
			r.Service = vigil.ReportService{Name: "Example Chat", Type: "interpersonal"}
		},
			nil, func(t *testing.T, g gotReport) {
				want(t, "chatClient", g.ChatClient, "Example Chat")
				want(t, "url", strings.Join(g.URLs, " "), "")
			}},
		{"minimal", func(r *vigil.ReportRecord) {
			*r = vigil.ReportRecord{Type: vigil.ReportKnown, Incident: incidentAt,
				Provider: vigil.ReportProvider{ReporterEmail: "trust@example.org", ContactPoint: "trust@example.org"}}
		}, nil, func(t *testing.T, g gotReport) {
			want(t, "contact email", strings.Join(g.Contact, " "), "")
			want(t, "espIdentifier", g.UserID, "")
		}},
		{"notes", func(r *vigil.ReportRecord) {
			r.Users = append(r.Users, vigil.ReportUser{UniqueID: "u-43", Username: "second"})
			r.Victims = []string{"appears under 12"}
			r.Removed, r.RemovedAt = true, incidentAt.Add(time.Hour)
			r.Account = "suspended"
			r.NonContent = map[string]string{"client": "android app"}
			r.Other = "first line"
		}, nil, func(t *testing.T, g gotReport) {
			for _, s := range []string{"first line", "Also involved: unique id u-43, username second",
				"Apparent victim: appears under 12", "at 2026-11-02T10:30:00.000Z", "Account decision: suspended",
				"client: android app"} {
				if !strings.Contains(g.Info, s) {
					t.Errorf("additionalInfo %q lacks %q", g.Info, s)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := sampleRecord()
			if tt.edit != nil {
				tt.edit(&rec)
			}
			tt.check(t, renderReport(t, rec, tt.annotations...))
		})
	}
}

func TestRenderReportRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*vigil.ReportRecord)
		field string
	}{
		{"unknown type", func(r *vigil.ReportRecord) { r.Type = "grooming" }, "type"},
		{"no incident time", func(r *vigil.ReportRecord) { r.Incident = time.Time{} }, "incident_at"},
		{"incident year out of range", func(r *vigil.ReportRecord) { r.Incident = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "incident_at"},
		{"no reporter email", func(r *vigil.ReportRecord) { r.Provider.ReporterEmail = "" }, "provider.reporter_email"},
		{"reporter email with name", func(r *vigil.ReportRecord) { r.Provider.ReporterEmail = "Trust <trust@example.org>" }, "provider.reporter_email"},
		{"bad contact point", func(r *vigil.ReportRecord) { r.Provider.ContactPoint = "nobody" }, "provider.contact_point"},
		{"bad IP", func(r *vigil.ReportRecord) { r.Geo.IP = "192.0.2.300" }, "geo.ip"},
		{"port without IP", func(r *vigil.ReportRecord) { r.Geo.IP = "" }, "geo.port"},
		{"bad port", func(r *vigil.ReportRecord) { r.Geo.Port = 70000 }, "geo.port"},
		{"bad country", func(r *vigil.ReportRecord) { r.Geo.Country = "Germany" }, "geo.country"},
		{"bad user email", func(r *vigil.ReportRecord) { r.Users[0].Email = "a b@c" }, "users[0].email"},
		{"quoted user email", func(r *vigil.ReportRecord) { r.Users[0].Email = `"a b"@example.net` }, "users[0].email"},
		{"bad service URL", func(r *vigil.ReportRecord) { r.Service.URL = "javascript:alert(1)" }, "service.url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := sampleRecord()
			tt.edit(&rec)
			_, err := ncmec.RenderReport(rec)
			e, ok := err.(*vigil.Error)
			if !ok || e.Field != tt.field || e.Code != vigil.EINVALID {
				t.Fatalf("RenderReport error = %#v, want an invalid error on %s", err, tt.field)
			}
		})
	}
	if _, err := ncmec.RenderReport(sampleRecord(), "grooming"); err == nil {
		t.Error("RenderReport accepted an unknown annotation")
	}
}

// gotFile is what the tests read back from a rendered <fileDetails>.
type gotFile struct {
	ReportID string `xml:"reportId"`
	FileID   string `xml:"fileId"`
	Name     string `xml:"originalFileName"`
	Viewed   string `xml:"fileViewedByEsp"`
	EXIF     string `xml:"exifViewedByEsp"`
	Public   string `xml:"publiclyAvailable"`
	Class    string `xml:"industryClassification"`
	Hashes   []struct {
		Type  string `xml:"hashType,attr"`
		Value string `xml:",chardata"`
	} `xml:"originalFileHash"`
	Details []struct {
		Type  string `xml:"type,attr"`
		Pairs []struct {
			Name  string `xml:"name"`
			Value string `xml:"value"`
		} `xml:"nameValuePair"`
	} `xml:"details"`
	IP   string   `xml:"ipCaptureEvent>ipAddress"`
	Info []string `xml:"additionalInfo"`
}

// pairs flattens the details of one type as "name=value" lines.
func (g gotFile) pairs(typ string) string {
	var out []string
	for _, d := range g.Details {
		if d.Type == typ {
			for _, p := range d.Pairs {
				out = append(out, p.Name+"="+p.Value)
			}
		}
	}
	return strings.Join(out, "\n")
}

func (g gotFile) hashes() string {
	var out []string
	for _, h := range g.Hashes {
		out = append(out, h.Type+"="+h.Value)
	}
	return strings.Join(out, " ")
}

func TestRenderFileDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*vigil.ReportContent)
		check func(*testing.T, gotFile)
	}{
		{"identity", nil, func(t *testing.T, g gotFile) {
			want(t, "reportId", g.ReportID, "1000001")
			want(t, "fileId", g.FileID, "f00d")
			want(t, "originalFileName", g.Name, "holiday.jpg")
			want(t, "ipAddress", g.IP, "192.0.2.10")
			want(t, "additionalInfo", strings.Join(g.Info, "|"), "Uploaded at 2026-11-02T09:29:58.123Z")
		}},
		// NC-06: the attestations come from the record, false included.
		{"viewed, EXIF not viewed", nil, func(t *testing.T, g gotFile) {
			want(t, "fileViewedByEsp", g.Viewed, "true")
			want(t, "exifViewedByEsp", g.EXIF, "false")
			want(t, "publiclyAvailable", g.Public, "false")
		}},
		{"nothing viewed", func(c *vigil.ReportContent) { c.Viewed, c.ViewedEXIF = false, false }, func(t *testing.T, g gotFile) {
			want(t, "fileViewedByEsp", g.Viewed, "false")
			want(t, "exifViewedByEsp", g.EXIF, "false")
		}},
		{"all viewed and public", func(c *vigil.ReportContent) { c.ViewedEXIF, c.Public = true, true }, func(t *testing.T, g gotFile) {
			want(t, "exifViewedByEsp", g.EXIF, "true")
			want(t, "publiclyAvailable", g.Public, "true")
		}},
		// NC-05: the hashes of the file as uploaded, as the record holds them.
		{"original hashes", nil, func(t *testing.T, g gotFile) {
			want(t, "originalFileHash", g.hashes(),
				"MD5=9e107d9d372bb6826bd81d3542a419d6 SHA1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")
		}},
		{"upper-case hashes", func(c *vigil.ReportContent) { c.MD5 = strings.ToUpper(c.MD5); c.SHA1 = "" }, func(t *testing.T, g gotFile) {
			want(t, "originalFileHash", g.hashes(), "MD5=9e107d9d372bb6826bd81d3542a419d6")
		}},
		// NC-07: perceptual and other hashes in HASH details, metadata in EXIF details.
		{"details", nil, func(t *testing.T, g gotFile) {
			want(t, "HASH", g.pairs("HASH"),
				"PDQ=f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\n"+
					"SHA256=d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592")
			want(t, "EXIF", g.pairs("EXIF"), "DateTime=2026:11:02 09:00:00\nModel=Test camera")
		}},
		{"no details", func(c *vigil.ReportContent) { c.PDQ, c.SHA256, c.Metadata = "", "", nil }, func(t *testing.T, g gotFile) {
			if len(g.Details) != 0 {
				t.Errorf("details = %+v, want none", g.Details)
			}
		}},
		// HL-02: only an NCMEC class passes; other scales are never translated.
		{"NCMEC class", func(c *vigil.ReportContent) { c.Category = "B2" }, func(t *testing.T, g gotFile) {
			want(t, "industryClassification", g.Class, "B2")
		}},
		{"other scale", func(c *vigil.ReportContent) { c.Category = "IWF-A" }, func(t *testing.T, g gotFile) {
			want(t, "industryClassification", g.Class, "")
		}},
		{"matched lists", func(c *vigil.ReportContent) { c.MatchedList = []string{"list-a", "list-b"}; c.Uploaded = time.Time{} },
			func(t *testing.T, g gotFile) {
				want(t, "additionalInfo", strings.Join(g.Info, "|"), "Matched hash lists: list-a, list-b")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := sampleRecord()
			c := rec.Content[0]
			if tt.edit != nil {
				tt.edit(&c)
			}
			doc, err := ncmec.RenderFileDetails(1000001, "f00d", c, rec.Geo)
			if err != nil {
				t.Fatalf("RenderFileDetails: %v", err)
			}
			if err := ncmecfake.ValidateFileDetails(doc); err != nil {
				t.Fatalf("rendered file details fail validation: %v\n%s", err, doc)
			}
			var g gotFile
			if err := xml.Unmarshal(doc, &g); err != nil {
				t.Fatalf("read back: %v", err)
			}
			tt.check(t, g)
		})
	}
}

func TestRenderFileDetailsRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reportID int64
		fileID   string
		edit     func(*vigil.ReportContent)
		field    string // the *vigil.Error field, "" for a plain error
	}{
		{"report id zero", 0, "f00d", nil, ""},
		{"empty file id", 1, "", nil, ""},
		{"file id with markup", 1, "<x>", nil, ""},
		{"short MD5", 1, "f00d", func(c *vigil.ReportContent) { c.MD5 = "abc" }, "content.md5"},
		{"SHA-1 not hex", 1, "f00d", func(c *vigil.ReportContent) { c.SHA1 = strings.Repeat("z", 40) }, "content.sha1"},
		{"bad PDQ", 1, "f00d", func(c *vigil.ReportContent) { c.PDQ = "00" }, "content.pdq"},
		{"bad SHA-256", 1, "f00d", func(c *vigil.ReportContent) { c.SHA256 = c.MD5 }, "content.sha256"},
		{"empty metadata name", 1, "f00d", func(c *vigil.ReportContent) { c.Metadata = map[string]string{" ": "x"} }, "content.metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := sampleRecord()
			c := rec.Content[0]
			if tt.edit != nil {
				tt.edit(&c)
			}
			_, err := ncmec.RenderFileDetails(tt.reportID, tt.fileID, c, rec.Geo)
			if err == nil {
				t.Fatal("RenderFileDetails accepted bad input")
			}
			if e, ok := err.(*vigil.Error); tt.field != "" && (!ok || e.Field != tt.field) {
				t.Errorf("error = %#v, want one on %s", err, tt.field)
			}
		})
	}
}

func want(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}
