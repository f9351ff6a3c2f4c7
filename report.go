package vigil

import "time"

// PrefixReport starts the public id of a report.
const PrefixReport = "rep"

// ReportType is what kind of abuse a report is about (RP-06).
type ReportType string

// The report types.
const (
	ReportKnown        ReportType = "known_csam"   // material previously identified: it matched a list
	ReportNew          ReportType = "new_csam"     // material not previously identified
	ReportSolicitation ReportType = "solicitation" // solicitation of children
)

// Awareness is how the provider became aware of the material (Annex III Q8, RP-13).
type Awareness string

// The manners of awareness.
const (
	AwarenessDetection Awareness = "detection_order" // under a detection order
	AwarenessAuthority Awareness = "authority"       // notified by a public authority or CA (Art. 32)
	AwarenessHotline   Awareness = "hotline"         // a hotline or trusted flagger
	AwarenessUserFlag  Awareness = "user_flag"       // a user flagged it
	AwarenessOwnMotion Awareness = "own_motion"      // the provider's own voluntary detection
	AwarenessOther     Awareness = "other"
)

// ReportRecord is the canonical report: the superset of the EU Centre's Annex III fields
// (RP-02..RP-13) from which each destination's rendering (EU Centre JSON, CyberTipline XML) is
// made. It is built from a confirmed case and edited by the legal role before it is sent.
// It holds personal data of the reported user: it is stored encrypted and never logged.
type ReportRecord struct {
	Provider   ReportProvider    `json:"provider"`  // RP-02
	Issued     time.Time         `json:"issued_at"` // RP-03: with the signature
	Urgent     bool              `json:"urgent"`    // RP-11, Annex III Q1
	UrgentWhy  string            `json:"urgent_reason,omitempty"`
	Type       ReportType        `json:"type"`                  // RP-06
	Content    []ReportContent   `json:"content"`               // RP-04: every item, by reference
	Incident   time.Time         `json:"incident_at"`           // when the material was uploaded
	NonContent map[string]string `json:"non_content,omitempty"` // RP-05: other non-content data
	Geo        ReportGeo         `json:"geo"`                   // RP-07
	Users      []ReportUser      `json:"users,omitempty"`       // RP-08
	Victims    []string          `json:"victims,omitempty"`     // RP-13 Q12: what is known of the apparent victim
	Service    ReportService     `json:"service"`               // RP-13 Q7
	Awareness  Awareness         `json:"awareness"`             // RP-13 Q8
	// ThirdCountry lists where else the material was reported, with that entity's reference
	// (RP-09): the NCMEC report id is written here once NCMEC has acknowledged it.
	ThirdCountry []ThirdCountryReport `json:"third_country_reports,omitempty"`
	Removed      bool                 `json:"removed"` // RP-10
	RemovedAt    time.Time            `json:"removed_at,omitzero"`
	Account      string               `json:"account_decision,omitempty"`  // RP-13 Q11
	LegalBasis   string               `json:"legal_basis"`                 // RP-12
	Other        string               `json:"other_information,omitempty"` // RP-13 Q13
}

// ReportProvider identifies the reporting provider and its legal representative (RP-02).
type ReportProvider struct {
	Name          string `json:"name"`
	LegalRep      string `json:"legal_representative,omitempty"`
	ContactPoint  string `json:"contact_point"`  // the single point of contact's email (PC-01)
	ReporterEmail string `json:"reporter_email"` // who at the provider answers for this report
}

// ReportContent is one reported item: its hashes as uploaded (NC-05), the matches that found it
// and whether the reviewer actually viewed it (NC-06). The bytes are attached from the evidence
// vault when the report is sent, never copied into the record.
type ReportContent struct {
	ContentID   string            `json:"content_id"`
	FileName    string            `json:"file_name,omitempty"`
	MediaType   string            `json:"media_type,omitempty"`
	Uploaded    time.Time         `json:"uploaded_at"`
	MD5         string            `json:"md5,omitempty"`
	SHA1        string            `json:"sha1,omitempty"`
	SHA256      string            `json:"sha256,omitempty"`
	PDQ         string            `json:"pdq,omitempty"`
	Category    string            `json:"category,omitempty"` // the reviewer's category, source-native
	Viewed      bool              `json:"viewed_by_provider"` // from the review log (NC-06)
	ViewedEXIF  bool              `json:"exif_viewed_by_provider"`
	Public      bool              `json:"publicly_available"`
	Metadata    map[string]string `json:"metadata,omitempty"` // media metadata, EXIF (RP-05, NC-07)
	MatchedList []string          `json:"matched_lists,omitempty"`
}

// ReportGeo is where the upload came from (RP-07).
type ReportGeo struct {
	IP       string    `json:"ip,omitempty"`
	Port     int       `json:"port,omitempty"`
	At       time.Time `json:"at,omitzero"`
	TimeZone string    `json:"time_zone,omitempty"`
	Postal   string    `json:"postal_code,omitempty"`
	Country  string    `json:"country,omitempty"`
}

// ReportUser is a user involved (RP-08).
type ReportUser struct {
	UniqueID    string `json:"unique_id"`
	Username    string `json:"username,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Other       string `json:"other,omitempty"`
}

// ReportService is the service the material was found on (RP-13 Q7).
type ReportService struct {
	Name string `json:"name"`
	Type string `json:"type"` // hosting, interpersonal, search
	URL  string `json:"url,omitempty"`
}

// ThirdCountryReport is a report of the same material to an authority or organisation outside
// the EU, such as NCMEC (RP-09).
type ThirdCountryReport struct {
	Entity    string `json:"entity"`
	Reference string `json:"reference"`
}
