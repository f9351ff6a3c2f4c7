package vigil

import (
	"testing"
	"time"
)

// TestCalendarMonths: the 3-month report notice (RP-15) and the 18-month limit of an EU Centre
// hold (RP-18, EC-14) end in the month they name, on its last day when it is shorter than the
// start's, at the start's time of day.
func TestCalendarMonths(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name  string
		fn    func(time.Time) time.Time
		start string
		want  string
	}{
		{"notice, same day", ReportNoticeDue, "2026-01-15T10:30:00Z", "2026-04-15T10:30:00Z"},
		{"notice, short month", ReportNoticeDue, "2026-11-30T10:30:00Z", "2027-02-28T10:30:00Z"},
		{"notice, leap February", ReportNoticeDue, "2027-11-30T23:59:59Z", "2028-02-29T23:59:59Z"},
		{"notice, across the year", ReportNoticeDue, "2026-10-31T00:00:00Z", "2027-01-31T00:00:00Z"},
		{"hold, same day", LatestEUCentreHoldEnd, "2026-03-02T08:00:00Z", "2027-09-02T08:00:00Z"},
		{"hold, short month", LatestEUCentreHoldEnd, "2026-08-31T08:00:00Z", "2028-02-29T08:00:00Z"},
		// PR-04: evidence kept "12 months" from a leap day is deleted on 28 February, not 1 March.
		{"evidence, leap day", func(t time.Time) time.Time { return AddMonths(t, EURetentionMonths) },
			"2028-02-29T12:00:00Z", "2029-02-28T12:00:00Z"},
		{"hold, 30-day month", LatestEUCentreHoldEnd, "2026-05-31T08:00:00Z", "2027-11-30T08:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.fn(at(c.start)); !got.Equal(at(c.want)) {
				t.Errorf("from %s: %s, want %s", c.start, got.Format(time.RFC3339), c.want)
			}
		})
	}
}
