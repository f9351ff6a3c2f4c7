package sqlite

import (
	"context"
	"errors"
	"testing"

	"github.com/vigilproject/vigil"
)

// NC-03, PP-04: a retraction asked for while the worker has a step under way is never undone
// by that step. The step's outcome is recorded (it happened at the destination), the step
// returns vigil.ErrRetractionRequested so that the worker sends nothing more in the pass, and
// the report is left for the next pass to retract.
func TestRetractionDuringAStep(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		before func(r *reportsRig, id string) error // the steps recorded before the retraction
		step   func(r *reportsRig, id string) error // the step under way when it came
		// Afterwards: the report's status, whether the worker is to retract it, and NCMEC's part.
		status    vigil.ReportStatus
		requested bool
		ncmec     vigil.DestinationStatus
	}{
		{
			name:   "withdrawn while submitting",
			step:   func(r *reportsRig, id string) error { return r.store.NCMECSubmitted(ctx, id, "77") },
			status: vigil.ReportSending, requested: true, ncmec: vigil.DestSubmitted,
		},
		{
			name:   "retract requested while uploading",
			before: func(r *reportsRig, id string) error { return r.store.NCMECSubmitted(ctx, id, "78") },
			step: func(r *reportsRig, id string) error {
				return r.store.NCMECUploaded(ctx, id, "cnt_race", "f-1", "abc")
			},
			status: vigil.ReportSending, requested: true, ncmec: vigil.DestSubmitted,
		},
		{
			name: "withdrawn while NCMEC refused it",
			step: func(r *reportsRig, id string) error {
				return r.store.Failed(ctx, id, vigil.DestNCMEC, "4100 validation failed")
			},
			status: vigil.ReportSending, requested: true, ncmec: vigil.DestFailed,
		},
		{
			name: "withdrawn while an attempt failed",
			step: func(r *reportsRig, id string) error {
				return r.store.Retry(ctx, id, r.clock.Now(), "connection reset")
			},
			status: vigil.ReportRetracted, ncmec: vigil.DestPending,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := openReports(t)
			rep := r.queued(t, "cnt_race")
			if due, err := r.store.DueReports(ctx, 10); err != nil || len(due) != 1 {
				t.Fatalf("due %d, %v: want the report handed to the worker", len(due), err)
			}
			if tt.before != nil {
				if err := tt.before(r, rep.ID); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := r.store.RetractReport(legal("lex"), rep.ID, "filed for the wrong case"); err != nil {
				t.Fatal(err)
			}
			if err := tt.step(r, rep.ID); !errors.Is(err, vigil.ErrRetractionRequested) {
				t.Fatalf("step: %v, want the worker told of the retraction", err)
			}
			got, err := r.store.Report(legal("lex"), rep.ID)
			if err != nil {
				t.Fatal(err)
			}
			nd, _ := got.Delivery(vigil.DestNCMEC)
			if got.Status != tt.status || got.RetractRequested != tt.requested || nd.Status != tt.ncmec {
				t.Fatalf("report %s, retract requested %v, NCMEC %s; want %s, %v, %s",
					got.Status, got.RetractRequested, nd.Status, tt.status, tt.requested, tt.ncmec)
			}
			due, err := r.store.DueReports(ctx, 10)
			if err != nil || len(due) != map[bool]int{false: 0, true: 1}[tt.requested] {
				t.Fatalf("due %v, %v: want the report due exactly when it is to be retracted", due, err)
			}
			if len(due) == 1 && !due[0].RetractRequested {
				t.Errorf("the report is due without its retraction request")
			}
		})
	}
}

// NC-03: the retraction of an open CyberTipline report after such a step ends the report
// retracted, as the worker's next pass does it.
func TestRetractionDuringAStepEndsRetracted(t *testing.T) {
	r := openReports(t)
	ctx := context.Background()
	rep := r.queued(t, "cnt_race_end")
	if _, err := r.store.RetractReport(legal("lex"), rep.ID, "filed for the wrong case"); err != nil {
		t.Fatal(err)
	}
	if err := r.store.NCMECSubmitted(ctx, rep.ID, "80"); !errors.Is(err, vigil.ErrRetractionRequested) {
		t.Fatalf("NCMECSubmitted: %v, want the retraction requested", err)
	}
	if err := r.store.NCMECRetracted(ctx, rep.ID, "retraction requested"); !errors.Is(err, vigil.ErrRetractionRequested) {
		t.Fatalf("NCMECRetracted: %v, want the retraction requested", err)
	}
	got, _ := r.store.Report(legal("lex"), rep.ID)
	if nd, _ := got.Delivery(vigil.DestNCMEC); got.Status != vigil.ReportRetracted || nd.Status != vigil.DestRetracted {
		t.Errorf("report %s, NCMEC %s: want both retracted", got.Status, nd.Status)
	}
}

// A retraction asked for while the EU Centre took the report cannot undo that delivery: the
// retraction at NCMEC is recorded, and Complete settles the report as failed, naming it,
// rather than calling a delivered report retracted.
func TestRetractionAfterTheEUCentreTookIt(t *testing.T) {
	r := openReports(t)
	ctx := context.Background()
	rep := r.queued(t, "cnt_eu_race")
	if err := r.store.NCMECSubmitted(ctx, rep.ID, "79"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.RetractReport(legal("lex"), rep.ID, "filed for the wrong case"); err != nil {
		t.Fatal(err)
	}
	if err := r.store.EUSent(ctx, rep.ID, "EU-9"); !errors.Is(err, vigil.ErrRetractionRequested) {
		t.Fatalf("EUSent: %v, want the retraction requested", err)
	}
	if err := r.store.NCMECRetracted(ctx, rep.ID, "retraction requested"); !errors.Is(err, vigil.ErrRetractionRequested) {
		t.Fatalf("NCMECRetracted: %v, want the retraction requested", err)
	}
	got, _ := r.store.Report(legal("lex"), rep.ID)
	if got.Status != vigil.ReportSending {
		t.Fatalf("status %s after retracting at NCMEC a report the EU Centre took, want sending until Complete", got.Status)
	}
	if err := r.store.Complete(ctx, rep.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = r.store.Report(legal("lex"), rep.ID)
	if eu, _ := got.Delivery(vigil.DestEUCentre); got.Status != vigil.ReportFailed || eu.Status != vigil.DestSent {
		t.Errorf("report %s, EU Centre %s: want failed, with the EU Centre's delivery kept", got.Status, eu.Status)
	}
}
