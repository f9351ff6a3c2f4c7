package eucentre

import "time"

// Format is the value of every version 1 document's "format" member: it names the document
// kind and version inside the signed bytes.
const Format = "vigil.eucentre.report/v1"

// timeLayout writes times as the schema's timestamps: UTC with exactly three fractional digits.
const timeLayout = "2006-01-02T15:04:05.000Z"

// Document is an EU Centre report as it travels: the wire form of a vigil.ReportRecord. It has
// its own types, rather than the record's, so that a field added to the record cannot change
// the versioned document by accident. Times are strings in the schema's timestamp form.
type Document struct {
	Format           string            `json:"format"`
	IssuedAt         string            `json:"issued_at"`   // RP-03
	LegalBasis       string            `json:"legal_basis"` // RP-12
	Provider         Provider          `json:"provider"`    // RP-02
	Urgent           bool              `json:"urgent"`      // RP-11
	UrgentReason     string            `json:"urgent_reason,omitempty"`
	Type             string            `json:"type"`                  // RP-06
	Content          []Content         `json:"content"`               // RP-04
	IncidentAt       string            `json:"incident_at"`           // RP-05
	NonContent       map[string]string `json:"non_content"`           // RP-05
	Geo              Geo               `json:"geo"`                   // RP-07
	Users            []User            `json:"users"`                 // RP-08
	Victims          []string          `json:"victims"`               // RP-13 Q12
	Service          Service           `json:"service"`               // RP-13 Q7
	Awareness        string            `json:"awareness"`             // RP-13 Q8
	ThirdCountry     []ThirdCountry    `json:"third_country_reports"` // RP-09
	Removed          bool              `json:"removed"`               // RP-10
	RemovedAt        string            `json:"removed_at,omitempty"`
	AccountDecision  string            `json:"account_decision"`  // RP-13 Q11
	OtherInformation string            `json:"other_information"` // RP-13 Q13
}

// Provider identifies the reporting provider and its legal representative (RP-02).
type Provider struct {
	Name          string `json:"name"`
	LegalRep      string `json:"legal_representative,omitempty"`
	ContactPoint  string `json:"contact_point"`
	ReporterEmail string `json:"reporter_email,omitempty"`
}

// Content is one reported item with its bytes (RP-04) and the hashes of those bytes.
type Content struct {
	ContentID    string            `json:"content_id"`
	FileName     string            `json:"file_name,omitempty"`
	MediaType    string            `json:"media_type,omitempty"`
	UploadedAt   string            `json:"uploaded_at"`
	MD5          string            `json:"md5,omitempty"`
	SHA1         string            `json:"sha1,omitempty"`
	SHA256       string            `json:"sha256,omitempty"`
	PDQ          string            `json:"pdq,omitempty"`
	Category     string            `json:"category,omitempty"`
	Viewed       bool              `json:"viewed_by_provider"`
	EXIFViewed   bool              `json:"exif_viewed_by_provider"`
	Public       bool              `json:"publicly_available"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	MatchedLists []string          `json:"matched_lists,omitempty"`
	Data         []byte            `json:"data"`
}

// Geo is where the upload came from (RP-07).
type Geo struct {
	IP         string `json:"ip,omitempty"`
	Port       int    `json:"port,omitempty"`
	At         string `json:"at,omitempty"`
	TimeZone   string `json:"time_zone,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

// User is a user involved in the incident (RP-08).
type User struct {
	UniqueID    string `json:"unique_id"`
	Username    string `json:"username,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Other       string `json:"other,omitempty"`
}

// Service is the service the material was found on (RP-13 Q7).
type Service struct {
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
}

// ThirdCountry is a report of the same material outside the EU, with that entity's case
// reference (RP-09): the NCMEC CyberTipline report id, for instance.
type ThirdCountry struct {
	Entity    string `json:"entity"`
	Reference string `json:"reference"`
}

// formatTime writes t as a schema timestamp, or "" for the zero time, which encoding/json then
// leaves out of optional members.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
