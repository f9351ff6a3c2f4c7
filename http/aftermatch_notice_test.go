package http

import (
	"testing"
	"time"
)

// TestReportNoticeAfterThreeCalendarMonths: RP-15 (Art. 12(2)) lets the user be told of a report
// "3 months after the report", so the notice may not go out before the same date three
// calendar months on, whatever the length of the months between: 90 days are three months
// from mid-January 2026, but two days short of them from May, July or November.
func TestReportNoticeAfterThreeCalendarMonths(t *testing.T) {
	for _, tt := range []struct {
		name  string
		start time.Time
		days  int // from the report to three months after it
	}{
		{"January", time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC), 90},
		{"May", time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC), 92},
		{"July", time.Date(2026, 7, 6, 9, 0, 0, 0, time.UTC), 92},
		{"November", time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), 92},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newScenario(t, tt.start)
			s.uploadAndConfirm(t)
			sent := s.approveAndSend(t)
			if days := int(sent.AddDate(0, 3, 0).Sub(sent).Hours() / 24); days != tt.days {
				t.Fatalf("three months after %s are %d days, the table says %d", sent, days, tt.days)
			}
			s.checkReportNotice(t, sent)
		})
	}
}
