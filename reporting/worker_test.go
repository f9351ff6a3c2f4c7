package reporting

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

var t0 = time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)

// rig is a worker on doubles with one queued report to the destinations dests.
type rig struct {
	clock *fakeclock.Clock
	store *memStore
	nc    *fakeNCMEC
	eu    *fakeEU
	w     *Worker
	seen  map[vigil.Destination]time.Duration
}

func newRig(dests ...vigil.Destination) *rig {
	r := &rig{clock: fakeclock.New(t0), nc: &fakeNCMEC{fail: map[string]error{}}, eu: &fakeEU{},
		seen: map[vigil.Destination]time.Duration{}}
	rep := vigil.Report{ID: "rep_1", CaseID: "cas_1", Status: vigil.ReportQueued, Awareness: t0.Add(-time.Hour),
		Approved: t0, NextTry: t0, Record: vigil.ReportRecord{Type: vigil.ReportKnown,
			Content: []vigil.ReportContent{{ContentID: "cnt_1", FileName: "a.png"}}}}
	for _, d := range dests {
		rep.Deliveries = append(rep.Deliveries, vigil.ReportDelivery{Destination: d, Status: vigil.DestPending})
	}
	r.store = &memStore{rep: rep}
	r.w = &Worker{Store: r.store, Media: fakeMedia{data: []byte("benign test payload")}, Clock: r.clock,
		Jitter: func() float64 { return 0 },
		Connect: func(context.Context, vigil.ReportSettings) (Destinations, error) {
			var d Destinations
			if slices.Contains(dests, vigil.DestNCMEC) {
				d.NCMEC = r.nc
			}
			if slices.Contains(dests, vigil.DestEUCentre) {
				d.EUCentre = r.eu
			}
			return d, nil
		},
		Observe: func(d vigil.Destination, delay time.Duration) { r.seen[d] = delay },
	}
	return r
}

func (r *rig) tick(t *testing.T) {
	t.Helper()
	if err := r.w.Tick(context.Background()); err != nil {
		t.Fatalf("Tick: %v", err)
	}
}

// RP-09, RP-20, NC-10: NCMEC first, its report id in the EU Centre's record, then sent.
func TestWorkerSendsNCMECThenEUCentre(t *testing.T) {
	r := newRig(vigil.DestNCMEC, vigil.DestEUCentre)
	r.tick(t)
	want := []string{"submitted 1001", "uploaded cnt_1", "described cnt_1", "finished", "eu EU-rep_1", "complete"}
	if !slices.Equal(r.store.steps, want) {
		t.Fatalf("steps %v, want %v", r.store.steps, want)
	}
	if len(r.eu.recs) != 1 || r.eu.keys[0] != "rep_1" {
		t.Fatalf("EU Centre got %d records with keys %v, want 1 with the report id", len(r.eu.recs), r.eu.keys)
	}
	rec := r.eu.recs[0]
	if len(rec.ThirdCountry) != 1 || rec.ThirdCountry[0].Reference != "1001" {
		t.Errorf("third-country reports %+v, want the NCMEC report id 1001 (RP-09)", rec.ThirdCountry)
	}
	if !rec.Issued.Equal(t0) {
		t.Errorf("issued %v, want the sending time %v (RP-03)", rec.Issued, t0)
	}
	if r.seen[vigil.DestNCMEC] != time.Hour || r.seen[vigil.DestEUCentre] != time.Hour {
		t.Errorf("awareness-to-submission delays %v, want 1h each (RP-01)", r.seen)
	}
}

// NC-03: a flow recorded up to an upload resumes there: no second submit, no second upload.
func TestWorkerResumesFromTheLastRecordedStep(t *testing.T) {
	tests := []struct {
		name  string
		files []vigil.ReportFile
		calls []string
	}{
		{"after submit", nil, []string{"upload", "fileinfo", "finish"}},
		{"after upload", []vigil.ReportFile{{ContentID: "cnt_1", FileID: "f1"}}, []string{"fileinfo", "finish"}},
		{"after fileinfo", []vigil.ReportFile{{ContentID: "cnt_1", FileID: "f1", Described: true}}, []string{"finish"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(vigil.DestNCMEC)
			r.store.rep.Status = vigil.ReportSending
			r.store.rep.Deliveries[0] = vigil.ReportDelivery{Destination: vigil.DestNCMEC, Status: vigil.DestSubmitted,
				Reference: "77", Started: t0.Add(-time.Minute)}
			r.store.rep.Files = tt.files
			r.tick(t)
			if !slices.Equal(r.nc.calls, tt.calls) {
				t.Errorf("calls %v, want %v", r.nc.calls, tt.calls)
			}
			if r.store.rep.Status != vigil.ReportSent {
				t.Errorf("status %s, want sent", r.store.rep.Status)
			}
		})
	}
}

