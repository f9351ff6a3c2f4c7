package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/sqlite"
)

// defaultDataDir is the data directory unless --data or VIGIL_DATA says otherwise.
const defaultDataDir = "./vigil-data"

// bankStore is the banks of the service's database, as the bank commands use them: the same
// store "vigil serve" keeps them in.
type bankStore struct {
	*sqlite.BankStore
	db      *sqlite.DB
	release func() error // gives up the bank-write lock; nil for a store opened to read
}

// Close closes the database and gives up the bank-write lock.
func (s *bankStore) Close() error {
	err := s.db.Close()
	if s.release != nil {
		err = errors.Join(err, s.release())
	}
	return err
}

// openStore opens the banks of the service's database to read them. The database must exist,
// so that a mistyped --data fails instead of reading an empty new one. A store that cannot be
// opened is a configuration error: the caller exits with exitUsage.
func openStore(e *env, f dbFlags) (*bankStore, error) {
	if _, err := os.Stat(filepath.Join(f.data, databaseFile)); err != nil {
		return nil, fmt.Errorf("--data %s: no database (%s); \"vigil bank create\", \"vigil serve\" or \"vigil migrate\" creates it",
			f.data, databaseFile)
	}
	db, _, err := openDatabase(cliContext(), e, f, false)
	if err != nil {
		return nil, err
	}
	return &bankStore{BankStore: sqlite.NewBankStore(db), db: db}, nil
}

// openStoreToWrite opens the banks of the service's database to change them; with create, a
// missing data directory, database and master key are created, as "vigil migrate" does. It
// refuses while "vigil serve" runs on the directory: the server's index would not see the
// change.
func openStoreToWrite(e *env, f dbFlags, create bool) (*bankStore, error) {
	if create {
		if err := os.MkdirAll(f.data, 0o700); err != nil {
			return nil, fmt.Errorf("--data %s: %w", f.data, err)
		}
	}
	release, err := lockBankWrite(f.data)
	if err != nil {
		return nil, err
	}
	var st *bankStore
	if create {
		var db *sqlite.DB
		var key keySource
		if db, key, err = openDatabase(cliContext(), e, f, true); err == nil {
			st = &bankStore{BankStore: sqlite.NewBankStore(db), db: db}
			reportNewKey(e, key)
		}
	} else {
		st, err = openStore(e, f)
	}
	if err != nil {
		release()
		return nil, err
	}
	st.release = release
	return st, nil
}

// reportNewKey tells, on stderr, where the master key is when opening the database created it.
func reportNewKey(e *env, key keySource) {
	if !key.created {
		return
	}
	fmt.Fprintf(e.stderr, "created the master key %s: keep a copy somewhere safe\n", key.where)
	if w := key.warning(); w != "" {
		fmt.Fprintln(e.stderr, w)
	}
}

