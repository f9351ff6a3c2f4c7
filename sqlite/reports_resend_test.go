package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"testing"

	"github.com/vigilproject/vigil"
)

// deliveryStates returns each destination's status and reference of rep.
func deliveryStates(rep vigil.Report) map[vigil.Destination]string {
	out := map[vigil.Destination]string{}
	for _, d := range rep.Deliveries {
		out[d.Destination] = string(d.Status) + " " + d.Reference
	}
	return out
}

// TestResendReport checks what sending a report again does from each state it is allowed in:
// which approvals stand, which deliveries are kept (a finished CyberTipline report is never
// submitted again) and which start over, and that it is audited.
func TestResendReport(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		setup   func(t *testing.T, r *reportsRig) vigil.Report
		redraft bool
		status  vigil.ReportStatus
		// approvals standing after the resend
		approvals  int
		deliveries map[vigil.Destination]string
		replaced   string // the retracted CyberTipline report the resend replaces
	}{
		{"EU Centre refused after NCMEC finished", func(t *testing.T, r *reportsRig) vigil.Report {
			rep := r.queued(t, "cnt_eu")
			steps(t, func() error { return r.store.NCMECSubmitted(ctx, rep.ID, "501") },
				func() error { return r.store.NCMECFinished(ctx, rep.ID) },
				func() error { return r.store.Failed(ctx, rep.ID, vigil.DestEUCentre, "503 for good") },
				func() error { return r.store.Complete(ctx, rep.ID) })
			return rep
		}, false, vigil.ReportQueued, 1,
			map[vigil.Destination]string{vigil.DestNCMEC: "finished 501", vigil.DestEUCentre: "pending "}, ""},
		{"redraft keeps the finished CyberTipline report", func(t *testing.T, r *reportsRig) vigil.Report {
			rep := r.queued(t, "cnt_fix")
			steps(t, func() error { return r.store.NCMECSubmitted(ctx, rep.ID, "502") },
				func() error { return r.store.NCMECFinished(ctx, rep.ID) },
				func() error { return r.store.Failed(ctx, rep.ID, vigil.DestEUCentre, "400 schema") },
				func() error { return r.store.Complete(ctx, rep.ID) })
			return rep
		}, true, vigil.ReportDraft, 0, map[vigil.Destination]string{vigil.DestNCMEC: "finished 502"}, ""},
		{"CyberTipline flow failed and was retracted", func(t *testing.T, r *reportsRig) vigil.Report {
			rep := r.queued(t, "cnt_nc")
			steps(t, func() error { return r.store.NCMECSubmitted(ctx, rep.ID, "503") },
				func() error { return r.store.NCMECUploaded(ctx, rep.ID, "cnt_nc", "f-1", "abc") },
				func() error { return r.store.NCMECRetracted(ctx, rep.ID, "4100 invalid file details") },
				func() error { return r.store.Failed(ctx, rep.ID, vigil.DestEUCentre, "400 schema") },
				func() error { return r.store.Complete(ctx, rep.ID) })
			return rep
		}, false, vigil.ReportQueued, 1,
			map[vigil.Destination]string{vigil.DestNCMEC: "pending ", vigil.DestEUCentre: "pending "}, "503"},
		{"CyberTipline flow retracted, the EU Centre took it", func(t *testing.T, r *reportsRig) vigil.Report {
			rep := r.queued(t, "cnt_half")
			steps(t, func() error { return r.store.NCMECSubmitted(ctx, rep.ID, "505") },
				func() error { return r.store.NCMECRetracted(ctx, rep.ID, "4100 invalid file details") },
				func() error { return r.store.EUSent(ctx, rep.ID, "EU-5") },
				func() error { return r.store.Complete(ctx, rep.ID) })
			return rep
		}, false, vigil.ReportQueued, 1,
			map[vigil.Destination]string{vigil.DestNCMEC: "pending ", vigil.DestEUCentre: "sent EU-5"}, "505"},
		{"retracted by a person needs its approvals again", func(t *testing.T, r *reportsRig) vigil.Report {
			rep := r.queued(t, "cnt_rt")
			steps(t, func() error { return r.store.NCMECSubmitted(ctx, rep.ID, "504") })
			if _, err := r.store.RetractReport(legal("lex"), rep.ID, "wrong case"); err != nil {
				t.Fatal(err)
			}
			// The retraction the worker carried out tells it to send nothing more.
			if err := r.store.NCMECRetracted(ctx, rep.ID, ""); !errors.Is(err, vigil.ErrRetractionRequested) {
				t.Fatalf("NCMECRetracted: %v, want the retraction requested", err)
			}
			return rep
		}, false, vigil.ReportDraft, 0, map[vigil.Destination]string{}, "504"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := openReports(t)
			rep := tt.setup(t, r)
			before := lastSeq(t, r.db)
			got, err := r.store.ResendReport(legal("lex"), rep.ID, "the endpoint is back", tt.redraft)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.status || len(got.Approvals) != tt.approvals || got.RetractRequested || got.LastError != "" {
				t.Errorf("resent: %s with %d approvals (retract %v, error %q), want %s with %d",
					got.Status, len(got.Approvals), got.RetractRequested, got.LastError, tt.status, tt.approvals)
			}
			if ds := deliveryStates(got); !maps.Equal(ds, tt.deliveries) {
				t.Errorf("deliveries %v, want %v", ds, tt.deliveries)
			}
			if nd, _ := got.Delivery(vigil.DestNCMEC); nd.Status == vigil.DestPending && len(got.Files) != 0 {
				t.Errorf("files %+v of the replaced CyberTipline report kept", got.Files)
			}
			events := auditedActions(t, r.db, before)
			if len(events) == 0 || events[0].Action != "report.resend" || events[0].ActorID != "lex" {
				t.Fatalf("audit %+v, want report.resend by lex first", events)
			}
			var detail map[string]any
			if err := json.Unmarshal([]byte(events[0].Detail), &detail); err != nil || detail["replaced_ncmec_report"] != tt.replaced {
				t.Errorf("audit detail %s, want the replaced CyberTipline report %q", events[0].Detail, tt.replaced)
			}
			if tt.status == vigil.ReportQueued {
				due, err := r.store.DueReports(ctx, 10)
				if err != nil || len(due) != 1 || due[0].ID != rep.ID {
					t.Errorf("due after resend: %d reports, %v", len(due), err)
				}
				return
			}
			approved, err := r.store.ApproveReport(legal("ann"), rep.ID)
			if err != nil || approved.Status != vigil.ReportQueued {
				t.Fatalf("approve the redraft: %v, %v", approved.Status, err)
			}
			if nd, _ := approved.Delivery(vigil.DestNCMEC); tt.deliveries[vigil.DestNCMEC] != "" && nd.Status != vigil.DestFinished {
				t.Errorf("CyberTipline delivery %+v after approval, want the finished one kept", nd)
			}
		})
	}
}