// A failure that may pass is retried after a backoff that doubles per attempt, up to the
// maximum, with jitter taking off at most half.
func TestWorkerRetriesWithBackoff(t *testing.T) {
	r := newRig(vigil.DestNCMEC)
	r.w.BaseDelay, r.w.MaxDelay = time.Minute, 10*time.Minute
	r.w.Jitter = func() float64 { return 0.5 }
	var delays []time.Duration
	for range 6 {
		r.nc.fail["submit"] = errors.New("connection reset")
		r.tick(t)
		delays = append(delays, r.store.rep.NextTry.Sub(r.clock.Now()))
		r.clock.Set(r.store.rep.NextTry)
	}
	// d/2 + 0.5*d/2 = 0.75d for d = 1, 2, 4, 8, 10, 10 minutes.
	want := []time.Duration{45 * time.Second, 90 * time.Second, 3 * time.Minute, 6 * time.Minute, 450 * time.Second, 450 * time.Second}
	if !slices.Equal(delays, want) {
		t.Errorf("delays %v, want %v", delays, want)
	}
	if r.store.rep.Attempts != 6 || r.store.rep.LastError == "" {
		t.Errorf("attempts %d, last error %q", r.store.rep.Attempts, r.store.rep.LastError)
	}
	r.tick(t)
	if r.store.rep.Status != vigil.ReportSent {
		t.Errorf("status %s after the failures passed, want sent", r.store.rep.Status)
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	for _, j := range []float64{0, 0.25, 0.999} {
		w := &Worker{Jitter: func() float64 { return j }}
		for n := 1; n <= 20; n++ {
			d := w.backoff(n)
			full := min(DefaultBaseDelay<<min(n-1, 10), DefaultMaxDelay)
			if d < full/2 || d > full {
				t.Errorf("jitter %v attempt %d: %v outside [%v, %v]", j, n, d, full/2, full)
			}
		}
	}
}

// NC-03: a flow that fails for good, or runs too long, is retracted at NCMEC, never left
// half-finished. The EU Centre report is a duty of its own (RP-01, RP-19): it is still sent,
// naming no CyberTipline report, and the report fails with NCMEC's part undone, for a resend.
// A flow that may still pass is retried, and the EU Centre waits for its report id (RP-09).
func TestWorkerRetractsFailedFlows(t *testing.T) {
	tests := []struct {
		name    string
		fail    map[string]error
		age     time.Duration
		calls   []string
		status  vigil.ReportStatus
		ncmecAt vigil.DestinationStatus
		eu      int
	}{
		{"permanent upload failure", map[string]error{"upload": Permanent(errors.New("4200 malformed file"))},
			time.Minute, []string{"upload", "retract"}, vigil.ReportFailed, vigil.DestRetracted, 1},
		{"permanent fileinfo failure", map[string]error{"fileinfo": Permanent(errors.New("4100 invalid file details"))},
			time.Minute, []string{"upload", "fileinfo", "retract"}, vigil.ReportFailed, vigil.DestRetracted, 1},
		{"retryable failure of an old flow", map[string]error{"fileinfo": errors.New("timeout")},
			21 * time.Hour, []string{"upload", "fileinfo", "retract"}, vigil.ReportFailed, vigil.DestRetracted, 1},
		{"retraction refused for good", map[string]error{"fileinfo": Permanent(errors.New("4100 invalid file details")),
			"retract": Permanent(errors.New("5102 no such report"))},
			time.Minute, []string{"upload", "fileinfo", "retract"}, vigil.ReportFailed, vigil.DestFailed, 1},
		{"retraction failing for now", map[string]error{"fileinfo": Permanent(errors.New("4100 invalid file details")),
			"retract": errors.New("timeout")},
			time.Minute, []string{"upload", "fileinfo", "retract"}, vigil.ReportSending, vigil.DestSubmitted, 0},
		{"retryable failure of a young flow", map[string]error{"fileinfo": errors.New("timeout")},
			time.Hour, []string{"upload", "fileinfo"}, vigil.ReportSending, vigil.DestSubmitted, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(vigil.DestNCMEC, vigil.DestEUCentre)
			r.store.rep.Status = vigil.ReportSending
			r.store.rep.Deliveries[0] = vigil.ReportDelivery{Destination: vigil.DestNCMEC, Status: vigil.DestSubmitted,
				Reference: "55", Started: t0.Add(-tt.age)}
			r.nc.fail = tt.fail
			r.tick(t)
			if !slices.Equal(r.nc.calls, tt.calls) {
				t.Errorf("calls %v, want %v", r.nc.calls, tt.calls)
			}
			if r.store.rep.Status != tt.status || r.store.rep.Deliveries[0].Status != tt.ncmecAt {
				t.Errorf("report %s, NCMEC %s; want %s, %s", r.store.rep.Status, r.store.rep.Deliveries[0].Status, tt.status, tt.ncmecAt)
			}
			if len(r.eu.recs) != tt.eu {
				t.Fatalf("the EU Centre got %d records, want %d", len(r.eu.recs), tt.eu)
			}
			if tt.eu > 0 && len(r.eu.recs[0].ThirdCountry) != 0 {
				t.Errorf("the EU Centre record names %+v, a CyberTipline report that was not finished", r.eu.recs[0].ThirdCountry)
			}
		})
	}
}

