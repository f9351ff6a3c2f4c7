package ncmec

import (
	"encoding/xml"
	"fmt"
	"maps"
	"net/mail"
	"net/url"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
)

// The incident types used for Vigil's report types (requirements §10).
const (
	IncidentCSAM       = "Child Pornography (possession, manufacture, and distribution)"
	IncidentEnticement = "Online Enticement of Children for Sexual Acts"
)

// Annotation is a reportAnnotations tag. The canonical record keeps them as strings
// (vigil.ReportRecord.Annotations, from vigil.ReportAnnotations); the caller passes them to
// RenderReport.
type Annotation string

// The report annotations (requirements §10).
const (
	AnnotationSextortion           Annotation = "sextortion"
	AnnotationCSAMSolicitation     Annotation = "csamSolicitation"
	AnnotationMinorToMinor         Annotation = "minorToMinorInteraction"
	AnnotationSpam                 Annotation = "spam"
	AnnotationSadisticExploitation Annotation = "sadisticOnlineExploitation"
	AnnotationInformational        Annotation = "informational"
)

// defaultEscalation is the escalateToHighPriority text when an urgent record gives no reason:
// the Annex III Q1 criterion that made it urgent.
const defaultEscalation = "Imminent threat to the life or safety of a child"

type reportDoc struct {
	XMLName xml.Name `xml:"report"`
	schemaAttrs
	IncidentSummary incidentSummary   `xml:"incidentSummary"`
	InternetDetails []internetDetails `xml:"internetDetails"`
	Reporter        reporter          `xml:"reporter"`
	UserReported    *userReported     `xml:"personOrUserReported"`
	AdditionalInfo  string            `xml:"additionalInfo,omitempty"`
}

type incidentSummary struct {
	IncidentType string             `xml:"incidentType"`
	Escalate     string             `xml:"escalateToHighPriority,omitempty"`
	Annotations  *reportAnnotations `xml:"reportAnnotations"`
	DateTime     string             `xml:"incidentDateTime"`
}

// reportAnnotations holds one empty element per tag, in schema order.
type reportAnnotations struct {
	Sextortion           *struct{} `xml:"sextortion"`
	CSAMSolicitation     *struct{} `xml:"csamSolicitation"`
	MinorToMinor         *struct{} `xml:"minorToMinorInteraction"`
	Spam                 *struct{} `xml:"spam"`
	SadisticExploitation *struct{} `xml:"sadisticOnlineExploitation"`
	Informational        *struct{} `xml:"informational"`
}

type internetDetails struct {
	WebPage *webPageIncident `xml:"webPageIncident"`
	ChatIM  *chatImIncident  `xml:"chatImIncident"`
}

type webPageIncident struct {
	URL []string `xml:"url"`
}

type chatImIncident struct {
	ChatClient string `xml:"chatClient,omitempty"`
}

type reporter struct {
	ReportingPerson person  `xml:"reportingPerson"`
	ContactPerson   *person `xml:"contactPerson"`
}

type userReported struct {
	Person         *person            `xml:"personOrUserReportedPerson"`
	ESPIdentifier  string             `xml:"espIdentifier,omitempty"`
	ESPService     string             `xml:"espService,omitempty"`
	ScreenName     string             `xml:"screenName,omitempty"`
	DisplayName    []string           `xml:"displayName,omitempty"`
	IPCapture      []ipCaptureEvent   `xml:"ipCaptureEvent"`
	Location       *estimatedLocation `xml:"estimatedLocation"`
	AdditionalInfo string             `xml:"additionalInfo,omitempty"`
}

type estimatedLocation struct {
	CountryCode string `xml:"countryCode"`
}

