package vigil

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Public id prefixes of the risk register.
const (
	PrefixAssessment = "ras"
	PrefixRisk       = "rsk"
	PrefixMitigation = "mit"
)

// AssessmentStatus is where a risk assessment stands: a draft is edited, a final one is frozen
// and starts the next three-year period (RA-07).
type AssessmentStatus string

// The assessment statuses.
const (
	AssessmentDraft AssessmentStatus = "draft"
	AssessmentFinal AssessmentStatus = "final"
)

// Level grades a risk or an extent.
type Level string

// The levels. None is for extents only (children do not use the service), never for a risk.
const (
	LevelNone   Level = "none"
	LevelLow    Level = "low"
	LevelMedium Level = "medium"
	LevelHigh   Level = "high"
)

// AgeGroups are the age groups of child users whose risk an assessment grades (RA-05).
var AgeGroups = []string{"under_13", "13_15", "16_17"}

// RiskAssessment is a service's assessment of the risk of its use for child sexual abuse
// (Art. 3): one register per service, not per company (RA-01).
type RiskAssessment struct {
	ID      string
	Service string
	Status  AssessmentStatus
	// PriorInstances records the instances of use of the service for child sexual abuse
	// identified before, such as the number of reports made (RA-02).
	PriorInstances string
	// ReportsSent is the number of reports about the service's content delivered so far, read
	// from the report database when the assessment is read (RA-02's link to it).
	ReportsSent int
	// The four items of RA-03, each required: the terms of service's prohibitions, the measures
	// that enforce them, the age-verification functionality and the user flagging tools.
	TermsProhibition string
	Enforcement      string
	AgeVerification  string
	FlaggingTools    string
	// Usage and Design cover how users use the service and its design and operation (business
	// model, governance, systems) and their effect on the risk (RA-04).
	Usage        string
	Design       string
	Solicitation SolicitationRisk // RA-05
	// Residual is the risk that remains after the mitigations; required to finalise (RA-08).
	Residual    string
	Risks       []Risk
	Mitigations []Mitigation
	Assessed    time.Time // when it was finalised; zero for a draft
	Created     time.Time
	Updated     time.Time
}

// SolicitationRisk is the solicitation section of an assessment: one value per item (RA-05).
type SolicitationRisk struct {
	ChildUse         Level          // the extent of use of the service by children
	AgeGroups        []AgeGroupRisk // the risk per age group of child users
	UserSearch       bool           // users can search for other users
	AdultChildSearch bool           // adults can search for child users in particular
	DirectContact    bool           // users can contact others directly or privately
	ImageSharing     bool           // users can share images or videos
	PrivateSharing   bool           // ...in private communications
}

// AgeGroupRisk is the risk to one age group of child users.
type AgeGroupRisk struct {
	Group string // one of AgeGroups
	Risk  Level
}

// Risk is one risk an assessment identified, linked to at least one of its mitigations (RM-01).
type Risk struct {
	ID           string
	AssessmentID string
	Title        string
	Description  string
	Severity     Level // low, medium or high
	Mitigations  []string
	Created      time.Time
}

// MitigationKind is what a mitigation measure is (Art. 4(1), RM-01, RM-06).
type MitigationKind string

// The mitigation kinds.
const (
	MitigateModeration      MitigationKind = "moderation"       // content moderation or recommender change
	MitigateProcess         MitigationKind = "process"          // internal processes and supervision
	MitigateCooperation     MitigationKind = "cooperation"      // with other providers, authorities, civil society, trusted flaggers
	MitigateUserReporting   MitigationKind = "user_reporting"   // user reporting tools
	MitigateUserControl     MitigationKind = "user_control"     // users control what is shared about them
	MitigatePrivacyDefaults MitigationKind = "privacy_defaults" // child-specific default privacy settings
	MitigateAgeVerification MitigationKind = "age_verification" // RM-03: off by default, chosen explicitly
)

// MitigationKinds lists every mitigation kind, for validation and forms.
var MitigationKinds = []MitigationKind{MitigateModeration, MitigateProcess, MitigateCooperation,
	MitigateUserReporting, MitigateUserControl, MitigatePrivacyDefaults, MitigateAgeVerification}

// MitigationStatus is where a measure stands (RM-02: introduced, reviewed or ended within 3
// months of each assessment).
type MitigationStatus string

// The mitigation statuses.
const (
	MitigationIntroduced MitigationStatus = "introduced"
	MitigationReviewed   MitigationStatus = "reviewed"
	MitigationEnded      MitigationStatus = "ended"
)

// MitigationMonths is how long after an assessment its measures may still be introduced,
// reviewed or ended (RM-02: within 3 months of each assessment date).
const MitigationMonths = 3

