package http

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
)

// TestReportDeliveryFailures drives the reporting worker through CyberTipline failures on the
// fake clock: a server error is retried with backoff and the report is finished once, never
// twice (NC-03); a permanent error after the report was opened retracts it at NCMEC. Either
// way the EU Centre, where the report is a legal duty of its own (RP-01, RP-02), still gets it
// once. A report NCMEC refused ends failed, its EU Centre delivery kept, and a resend sends it
// to NCMEC alone: then one retracted and one finished CyberTipline report, one EU Centre report.
func TestReportDeliveryFailures(t *testing.T) {
	for _, tt := range []struct {
		name   string
		at     ncmecfake.Endpoint
		code   int
		times  int
		ncmec  ncmecfake.ReportStatus
		status vigil.ReportStatus
	}{
		{"server error at finish, retried", ncmecfake.Finish, 1000, 2, ncmecfake.Finished, vigil.ReportSent},
		{"permanent error at file info, still sent to the EU Centre", ncmecfake.FileInfo, 4100, 1, ncmecfake.Retracted, vigil.ReportFailed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newScenario(t, time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC))
			s.uploadAndConfirm(t)
			s.ncmec.FailNext(tt.at, tt.times, tt.code)
			legalCookie, legalCSRF := s.session(t, vigil.RoleLegal)
			var list reportsResponse
			s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/reports"}), http.StatusOK, &list)
			s.report = list.Items[0].ID
			s.call(t, by([2]string{legalCookie, legalCSRF}, request{method: "POST", path: "/v1/reports/" + s.report + "/approve"}), http.StatusOK, nil)
			rep := s.sendReport(t)
			got := s.ncmec.Reports()
			if len(got) != 1 || got[0].Status != tt.ncmec {
				t.Errorf("CyberTipline reports %+v, want one %s", got, tt.ncmec)
			}
			if eu := s.eu.Reports(); len(eu) != 1 {
				t.Errorf("%d EU Centre reports, want 1", len(eu))
			}
			if rep.Status != tt.status {
				t.Errorf("report %s (%s, attempts %d), want %s", rep.Status, rep.LastError, rep.Attempts, tt.status)
			}
			if rep.Status != vigil.ReportFailed {
				return
			}
			if st := deliveryStatus(rep); st[vigil.DestEUCentre] != vigil.DestSent || st[vigil.DestNCMEC] != vigil.DestRetracted {
				t.Errorf("deliveries %v, want the EU Centre's sent and NCMEC's retracted", st)
			}
			s.call(t, s.as(vigil.ScopeReports, request{method: "POST", path: "/v1/reports/" + s.report + "/resend",
				body: `{"reason":"NCMEC fixed its validation"}`}), http.StatusOK, nil)
			rep = s.sendReport(t)
			var statuses []ncmecfake.ReportStatus
			for _, r := range s.ncmec.Reports() {
				statuses = append(statuses, r.Status)
			}
			if want := []ncmecfake.ReportStatus{ncmecfake.Retracted, ncmecfake.Finished}; !slices.Equal(statuses, want) {
				t.Errorf("CyberTipline reports after the resend %v, want %v", statuses, want)
			}
			if eu := s.eu.Reports(); len(eu) != 1 {
				t.Errorf("%d EU Centre reports after the resend, want still 1", len(eu))
			}
			if rep.Status != vigil.ReportSent {
				t.Errorf("report %s (%s) after the resend, want sent", rep.Status, rep.LastError)
			}
		})
	}
}

// sendReport runs the workers, following the report's retries on the clock, until it needs no
// further try, and returns it.
func (s *scenario) sendReport(t *testing.T) reportJSON {
	t.Helper()
	var rep reportJSON
	for range 10 {
		s.tick(t)
		s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/reports/" + s.report}), http.StatusOK, &rep)
		if rep.NextTryAt == "" {
			break
		}
		next, err := time.Parse(time.RFC3339, rep.NextTryAt)
		if err != nil {
			t.Fatal(err)
		}
		s.clock.Set(next)
	}
	return rep
}

// deliveryStatus maps each destination of rep to its status.
func deliveryStatus(rep reportJSON) map[vigil.Destination]vigil.DestinationStatus {
	out := map[vigil.Destination]vigil.DestinationStatus{}
	for _, d := range rep.Deliveries {
		out[d.Destination] = d.Status
	}
	return out
}