// RenderReport renders the CyberTipline <report> document of a record, elements in schema order:
//   - incidentSummary: the incident type from the record's type (known and new CSAM: child
//     pornography; solicitation, or any report annotated sextortion: online enticement, NC-08),
//     escalateToHighPriority iff the record is urgent (NC-09), the annotations given, the
//     incident time;
//   - internetDetails: a chat incident naming the service for an interpersonal service, else a
//     web page incident with the service URL when there is one;
//   - reporter: reportingPerson with the provider's reporter email (required), contactPerson
//     with its point of contact when that is another address;
//   - personOrUserReported: the first user (unique id, username, display name, email, phone),
//     the upload IP, port and time as an Upload ipCaptureEvent, the country;
//   - additionalInfo: what has no element of its own (other users, victims, removal, account
//     decision, other non-content data, other information).
//
// Bad input is a *vigil.Error naming the record's JSON field.
func RenderReport(rec vigil.ReportRecord, annotations ...Annotation) ([]byte, error) {
	summary, err := renderSummary(rec, annotations)
	if err != nil {
		return nil, err
	}
	internet, err := renderInternet(rec.Service)
	if err != nil {
		return nil, err
	}
	rep, err := renderReporter(rec.Provider)
	if err != nil {
		return nil, err
	}
	user, err := renderUser(rec)
	if err != nil {
		return nil, err
	}
	return marshal(reportDoc{
		schemaAttrs:     rootAttrs,
		IncidentSummary: summary,
		InternetDetails: internet,
		Reporter:        rep,
		UserReported:    user,
		AdditionalInfo:  reportNotes(rec),
	})
}

func renderSummary(rec vigil.ReportRecord, annotations []Annotation) (incidentSummary, error) {
	var s incidentSummary
	switch rec.Type {
	case vigil.ReportKnown, vigil.ReportNew:
		s.IncidentType = IncidentCSAM
	case vigil.ReportSolicitation:
		s.IncidentType = IncidentEnticement
	default:
		return s, vigil.FieldErrorf(vigil.EINVALID, "type", "%q is not a report type", rec.Type)
	}
	if slices.Contains(annotations, AnnotationSextortion) {
		s.IncidentType = IncidentEnticement
	}
	if rec.Urgent {
		s.Escalate = orDefault(strings.TrimSpace(rec.UrgentWhy), defaultEscalation)
	}
	var err error
	if s.Annotations, err = renderAnnotations(annotations); err != nil {
		return s, err
	}
	if rec.Incident.IsZero() {
		return s, vigil.FieldErrorf(vigil.EINVALID, "incident_at", "required: the CyberTipline needs the incident time")
	}
	s.DateTime, err = formatTime("incident_at", rec.Incident)
	return s, err
}

func renderAnnotations(annotations []Annotation) (*reportAnnotations, error) {
	if len(annotations) == 0 {
		return nil, nil
	}
	var a reportAnnotations
	on := &struct{}{}
	for _, t := range annotations {
		switch t {
		case AnnotationSextortion:
			a.Sextortion = on
		case AnnotationCSAMSolicitation:
			a.CSAMSolicitation = on
		case AnnotationMinorToMinor:
			a.MinorToMinor = on
		case AnnotationSpam:
			a.Spam = on
		case AnnotationSadisticExploitation:
			a.SadisticExploitation = on
		case AnnotationInformational:
			a.Informational = on
		default:
			return nil, fmt.Errorf("cybertipline report: %q is not a report annotation", t)
		}
	}
	return &a, nil
}

func renderInternet(s vigil.ReportService) ([]internetDetails, error) {
	if s.Type == "interpersonal" {
		return []internetDetails{{ChatIM: &chatImIncident{ChatClient: strings.TrimSpace(s.Name)}}}, nil
	}
	if s.URL == "" {
		return nil, nil
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, vigil.FieldErrorf(vigil.EINVALID, "service.url", "%q is not an http or https URL", s.URL)
	}
	return []internetDetails{{WebPage: &webPageIncident{URL: []string{s.URL}}}}, nil
}

func renderReporter(p vigil.ReportProvider) (reporter, error) {
	email, err := checkEmail("provider.reporter_email", p.ReporterEmail)
	if err != nil {
		return reporter{}, err
	}
	if email == "" {
		return reporter{}, vigil.FieldErrorf(vigil.EINVALID, "provider.reporter_email",
			"required: the CyberTipline needs the reporting person's email")
	}
	r := reporter{ReportingPerson: person{Email: []string{email}}}
	contact, err := checkEmail("provider.contact_point", p.ContactPoint)
	if err != nil {
		return reporter{}, err
	}
	if contact != "" && !strings.EqualFold(contact, email) {
		r.ContactPerson = &person{Email: []string{contact}}
	}
	return r, nil
}