// failf prints a failure of the command that owns fs and returns exitFailed.
func failf(fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(fs.Output(), "vigil %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	return exitFailed
}

// bankCreateDescription is the help text of "vigil bank create".
const bankCreateDescription = `Create an empty bank (a named hash list). A bank of kind known holds hashes of
known material: a match is reported. A bank of kind allow holds known false
positives: content matching it has its known-bank matches suppressed and
reported as allowed. --threshold is the largest PDQ distance that matches and
--min-quality the PDQ quality below which a query's PDQ is not matched; the
source, licence and version describe where the list came from.

` + bankStoreHelp

// bankStoreHelp is the part of the help of the bank commands about where banks are kept.
const bankStoreHelp = `Banks are kept in the service's database, DIR/` + databaseFile + `, the same that
"vigil serve" uses: "bank create" creates it (and its master key) when missing,
like "vigil migrate". Every change is recorded in the audit log, by "cli".
While "vigil serve" runs on DIR, the commands that change banks (create,
import, add, disable, rm) refuse, since the server's index would not see the
change: change banks through its API, or stop it.`

// runBankCreate is "vigil bank create".
func runBankCreate(e *env, args []string) int {
	fs := newFlagSet(e, "bank create", "NAME", bankCreateDescription)
	dbf := addDatabaseFlags(fs)
	kind := fs.String("kind", string(match.Known), "bank `kind`: known or allow")
	threshold := fs.Int("threshold", match.DefaultThreshold, "match PDQ hashes within Hamming distance `N`")
	minQuality := fs.Int("min-quality", match.DefaultMinQuality, "do not match PDQ hashes of quality below `N`")
	source := fs.String("source", "", "who supplied the list (`TEXT`)")
	licence := fs.String("licence", "", "the licence the list is used under (`TEXT`)")
	version := fs.String("version", "", "the supplier's version of the list (`TEXT`)")
	names, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(names) != 1 {
		return usageError(fs, "want one bank NAME, got %d arguments", len(names))
	}
	b := match.Bank{
		Name:       names[0],
		Kind:       match.Kind(*kind),
		Threshold:  *threshold,
		MinQuality: *minQuality,
		Enabled:    true,
		Source:     *source,
		Licence:    *licence,
		Version:    *version,
	}
	if err := b.Validate(); err != nil {
		return usageError(fs, "%v", err)
	}
	st, err := openStoreToWrite(e, *dbf, true)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	if err := st.CreateBank(cliContext(), b); err != nil {
		return failf(fs, "%v", err)
	}
	return exitOK
}

// bankListDescription is the help text of "vigil bank list".
const bankListDescription = `List the banks: JSON Lines with keys name, kind, threshold, min_quality,
enabled, source, licence, version, created and entries, or a table.`

// bankListFormats are the values of "bank list --format", the first being the default.
var bankListFormats = []string{"jsonl", "table"}

// runBankList is "vigil bank list".
func runBankList(e *env, args []string) int {
	fs := newFlagSet(e, "bank list", "", bankListDescription)
	dbf := addDatabaseFlags(fs)
	format := fs.String("format", bankListFormats[0], "output `format`: jsonl or table")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	switch {
	case *format != "jsonl" && *format != "table":
		return usageError(fs, "--format: unknown format %q (want %s)", *format, strings.Join(bankListFormats, " or "))
	}
	st, err := openStore(e, *dbf)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	rows, err := bankRows(cliContext(), st)
	if err != nil {
		return failf(fs, "%v", err)
	}
	if *format == "table" {
		err = writeBankTable(e.stdout, rows)
	} else {
		err = writeJSONLines(e.stdout, rows)
	}
	if err != nil {
		return failf(fs, "write output: %v", err)
	}
	return exitOK
}

// bankRow is one bank as "bank list" shows it.
type bankRow struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Threshold  int    `json:"threshold"`
	MinQuality int    `json:"min_quality"`
	Enabled    bool   `json:"enabled"`
	Source     string `json:"source"`
	Licence    string `json:"licence"`
	Version    string `json:"version"`
	Created    string `json:"created"`
	Entries    int    `json:"entries"`
}

// bankRows returns a row for every bank in st, with its number of entries.
func bankRows(ctx context.Context, st *bankStore) ([]bankRow, error) {
	banks, err := st.Banks(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]bankRow, len(banks))
	for i, b := range banks {
		n, err := st.CountEntries(ctx, b.Name)
		if err != nil {
			return nil, err
		}
		rows[i] = bankRow{
			Name: b.Name, Kind: string(b.Kind), Threshold: b.Threshold, MinQuality: b.MinQuality,
			Enabled: b.Enabled, Source: b.Source, Licence: b.Licence, Version: b.Version,
			Created: formatTime(b.Created), Entries: n,
		}
	}
	return rows, nil
}

// formatTime formats t as the project's JSON timestamps are: UTC, RFC 3339, milliseconds.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// writeBankTable writes rows as an aligned table under a header line.
func writeBankTable(w io.Writer, rows []bankRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "NAME\tKIND\tTHRESHOLD\tMIN-QUALITY\tENABLED\tENTRIES\tSOURCE\tVERSION\tCREATED\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%t\t%d\t%s\t%s\t%s\n", r.Name, r.Kind, r.Threshold, r.MinQuality,
			r.Enabled, r.Entries, tableCell(r.Source), tableCell(r.Version), r.Created)
	}
	return tw.Flush()
}

// tableCell keeps free text on one table cell: tabs and line breaks become spaces, and
// an empty value shows as "-".
func tableCell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Join(strings.Fields(s), " ")
}

// writeJSONLines writes each value of vs as one line of JSON.
func writeJSONLines[T any](w io.Writer, vs []T) error {
	enc := newJSONEncoder(w)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}

// bankRmDescription is the help text of "vigil bank rm".
const bankRmDescription = `Delete a bank and all its entries.

` + bankStoreHelp

// runBankRm is "vigil bank rm".
func runBankRm(e *env, args []string) int {
	fs := newFlagSet(e, "bank rm", "NAME", bankRmDescription)
	dbf := addDatabaseFlags(fs)
	names, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(names) != 1 {
		return usageError(fs, "want one bank NAME, got %d arguments", len(names))
	}
	st, err := openStoreToWrite(e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	if err := st.DeleteBank(cliContext(), names[0]); err != nil {
		return failf(fs, "%v", err)
	}
	return exitOK
}
