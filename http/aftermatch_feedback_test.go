package http

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// TestEUCentreFeedbackTimesReportNotice: the EU Centre's answer about a sent report moves the
// user's report notice (RP-15, Art. 12(2)): "manifestly unfounded" sends it at once; "do not
// inform" holds it until the period the EU Centre gives ends, a period of at most 18 months
// (Art. 48(7)); a longer one is refused, naming the field.
func TestEUCentreFeedbackTimesReportNotice(t *testing.T) {
	for _, tt := range []struct {
		name   string
		kind   vigil.FeedbackKind
		until  func(at time.Time) time.Time // nil: no period
		status int
		due    func(at time.Time) time.Time // when the notice goes out, from the feedback's time
	}{
		{"manifestly unfounded", vigil.FeedbackUnfounded, nil, http.StatusCreated,
			func(at time.Time) time.Time { return at }},
		{"do not inform for six months", vigil.FeedbackDoNotInform, func(at time.Time) time.Time { return at.AddDate(0, 6, 0) },
			http.StatusCreated, func(at time.Time) time.Time { return at.AddDate(0, 6, 0) }},
		{"do not inform for 18 months", vigil.FeedbackDoNotInform, func(at time.Time) time.Time { return at.AddDate(0, 18, 0) },
			http.StatusCreated, func(at time.Time) time.Time { return at.AddDate(0, 18, 0) }},
		{"do not inform for longer than 18 months", vigil.FeedbackDoNotInform,
			func(at time.Time) time.Time { return at.AddDate(0, 18, 1) }, http.StatusBadRequest, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newScenario(t, time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC))
			s.uploadAndConfirm(t)
			sent := s.approveAndSend(t)
			s.clock.Set(sent.AddDate(0, 0, 1))
			at := s.clock.Now()
			body := fmt.Sprintf(`{"kind":%q,"reference":"EUC-FB-1"}`, tt.kind)
			if tt.until != nil {
				body = fmt.Sprintf(`{"kind":%q,"reference":"EUC-FB-1","until":%q}`, tt.kind, tt.until(at).Format(time.RFC3339))
			}
			before := s.noticeOf(t, vigil.NoticeReport, s.report)
			var e errorBody
			s.call(t, s.as(vigil.ScopeReports, request{method: "POST", path: "/v1/reports/" + s.report + "/feedback", body: body}),
				tt.status, &e)
			n := s.noticeOf(t, vigil.NoticeReport, s.report)
			if tt.due == nil {
				if e.Error.Field != "until" || n.Due != before.Due || n.Status != before.Status {
					t.Fatalf("refused with %+v, notice %+v: want the field until named and the notice left as it was", e.Error, n)
				}
				return
			}
			s.checkNoticeSent(t, string(vigil.NoticeRemoval))
			if n.Due != apiTime(tt.due(at)) {
				t.Fatalf("report notice %+v after the feedback, want it due at %s", n, apiTime(tt.due(at)))
			}
			s.checkNoticeWaits(t, n, tt.due(at))
		})
	}
}