// renderUser renders the first user and the upload IP; nil when the record has neither.
func renderUser(rec vigil.ReportRecord) (*userReported, error) {
	event, err := uploadEvent(rec.Geo)
	if err != nil {
		return nil, err
	}
	country, err := countryCode(rec.Geo.Country)
	if err != nil {
		return nil, err
	}
	if len(rec.Users) == 0 && event == nil && country == nil {
		return nil, nil
	}
	u := &userReported{Location: country, AdditionalInfo: geoNotes(rec.Geo)}
	if event != nil {
		u.IPCapture = []ipCaptureEvent{*event}
	}
	if len(rec.Users) > 0 {
		if err := u.setUser(rec.Users[0], rec.Service.Name); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func (u *userReported) setUser(user vigil.ReportUser, service string) error {
	email, err := checkEmail("users[0].email", user.Email)
	if err != nil {
		return err
	}
	if email != "" || user.Phone != "" {
		u.Person = &person{Email: nonEmpty(email), Phone: nonEmpty(strings.TrimSpace(user.Phone))}
	}
	u.ESPIdentifier = user.UniqueID
	u.ESPService = strings.TrimSpace(service)
	u.ScreenName = user.Username
	u.DisplayName = nonEmpty(user.DisplayName)
	u.AdditionalInfo = joinLines(user.Other, u.AdditionalInfo)
	return nil
}

// countryCode renders an ISO 3166-1 alpha-2 country as an estimated location.
func countryCode(c string) (*estimatedLocation, error) {
	if c == "" {
		return nil, nil
	}
	if len(c) != 2 || !isLetter(c[0]) || !isLetter(c[1]) {
		return nil, vigil.FieldErrorf(vigil.EINVALID, "geo.country", "%q is not an ISO 3166-1 alpha-2 code", c)
	}
	return &estimatedLocation{CountryCode: strings.ToUpper(c)}, nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// checkEmail returns a trimmed bare address, "" for none, or an error naming field. Quoted
// local parts and other exotic forms RFC 5322 allows are refused: NCMEC's reviewers type these
// addresses into mail clients.
func checkEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.ContainsAny(s, " \t\"\\<>()[],;") {
		return "", vigil.FieldErrorf(vigil.EINVALID, field, "not a bare email address")
	}
	return s, nil
}

func geoNotes(g vigil.ReportGeo) string {
	var lines []string
	if g.Postal != "" {
		lines = append(lines, "Upload postal code: "+g.Postal)
	}
	if g.TimeZone != "" {
		lines = append(lines, "Upload time zone: "+g.TimeZone)
	}
	return strings.Join(lines, "\n")
}

// reportNotes collects what the record holds that has no element of its own.
func reportNotes(rec vigil.ReportRecord) string {
	lines := []string{rec.Other}
	if len(rec.Users) > 1 {
		for _, u := range rec.Users[1:] {
			lines = append(lines, "Also involved: "+describeUser(u))
		}
	}
	for _, v := range rec.Victims {
		lines = append(lines, "Apparent victim: "+v)
	}
	if rec.Removed {
		line := "The content was removed or access to it disabled"
		if at, err := formatTime("removed_at", rec.RemovedAt); err == nil && at != "" {
			line += " at " + at
		}
		lines = append(lines, line)
	}
	if rec.Account != "" {
		lines = append(lines, "Account decision: "+rec.Account)
	}
	for _, k := range slices.Sorted(maps.Keys(rec.NonContent)) {
		lines = append(lines, k+": "+rec.NonContent[k])
	}
	return joinLines(lines...)
}

func describeUser(u vigil.ReportUser) string {
	parts := []string{"unique id " + u.UniqueID}
	for _, f := range [][2]string{{"username", u.Username}, {"display name", u.DisplayName},
		{"email", u.Email}, {"phone", u.Phone}, {"other", u.Other}} {
		if f[1] != "" {
			parts = append(parts, f[0]+" "+f[1])
		}
	}
	return strings.Join(parts, ", ")
}