// Mitigation is a measure against the assessed risks, with why it is proportionate (RM-02).
type Mitigation struct {
	ID           string
	AssessmentID string
	Kind         MitigationKind
	Description  string // internal: may name detection details
	PublicText   string // what the terms of service may say of it (RM-04)
	// The proportionality rationale of RM-02, each required: the severity of the risk, the
	// provider's capacity, and the number of users concerned.
	Severity string
	Capacity string
	Users    string
	Status   MitigationStatus
	Created  time.Time
}

// RiskSchedule is when a service's next assessment is due (RA-07), and what set it.
type RiskSchedule struct {
	Service      string
	Launched     time.Time // the service's creation: the first assessment is due 3 months later
	LastAssessed time.Time // the last final assessment; zero when there is none
	LastID       string
	CADue        time.Time // a date a Coordinating Authority demanded; zero when none
	CAReference  string
	OrderEnd     time.Time // the end of a detection order in force; zero when none
	Due          time.Time
}

// RiskReminderLead is how long before an assessment is due the reminder goes out.
const RiskReminderLead = 30 * 24 * time.Hour

// Missing reports whether the service has no final assessment (RA-01's compliance check).
func (s RiskSchedule) Missing() bool { return s.LastAssessed.IsZero() }

// Overdue reports whether the assessment was due by now.
func (s RiskSchedule) Overdue(now time.Time) bool { return !now.Before(s.Due) }

// DueSoon reports whether the assessment is due within RiskReminderLead of now.
func (s RiskSchedule) DueSoon(now time.Time) bool { return !now.Before(s.Due.Add(-RiskReminderLead)) }

// NextAssessmentDue returns when a service's next assessment is due (RA-07): 3 months after
// launch while it has none, else 3 years after the last; earlier when a Coordinating Authority
// demanded an earlier date (caDue) or when a detection order ends (2 months before orderEnd).
// Zero caDue or orderEnd mean none.
func NextAssessmentDue(launched, last, caDue, orderEnd time.Time) time.Time {
	due := AddMonths(launched, 3)
	if !last.IsZero() {
		due = AddMonths(last, 3*12)
	}
	if !caDue.IsZero() && caDue.Before(due) {
		due = caDue
	}
	if !orderEnd.IsZero() {
		if d := AddMonths(orderEnd, -2); d.Before(due) {
			due = d
		}
	}
	return due
}

// RiskAssessmentDue is the data of the risk.assessment_due webhook event.
type RiskAssessmentDue struct {
	Service string `json:"service"`
	Due     string `json:"due_at"` // RFC 3339 with milliseconds
	Overdue bool   `json:"overdue"`
	Missing bool   `json:"missing"` // the service has no final assessment yet
}

// MaxRiskText bounds every text field of the register.
const MaxRiskText = 20000

// checkText validates one text field: valid UTF-8 within MaxRiskText, and not empty when
// required.
func checkText(field, v string, required bool) error {
	switch {
	case required && strings.TrimSpace(v) == "":
		return FieldErrorf(EINVALID, field, "is required")
	case !utf8.ValidString(v):
		return FieldErrorf(EINVALID, field, "is not valid UTF-8")
	case len(v) > MaxRiskText:
		return FieldErrorf(EINVALID, field, "longer than %d bytes", MaxRiskText)
	}
	return nil
}

// Validate reports the first field of a that a draft may not have: the four items of RA-03
// are required from the start; every text is bounded; the solicitation section's values must
// be known ones.
func (a RiskAssessment) Validate() error {
	for _, f := range []struct {
		name, value string
		required    bool
	}{
		{"terms_prohibition", a.TermsProhibition, true}, {"enforcement", a.Enforcement, true},
		{"age_verification", a.AgeVerification, true}, {"flagging_tools", a.FlaggingTools, true},
		{"prior_instances", a.PriorInstances, false}, {"usage", a.Usage, false},
		{"design", a.Design, false}, {"residual_risk", a.Residual, false},
	} {
		if err := checkText(f.name, f.value, f.required); err != nil {
			return err
		}
	}
	s := a.Solicitation
	if s.ChildUse != "" && !slices.Contains([]Level{LevelNone, LevelLow, LevelMedium, LevelHigh}, s.ChildUse) {
		return FieldErrorf(EINVALID, "solicitation.child_use", "must be none, low, medium or high")
	}
	for i, g := range s.AgeGroups {
		if !slices.Contains(AgeGroups, g.Group) {
			return FieldErrorf(EINVALID, "solicitation.age_groups", "unknown age group %q: want one of %v", g.Group, AgeGroups)
		}
		if !slices.Contains([]Level{LevelLow, LevelMedium, LevelHigh}, g.Risk) {
			return FieldErrorf(EINVALID, "solicitation.age_groups", "risk of %s must be low, medium or high", g.Group)
		}
		if slices.ContainsFunc(s.AgeGroups[:i], func(o AgeGroupRisk) bool { return o.Group == g.Group }) {
			return FieldErrorf(EINVALID, "solicitation.age_groups", "age group %s given twice", g.Group)
		}
	}
	return nil
}

