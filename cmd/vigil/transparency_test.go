package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTransparencyCommand writes the current year's report of a fresh database in each format
// and refuses bad flags with the usage status.
func TestTransparencyCommand(t *testing.T) {
	data := t.TempDir()
	if r := runCLI(t, nil, "migrate", "--data", data); r.code != exitOK {
		t.Fatalf("migrate: %d %s", r.code, r.stderr)
	}
	year := strconv.Itoa(time.Now().UTC().Year())
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stdout, or in stderr for a failure
	}{
		{"json", []string{"--year", year}, exitOK, `"removals_by_trigger"`},
		{"csv", []string{"--year", year, "--format", "csv"}, exitOK, "section,item,measure,value\nreport,,year," + year},
		{"html", []string{"--year", year, "--format", "html"}, exitOK, "<h1>Transparency report " + year + "</h1>"},
		{"no year", nil, exitUsage, "--year: must be a year of four digits"},
		{"a year to come", []string{"--year", "2999"}, exitUsage, "--year: must be from 2021"},
		{"unknown format", []string{"--year", year, "--format", "pdf"}, exitUsage, `--format: must be json, csv or html, not "pdf"`},
		{"no database", []string{"--year", year, "--data", t.TempDir()}, exitUsage, "no database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"transparency", "--data", data}, tc.args...)
			r := runCLI(t, nil, args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tc.code, r.stderr)
			}
			out := r.stdout
			if tc.code != exitOK {
				out = r.stderr
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
			if tc.name == "json" && !json.Valid([]byte(r.stdout)) {
				t.Errorf("not JSON: %s", r.stdout)
			}
		})
	}
}
