package notice

import (
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func dni(id string, start, until time.Time) vigil.Hold {
	return vigil.Hold{ID: id, Kind: vigil.HoldDoNotInform, Start: start, Until: until}
}

// TestSchedule is the timing state machine of RP-15 (report notices), RO-07/RO-08 (removal
// notices) and the complaint and restored notices that are never held.
func TestSchedule(t *testing.T) {
	threeMonths := vigil.ReportNoticeDue(t0)
	released := vigil.Hold{ID: "h_rel", Kind: vigil.HoldDoNotInform, Start: t0, Until: t0.Add(100 * day), Released: t0.Add(10 * day)}
	scheduled := func(due time.Time) Timing { return Timing{Due: due, Status: vigil.NoticeScheduled} }
	held := func(due time.Time, id string) Timing { return Timing{Due: due, Status: vigil.NoticeHeld, HoldID: id} }
	tests := []struct {
		name     string
		kind     vigil.NoticeKind
		holds    []vigil.Hold
		released time.Time
		want     Timing
	}{
		{"report: three months", vigil.NoticeReport, nil, time.Time{}, scheduled(threeMonths)},
		{"report: manifestly unfounded", vigil.NoticeReport, nil, t0.Add(5 * day), scheduled(t0.Add(5 * day))},
		{"report: manifestly unfounded beats a hold", vigil.NoticeReport,
			[]vigil.Hold{dni("h1", t0, t0.Add(400*day))}, t0.Add(5 * day), scheduled(t0.Add(5 * day))},
		{"report: unfounded after three months keeps the earlier due", vigil.NoticeReport, nil,
			threeMonths.Add(day), scheduled(threeMonths)},
		{"report: do not inform for 18 months", vigil.NoticeReport,
			[]vigil.Hold{dni("h1", t0.Add(day), vigil.LatestEUCentreHoldEnd(t0.Add(day)))}, time.Time{}, held(vigil.LatestEUCentreHoldEnd(t0.Add(day)), "h1")},
		{"report: a do not inform that ends before three months", vigil.NoticeReport,
			[]vigil.Hold{dni("h1", t0, t0.Add(30*day))}, time.Time{}, scheduled(threeMonths)},
		{"report: hold after the notice was due", vigil.NoticeReport,
			[]vigil.Hold{dni("h1", threeMonths.Add(day), threeMonths.Add(90*day))}, time.Time{}, scheduled(threeMonths)},
		{"report: released hold", vigil.NoticeReport, []vigil.Hold{released}, time.Time{}, scheduled(threeMonths)},
		{"report: ended hold still dates the notice", vigil.NoticeReport,
			[]vigil.Hold{dni("h1", t0, threeMonths.Add(day))}, time.Time{}, held(threeMonths.Add(day), "h1")},
		{"report: chained holds in any order", vigil.NoticeReport, []vigil.Hold{
			dni("h2", threeMonths.Add(10*day), threeMonths.Add(60*day)), dni("h1", t0, threeMonths.Add(20*day))},
			time.Time{}, held(threeMonths.Add(60*day), "h2")},
		{"report: other kinds of hold", vigil.NoticeReport,
			[]vigil.Hold{{ID: "h1", Kind: vigil.HoldDoNotRemove, Start: t0, Until: t0.Add(400 * day)}}, time.Time{}, scheduled(threeMonths)},
		{"removal: at once", vigil.NoticeRemoval, nil, time.Time{}, scheduled(t0)},
		{"removal: non-disclosure 6 weeks", vigil.NoticeRemoval,
			[]vigil.Hold{dni("h1", t0, t0.Add(42*day))}, time.Time{}, held(t0.Add(42*day), "h1")},
		{"removal: non-disclosure extended", vigil.NoticeRemoval,
			[]vigil.Hold{{ID: "h1", Kind: vigil.HoldDoNotInform, Start: t0, Until: t0.Add(84 * day), Extended: true}},
			time.Time{}, held(t0.Add(84*day), "h1")},
		{"account: at once (IR-09)", vigil.NoticeAccount, nil, time.Time{}, scheduled(t0)},
		{"account: do-not-inform hold on the item", vigil.NoticeAccount,
			[]vigil.Hold{dni("h1", t0, t0.Add(42*day))}, time.Time{}, held(t0.Add(42*day), "h1")},
		{"account: a do-not-remove hold does not delay it", vigil.NoticeAccount,
			[]vigil.Hold{{ID: "h1", Kind: vigil.HoldDoNotRemove, Start: t0, Until: t0.Add(400 * day)}}, time.Time{}, scheduled(t0)},
		{"complaint: never held", vigil.NoticeComplaint, []vigil.Hold{dni("h1", t0, t0.Add(42*day))}, time.Time{}, scheduled(t0)},
		{"restored: never held", vigil.NoticeRestored, []vigil.Hold{dni("h1", t0, t0.Add(42*day))}, time.Time{}, scheduled(t0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Schedule(tt.kind, t0, tt.holds, tt.released, t0)
			if !got.Due.Equal(tt.want.Due) || got.Status != tt.want.Status || got.HoldID != tt.want.HoldID {
				t.Errorf("Schedule = %v %s %q, want %v %s %q", got.Due, got.Status, got.HoldID,
					tt.want.Due, tt.want.Status, tt.want.HoldID)
			}
		})
	}
}

// TestScheduleOverdue: a notice that fell due but has not gone out yet is stopped by a
// do-not-inform hold in force when it is looked at again (RP-15, RO-08); a hold that starts
// later still is not.
func TestScheduleOverdue(t *testing.T) {
	now := t0.Add(2 * day)
	tests := []struct {
		name string
		hold vigil.Hold
		want Timing
	}{
		{"placed after the notice fell due", dni("h1", t0.Add(day), t0.Add(30*day)),
			Timing{Due: t0.Add(30 * day), Status: vigil.NoticeHeld, HoldID: "h1"}},
		{"starting after now", dni("h1", now.Add(day), now.Add(30*day)), Timing{Due: t0, Status: vigil.NoticeScheduled}},
		{"ended before now", dni("h1", t0.Add(day), t0.Add(36*time.Hour)),
			Timing{Due: t0.Add(36 * time.Hour), Status: vigil.NoticeHeld, HoldID: "h1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Schedule(vigil.NoticeRemoval, t0, []vigil.Hold{tt.hold}, time.Time{}, now)
			if !got.Due.Equal(tt.want.Due) || got.Status != tt.want.Status || got.HoldID != tt.want.HoldID {
				t.Errorf("Schedule = %v %s %q, want %v %s %q", got.Due, got.Status, got.HoldID,
					tt.want.Due, tt.want.Status, tt.want.HoldID)
			}
		})
	}
}
