package vigil

import (
	"regexp"
	"time"
)

// ServiceType is the legal kind of an online service: the legal basis for voluntary detection
// depends on it (requirements §0.2 item 3).
type ServiceType string

// The service types.
const (
	ServiceHosting       ServiceType = "hosting"       // hosting services, including social media
	ServiceInterpersonal ServiceType = "interpersonal" // number-independent interpersonal communications
	ServiceSearch        ServiceType = "search"        // online search engines
)

// Service is one of the platform's services, as configured by an admin. Content submitted for a
// service that is not configured is refused.
type Service struct {
	Name         string // as sent in Submission.Service
	Type         ServiceType
	Jurisdiction string // where its users are: "EU", "US", or an ISO 3166 code
	Enabled      bool   // scanning switched on by an admin
	Created      time.Time
}

// LegalBasis is one row of the dated legal-basis table: voluntary detection on services of Type in
// Jurisdiction is lawful from From (inclusive) until Until (exclusive; zero: open-ended) under
// Instrument (IR-15, PP-12).
type LegalBasis struct {
	Jurisdiction string
	Type         ServiceType
	From, Until  time.Time
	Instrument   string // e.g. "Regulation (EU) 2026/1881"
}

// GateDecision is the policy gate's answer for one item.
type GateDecision struct {
	Scan   bool
	Reason string // why it may not be scanned, for the not_scanned verdict
	Basis  string // the instrument that allows scanning, when Scan
}

// ServiceTypes lists every service type, for validation and forms.
var ServiceTypes = []ServiceType{ServiceHosting, ServiceInterpersonal, ServiceSearch}

// serviceName is what a service name may look like: it appears in URLs and metric labels.
var serviceName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// jurisdictionCode is "EU" or an ISO 3166 alpha-2 code.
var jurisdictionCode = regexp.MustCompile(`^[A-Z]{2}$`)

// Validate reports the first field of s that is not acceptable.
func (s Service) Validate() error {
	if !serviceName.MatchString(s.Name) {
		return FieldErrorf(EINVALID, "name", "must be 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	switch s.Type {
	case ServiceHosting, ServiceInterpersonal, ServiceSearch:
	default:
		return FieldErrorf(EINVALID, "type", "must be one of hosting, interpersonal, search")
	}
	if !jurisdictionCode.MatchString(s.Jurisdiction) {
		return FieldErrorf(EINVALID, "jurisdiction", "must be EU or an ISO 3166 alpha-2 code such as US")
	}
	return nil
}
