package main

import (
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/transparency"
)

const transparencyDescription = `Write a year's transparency report to standard output: the figures of Art. 83(1)
of the Child Sexual Abuse Regulation and of the interim regulation's annual report
(volume processed, cases, false-positive rates per signal type and bank,
complaints, orders, removals by trigger, reports, retention), as JSON, CSV or
printable HTML. The report is refused if it would contain personal data, and
every report written is recorded in the audit log. Safe while the server runs.`

// runTransparency is "vigil transparency".
func runTransparency(e *env, args []string) int {
	fs := newFlagSet(e, "transparency", "", transparencyDescription)
	dbf := addDatabaseFlags(fs)
	year := fs.String("year", "", "the calendar `YEAR` (UTC), e.g. 2026; required")
	format := fs.String("format", "json", "json, csv or html")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	clock := vigil.SystemClock{}
	y, err := transparency.ParseYear(*year, clock.Now())
	if err != nil {
		return usageError(fs, "--%v", err)
	}
	f, err := transparency.ParseFormat(*format)
	if err != nil {
		return usageError(fs, "--%v", err)
	}
	ctx := cliContext()
	db, _, err := openDatabase(ctx, e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer db.Close()
	svc := &transparency.Service{Store: sqlite.NewTransparencyStore(db), Clock: clock}
	out, err := svc.Render(ctx, y, f)
	if err != nil {
		return failf(fs, "%v", err)
	}
	if _, err := e.stdout.Write(out); err != nil {
		return failf(fs, "write the report: %v", err)
	}
	return exitOK
}
