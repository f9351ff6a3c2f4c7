package reporting_test

import (
	"context"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
	"github.com/vigilproject/vigil/reporting"
)

// retractingNCMEC is the real CyberTipline destination, except that a person withdraws the
// report while its submission is under way.
type retractingNCMEC struct {
	reporting.NCMEC
	retract func()
}

func (n retractingNCMEC) Submit(ctx context.Context, rec vigil.ReportRecord) (string, error) {
	n.retract()
	return n.NCMEC.Submit(ctx, rec)
}

// NC-03, PP-04: a report withdrawn while its CyberTipline submission was under way is not sent
// on: the worker stops at the recorded submission and its next pass retracts the CyberTipline
// report; the EU Centre gets nothing and the report ends retracted.
func TestWithdrawnDuringSubmissionIsRetracted(t *testing.T) {
	s := newStack(t)
	id := s.confirmedReport(t)
	priv, err := s.store.SigningPrivateKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	connect := reporting.Connector(priv, nil)
	s.worker.Connect = func(ctx context.Context, st vigil.ReportSettings) (reporting.Destinations, error) {
		d, err := connect(ctx, st)
		d.NCMEC = retractingNCMEC{NCMEC: d.NCMEC, retract: func() {
			if _, err := s.store.RetractReport(as(vigil.RoleLegal, "lex"), id, "filed for the wrong case"); err != nil {
				t.Errorf("retract: %v", err)
			}
		}}
		return d, err
	}
	for range 2 {
		if err := s.worker.Tick(context.Background()); err != nil {
			t.Fatalf("Tick: %v", err)
		}
	}
	got := s.report(t, id)
	reports := s.ncmec.Reports()
	var statuses []ncmecfake.ReportStatus
	for _, r := range reports {
		statuses = append(statuses, r.Status)
	}
	if got.Status != vigil.ReportRetracted || len(reports) != 1 || reports[0].Status != ncmecfake.Retracted {
		t.Errorf("report %s, CyberTipline reports %v: want the report and its one CyberTipline report retracted",
			got.Status, statuses)
	}
	if n := len(s.eu.Reports()); n != 0 {
		t.Errorf("the EU Centre got %d reports of a withdrawn report", n)
	}
}
