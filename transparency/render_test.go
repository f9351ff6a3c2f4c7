package transparency

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sampleReport is a report with a figure in every section.
func sampleReport(t *testing.T) Report {
	t.Helper()
	mid := at(time.May, 5, 5)
	src := &fakeSource{
		content:    []ContentCount{{"photos", "photo", "no_match", 7}},
		opened:     2,
		reviews:    []Review{{Ended: mid, Confirmed: true, SignalTypes: []string{"pdq"}, Banks: []string{"ncmec-known"}}},
		complaints: []Complaint{{Kind: "detection", Filed: mid, Decided: mid.Add(90 * time.Minute), Outcome: "rejected"}},
		orders:     []Order{{Kind: "removal", Received: mid, Executed: mid.Add(5 * time.Hour)}},
		pauses:     []Pause{{Kind: "removal", Ground: "technical", Paused: mid}},
		actions:    []Action{{Kind: "remove", Trigger: "own_initiative", Done: mid}},
		reports:    []SentReport{{Type: "known_csam", Deliveries: []Delivery{{"ncmec", mid}}}},
		evidence:   []Evidence{{Policy: "eu 12 months", Preserved: mid}},
	}
	r, err := Compute(context.Background(), src, 2026, now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRenderJSONRoundTrip(t *testing.T) {
	r := sampleReport(t)
	out, err := Render(r, JSON)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("JSON round trip changed the report:\n%+v\n%+v", back, r)
	}
}

// TestRenderCSV checks that every CSV row has four fields and that figures read back.
func TestRenderCSV(t *testing.T) {
	out, err := Render(sampleReport(t), CSV)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	find := func(section, item, measure string) string {
		for _, r := range rows {
			if r[0] == section && r[1] == item && r[2] == measure {
				return r[3]
			}
		}
		return "(missing)"
	}
	for _, c := range []struct{ section, item, measure, want string }{
		{"report", "", "year", "2026"},
		{"report", "", "from", "2026-01-01T00:00:00Z"},
		{"volume", "photos/photo", "no_match", "7"},
		{"cases", "", "opened", "2"},
		{"error_rate_by_bank", "ncmec-known", "false_positive_rate", "0"},
		{"error_rate_by_signal_type", "pdq", "precision", "1"},
		{"complaints", "detection", "filed", "1"},
		{"complaints", "", "average_decision_seconds", "5400"},
		{"removal_orders", "", "average_execution_seconds", "18000"},
		{"invocations", "Art. 14(5)", "technical", "1"},
		{"removals_by_trigger", "own_initiative", "items", "1"},
		{"reports_by_destination", "ncmec", "delivered", "1"},
		{"retention", "eu 12 months", "jurisdiction_policy", "in use"},
		{"shared_with", "National Center for Missing & Exploited Children (NCMEC)", "organisation", "reports delivered"},
	} {
		t.Run(c.section+"/"+c.item+"/"+c.measure, func(t *testing.T) {
			if got := find(c.section, c.item, c.measure); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestRenderHTML(t *testing.T) {
	out, err := Render(sampleReport(t), HTML)
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	for _, want := range []string{"Transparency report 2026", "1 January 2026 to 31 December 2026",
		"<td>photos</td><td>photo</td><td class=\"n\">7</td>", "1h30m0s", "5h0m0s", "100.00 %",
		"Art. 14(5)", "National Center for Missing &amp; Exploited Children (NCMEC)", "@media print"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	if err := Check(out, nil); err != nil {
		t.Errorf("the page itself trips the PII check: %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		ok   bool
	}{{"", JSON, true}, {"json", JSON, true}, {"csv", CSV, true}, {"html", HTML, true}, {"pdf", "", false}, {"JSON", "", false}} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseFormat(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("ParseFormat(%q) = %q, %v", tc.in, got, err)
			}
		})
	}
}
