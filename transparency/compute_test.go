package transparency

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// fakeSource serves fixed records, as a store would for the period asked.
type fakeSource struct {
	content     []ContentCount
	opened      int64
	reviews     []Review
	complaints  []Complaint
	orders      []Order
	pauses      []Pause
	actions     []Action
	reports     []SentReport
	evidence    []Evidence
	personal    []string
	err         error // returned by Reviews, to test error paths
	recorded    []string
	recordedErr error
}

func (f *fakeSource) Content(context.Context, Period) ([]ContentCount, error) { return f.content, nil }
func (f *fakeSource) CasesOpened(context.Context, Period) (int64, error)      { return f.opened, nil }
func (f *fakeSource) Reviews(context.Context, Period) ([]Review, error)       { return f.reviews, f.err }
func (f *fakeSource) Complaints(context.Context, Period) ([]Complaint, error) {
	return f.complaints, nil
}
func (f *fakeSource) Orders(context.Context, Period) ([]Order, error)        { return f.orders, nil }
func (f *fakeSource) Pauses(context.Context, Period) ([]Pause, error)        { return f.pauses, nil }
func (f *fakeSource) Actions(context.Context, Period) ([]Action, error)      { return f.actions, nil }
func (f *fakeSource) Reports(context.Context, Period) ([]SentReport, error)  { return f.reports, nil }
func (f *fakeSource) Evidence(context.Context, Period) ([]Evidence, error)   { return f.evidence, nil }
func (f *fakeSource) PersonalData(context.Context, Period) ([]string, error) { return f.personal, nil }
func (f *fakeSource) RecordReport(_ context.Context, year int, format string) error {
	f.recorded = append(f.recorded, format)
	return f.recordedErr
}

// at returns a time in 2026, the year under test.
func at(month time.Month, day, hour int) time.Time {
	return time.Date(2026, month, day, hour, 0, 0, 0, time.UTC)
}

var (
	yearStart = at(time.January, 1, 0)
	nextYear  = time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)
	lastYear  = time.Date(2025, time.December, 31, 23, 0, 0, 0, time.UTC)
	now       = time.Date(2027, time.January, 10, 9, 0, 0, 0, time.UTC)
)

// TestComputePeriodBounds checks that events at the first instant of the year count and those
// at the first instant of the next do not, for every kind of record.
func TestComputePeriodBounds(t *testing.T) {
	src := &fakeSource{
		reviews: []Review{
			{Ended: yearStart, Confirmed: true, SignalTypes: []string{"pdq"}, Banks: []string{"b"}},
			{Ended: nextYear, Confirmed: false, SignalTypes: []string{"pdq"}, Banks: []string{"b"}},
		},
		complaints: []Complaint{{Kind: "removal", Filed: lastYear, Decided: yearStart, Outcome: "upheld"},
			{Kind: "account", Filed: yearStart, Decided: nextYear, Outcome: "rejected"}},
		orders: []Order{{Kind: "removal", Received: lastYear, Executed: yearStart},
			{Kind: "removal", Received: yearStart, Executed: yearStart.Add(40 * time.Hour), Held: 30 * time.Hour},
			{Kind: "blocking", Received: nextYear}},
		pauses:   []Pause{{Kind: "removal", Ground: "technical", Paused: nextYear}},
		actions:  []Action{{Kind: "remove", Trigger: "removal_order", Done: yearStart}, {Kind: "remove", Trigger: "own_initiative", Done: nextYear}},
		evidence: []Evidence{{Policy: "eu 12 months", Preserved: lastYear, Deleted: yearStart}},
	}
	r, err := Compute(context.Background(), src, 2026, now)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"confirmed", r.Cases.Confirmed, int64(1)},
		{"false positives", r.Cases.FalsePositives, int64(0)},
		{"complaints filed", r.Complaints.Filed, int64(1)},
		{"complaints open at year end", r.Complaints.Open, int64(1)},
		{"complaints decided", r.Complaints.Decided, int64(1)},
		{"average decision", r.Complaints.AverageDecisionSeconds, 3600.0},
		{"removal orders received", r.RemovalOrders.Received, int64(1)},
		{"removal orders executed", r.RemovalOrders.Executed, int64(2)},
		// 1 h for the first; 40 h less the 30 h a do-not-remove hold stopped the clock (RP-18).
		{"average time to execute", r.RemovalOrders.AverageExecutionSeconds, (3600.0 + 10*3600) / 2},
		{"blocking orders", r.BlockingOrders, int64(0)},
		{"invocations", len(r.Invocations), 0},
		{"removals", r.Removals[0], Count{"removal_order", 1}},
		{"own initiative", r.Removals[4], Count{"own_initiative", 0}},
		{"evidence preserved", r.Retention.EvidencePreserved, int64(0)},
		{"evidence deleted", r.Retention.EvidenceDeleted, int64(1)},
		{"jurisdictions", r.Retention.Jurisdictions, []string{}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

// TestComputeErrorRates checks the per-signal-type and per-bank false-positive figures
// (PP-05, SG-01): a case counts once per distinct signal type and bank, and a confirmation
// reversed on complaint counts as a false positive.
func TestComputeErrorRates(t *testing.T) {
	mid := at(time.June, 1, 12)
	src := &fakeSource{reviews: []Review{
		{Ended: mid, Confirmed: true, SignalTypes: []string{"pdq", "pdq", "md5"}, Banks: []string{"a", "b"}},
		{Ended: mid, Confirmed: false, SignalTypes: []string{"pdq"}, Banks: []string{"a"}},
		{Ended: mid, Confirmed: true, Reversed: true, SignalTypes: []string{"pdq"}, Banks: []string{"b"}},
		{Ended: mid, Confirmed: true, SignalTypes: []string{"sha256"}, Banks: []string{"b"}},
	}}
	r, err := Compute(context.Background(), src, 2026, now)
	if err != nil {
		t.Fatal(err)
	}
	wantSignal := []ErrorRate{
		{Name: "md5", Reviewed: 1, Confirmed: 1, FalsePositives: 0, Rate: 0, Precision: 1},
		{Name: "pdq", Reviewed: 3, Confirmed: 1, FalsePositives: 2, Rate: 2.0 / 3, Precision: 1.0 / 3},
		{Name: "sha256", Reviewed: 1, Confirmed: 1, FalsePositives: 0, Rate: 0, Precision: 1},
	}
	wantBank := []ErrorRate{
		{Name: "a", Reviewed: 2, Confirmed: 1, FalsePositives: 1, Rate: 0.5, Precision: 0.5},
		{Name: "b", Reviewed: 3, Confirmed: 2, FalsePositives: 1, Rate: 1.0 / 3, Precision: 2.0 / 3},
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"by signal type", r.ErrorsBySignal, wantSignal},
		{"by bank", r.ErrorsByBank, wantBank},
		{"cases", r.Cases, Cases{Confirmed: 3, FalsePositives: 1, Reversed: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %+v\nwant %+v", c.got, c.want)
			}
		})
	}
}

