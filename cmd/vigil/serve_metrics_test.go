package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeExportsAfterMatchMetrics: "vigil serve" registers the gauges of actions, notices,
// complaints and reports on its registry, each series present from the first scrape.
func TestServeExportsAfterMatchMetrics(t *testing.T) {
	url, _, stop := startServe(t, filepath.Join(t.TempDir(), "data"))
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range []string{
		`vigil_action_recorded_actions{kind="remove",status="requested"} 0`,
		`vigil_notice_recorded_notices{status="held"} 0`,
		`vigil_notice_due_notices 0`,
		`vigil_complaint_open_complaints{status="open"} 0`,
		`vigil_complaint_oldest_open_age_seconds 0`,
		`vigil_report_recorded_reports{status="failed"} 0`,
		`vigil_report_failing_deliveries{destination="ncmec",state="retrying"} 0`,
	} {
		if !strings.Contains(string(body), line) {
			t.Errorf("metrics lack %s", line)
		}
	}
}