// steps runs each store step, failing the test on the first error.
func steps(t *testing.T, fns ...func() error) {
	t.Helper()
	for i, fn := range fns {
		if err := fn(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
}

// TestResendReportRefusals: only a failed or retracted report of a confirmed case is sent
// again, by someone with the reports scope, with a reason; never while a CyberTipline report
// that was opened could not be retracted.
func TestResendReportRefusals(t *testing.T) {
	ctx := context.Background()
	r := openReports(t)
	queued := r.queued(t, "cnt_q")
	sent := r.sent(t, "cnt_s")
	stuck := r.queued(t, "cnt_stuck")
	steps(t, func() error { return r.store.NCMECSubmitted(ctx, stuck.ID, "600") },
		func() error { return r.store.Failed(ctx, stuck.ID, vigil.DestNCMEC, "retract: 5102") },
		func() error { return r.store.Complete(ctx, stuck.ID) })
	failed := r.queued(t, "cnt_f")
	steps(t, func() error { return r.store.Failed(ctx, failed.ID, vigil.DestNCMEC, "4000 invalid XML") },
		func() error { return r.store.Complete(ctx, failed.ID) })
	reviewerOnly := reviewer("rev")
	tests := []struct {
		name   string
		ctx    context.Context
		id     string
		reason string
		code   string
	}{
		{"queued", legal("lex"), queued.ID, "again", vigil.ECONFLICT},
		{"sent", legal("lex"), sent.ID, "again", vigil.ECONFLICT},
		{"CyberTipline report not retracted", legal("lex"), stuck.ID, "again", vigil.ECONFLICT},
		{"no reason", legal("lex"), failed.ID, "", vigil.EINVALID},
		{"no reports scope", reviewerOnly, failed.ID, "again", vigil.EFORBIDDEN},
		{"unknown report", legal("lex"), "rep_missing", "again", vigil.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.store.ResendReport(tt.ctx, tt.id, tt.reason, false)
			wantCode(t, err, tt.code)
		})
	}
	if got, err := r.store.ResendReport(legal("lex"), failed.ID, "fixed the settings", false); err != nil || got.Status != vigil.ReportQueued {
		t.Errorf("resend the failed report: %v, %v", got.Status, err)
	}
}

// TestReportAnnotations checks NC-08's annotations on the record: any of the CyberTipline's,
// each once; they are saved with the record.
func TestReportAnnotations(t *testing.T) {
	r := openReports(t)
	rep := r.confirm(t, "cnt_ann", true)
	tests := []struct {
		name        string
		annotations []string
		field       string // "" when accepted
	}{
		{"none", nil, ""},
		{"every one", vigil.ReportAnnotations, ""},
		{"sextortion", []string{"sextortion"}, ""},
		{"unknown", []string{"sextortion", "gossip"}, "annotations[1]"},
		{"wrong case", []string{"Sextortion"}, "annotations[0]"},
		{"twice", []string{"spam", "informational", "spam"}, "annotations[2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := rep.Record
			rec.Annotations = tt.annotations
			got, err := r.store.EditReport(legal("lex"), rep.ID, rec)
			if tt.field != "" {
				if verr, ok := err.(*vigil.Error); !ok || verr.Field != tt.field {
					t.Fatalf("error %v, want one about %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Record.Annotations) != len(tt.annotations) {
				t.Errorf("saved annotations %v, want %v", got.Record.Annotations, tt.annotations)
			}
		})
	}
}