// A refusal at one destination does not stop the other, nor undo what it took: each ends in
// its own state and the report fails, to be sent again where it was refused (RP-01, RP-20).
func TestWorkerDestinationsAreIndependent(t *testing.T) {
	tests := []struct {
		name    string
		ncmec   map[string]error
		eu      error
		steps   []string
		ncmecAt vigil.DestinationStatus
		euAt    vigil.DestinationStatus
	}{
		{"NCMEC refuses the submission", map[string]error{"submit": Permanent(errors.New("3100 not authorised"))}, nil,
			[]string{"failed ncmec", "eu EU-rep_1", "complete"}, vigil.DestFailed, vigil.DestSent},
		{"EU Centre refuses the record", map[string]error{}, Permanent(errors.New("400 schema")),
			[]string{"submitted 1001", "uploaded cnt_1", "described cnt_1", "finished", "failed eu_centre", "complete"},
			vigil.DestFinished, vigil.DestFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(vigil.DestNCMEC, vigil.DestEUCentre)
			r.nc.fail, r.eu.fail = tt.ncmec, tt.eu
			r.tick(t)
			if !slices.Equal(r.store.steps, tt.steps) {
				t.Errorf("steps %v, want %v", r.store.steps, tt.steps)
			}
			nd, _ := r.store.rep.Delivery(vigil.DestNCMEC)
			ed, _ := r.store.rep.Delivery(vigil.DestEUCentre)
			if r.store.rep.Status != vigil.ReportFailed || nd.Status != tt.ncmecAt || ed.Status != tt.euAt {
				t.Errorf("report %s, NCMEC %s, EU Centre %s; want failed, %s, %s", r.store.rep.Status, nd.Status, ed.Status,
					tt.ncmecAt, tt.euAt)
			}
			if slices.Contains(r.nc.calls, "retract") {
				t.Errorf("CyberTipline calls %v: nothing open to retract", r.nc.calls)
			}
			r.tick(t)
			if len(r.store.steps) != len(tt.steps) {
				t.Errorf("a failed report was worked on again: steps %v", r.store.steps[len(tt.steps):])
			}
		})
	}
}

// An EU Centre failure that may pass is retried without touching the finished CyberTipline
// report, whose id the retried record still names (RP-09).
func TestWorkerRetriesTheEUCentreAlone(t *testing.T) {
	r := newRig(vigil.DestNCMEC, vigil.DestEUCentre)
	r.eu.fail = errors.New("503 busy")
	r.tick(t)
	if r.store.rep.Status != vigil.ReportSending || r.store.rep.Attempts != 1 {
		t.Fatalf("report %s after %d attempts, want sending after 1", r.store.rep.Status, r.store.rep.Attempts)
	}
	r.clock.Set(r.store.rep.NextTry)
	r.tick(t)
	if !slices.Equal(r.nc.calls, []string{"submit", "upload", "fileinfo", "finish"}) {
		t.Errorf("CyberTipline calls %v, want one flow", r.nc.calls)
	}
	if len(r.eu.recs) != 1 || len(r.eu.recs[0].ThirdCountry) != 1 || r.eu.recs[0].ThirdCountry[0].Reference != "1001" {
		t.Errorf("EU Centre records %+v, want one naming the CyberTipline report 1001", r.eu.recs)
	}
	if r.store.rep.Status != vigil.ReportSent {
		t.Errorf("report %s, want sent", r.store.rep.Status)
	}
}

