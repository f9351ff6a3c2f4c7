package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/vault"
)

// PR-07, NC-10: under a US retention policy a finished CyberTipline report keeps the case's
// evidence a year from the report, which comes after the identification the deadline was set
// from; an EU-only policy keeps its 12 months from identification (PR-04).
func TestCyberTiplineReportExtendsUSRetention(t *testing.T) {
	us := vigil.RetentionPolicy{Jurisdictions: []vigil.Jurisdiction{vigil.JurisdictionEU, vigil.JurisdictionUS},
		Months: 12, SignedOffBy: "Counsel Example"}
	tests := []struct {
		name     string
		policy   vigil.RetentionPolicy
		extended bool
	}{
		{"eu and us", us, true},
		{"eu only", vigil.DefaultRetentionPolicy, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := openReports(t)
			dir := t.TempDir()
			v, err := vault.Open(vault.Config{Dir: filepath.Join(dir, "evidence"), KeyFile: filepath.Join(dir, "evidence.key")})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.db.UseEvidence(v, tt.policy); err != nil {
				t.Fatal(err)
			}
			identified := r.clock.Now()
			rep := r.queued(t, "cnt_us")
			r.clock.Advance(72 * time.Hour) // the report is made three days after identification
			ctx := context.Background()
			if err := r.store.NCMECSubmitted(ctx, rep.ID, "501"); err != nil {
				t.Fatal(err)
			}
			if err := r.store.NCMECFinished(ctx, rep.ID); err != nil {
				t.Fatal(err)
			}
			var deadline int64
			if err := r.db.read.QueryRow(`SELECT deadline FROM evidence WHERE case_id = ?`, rep.CaseID).Scan(&deadline); err != nil {
				t.Fatal(err)
			}
			want := identified.AddDate(0, 12, 0)
			if tt.extended {
				want = r.clock.Now().AddDate(0, vigil.USRetentionMonths, 0)
			}
			if got := fromMS(deadline); !got.Equal(want) {
				t.Errorf("evidence deadline %v, want %v", got, want)
			}
		})
	}
}
