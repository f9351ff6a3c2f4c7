package vigil

import (
	"testing"
	"time"
)

// TestNextAssessmentDue is RA-07's schedule: launch + 3 months for the first assessment, the
// last + 3 years after that, earlier when a Coordinating Authority demands it or a detection
// order ends (2 months before its end).
func TestNextAssessmentDue(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	launched, last := d(2026, time.January, 15), d(2026, time.March, 1)
	for _, tc := range []struct {
		name                  string
		last, caDue, orderEnd time.Time
		want                  time.Time
	}{
		{"first assessment", time.Time{}, time.Time{}, time.Time{}, d(2026, time.April, 15)},
		{"after the last", last, time.Time{}, time.Time{}, d(2029, time.March, 1)},
		{"a CA's earlier date", last, d(2027, time.June, 30), time.Time{}, d(2027, time.June, 30)},
		{"a CA's later date does not postpone", last, d(2030, time.June, 30), time.Time{}, d(2029, time.March, 1)},
		{"a detection order's end", last, time.Time{}, d(2028, time.May, 31), d(2028, time.March, 31)},
		{"the earliest of all", last, d(2028, time.February, 1), d(2028, time.May, 31), d(2028, time.February, 1)},
		{"CA date before the first is due", time.Time{}, d(2026, time.February, 1), time.Time{}, d(2026, time.February, 1)},
		{"last on a leap day", d(2028, time.February, 29), time.Time{}, time.Time{}, d(2031, time.February, 28)},
		{"an order ending on the 30th", last, time.Time{}, d(2028, time.April, 30), d(2028, time.February, 29)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextAssessmentDue(launched, tc.last, tc.caDue, tc.orderEnd); !got.Equal(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// validAssessment returns an assessment that may be finalised.
func validAssessment() RiskAssessment {
	return RiskAssessment{Service: "photos", PriorInstances: "12 reports in 2025",
		TermsProhibition: "§4 forbids CSAM", Enforcement: "hash matching, removal", AgeVerification: "none",
		FlaggingTools: "report button on every photo", Usage: "photo sharing among adults", Design: "ad-funded",
		Residual: "low", Solicitation: SolicitationRisk{ChildUse: LevelLow, AgeGroups: []AgeGroupRisk{
			{"under_13", LevelLow}, {"13_15", LevelMedium}, {"16_17", LevelMedium}}},
		Risks: []Risk{{ID: "rsk_1", Title: "sharing", Severity: LevelHigh, Mitigations: []string{"mit_1"}}}}
}

// TestRiskAssessmentChecks covers RA-03 (four items required in any record), RA-08 (no final
// without residual risk), RA-05 (one value per item) and RM-01 (a risk without mitigation).
func TestRiskAssessmentChecks(t *testing.T) {
	for _, tc := range []struct {
		name        string
		edit        func(*RiskAssessment)
		field       string
		draftRefuse bool // Validate refuses it too, not only CheckFinal
	}{
		{"complete", func(*RiskAssessment) {}, "", false},
		{"RA-03 terms", func(a *RiskAssessment) { a.TermsProhibition = "" }, "terms_prohibition", true},
		{"RA-03 enforcement", func(a *RiskAssessment) { a.Enforcement = "" }, "enforcement", true},
		{"RA-03 age verification", func(a *RiskAssessment) { a.AgeVerification = "" }, "age_verification", true},
		{"RA-03 flagging tools", func(a *RiskAssessment) { a.FlaggingTools = "" }, "flagging_tools", true},
		{"RA-03 blank terms", func(a *RiskAssessment) { a.TermsProhibition = " \n\t" }, "terms_prohibition", true},
		{"RA-08 residual risk", func(a *RiskAssessment) { a.Residual = "" }, "residual_risk", false},
		{"RA-08 blank residual risk", func(a *RiskAssessment) { a.Residual = "  " }, "residual_risk", false},
		{"RA-02 prior instances", func(a *RiskAssessment) { a.PriorInstances = "" }, "prior_instances", false},
		{"RA-04 design", func(a *RiskAssessment) { a.Design = "" }, "design", false},
		{"RA-05 child use", func(a *RiskAssessment) { a.Solicitation.ChildUse = "" }, "solicitation.child_use", false},
		{"RA-05 unknown level", func(a *RiskAssessment) { a.Solicitation.ChildUse = "some" }, "solicitation.child_use", true},
		{"RA-05 missing age group", func(a *RiskAssessment) { a.Solicitation.AgeGroups = a.Solicitation.AgeGroups[:2] }, "solicitation.age_groups", false},
		{"RA-05 no children, no groups", func(a *RiskAssessment) { a.Solicitation = SolicitationRisk{ChildUse: LevelNone} }, "", false},
		{"RA-05 unknown group", func(a *RiskAssessment) { a.Solicitation.AgeGroups[0].Group = "adults" }, "solicitation.age_groups", true},
		{"RA-05 group twice", func(a *RiskAssessment) { a.Solicitation.AgeGroups[1].Group = "under_13" }, "solicitation.age_groups", true},
		{"RM-01 risk without mitigation", func(a *RiskAssessment) { a.Risks[0].Mitigations = nil }, "risks", false},
		{"invalid UTF-8", func(a *RiskAssessment) { a.Usage = "\xff" }, "usage", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := validAssessment()
			tc.edit(&a)
			err := a.CheckFinal()
			if got := fieldOf(err); got != tc.field {
				t.Errorf("CheckFinal: %v, want field %q", err, tc.field)
			}
			if verr := a.Validate(); (verr != nil) != tc.draftRefuse {
				t.Errorf("Validate: %v, want refused %v", verr, tc.draftRefuse)
			}
		})
	}
}

func fieldOf(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Field
	}
	if err != nil {
		return "(not a field error)"
	}
	return ""
}

// TestMitigationAndRiskChecks covers RM-02 (the rationale's three parts) and RM-01.
func TestMitigationAndRiskChecks(t *testing.T) {
	m := Mitigation{Kind: MitigateModeration, Description: "d", PublicText: "p", Severity: "high",
		Capacity: "team of 4", Users: "2 million", Status: MitigationIntroduced}
	r := Risk{Title: "t", Severity: LevelMedium, Mitigations: []string{"mit_1"}}
	for _, tc := range []struct {
		name  string
		err   error
		field string
	}{
		{"mitigation ok", m.Validate(), ""},
		{"no severity", func() error { x := m; x.Severity = ""; return x.Validate() }(), "rationale.severity"},
		{"no capacity", func() error { x := m; x.Capacity = ""; return x.Validate() }(), "rationale.capacity"},
		{"no users", func() error { x := m; x.Users = ""; return x.Validate() }(), "rationale.users"},
		{"no public text", func() error { x := m; x.PublicText = ""; return x.Validate() }(), "public_text"},
		{"unknown kind", func() error { x := m; x.Kind = "magic"; return x.Validate() }(), "kind"},
		{"unknown status", func() error { x := m; x.Status = "planned"; return x.Validate() }(), "status"},
		{"risk ok", r.Validate(), ""},
		{"risk without mitigation", func() error { x := r; x.Mitigations = nil; return x.Validate() }(), "mitigations"},
		{"risk of no severity", func() error { x := r; x.Severity = LevelNone; return x.Validate() }(), "severity"},
		{"risk without title", func() error { x := r; x.Title = ""; return x.Validate() }(), "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fieldOf(tc.err); got != tc.field {
				t.Errorf("got %v, want field %q", tc.err, tc.field)
			}
		})
	}
}

// TestRiskScheduleStates checks when an assessment counts as due soon and overdue.
func TestRiskScheduleStates(t *testing.T) {
	due := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	s := RiskSchedule{Due: due}
	for _, tc := range []struct {
		name          string
		now           time.Time
		soon, overdue bool
	}{
		{"31 days before", due.Add(-31 * 24 * time.Hour), false, false},
		{"30 days before", due.Add(-RiskReminderLead), true, false},
		{"at the due time", due, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s.DueSoon(tc.now) != tc.soon || s.Overdue(tc.now) != tc.overdue {
				t.Errorf("due soon %v, overdue %v", s.DueSoon(tc.now), s.Overdue(tc.now))
			}
		})
	}
	if !s.Missing() {
		t.Error("a schedule without a final assessment is not missing")
	}
}
