package sqlite

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// risksT0 is when the risk tests' services are created.
var risksT0 = time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)

// openRisks opens a database on a fake clock at risksT0 with the hosting service "photos", the
// search service "search" (no assessment asked) and a webhook for risk.assessment_due.
func openRisks(t *testing.T) (*RiskStore, *DB, *fakeclock.Clock, string) {
	t.Helper()
	clock := fakeclock.New(risksT0)
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	content := NewContentStore(db)
	for _, s := range []vigil.Service{{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "EU", Enabled: true},
		{Name: "search", Type: vigil.ServiceSearch, Jurisdiction: "EU", Enabled: true}} {
		if _, err := content.SaveService(adminCtx, s); err != nil {
			t.Fatal(err)
		}
	}
	return NewRiskStore(db), db, clock, mustWebhook(t, db, vigil.EventRiskAssessmentDue).ID
}

func riskOfficer() context.Context { return legal("usr_legal") }

// draftAssessment creates a complete draft for photos with one mitigation and one risk.
func draftAssessment(t *testing.T, s *RiskStore) vigil.RiskAssessment {
	t.Helper()
	a := validRiskAssessment()
	a, err := s.CreateAssessment(riskOfficer(), a)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.AddMitigation(riskOfficer(), vigil.Mitigation{AssessmentID: a.ID, Kind: vigil.MitigateModeration,
		Description: "PDQ matching against two lists", PublicText: "We check uploads against lists of known abuse material.",
		Severity: "high", Capacity: "review team of 4", Users: "2 million"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRisk(riskOfficer(), vigil.Risk{AssessmentID: a.ID, Title: "sharing of known material",
		Severity: vigil.LevelHigh, Mitigations: []string{m.ID}}); err != nil {
		t.Fatal(err)
	}
	return a
}

func validRiskAssessment() vigil.RiskAssessment {
	return vigil.RiskAssessment{Service: "photos", PriorInstances: "12 reports made in 2025",
		TermsProhibition: "§4 forbids CSAM", Enforcement: "removal and account suspension",
		AgeVerification: "self-declared age at sign-up", FlaggingTools: "a report button on every photo",
		Usage: "adults share holiday photos", Design: "subscription, no recommender", Residual: "low after matching",
		Solicitation: vigil.SolicitationRisk{ChildUse: vigil.LevelNone, DirectContact: true, ImageSharing: true}}
}

// TestRiskRegisterLifecycle: a draft is edited, refused as final while the residual-risk
// statement is missing (RA-08), finalised, and then frozen; reads return what was written.
func TestRiskRegisterLifecycle(t *testing.T) {
	s, _, clock, _ := openRisks(t)
	a := draftAssessment(t, s)
	a.Residual = ""
	if _, err := s.UpdateAssessment(riskOfficer(), a); err != nil {
		t.Fatal(err)
	}
	_, err := s.FinaliseAssessment(riskOfficer(), a.ID)
	wantField(t, err, "residual_risk")
	a.Residual = "low after matching"
	if _, err := s.UpdateAssessment(riskOfficer(), a); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	final, err := s.FinaliseAssessment(riskOfficer(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != vigil.AssessmentFinal || !final.Assessed.Equal(risksT0.Add(time.Hour)) {
		t.Errorf("finalised: %s at %v", final.Status, final.Assessed)
	}
	got, err := s.Assessment(riskOfficer(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Risks) != 1 || len(got.Mitigations) != 1 || got.Risks[0].Mitigations[0] != got.Mitigations[0].ID ||
		got.Solicitation.ImageSharing != true || got.Usage != a.Usage || got.Mitigations[0].Capacity != "review team of 4" {
		t.Errorf("read back %+v", got)
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"update", func() error { _, err := s.UpdateAssessment(riskOfficer(), a); return err }()},
		{"add mitigation", func() error {
			_, err := s.AddMitigation(riskOfficer(), got.Mitigations[0])
			return err
		}()},
		{"finalise again", func() error { _, err := s.FinaliseAssessment(riskOfficer(), a.ID); return err }()},
	} {
		t.Run("a final assessment refuses "+tc.name, func(t *testing.T) { wantCode(t, tc.err, vigil.ECONFLICT) })
	}
	list, err := s.Assessments(riskOfficer(), "photos")
	if err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("Assessments = %v, %v", list, err)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	e, ok := err.(*vigil.Error)
	if !ok || e.Field != field {
		t.Fatalf("got %v, want an error about %s", err, field)
	}
}

// TestRiskRegisterRefuses covers RA-01 (a configured service), RA-03 (the four items), RM-01
// (a risk links to a mitigation of its own assessment), RM-02 (rationale) and permissions.
func TestRiskRegisterRefuses(t *testing.T) {
	s, _, _, _ := openRisks(t)
	a := draftAssessment(t, s)
	other := validRiskAssessment()
	other, err := s.CreateAssessment(riskOfficer(), other)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.AddMitigation(riskOfficer(), vigil.Mitigation{AssessmentID: other.ID, Kind: vigil.MitigateProcess,
		Description: "d", PublicText: "p", Severity: "s", Capacity: "c", Users: "u"})
	if err != nil {
		t.Fatal(err)
	}
	reviewerCtx := reviewer("rev")
	auditorCtx := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "aud", Role: vigil.RoleAuditor,
		Scopes: vigil.ScopesOf(vigil.RoleAuditor)})
	for _, tc := range []struct {
		name, code string
		err        error
	}{
		{"unknown service", vigil.EINVALID, func() error {
			x := validRiskAssessment()
			x.Service = "nope"
			_, err := s.CreateAssessment(riskOfficer(), x)
			return err
		}()},
		{"RA-03 missing item", vigil.EINVALID, func() error {
			x := validRiskAssessment()
			x.FlaggingTools = ""
			_, err := s.CreateAssessment(riskOfficer(), x)
			return err
		}()},
		{"RM-01 mitigation of another assessment", vigil.EINVALID, func() error {
			_, err := s.AddRisk(riskOfficer(), vigil.Risk{AssessmentID: a.ID, Title: "t", Severity: vigil.LevelLow, Mitigations: []string{m.ID}})
			return err
		}()},
		{"RM-01 no mitigation", vigil.EINVALID, func() error {
			_, err := s.AddRisk(riskOfficer(), vigil.Risk{AssessmentID: a.ID, Title: "t", Severity: vigil.LevelLow})
			return err
		}()},
		{"RM-02 no rationale", vigil.EINVALID, func() error {
			_, err := s.AddMitigation(riskOfficer(), vigil.Mitigation{AssessmentID: a.ID, Kind: vigil.MitigateProcess, Description: "d", PublicText: "p"})
			return err
		}()},
		{"unknown assessment", vigil.ENOTFOUND, func() error { _, err := s.Assessment(riskOfficer(), "ras_nope"); return err }()},
		{"a reviewer reads", vigil.EFORBIDDEN, func() error { _, err := s.Assessments(reviewerCtx, ""); return err }()},
		{"an auditor writes", vigil.EFORBIDDEN, func() error { _, err := s.CreateAssessment(auditorCtx, validRiskAssessment()); return err }()},
		{"an auditor reads", "", func() error { _, err := s.Schedules(auditorCtx); return err }()},
		{"CA date without reference", vigil.EINVALID, func() error {
			_, err := s.SetSchedule(riskOfficer(), "photos", risksT0, "", time.Time{})
			return err
		}()},
		{"schedule of an unknown service", vigil.ENOTFOUND, func() error {
			_, err := s.SetSchedule(riskOfficer(), "nope", time.Time{}, "", time.Time{})
			return err
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := vigil.ErrorCode(tc.err); got != tc.code {
				t.Errorf("got %v (%q), want %q", tc.err, got, tc.code)
			}
		})
	}
}

// TestRiskReminder is RA-07's reminder on a simulated clock: risk.assessment_due goes out
// once, 30 days before the first assessment is due (launch + 3 months); a final assessment
// moves the due date 3 years on; a Coordinating Authority's earlier date brings it forward and
// is reminded of once more. Only hosting and interpersonal services are scheduled (RA-01).
func TestRiskReminder(t *testing.T) {
	s, db, clock, hook := openRisks(t)
	reminder := NewRiskReminder(db, nil)
	firstDue := risksT0.AddDate(0, 3, 0)
	reminders := func() []vigil.RiskAssessmentDue {
		t.Helper()
		var out []vigil.RiskAssessmentDue
		for _, d := range deliveriesOf(t, db, hook) {
			var body struct{ Data vigil.RiskAssessmentDue }
			if err := json.Unmarshal(d.Payload, &body); err != nil {
				t.Fatal(err)
			}
			out = append([]vigil.RiskAssessmentDue{body.Data}, out...)
		}
		return out
	}
	var final vigil.RiskAssessment
	steps := []struct {
		name   string
		at     time.Time
		before func()
		want   []vigil.RiskAssessmentDue
	}{
		{"31 days before the first is due", firstDue.Add(-31 * 24 * time.Hour), nil, nil},
		{"30 days before", firstDue.Add(-vigil.RiskReminderLead), nil,
			[]vigil.RiskAssessmentDue{{Service: "photos", Due: webhookTime(firstDue), Missing: true}}},
		{"overdue: not again", firstDue.Add(24 * time.Hour), nil,
			[]vigil.RiskAssessmentDue{{Service: "photos", Due: webhookTime(firstDue), Missing: true}}},
		{"finalised: due in 3 years, nothing to remind", firstDue.Add(48 * time.Hour), func() {
			a := draftAssessment(t, s)
			var err error
			if final, err = s.FinaliseAssessment(riskOfficer(), a.ID); err != nil {
				t.Fatal(err)
			}
		}, []vigil.RiskAssessmentDue{{Service: "photos", Due: webhookTime(firstDue), Missing: true}}},
		{"a CA's date 20 days ahead", firstDue.Add(72 * time.Hour), func() {
			if _, err := s.SetSchedule(riskOfficer(), "photos", firstDue.Add(23*24*time.Hour), "CA-2026-17", time.Time{}); err != nil {
				t.Fatal(err)
			}
		}, []vigil.RiskAssessmentDue{{Service: "photos", Due: webhookTime(firstDue), Missing: true},
			{Service: "photos", Due: webhookTime(firstDue.Add(23 * 24 * time.Hour))}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.Set(st.at)
			if st.before != nil {
				st.before()
			}
			for range 2 {
				if err := reminder.Tick(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			got := reminders()
			if len(got) != len(st.want) {
				t.Fatalf("reminders %+v, want %+v", got, st.want)
			}
			for i := range got {
				if got[i] != st.want[i] {
					t.Errorf("reminder %d: %+v, want %+v", i, got[i], st.want[i])
				}
			}
		})
	}
	all, err := s.Schedules(riskOfficer())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Service != "photos" || all[0].LastID != final.ID || all[0].CAReference != "CA-2026-17" {
		t.Errorf("schedules %+v: want photos only, with its final assessment and the CA's reference", all)
	}
}

// TestAssessmentCountsReportsSent is RA-02's link to the report database: an assessment reads
// how many reports about its service's content were made: delivered to at least one destination
// (in the seeded year, the two reports both destinations took, and the third, which the EU
// Centre took while NCMEC still has it open).
func TestAssessmentCountsReportsSent(t *testing.T) {
	r := seedYear(t)
	s := NewRiskStore(r.db)
	a, err := s.CreateAssessment(riskOfficer(), validRiskAssessment())
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Assessment(riskOfficer(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ReportsSent != 3 {
		t.Errorf("ReportsSent = %d, want 3", got.ReportsSent)
	}
}

// TestMitigationStatusWindow is RM-02's window: a measure's status may change while its
// assessment is a draft and for 3 months after it is finalised, not later.
func TestMitigationStatusWindow(t *testing.T) {
	s, _, clock, _ := openRisks(t)
	a := draftAssessment(t, s)
	full, err := s.Assessment(riskOfficer(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	id := full.Mitigations[0].ID
	if _, err := s.FinaliseAssessment(riskOfficer(), a.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		at     time.Time
		status vigil.MitigationStatus
		code   string
	}{
		{"reviewed the next day", risksT0.Add(24 * time.Hour), vigil.MitigationReviewed, ""},
		{"unknown status", risksT0.Add(24 * time.Hour), "paused", vigil.EINVALID},
		{"ended at 3 months", risksT0.AddDate(0, 3, 0), vigil.MitigationEnded, ""},
		{"too late", risksT0.AddDate(0, 3, 0).Add(time.Minute), vigil.MitigationIntroduced, vigil.ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock.Set(tc.at)
			m, err := s.SetMitigationStatus(riskOfficer(), id, tc.status)
			if vigil.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want code %q", err, tc.code)
			}
			if tc.code == "" && m.Status != tc.status {
				t.Errorf("status %s, want %s", m.Status, tc.status)
			}
		})
	}
	wantCode(t, func() error {
		_, err := s.SetMitigationStatus(riskOfficer(), "mit_nope", vigil.MitigationEnded)
		return err
	}(), vigil.ENOTFOUND)
}
