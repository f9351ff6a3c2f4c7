package ncmec_test

import (
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/ncmec"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
)

// FuzzRender checks that whatever record the renderers accept, the fake accepts too: bad input
// is refused by the renderer, never sent.
func FuzzRender(f *testing.F) {
	r := sampleRecord()
	c := r.Content[0]
	f.Add(string(r.Type), r.Provider.ReporterEmail, r.Provider.ContactPoint, r.Geo.IP, r.Geo.Port, r.Geo.Country,
		r.Users[0].UniqueID, r.Users[0].Email, r.Service.Type, r.Service.URL, "live stream", true,
		c.MD5, c.PDQ, c.Category, "Model", "Test <camera> & co", incidentAt.UnixMilli())
	f.Add("solicitation", "a@b", "", "::ffff:192.0.2.1", 0, "", "", "", "interpersonal", "", "", false,
		"", "", "A1", "", "", int64(1))
	f.Fuzz(func(t *testing.T, typ, reporter, contact, ip string, port int, country, userID, userEmail,
		serviceType, serviceURL, urgentWhy string, urgent bool, md5, pdq, category, metaName, metaValue string, incidentMS int64) {
		rec := vigil.ReportRecord{
			Type:     vigil.ReportType(typ),
			Provider: vigil.ReportProvider{ReporterEmail: reporter, ContactPoint: contact},
			Incident: time.UnixMilli(incidentMS).UTC(),
			Urgent:   urgent, UrgentWhy: urgentWhy,
			Geo:     vigil.ReportGeo{IP: ip, Port: port, Country: country},
			Users:   []vigil.ReportUser{{UniqueID: userID, Email: userEmail, Other: metaValue}},
			Service: vigil.ReportService{Name: metaName, Type: serviceType, URL: serviceURL},
			Other:   metaValue,
		}
		if doc, err := ncmec.RenderReport(rec); err == nil {
			if err := ncmecfake.ValidateReport(doc); err != nil {
				t.Fatalf("rendered report refused by the fake: %v\n%s", err, doc)
			}
		}
		content := vigil.ReportContent{FileName: metaValue, MD5: md5, PDQ: pdq, Category: category,
			Metadata: map[string]string{metaName: metaValue}, MatchedList: []string{metaValue}}
		if doc, err := ncmec.RenderFileDetails(7, "f00d", content, rec.Geo); err == nil {
			if err := ncmecfake.ValidateFileDetails(doc); err != nil {
				t.Fatalf("rendered file details refused by the fake: %v\n%s", err, doc)
			}
		}
	})
}