// TestComputeBreakdowns checks the fixed lists (every trigger, kind, destination and type, in
// order, with unknown names after them), the Annex V/VIII provisions of TR-05 and the volume.
func TestComputeBreakdowns(t *testing.T) {
	mid := at(time.March, 3, 3)
	src := &fakeSource{
		content: []ContentCount{{"photos", "photo", "no_match", 5}, {"photos", "photo", "match", 2},
			{"chat", "video", "not_scanned", 1}, {"photos", "photo", "pending", 1}, {"photos", "photo", "error", 3}},
		actions: []Action{{Kind: "disable", Trigger: "eu_centre", Done: mid}, {Kind: "restore", Trigger: "complaint", Done: mid},
			{Kind: "remove", Trigger: "zz_future", Done: mid}, {Kind: "suspend", Trigger: "own_initiative", Done: mid}},
		pauses: []Pause{{Kind: "removal", Ground: "force_majeure", Paused: mid}, {Kind: "removal", Ground: "manifest_error", Paused: mid},
			{Kind: "removal", Ground: "manifest_error", Paused: mid}, {Kind: "blocking", Ground: "insufficient_information", Paused: mid}},
		reports: []SentReport{
			{Type: "known_csam", Deliveries: []Delivery{{"ncmec", lastYear}, {"eu_centre", mid}}},
			{Type: "new_csam", Deliveries: []Delivery{{"eu_centre", mid}}},
		},
	}
	r, err := Compute(context.Background(), src, 2026, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"volume", r.Volume, []Volume{
			{Service: "chat", ContentType: "video", Received: 1, NotScanned: 1},
			{Service: "photos", ContentType: "photo", Received: 11, NoMatch: 5, Matched: 2, Failed: 3, Pending: 1}}},
		{"removals", r.Removals, []Count{{"removal_order", 0}, {"authority", 0}, {"eu_centre", 1},
			{"third_party", 0}, {"own_initiative", 0}, {"zz_future", 1}}},
		{"restored", r.Restored, int64(1)},
		{"invocations", r.Invocations, []Invocation{{"14(5)", "force_majeure", 1}, {"14(6)", "manifest_error", 2},
			{"17(5)", "insufficient_information", 1}}},
		{"by destination", r.Reports.ByDestination, []Count{{"eu_centre", 2}, {"ncmec", 0}}},
		{"by type: first delivery last year does not count", r.Reports.ByType,
			[]Count{{"known_csam", 0}, {"new_csam", 1}, {"solicitation", 0}}},
		{"shared with", r.SharedWith, []string{"EU Centre on Child Sexual Abuse"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %+v\nwant %+v", c.got, c.want)
			}
		})
	}
}

func TestComputeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		year int
		src  *fakeSource
	}{
		{"before the first year", MinYear - 1, &fakeSource{}},
		{"a future year", 2028, &fakeSource{}},
		{"a failing source", 2026, &fakeSource{err: errors.New("disk on fire")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Compute(context.Background(), tc.src, tc.year, now); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestParseYear(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"2026", 2026, true}, {"2021", 2021, true}, {"2027", 2027, true},
		{"2020", 0, false}, {"2028", 0, false}, {"", 0, false}, {"26", 0, false},
		{"+2026", 0, false}, {"2026 ", 0, false}, {"२०२६", 0, false}, {"20266", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseYear(tc.in, now)
			if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
				t.Errorf("ParseYear(%q) = %d, %v", tc.in, got, err)
			}
		})
	}
}

func FuzzParseYear(f *testing.F) {
	for _, s := range []string{"2026", "0000", "9999", "-202", "20 6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		year, err := ParseYear(s, now)
		if err == nil && (year < MinYear || year > now.Year() || len(s) != 4) {
			t.Errorf("ParseYear(%q) accepted %d", s, year)
		}
	})
}
