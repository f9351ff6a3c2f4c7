package http

import (
	"net/http"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
)

// TestComplaintRejected: a complaint about a detection that another reviewer rejects restores
// nothing, but the user is still told the outcome (SG-06); the year's transparency report counts
// it rejected, and the confirmation stands, no false positive (TR-01, PP-05).
func TestComplaintRejected(t *testing.T) {
	s := newScenario(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s.uploadAndConfirm(t)
	s.checkNoticeSent(t) // the removal notice is sent at the next tick
	s.tick(t)
	s.checkNoticeSent(t, string(vigil.NoticeRemoval))
	var filed complaintJSON
	s.call(t, s.as(vigil.ScopeComplaints, request{method: "POST", path: "/v1/complaints",
		body: `{"content_id":"` + s.contentID + `","kind":"detection","text":"Wrongly flagged.","language":"fr"}`}), http.StatusCreated, &filed)
	if filed.CaseID != s.caseID || filed.Uploader != "user-42" {
		t.Fatalf("complaint %+v, want it linked to the case and its uploader", filed)
	}
	cookie, csrf := s.session(t, vigil.RoleReviewer)
	var decided complaintJSON
	s.call(t, by([2]string{cookie, csrf}, request{method: "POST", path: "/v1/complaints/" + filed.ID + "/decide",
		body: `{"outcome":"rejected","reason":"the material was confirmed"}`}), http.StatusOK, &decided)
	if decided.Outcome != vigil.ComplaintRejected || decided.ActionID != "" || decided.NoticeID == "" {
		t.Fatalf("decided %+v, want rejected with a notice and no action", decided)
	}
	s.tick(t)
	if got := take[actionEvent](t, s.hooks, vigil.EventActionRequested); len(got) != 0 {
		t.Errorf("action.requested %+v after a rejected complaint, want none", got)
	}
	s.checkNoticeSent(t, string(vigil.NoticeComplaint))
	if n := s.noticeOf(t, vigil.NoticeComplaint, filed.ID); n.Language != "fr" {
		t.Errorf("complaint notice %+v, want it in the complaint's language", n)
	}
	var r transparency.Report
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/transparency?year=2026"}), http.StatusOK, &r)
	if r.Complaints.Rejected != 1 || r.Complaints.Upheld != 0 || r.Cases.Reversed != 0 || r.Restored != 0 ||
		errorRateOf(r.ErrorsBySignal, "pdq").FalsePositives != 0 || countOf(r.Complaints.ByKind, "detection") != 1 {
		t.Errorf("transparency 2026: complaints %+v, cases %+v, restored %d, pdq %+v", r.Complaints, r.Cases, r.Restored,
			errorRateOf(r.ErrorsBySignal, "pdq"))
	}
}
