package ncmecfake

import (
	"strings"
	"testing"
)

const (
	summary  = `<incidentSummary><incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType><incidentDateTime>2026-11-02T09:30:00Z</incidentDateTime></incidentSummary>`
	reporter = `<reporter><reportingPerson><email>trust@example.org</email></reportingPerson></reporter>`
	rootOpen = `<report xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://report.cybertip.org/ispws/xsd">`
)

func report(body string) string { return rootOpen + body + `</report>` }

func TestValidateReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		wantErr string // "" for a valid document
	}{
		{"minimal", report(summary + reporter), ""},
		{"with declaration and comment", `<?xml version="1.0" encoding="UTF-8"?><!-- c -->` + report(summary+reporter), ""},
		{"full", report(`<batchedReport>false</batchedReport><incidentSummary><incidentType>Online Enticement of Children for Sexual Acts</incidentType>` +
			`<escalateToHighPriority>now</escalateToHighPriority><reportAnnotations><sextortion/><spam/></reportAnnotations>` +
			`<incidentDateTime>2026-11-02T09:30:00.000+01:00</incidentDateTime></incidentSummary>` +
			`<internetDetails><webPageIncident thirdPartyHostedContent="true"><url>https://e.example/</url></webPageIncident></internetDetails>` +
			`<internetDetails><emailIncident><anything/></emailIncident></internetDetails>` +
			`<lawEnforcement><agencyName>x</agencyName></lawEnforcement>` + reporter +
			`<personOrUserReported><espIdentifier>u</espIdentifier><displayName>a</displayName><displayName>b</displayName>` +
			`<ipCaptureEvent><ipAddress>2001:db8::1</ipAddress><eventName>Login</eventName><port>443</port></ipCaptureEvent>` +
			`<ipCaptureEvent><ipAddress>192.0.2.1</ipAddress></ipCaptureEvent><priorCTReports>12</priorCTReports>` +
			`<estimatedLocation verified="true"><countryCode>DE</countryCode></estimatedLocation></personOrUserReported>` +
			`<victim><victimPerson><firstName>x</firstName></victimPerson><schoolName>y</schoolName></victim>` +
			`<additionalInfo>notes</additionalInfo>`), ""},
		{"empty", ``, "no root element"},
		{"not XML", `hello`, "malformed"},
		{"unclosed", rootOpen + summary, "malformed"},
		{"two roots", report(summary+reporter) + `<report/>`, "second root"},
		{"doctype", `<!DOCTYPE report [<!ENTITY x "y">]>` + report(summary+reporter), "DOCTYPE"},
		{"namespaced element", `<report xmlns="urn:x">` + summary + reporter + `</report>`, "namespace"},
		{"wrong root", `<fileDetails/>`, "want <report>"},
		{"no summary", report(reporter), "missing <incidentSummary>"},
		{"no reporter", report(summary), "missing <reporter>"},
		{"reporter before summary", report(reporter + summary), "missing <incidentSummary> (found <reporter>)"},
		{"unknown element", report(summary + `<nonsense/>` + reporter), "missing <reporter> (found <nonsense>)"},
		{"trailing unknown", report(summary + reporter + `<nonsense/>`), "unexpected <nonsense>"},
		{"two summaries", report(summary + summary + reporter), "missing <reporter> (found <incidentSummary>)"},
		{"unknown incident type", report(strings.Replace(summary, "Child Pornography (possession, manufacture, and distribution)", "Sextortion", 1) + reporter),
			"incidentType: \"Sextortion\" is not one of"},
		{"no incident time", report(`<incidentSummary><incidentType>Child Sex Tourism</incidentType></incidentSummary>` + reporter),
			"missing <incidentDateTime>"},
		{"incident time without zone", report(strings.Replace(summary, "09:30:00Z", "09:30:00", 1) + reporter), "not a date-time"},
		{"annotation out of order", report(strings.Replace(summary, "<incidentDateTime>",
			"<reportAnnotations><spam/><sextortion/></reportAnnotations><incidentDateTime>", 1) + reporter), "unexpected <sextortion>"},
		{"annotation with text", report(strings.Replace(summary, "<incidentDateTime>",
			"<reportAnnotations><spam>yes</spam></reportAnnotations><incidentDateTime>", 1) + reporter), "must be empty"},
		{"reporter without email", report(summary + `<reporter><reportingPerson><firstName>A</firstName></reportingPerson></reporter>`),
			"missing <email>"},
		{"bad reporter email", report(summary + `<reporter><reportingPerson><email>nobody</email></reportingPerson></reporter>`),
			"not an email address"},
		{"two incident kinds in one", report(summary + `<internetDetails><webPageIncident/><chatImIncident/></internetDetails>` + reporter),
			"want exactly one element"},
		{"unknown incident kind", report(summary + `<internetDetails><faxIncident/></internetDetails>` + reporter), "not allowed here"},
		{"bad URL", report(summary + `<internetDetails><webPageIncident><url>not a url</url></webPageIncident></internetDetails>` + reporter),
			"not an absolute URL"},
		{"bad attribute value", report(summary + `<internetDetails><webPageIncident thirdPartyHostedContent="maybe"/></internetDetails>` + reporter),
			"@thirdPartyHostedContent"},
		{"unknown attribute on element", report(`<incidentSummary id="1">` + strings.TrimPrefix(summary, "<incidentSummary>") + reporter),
			"unexpected attribute \"id\""},
		{"bad IP", report(summary + reporter + `<personOrUserReported><ipCaptureEvent><ipAddress>999.1.1.1</ipAddress></ipCaptureEvent></personOrUserReported>`),
			"not an IP address"},
		{"IP event without address", report(summary + reporter + `<personOrUserReported><ipCaptureEvent><port>1</port></ipCaptureEvent></personOrUserReported>`),
			"missing <ipAddress>"},
		{"bad event name", report(summary + reporter + `<personOrUserReported><ipCaptureEvent><ipAddress>192.0.2.1</ipAddress><eventName>Download</eventName></ipCaptureEvent></personOrUserReported>`),
			"\"Download\" is not one of"},
		{"bad port", report(summary + reporter + `<personOrUserReported><ipCaptureEvent><ipAddress>192.0.2.1</ipAddress><port>65536</port></ipCaptureEvent></personOrUserReported>`),
			"not a port"},
		{"bad country", report(summary + reporter + `<personOrUserReported><estimatedLocation><countryCode>Germany</countryCode></estimatedLocation></personOrUserReported>`),
			"not an ISO 3166-1"},
		{"victim without person", report(summary + reporter + `<victim><schoolName>y</schoolName></victim>`), "missing <victimPerson>"},
		{"text between elements", report(summary + `stray` + reporter), "text where only elements"},
		{"element in text element", report(strings.Replace(summary, "<incidentType>", "<incidentType><b/>", 1) + reporter),
			"unexpected element <b>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateReport([]byte(tt.doc))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateReport: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateReport error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func fileDetails(body string) string {
	return `<fileDetails><reportId>1000001</reportId><fileId>f00d</fileId>` + body + `</fileDetails>`
}

func TestValidateFileDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"minimal", fileDetails(``), ""},
		{"full", fileDetails(`<fileName>a</fileName><originalFileName>b.jpg</originalFileName><locationOfFile>x</locationOfFile>` +
			`<fileViewedByEsp>false</fileViewedByEsp><exifViewedByEsp>0</exifViewedByEsp><publiclyAvailable>true</publiclyAvailable>` +
			`<fileRelevance>Supplemental Reported</fileRelevance><fileAnnotations><potentialMeme/><generativeAi/></fileAnnotations>` +
			`<industryClassification>A1</industryClassification>` +
			`<originalFileHash hashType="MD5">9E107D9D372BB6826BD81D3542A419D6</originalFileHash>` +
			`<originalFileHash hashType="SHA1">2fd4e1c67a2d28fced849ee1bb76e7391b93eb12</originalFileHash>` +
			`<ipCaptureEvent><ipAddress>192.0.2.1</ipAddress></ipCaptureEvent>` +
			`<details type="HASH"><nameValuePair><name>PDQ</name><value>00</value></nameValuePair></details>` +
			`<details type="EXIF"/><additionalInfo>a</additionalInfo><additionalInfo>b</additionalInfo>`), ""},
		{"no report id", `<fileDetails><fileId>f</fileId></fileDetails>`, "missing <reportId>"},
		{"report id not a number", `<fileDetails><reportId>x</reportId><fileId>f</fileId></fileDetails>`, "not a positive integer"},
		{"no file id", `<fileDetails><reportId>1</reportId></fileDetails>`, "missing <fileId>"},
		{"viewed not boolean", fileDetails(`<fileViewedByEsp>yes</fileViewedByEsp>`), "fileViewedByEsp"},
		{"flags out of order", fileDetails(`<exifViewedByEsp>true</exifViewedByEsp><fileViewedByEsp>true</fileViewedByEsp>`),
			"unexpected <fileViewedByEsp>"},
		{"bad relevance", fileDetails(`<fileRelevance>Evidence</fileRelevance>`), "not one of"},
		{"bad classification", fileDetails(`<industryClassification>C</industryClassification>`), "not one of"},
		{"unknown file annotation", fileDetails(`<fileAnnotations><funny/></fileAnnotations>`), "unexpected <funny>"},
		{"hash without type", fileDetails(`<originalFileHash>9e107d9d372bb6826bd81d3542a419d6</originalFileHash>`), "missing attribute \"hashType\""},
		{"unknown hash type", fileDetails(`<originalFileHash hashType="CRC">00</originalFileHash>`), "not one of"},
		{"MD5 of wrong length", fileDetails(`<originalFileHash hashType="MD5">2fd4e1c67a2d28fced849ee1bb76e7391b93eb12</originalFileHash>`), "not a MD5 hash"},
		{"two IP events", fileDetails(`<ipCaptureEvent><ipAddress>192.0.2.1</ipAddress></ipCaptureEvent><ipCaptureEvent><ipAddress>192.0.2.2</ipAddress></ipCaptureEvent>`),
			"unexpected <ipCaptureEvent>"},
		{"details without type", fileDetails(`<details/>`), "missing attribute \"type\""},
		{"details of unknown type", fileDetails(`<details type="XMP"/>`), "not one of"},
		{"pair without name", fileDetails(`<details type="EXIF"><nameValuePair><value>v</value></nameValuePair></details>`), "missing <name>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateFileDetails([]byte(tt.doc))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateFileDetails: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateFileDetails error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateBounds(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("<a>", maxDepth+1) + strings.Repeat("</a>", maxDepth+1)
	wide := "<report>" + strings.Repeat("<a/>", maxNodes) + "</report>"
	for name, doc := range map[string]string{"deep": deep, "wide": wide} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err := ValidateReport([]byte(doc)); err == nil || !strings.Contains(err.Error(), "more than") {
				t.Fatalf("ValidateReport error = %v, want the bounds refused", err)
			}
		})
	}
}

func FuzzValidate(f *testing.F) {
	f.Add([]byte(report(summary + reporter)))
	f.Add([]byte(fileDetails(`<details type="EXIF"><nameValuePair><name>a</name><value>b</value></nameValuePair></details>`)))
	f.Add([]byte(`<report><victim><victimPerson/><x/></victim></report>`))
	f.Add([]byte(`<a><![CDATA[x]]><![CDATA[y]]></a>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, root := range []*spec{reportSpec, fileDetailsSpec} {
			n, err := validate(doc, root)
			if err != nil {
				continue
			}
			if n.name != root.name {
				t.Fatalf("accepted root <%s> for <%s>", n.name, root.name)
			}
			if root == fileDetailsSpec && (isPositive(n.child("reportId")) != nil || n.child("fileId") == "") {
				t.Fatalf("accepted file details without a report id and file id: %q", doc)
			}
		}
	})
}