// CheckFinal reports what a stops from being finalised: the residual-risk statement (RA-08),
// the prior instances (RA-02), usage and design (RA-04), the extent of use by children (RA-05)
// and a risk for every age group when children use the service, and every risk linked to a
// mitigation (RM-01).
func (a RiskAssessment) CheckFinal() error {
	if err := a.Validate(); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{
		{"residual_risk", a.Residual}, {"prior_instances", a.PriorInstances},
		{"usage", a.Usage}, {"design", a.Design},
	} {
		if strings.TrimSpace(f.value) == "" {
			return FieldErrorf(EINVALID, f.name, "is required to finalise the assessment")
		}
	}
	s := a.Solicitation
	if s.ChildUse == "" {
		return FieldErrorf(EINVALID, "solicitation.child_use", "is required to finalise the assessment")
	}
	if s.ChildUse != LevelNone && len(s.AgeGroups) != len(AgeGroups) {
		return FieldErrorf(EINVALID, "solicitation.age_groups", "children use the service: grade the risk of every age group %v", AgeGroups)
	}
	for _, r := range a.Risks {
		if len(r.Mitigations) == 0 {
			return FieldErrorf(EINVALID, "risks", "risk %s has no mitigation", r.ID)
		}
	}
	return nil
}

// Validate reports the first field of m that is not acceptable; the three parts of the
// proportionality rationale are required (RM-02).
func (m Mitigation) Validate() error {
	if !slices.Contains(MitigationKinds, m.Kind) {
		return FieldErrorf(EINVALID, "kind", "unknown mitigation kind %q: want one of %v", m.Kind, MitigationKinds)
	}
	switch m.Status {
	case MitigationIntroduced, MitigationReviewed, MitigationEnded:
	default:
		return FieldErrorf(EINVALID, "status", "must be introduced, reviewed or ended")
	}
	for _, f := range []struct{ name, value string }{
		{"description", m.Description}, {"public_text", m.PublicText},
		{"rationale.severity", m.Severity}, {"rationale.capacity", m.Capacity}, {"rationale.users", m.Users},
	} {
		if err := checkText(f.name, f.value, true); err != nil {
			return err
		}
	}
	return nil
}

// Validate reports the first field of r that is not acceptable: a title, a severity, and at
// least one mitigation (RM-01).
func (r Risk) Validate() error {
	if err := checkText("title", r.Title, true); err != nil {
		return err
	}
	if err := checkText("description", r.Description, false); err != nil {
		return err
	}
	if !slices.Contains([]Level{LevelLow, LevelMedium, LevelHigh}, r.Severity) {
		return FieldErrorf(EINVALID, "severity", "must be low, medium or high")
	}
	if len(r.Mitigations) == 0 {
		return FieldErrorf(EINVALID, "mitigations", "a risk needs at least one mitigation measure (RM-01): add the measure first")
	}
	return nil
}

// RiskService keeps the risk register. Reads need the reports permission or the auditor role;
// changes need the reports permission. Every change is audited.
type RiskService interface {
	// Assessments returns a service's assessments, newest first; "" lists every service's.
	Assessments(ctx context.Context, service string) ([]RiskAssessment, error)
	// Assessment returns one assessment with its risks and mitigations.
	Assessment(ctx context.Context, id string) (RiskAssessment, error)
	// CreateAssessment starts a draft for a.Service, which must be a configured service.
	CreateAssessment(ctx context.Context, a RiskAssessment) (RiskAssessment, error)
	// UpdateAssessment replaces a draft's sections; a final assessment is refused.
	UpdateAssessment(ctx context.Context, a RiskAssessment) (RiskAssessment, error)
	// AddMitigation adds a measure to a draft.
	AddMitigation(ctx context.Context, m Mitigation) (Mitigation, error)
	// AddRisk adds a risk to a draft, linked to mitigations of the same assessment.
	AddRisk(ctx context.Context, r Risk) (Risk, error)
	// SetMitigationStatus marks a measure introduced, reviewed or ended: while its assessment is
	// a draft, or within MitigationMonths of its finalisation (RM-02); later changes belong to
	// the next assessment.
	SetMitigationStatus(ctx context.Context, id string, status MitigationStatus) (Mitigation, error)
	// FinaliseAssessment freezes a draft that passes CheckFinal.
	FinaliseAssessment(ctx context.Context, id string) (RiskAssessment, error)
	// Schedules returns the schedule of every hosting and interpersonal service (RA-01).
	Schedules(ctx context.Context) ([]RiskSchedule, error)
	// SetSchedule records a Coordinating Authority's due date with its reference, and the end of
	// a detection order in force; zero times clear them.
	SetSchedule(ctx context.Context, service string, caDue time.Time, caReference string, orderEnd time.Time) (RiskSchedule, error)
}
