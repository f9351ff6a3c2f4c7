package reporting_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
	"github.com/vigilproject/vigil/ncmec"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
	"github.com/vigilproject/vigil/reporting"
)

// ticks runs n worker passes an hour apart.
func (s *stack) ticks(t *testing.T, n int) {
	t.Helper()
	for range n {
		if err := s.worker.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		s.clock.Advance(time.Hour)
	}
}

// A report refused for good at both destinations (the CyberTipline flow retracted there) is
// sent again after legal corrected it with report annotations: NCMEC then holds the retracted
// report and one finished report carrying the annotations (NC-08: sextortion makes it online
// enticement), never two finished ones; the EU Centre gets a valid, signed document without
// the annotations, which Annex III has no field for, naming the new CyberTipline report (RP-09).
func TestResendWithAnnotationsReachesBothDestinations(t *testing.T) {
	s := newStack(t)
	id := s.confirmedReport(t)
	s.ncmec.FailNext(ncmecfake.FileInfo, 1, 4100)
	s.euRefusals.Store(1)
	s.ticks(t, 3)
	if rep := s.report(t, id); rep.Status != vigil.ReportFailed {
		t.Fatalf("report %s, want failed after the refusal", rep.Status)
	}
	lex, ann := as(vigil.RoleLegal, "lex"), as(vigil.RoleLegal, "ann")
	rep, err := s.store.ResendReport(lex, id, "file details corrected", true)
	if err != nil || rep.Status != vigil.ReportDraft {
		t.Fatalf("resend: %v, %v; want a draft", rep.Status, err)
	}
	rec := rep.Record
	rec.Annotations = []string{"sextortion", "minorToMinorInteraction"}
	if _, err := s.store.EditReport(lex, id, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.ApproveReport(ann, id); err != nil {
		t.Fatal(err)
	}
	s.ticks(t, 1)

	nreps := s.ncmec.Reports()
	var finished []ncmecfake.Report
	for _, r := range nreps {
		if r.Status == ncmecfake.Finished {
			finished = append(finished, r)
		}
	}
	if len(nreps) != 2 || nreps[0].Status != ncmecfake.Retracted || len(finished) != 1 {
		t.Fatalf("CyberTipline reports %d (first %s, %d finished), want the retracted one and one finished",
			len(nreps), nreps[0].Status, len(finished))
	}
	xml := string(finished[0].XML)
	for _, want := range []string{"<sextortion>", "<minorToMinorInteraction>", ncmec.IncidentEnticement} {
		if !strings.Contains(xml, want) {
			t.Errorf("CyberTipline report lacks %s", want)
		}
	}
	ereps := s.eu.Reports()
	if len(ereps) != 1 {
		t.Fatalf("EU Centre got %d reports, want 1", len(ereps))
	}
	body := string(ereps[0].Body)
	if err := eucentre.Validate(ereps[0].Body); err != nil {
		t.Errorf("the EU Centre document does not validate: %v", err)
	}
	if strings.Contains(body, "annotation") || strings.Contains(body, "sextortion") {
		t.Error("the EU Centre document carries the CyberTipline annotations")
	}
	if tc := ereps[0].Document.ThirdCountry; len(tc) != 1 || tc[0].Reference != strconv.FormatInt(finished[0].ID, 10) {
		t.Errorf("third-country reports %+v, want the new CyberTipline report %d", tc, finished[0].ID)
	}
	if rep := s.report(t, id); rep.Status != vigil.ReportSent {
		t.Errorf("report %s, want sent", rep.Status)
	}
	if _, err := s.store.ResendReport(lex, id, "once more", false); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("resending a sent report: %v, want a conflict", err)
	}
}

// A report refused for good at one destination only is sent again there alone, with its
// approvals: the delivery made is never repeated, so there is one EU Centre report and never a
// second finished CyberTipline report, and the report ends sent (RP-01, RP-20, NC-03).
func TestResendRetriesOnlyTheRefusedDestination(t *testing.T) {
	tests := []struct {
		name   string
		refuse func(*stack)
		// the CyberTipline reports after the resend, and whether the EU Centre's names the
		// finished one: it can only when NCMEC finished before the EU Centre got the report
		ncmec     []ncmecfake.ReportStatus
		euNamesIt bool
	}{
		{"CyberTipline refused", func(s *stack) { s.ncmec.FailNext(ncmecfake.FileInfo, 1, 4100) },
			[]ncmecfake.ReportStatus{ncmecfake.Retracted, ncmecfake.Finished}, false},
		{"EU Centre refused", func(s *stack) { s.euRefusals.Store(1) },
			[]ncmecfake.ReportStatus{ncmecfake.Finished}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStack(t)
			id := s.confirmedReport(t)
			tt.refuse(s)
			s.ticks(t, 3)
			if rep := s.report(t, id); rep.Status != vigil.ReportFailed {
				t.Fatalf("report %s after the refusal, want failed", rep.Status)
			}
			rep, err := s.store.ResendReport(as(vigil.RoleLegal, "lex"), id, "the destination is fixed", false)
			if err != nil || rep.Status != vigil.ReportQueued {
				t.Fatalf("resend: %v, %v; want queued", rep.Status, err)
			}
			s.ticks(t, 3)
			var got []ncmecfake.ReportStatus
			for _, r := range s.ncmec.Reports() {
				got = append(got, r.Status)
			}
			if !slices.Equal(got, tt.ncmec) {
				t.Errorf("CyberTipline reports %v, want %v", got, tt.ncmec)
			}
			ereps := s.eu.Reports()
			if len(ereps) != 1 {
				t.Fatalf("EU Centre got %d reports, want 1", len(ereps))
			}
			if named := len(ereps[0].Document.ThirdCountry) == 1; named != tt.euNamesIt {
				t.Errorf("EU Centre third-country reports %+v, want the CyberTipline report named: %v",
					ereps[0].Document.ThirdCountry, tt.euNamesIt)
			}
			if rep := s.report(t, id); rep.Status != vigil.ReportSent {
				t.Errorf("report %s (%s) after the resend, want sent", rep.Status, rep.LastError)
			}
		})
	}
}

// Every annotation the record admits is one the CyberTipline rendering knows, rendered as its
// own element (NC-08): the two lists cannot drift apart.
func TestRecordAnnotationsRenderForNCMEC(t *testing.T) {
	for _, a := range vigil.ReportAnnotations {
		t.Run(a, func(t *testing.T) {
			rec := vigil.ReportRecord{Type: vigil.ReportKnown, Incident: t0, Annotations: []string{a},
				Provider: vigil.ReportProvider{Name: "Example Photos", ContactPoint: "spoc@example.test", ReporterEmail: "legal@example.test"},
				Service:  vigil.ReportService{Name: "photos", Type: "hosting", URL: "https://photos.example/"}}
			doc, err := ncmec.RenderReport(rec, reporting.Annotations(rec)...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(doc), "<reportAnnotations><"+a+">") {
				t.Errorf("rendered %s without <%s>", doc, a)
			}
		})
	}
}