// RP-01 over RP-09: while NCMEC is retried, the EU Centre report waits for its id only for
// EUCentreWait after the approval, then goes without it; the report is settled once NCMEC's
// part is, and no second EU Centre report follows.
func TestWorkerEUCentreDoesNotWaitForeverForNCMEC(t *testing.T) {
	r := newRig(vigil.DestNCMEC, vigil.DestEUCentre)
	r.w.EUCentreWait = time.Hour
	for r.clock.Now().Sub(t0) < 2*time.Hour {
		r.nc.fail["submit"] = errors.New("connection reset")
		before := len(r.eu.recs)
		r.tick(t)
		switch waited := r.clock.Now().Sub(t0); {
		case waited < time.Hour && len(r.eu.recs) != 0:
			t.Fatalf("EU Centre sent after %s, want it to wait an hour for NCMEC", waited)
		case waited >= time.Hour && len(r.eu.recs) != 1:
			t.Fatalf("EU Centre got %d reports after %s, want exactly 1", len(r.eu.recs), waited)
		case before == 0 && len(r.eu.recs) == 1 && len(r.eu.recs[0].ThirdCountry) != 0:
			t.Errorf("EU record names %+v, want no CyberTipline report yet", r.eu.recs[0].ThirdCountry)
		}
		if st := r.store.rep.Status; st == vigil.ReportSent || st == vigil.ReportFailed {
			t.Fatalf("report %s while NCMEC is retried, want it still being sent", st)
		}
		r.clock.Set(r.store.rep.NextTry)
	}
	r.tick(t)
	if r.store.rep.Status != vigil.ReportSent || len(r.eu.recs) != 1 {
		t.Errorf("report %s with %d EU Centre reports once NCMEC answered, want sent with 1", r.store.rep.Status, len(r.eu.recs))
	}
}

// A permanent failure before NCMEC gave an id fails the report with nothing to retract.
func TestWorkerFailsBeforeSubmit(t *testing.T) {
	r := newRig(vigil.DestNCMEC)
	r.nc.fail["submit"] = Permanent(errors.New("3100 not authorised"))
	r.tick(t)
	if !slices.Equal(r.store.steps, []string{"failed ncmec", "complete"}) || r.store.rep.Status != vigil.ReportFailed {
		t.Errorf("steps %v status %s, want one failure", r.store.steps, r.store.rep.Status)
	}
	if slices.Contains(r.nc.calls, "retract") {
		t.Errorf("calls %v: retracted a report NCMEC never opened", r.nc.calls)
	}
}

// A requested retraction retracts at NCMEC when the flow opened a report there, and withdraws
// the report otherwise. When NCMEC refuses the retraction for good the report fails, and
// nothing more is sent: a person asked that it not be.
func TestWorkerRetractsOnRequest(t *testing.T) {
	tests := []struct {
		name     string
		ref      string
		retract  error
		retracts int // calls of Retract
		status   vigil.ReportStatus
		ncmecAt  vigil.DestinationStatus
	}{
		{"nothing opened", "", nil, 0, vigil.ReportRetracted, vigil.DestPending},
		{"open report", "88", nil, 1, vigil.ReportRetracted, vigil.DestRetracted},
		{"retraction refused", "88", Permanent(errors.New("5102 no such report")), 1, vigil.ReportFailed, vigil.DestFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(vigil.DestNCMEC, vigil.DestEUCentre)
			r.store.rep.RetractRequested = true
			if tt.ref != "" {
				r.store.rep.Status = vigil.ReportSending
				r.store.rep.Deliveries[0] = vigil.ReportDelivery{Destination: vigil.DestNCMEC, Status: vigil.DestSubmitted,
					Reference: tt.ref, Started: t0}
			}
			if tt.retract != nil {
				r.nc.fail["retract"] = tt.retract
			}
			r.tick(t)
			r.tick(t)
			if r.store.rep.Status != tt.status || r.store.rep.Deliveries[0].Status != tt.ncmecAt {
				t.Errorf("report %s, NCMEC %s; want %s, %s", r.store.rep.Status, r.store.rep.Deliveries[0].Status, tt.status, tt.ncmecAt)
			}
			if got := count(r.nc.calls, "retract"); got != tt.retracts {
				t.Errorf("retract called %d times, want %d", got, tt.retracts)
			}
			if len(r.eu.recs) != 0 {
				t.Errorf("the EU Centre got %d records of a report to retract", len(r.eu.recs))
			}
		})
	}
}

