package sqlite

import (
	"context"
	"testing"

	"github.com/vigilproject/vigil"
)

// The stored NCMEC password is sent only to the address it was given for: pointing the NCMEC
// URL elsewhere without giving the password again is refused while NCMEC is enabled, and drops
// the password while it is not; a save that keeps the URL keeps the password.
func TestReportSettingsPasswordFollowsTheURL(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(s *vigil.ReportSettings)
		wantField string // the field of the refusal; "" when the save passes
		wantPW    string // the password the worker then sends with
	}{
		{"same URL keeps it", func(s *vigil.ReportSettings) { s.Provider.Name = "Renamed BV" }, "", "s3cret-pw"},
		{"environment switch keeps it", func(s *vigil.ReportSettings) { s.NCMECEnvironment = "production" }, "", "s3cret-pw"},
		{"new URL refused", func(s *vigil.ReportSettings) { s.NCMECURL = "https://elsewhere.example.test/ispws" }, "ncmec_password", "s3cret-pw"},
		{"new URL with the password", func(s *vigil.ReportSettings) {
			s.NCMECURL, s.NCMECPassword = "https://elsewhere.example.test/ispws", "n3w-pw"
		}, "", "n3w-pw"},
		{"new URL, NCMEC off, drops it", func(s *vigil.ReportSettings) {
			s.NCMECURL, s.NCMEC = "https://elsewhere.example.test/ispws", false
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := openReports(t)
			s, err := r.store.ReportSettings(adminCtx)
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(&s)
			_, err = r.store.SaveReportSettings(adminCtx, s)
			if tt.wantField != "" {
				if verr, ok := err.(*vigil.Error); !ok || verr.Field != tt.wantField {
					t.Fatalf("error %v, want one about %s", err, tt.wantField)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			full, err := r.store.SendingSettings(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if full.NCMECPassword != tt.wantPW || full.HasPassword != (tt.wantPW != "") {
				t.Errorf("password %q (stored %v), want %q", full.NCMECPassword, full.HasPassword, tt.wantPW)
			}
		})
	}
}
