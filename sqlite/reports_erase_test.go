package sqlite

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
	"github.com/vigilproject/vigil/vault"
)

// withVault gives r's database an evidence vault under the EU policy: confirmations preserve
// the case media for 12 months (PR-04).
func (r *reportsRig) withVault(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	v, err := vault.Open(vault.Config{Dir: filepath.Join(dir, "evidence"), KeyFile: filepath.Join(dir, "evidence.key")})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.db.UseEvidence(v, vigil.DefaultRetentionPolicy); err != nil {
		t.Fatal(err)
	}
}

// figures computes the 2026 transparency report at the rig's time.
func (r *reportsRig) figures(t *testing.T) transparency.Report {
	t.Helper()
	got, err := transparency.Compute(context.Background(), NewTransparencyStore(r.db), 2026, r.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// sweep runs the evidence sweep at the rig's time and checks how many objects it deleted.
func (r *reportsRig) sweep(t *testing.T, want int) {
	t.Helper()
	if n, err := r.db.SweepEvidence(context.Background(), r.clock.Now()); err != nil || n != want {
		t.Fatalf("sweep deleted %d, %v; want %d", n, err, want)
	}
}

// personalData are the uploader's data the rig's uploads carry, as they would sit in the files.
var personalData = []string{reportTestEmail, reportTestIP, "user7f3a"}

// PR-04, PR-06, IR-12: the sweep that deletes a case's evidence at its deadline erases its
// report's record with it. The report keeps what the transparency report and the audit need,
// reads as erased, refuses every change, and no raw database file keeps the user's data.
// A report the sending worker still has in hand keeps its record until the worker settles it.
func TestReportRecordErasedWithEvidence(t *testing.T) {
	r := openReports(t)
	r.withVault(t)
	sent := r.sent(t, "cnt_sent")
	draft := r.confirm(t, "cnt_draft", true)
	flight := r.queued(t, "cnt_flight")
	ctx := context.Background()
	if err := r.store.NCMECSubmitted(ctx, flight.ID, "8"); err != nil {
		t.Fatal(err)
	}
	checkpoint(t, r.db)
	for _, s := range personalData {
		if !bytes.Contains(rawFiles(t, r.db), []byte(s)) {
			t.Fatalf("the search does not find %q before the sweep", s)
		}
	}
	var deadline int64
	if err := r.db.read.QueryRow(`SELECT max(deadline) FROM evidence`).Scan(&deadline); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(fromMS(deadline))
	before := r.figures(t)
	r.sweep(t, 3)
	if after := r.figures(t); !reflect.DeepEqual(after, before) {
		t.Errorf("transparency figures changed by the erasure:\n%+v\nwant\n%+v", after, before)
	}
	erasedAt := r.clock.Now()
	tests := []struct {
		name   string
		id     string
		status vigil.ReportStatus
		refs   map[vigil.Destination]string
	}{
		{"sent keeps its deliveries", sent.ID, vigil.ReportSent, map[vigil.Destination]string{vigil.DestNCMEC: "7", vigil.DestEUCentre: "EU-7"}},
		{"draft is retracted", draft.ID, vigil.ReportRetracted, map[vigil.Destination]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := r.store.Report(legal("lex"), tt.id)
			if err != nil {
				t.Fatalf("read an erased report: %v", err)
			}
			checkErased(t, rep, erasedAt, tt.status)
			refs := map[vigil.Destination]string{}
			for _, d := range rep.Deliveries {
				refs[d.Destination] = d.Reference
			}
			if !reflect.DeepEqual(refs, tt.refs) {
				t.Errorf("references %v, want %v", refs, tt.refs)
			}
			checkChangesRefused(t, r.store, tt.id)
		})
	}
	if rep := r.reportOf(t, flight.CaseID); !rep.Erased.IsZero() || len(rep.Record.Users) != 1 {
		t.Fatalf("a report in the worker's hands was erased: %+v", rep)
	}
	// The worker's next pass finds no content to attach: it retracts the open CyberTipline
	// report and the report fails; the next sweep erases it.
	for _, step := range []func() error{
		func() error { return r.store.NCMECRetracted(ctx, flight.ID, "the content to attach: gone") },
		func() error { return r.store.Failed(ctx, flight.ID, vigil.DestEUCentre, "the content to attach: gone") },
		func() error { return r.store.Complete(ctx, flight.ID) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	r.sweep(t, 0)
	checkErased(t, r.reportOf(t, flight.CaseID), erasedAt, vigil.ReportFailed)

	var audited int
	if err := r.db.read.QueryRow(`SELECT count(*) FROM audit_events WHERE action = 'report.erase'`).Scan(&audited); err != nil || audited != 3 {
		t.Errorf("%d report.erase events, %v; want 3", audited, err)
	}
	checkpoint(t, r.db)
	raw := rawFiles(t, r.db)
	for _, s := range personalData {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q is left in the database files after the erasure", s)
		}
	}
}

// checkErased checks that rep reads as erased at at with status, its record reduced to its type.
func checkErased(t *testing.T, rep vigil.Report, at time.Time, status vigil.ReportStatus) {
	t.Helper()
	if !rep.Erased.Equal(at) || rep.Status != status {
		t.Errorf("report %s erased %v, %s; want erased %v, %s", rep.ID, rep.Erased, rep.Status, at, status)
	}
	if want := (vigil.ReportRecord{Type: vigil.ReportKnown}); !reflect.DeepEqual(rep.Record, want) {
		t.Errorf("record of an erased report %+v, want its type only", rep.Record)
	}
}

// checkChangesRefused checks that erased report id can no longer be edited, approved,
// retracted or sent again.
func checkChangesRefused(t *testing.T, s *ReportStore, id string) {
	t.Helper()
	ctx := legal("lex")
	changes := map[string]func() error{
		"edit": func() error {
			_, err := s.EditReport(ctx, id, vigil.ReportRecord{Type: vigil.ReportKnown, Awareness: vigil.AwarenessOwnMotion})
			return err
		},
		"approve": func() error { _, err := s.ApproveReport(ctx, id); return err },
		"retract": func() error { _, err := s.RetractReport(ctx, id, "no longer needed"); return err },
		"resend":  func() error { _, err := s.ResendReport(ctx, id, "try again", true); return err },
	}
	for name, change := range changes {
		err := change()
		if vigil.ErrorCode(err) != vigil.ECONFLICT || !strings.Contains(err.Error(), "erased") {
			t.Errorf("%s of an erased report: %v, want a conflict naming the erasure", name, err)
		}
	}
}