// A failure to record a step leaves the report due for the next pass, which does not repeat the
// steps recorded before it.
func TestWorkerStoreFailureIsReturned(t *testing.T) {
	r := newRig(vigil.DestNCMEC)
	r.store.failNext = "uploaded cnt_1"
	if err := r.w.Tick(context.Background()); err == nil {
		t.Fatal("Tick hid the store failure")
	}
	r.tick(t)
	if n := count(r.nc.calls, "submit"); n != 1 {
		t.Errorf("%d submits, want 1", n)
	}
	if r.store.rep.Status != vigil.ReportSent {
		t.Errorf("status %s, want sent", r.store.rep.Status)
	}
}

// Evidence not kept for reporting fails the report at the EU Centre without retries.
func TestWorkerWithoutEvidence(t *testing.T) {
	r := newRig(vigil.DestEUCentre)
	r.w.Media = fakeMedia{}
	r.tick(t)
	if r.store.rep.Status != vigil.ReportFailed {
		t.Errorf("status %s, want failed", r.store.rep.Status)
	}
}

// A destination disabled after the report was queued fails it rather than retrying forever.
func TestWorkerDisabledDestination(t *testing.T) {
	r := newRig(vigil.DestEUCentre)
	r.w.Connect = func(context.Context, vigil.ReportSettings) (Destinations, error) { return Destinations{}, nil }
	r.tick(t)
	if r.store.rep.Status != vigil.ReportFailed {
		t.Errorf("status %s, want failed", r.store.rep.Status)
	}
}

func count(calls []string, name string) int {
	n := 0
	for _, c := range calls {
		if c == name {
			n++
		}
	}
	return n
}

// A retraction that reached the worker after a destination took the report (the step was under
// way when it was asked for) cannot undo the delivery: Complete settles the report, naming what
// each destination holds, instead of calling it retracted.
func TestWorkerWithdrawAfterADelivery(t *testing.T) {
	tests := []struct {
		name   string
		dests  []vigil.Destination
		status vigil.ReportStatus
	}{
		{"EU Centre only", []vigil.Destination{vigil.DestEUCentre}, vigil.ReportSent},
		{"NCMEC not started", []vigil.Destination{vigil.DestNCMEC, vigil.DestEUCentre}, vigil.ReportFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(tt.dests...)
			r.store.rep.Status, r.store.rep.RetractRequested = vigil.ReportSending, true
			eu := r.store.dest(vigil.DestEUCentre)
			eu.Status, eu.Reference = vigil.DestSent, "EU-1"
			r.tick(t)
			if r.store.rep.Status != tt.status || slices.Contains(r.store.steps, "withdrawn") {
				t.Errorf("report %s after steps %v, want %s and never withdrawn", r.store.rep.Status, r.store.steps, tt.status)
			}
			if len(r.nc.calls) != 0 || len(r.eu.recs) != 0 {
				t.Errorf("NCMEC calls %v, EU Centre sends %d: want nothing sent", r.nc.calls, len(r.eu.recs))
			}
		})
	}
}

// A retraction that reached the worker after NCMEC refused the submission for good (nothing
// opened there, nothing delivered anywhere) withdraws the report.
func TestWorkerWithdrawAfterARefusedSubmission(t *testing.T) {
	r := newRig(vigil.DestNCMEC, vigil.DestEUCentre)
	r.store.rep.Status, r.store.rep.RetractRequested = vigil.ReportSending, true
	nd := r.store.dest(vigil.DestNCMEC)
	nd.Status, nd.LastError = vigil.DestFailed, "4100 validation failed"
	r.tick(t)
	if r.store.rep.Status != vigil.ReportRetracted || len(r.nc.calls) != 0 || len(r.eu.recs) != 0 {
		t.Errorf("report %s, NCMEC calls %v, EU Centre sends %d: want it withdrawn, nothing sent",
			r.store.rep.Status, r.nc.calls, len(r.eu.recs))
	}
}
