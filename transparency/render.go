package transparency

import (
	"bytes"
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/vigilproject/vigil"
)

// Format is a rendering of the report.
type Format string

// The formats.
const (
	JSON Format = "json"
	CSV  Format = "csv"
	HTML Format = "html"
)

// Formats lists every format.
var Formats = []Format{JSON, CSV, HTML}

// ParseFormat reads a format name; "" is JSON.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case "":
		return JSON, nil
	case JSON, CSV, HTML:
		return f, nil
	}
	return "", vigil.FieldErrorf(vigil.EINVALID, "format", "must be json, csv or html, not %q", s)
}

// ContentType is the media type of a rendering in f.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case HTML:
		return "text/html; charset=utf-8"
	}
	return "application/json"
}

// Render returns r in format f.
func Render(r Report, f Format) ([]byte, error) {
	switch f {
	case JSON:
		return renderJSON(r)
	case CSV:
		return renderCSV(r)
	case HTML:
		return renderHTML(r)
	}
	return nil, vigil.FieldErrorf(vigil.EINVALID, "format", "must be json, csv or html, not %q", f)
}

func renderJSON(r Report) ([]byte, error) {
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render the transparency report as JSON: %w", err)
	}
	return append(out, '\n'), nil
}

// renderCSV writes one row per figure: section, item (the service and content type, signal
// type, bank, kind...), measure and value, under a header row. Times are RFC 3339, durations
// whole seconds, rates decimal fractions.
func renderCSV(r Report) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, row := range csvRows(r) {
		if err := w.Write(row); err != nil {
			return nil, fmt.Errorf("render the transparency report as CSV: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("render the transparency report as CSV: %w", err)
	}
	return buf.Bytes(), nil
}

// csvRows lists the report's figures as CSV rows.
func csvRows(r Report) [][]string {
	rows := [][]string{{"section", "item", "measure", "value"}}
	add := func(section, item, measure string, v any) {
		rows = append(rows, []string{section, item, measure, csvValue(v)})
	}
	add("report", "", "year", r.Year)
	add("report", "", "from", r.From)
	add("report", "", "to", r.To)
	add("report", "", "generated_at", r.Generated)
	for _, v := range r.Volume {
		item := v.Service + "/" + v.ContentType
		for _, m := range []struct {
			name string
			n    int64
		}{{"received", v.Received}, {"no_match", v.NoMatch}, {"matched", v.Matched},
			{"not_scanned", v.NotScanned}, {"failed", v.Failed}, {"pending", v.Pending}} {
			add("volume", item, m.name, m.n)
		}
	}
	add("cases", "", "opened", r.Cases.Opened)
	add("cases", "", "confirmed", r.Cases.Confirmed)
	add("cases", "", "false_positives", r.Cases.FalsePositives)
	add("cases", "", "reversed_on_complaint", r.Cases.Reversed)
	for _, set := range []struct {
		section string
		rates   []ErrorRate
	}{{"error_rate_by_signal_type", r.ErrorsBySignal}, {"error_rate_by_bank", r.ErrorsByBank}} {
		for _, e := range set.rates {
			add(set.section, e.Name, "reviewed", e.Reviewed)
			add(set.section, e.Name, "confirmed", e.Confirmed)
			add(set.section, e.Name, "false_positives", e.FalsePositives)
			add(set.section, e.Name, "false_positive_rate", e.Rate)
			add(set.section, e.Name, "precision", e.Precision)
		}
	}
	c := r.Complaints
	add("complaints", "", "filed", c.Filed)
	for _, k := range c.ByKind {
		add("complaints", k.Name, "filed", k.Count)
	}
	add("complaints", "", "decided", c.Decided)
	add("complaints", "", "upheld", c.Upheld)
	add("complaints", "", "rejected", c.Rejected)
	add("complaints", "", "open_at_year_end", c.Open)
	add("complaints", "", "average_decision_seconds", c.AverageDecisionSeconds)
	add("removal_orders", "", "received", r.RemovalOrders.Received)
	add("removal_orders", "", "executed", r.RemovalOrders.Executed)
	add("removal_orders", "", "average_execution_seconds", r.RemovalOrders.AverageExecutionSeconds)
	for _, t := range r.Removals {
		add("removals_by_trigger", t.Name, "items", t.Count)
	}
	add("removals", "", "restored", r.Restored)
	add("orders", "blocking", "received", r.BlockingOrders)
	add("orders", "delisting", "received", r.DelistingOrders)
	add("orders", "voluntary", "received", r.VoluntaryNotifications)
	for _, inv := range r.Invocations {
		add("invocations", "Art. "+inv.Article, inv.Ground, inv.Count)
	}
	for _, d := range r.Reports.ByDestination {
		add("reports_by_destination", d.Name, "delivered", d.Count)
	}
	for _, t := range r.Reports.ByType {
		add("reports_by_type", t.Name, "reports", t.Count)
	}
	add("statements", "", "gdpr_ground", r.Statements.GDPRGround)
	add("statements", "", "transfer_ground", r.Statements.TransferGround)
	add("statements", "", "error_limiting_measures", r.Statements.ErrorMeasures)
	add("retention", "", "policy", r.Retention.Policy)
	for _, j := range r.Retention.Jurisdictions {
		add("retention", j, "jurisdiction_policy", "in use")
	}
	add("retention", "", "evidence_preserved", r.Retention.EvidencePreserved)
	add("retention", "", "evidence_deleted", r.Retention.EvidenceDeleted)
	for _, org := range r.SharedWith {
		add("shared_with", org, "organisation", "reports delivered")
	}
	return rows
}

// csvValue formats one figure for CSV.
func csvValue(v any) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

//go:embed report.html
var templates embed.FS

// page is the printable HTML report.
var page = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"percent": func(f float64) string { return strconv.FormatFloat(100*f, 'f', 2, 64) + " %" },
	"duration": func(seconds float64) string {
		return time.Duration(seconds * float64(time.Second)).Round(time.Second).String()
	},
	"day":   func(t time.Time) string { return t.UTC().Format("2 January 2006") },
	"stamp": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"last":  func(t time.Time) time.Time { return t.Add(-time.Nanosecond) },
}).ParseFS(templates, "report.html"))

func renderHTML(r Report) ([]byte, error) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, r); err != nil {
		return nil, fmt.Errorf("render the transparency report as HTML: %w", err)
	}
	return buf.Bytes(), nil
}
