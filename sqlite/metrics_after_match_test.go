package sqlite

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
)

// gathered returns the gauges of reg as name/label/label... -> value.
func gathered(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			name := f.GetName()
			for _, l := range m.GetLabel() {
				name += "/" + l.GetValue()
			}
			got[name] = m.GetGauge().GetValue()
		}
	}
	return got
}

// TestAfterMatchMetrics seeds actions, notices, a complaint and reports in every state the
// gauges distinguish, and compares every exported series with the values counted by hand.
func TestAfterMatchMetrics(t *testing.T) {
	r := openReports(t)
	ctx := context.Background()
	retrying := r.queued(t, "cnt_a")
	if err := r.store.Retry(ctx, retrying.ID, reportsT0.Add(time.Hour), "connection refused"); err != nil {
		t.Fatal(err)
	}
	euFailed := r.queued(t, "cnt_b")
	for _, step := range []func() error{
		func() error { return r.store.NCMECSubmitted(ctx, euFailed.ID, "11") },
		func() error { return r.store.NCMECFinished(ctx, euFailed.ID) },
		func() error { return r.store.Failed(ctx, euFailed.ID, vigil.DestEUCentre, "400 schema") },
		func() error { return r.store.Complete(ctx, euFailed.ID) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	draft := r.confirm(t, "cnt_c", false)
	ncmecFailed := r.queued(t, "cnt_d")
	if err := r.store.NCMECSubmitted(ctx, ncmecFailed.ID, "12"); err != nil {
		t.Fatal(err)
	}
	if err := r.store.NCMECRetracted(ctx, ncmecFailed.ID, "4000 invalid XML"); err != nil {
		t.Fatal(err)
	}
	if err := r.store.Complete(ctx, ncmecFailed.ID); err != nil {
		t.Fatal(err)
	}
	// Each confirmation asked for a removal; the platform did the first.
	acts, _, err := NewActions(r.db).Actions(platformKey, vigil.ActionFilter{ContentID: "cnt_a"})
	if err != nil || len(acts) != 1 {
		t.Fatalf("actions of cnt_a: %v, %v", acts, err)
	}
	if _, err := NewActions(r.db).Finish(platformKey, acts[0].ID, vigil.ActionDone, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := NewComplaints(r.db).File(platformKey, vigil.Complaint{CaseID: draft.CaseID,
		Kind: vigil.ComplaintDetection, Text: "not what you think"}, ""); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(90 * time.Minute)

	reg := prometheus.NewRegistry()
	if err := reg.Register(ActionMetrics(r.db)); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(ReportMetrics(r.db)); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"vigil_action_recorded_actions/remove/requested":   3,
		"vigil_action_recorded_actions/remove/done":        1,
		"vigil_notice_recorded_notices/scheduled":          1, // the removal notice of cnt_a
		"vigil_notice_due_notices":                         1, // due at once (RO-07)
		"vigil_complaint_open_complaints/open":             1,
		"vigil_complaint_oldest_open_age_seconds":          5400,
		"vigil_report_recorded_reports/queued":             1,
		"vigil_report_recorded_reports/failed":             2,
		"vigil_report_recorded_reports/draft":              1,
		"vigil_report_failing_deliveries/ncmec/retrying":   1,
		"vigil_report_failing_deliveries/ncmec/failed":     1,
		"vigil_report_failing_deliveries/eu_centre/failed": 1,
	}
	got := gathered(t, reg)
	// Every combination of the closed label lists is exported, zeros included.
	if n, all := len(got), 5*5+4+1+2+1+7+4; n != all { // 5 kinds by 5 statuses of actions
		t.Errorf("%d series, want %d", n, all)
	}
	nonzero := map[string]float64{}
	for k, v := range got {
		if v != 0 {
			nonzero[k] = v
		}
	}
	if !maps.Equal(nonzero, want) {
		t.Errorf("metrics %v\nwant %v", nonzero, want)
	}
}

// TestAfterMatchMetricsReportAFailedRead: a database that cannot be read makes the scrape
// fail rather than export zeros that look healthy.
func TestAfterMatchMetricsReportAFailedRead(t *testing.T) {
	r := openReports(t)
	reg := prometheus.NewRegistry()
	if err := reg.Register(ReportMetrics(r.db)); err != nil {
		t.Fatal(err)
	}
	r.db.Close()
	if _, err := reg.Gather(); err == nil {
		t.Error("gathering from a closed database succeeded")
	}
}
