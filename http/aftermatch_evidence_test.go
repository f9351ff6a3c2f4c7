package http

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
	"github.com/vigilproject/vigil/vault"
)

// TestEvidenceDeletedAtItsDeadline: the evidence a confirmation preserves is deleted 12 months
// after its identification (PR-04, PR-06, IR-12), or when a legal hold an authority asked for
// ends, if later; the deletion shows in the API and in the transparency report of its year
// (IR-11 (8)).
func TestEvidenceDeletedAtItsDeadline(t *testing.T) {
	for _, tt := range []struct {
		name string
		hold time.Duration // a legal hold from the confirmation for this long; 0: none
	}{
		{"twelve months", 0},
		{"legal hold beyond them", 500 * 24 * time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newScenario(t, time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC))
			s.uploadAndConfirm(t)
			deadline := s.confirmed.AddDate(1, 0, 0)
			if tt.hold > 0 {
				deadline = s.confirmed.Add(tt.hold)
				body := `{"content_id":"` + s.contentID + `","authority":"LKA Berlin","reference":"LKA-7","until":"` +
					deadline.Format(time.RFC3339) + `"}`
				s.call(t, s.as(vigil.ScopeEvidence, request{method: "POST", path: "/v1/legal-holds", body: body}), http.StatusCreated, nil)
			}
			sweeper := &vault.Sweeper{Store: s.db, Clock: s.clock}
			var list evidenceResponse
			s.call(t, s.as(vigil.ScopeEvidence, request{method: "GET", path: "/v1/evidence?case_id=" + s.caseID}), http.StatusOK, &list)
			if len(list.Items) != 1 {
				t.Fatalf("evidence %+v, want one record", list.Items)
			}
			id := list.Items[0].ID
			for _, step := range []struct {
				at     time.Time
				status vigil.EvidenceStatus
			}{{deadline.Add(-time.Second), vigil.EvidenceKept}, {deadline, vigil.EvidenceDeleted}} {
				s.clock.Set(step.at)
				if _, err := sweeper.Tick(context.Background()); err != nil {
					t.Fatal(err)
				}
				var e vault.Record
				s.call(t, s.as(vigil.ScopeEvidence, request{method: "GET", path: "/v1/evidence/" + id}), http.StatusOK, &e)
				if e.Status != string(step.status) {
					t.Fatalf("evidence at %s: %+v, want %s", apiTime(step.at), e, step.status)
				}
			}
			s.checkEvidenceDeletedIn(t, deadline.Year())
		})
	}
}

// checkEvidenceDeletedIn checks the transparency report of year counts one deletion.
func (s *scenario) checkEvidenceDeletedIn(t *testing.T, year int) {
	t.Helper()
	var r transparency.Report
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: fmt.Sprintf("/v1/transparency?year=%d", year)}), http.StatusOK, &r)
	if r.Retention.EvidenceDeleted != 1 {
		t.Errorf("transparency %d: %d evidence deleted, want 1", year, r.Retention.EvidenceDeleted)
	}
}
