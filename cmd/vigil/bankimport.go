package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vigilproject/vigil/bankfile"
	"github.com/vigilproject/vigil/hashlist"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// bankImportDescription is the help text of "vigil bank import".
const bankImportDescription = `Import hash-list files into a bank. A FILE may be - for standard input.
Formats: lines (one hash per line, of the type --type names), csv and tsv
(a header naming the columns signal_type, signal or hash, id, category,
note), tx (python-threatexchange "signal_type signal" lines) and jsonl; the
format is detected when --format is not given.

Every line is validated. A bad line is reported on stderr as FILE:LINE:
REASON and skipped; with --strict nothing at all is imported when any line of
any FILE is bad, and the exit status is 1. Each file is imported atomically,
and hashes the bank already holds are skipped, so importing a file twice
changes nothing. A summary goes to stderr.`

// runBankImport is "vigil bank import".
func runBankImport(e *env, args []string) int {
	fs := newFlagSet(e, "bank import", "NAME FILE...", bankImportDescription)
	data := addDataFlag(fs)
	typ := fs.String("type", "", "signal `TYPE` of bare hash lines: pdq, md5, sha1 or sha256")
	format := fs.String("format", "", "file `FORMAT`: lines, csv, tsv, tx or jsonl (default: detected)")
	strict := fs.Bool("strict", false, "import nothing if any line is bad, and exit 1")
	args, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(args) < 2 {
		return usageError(fs, "want a bank NAME and at least one FILE, got %d arguments", len(args))
	}
	if countOf(args[1:], stdinPath) > 1 {
		return usageError(fs, "%q (standard input) given more than once", stdinPath)
	}
	opt, err := readOptions(*typ, *format)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	st, err := openStore(*data, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	imp := &importer{e: e, fs: fs, st: st, bank: args[0], opt: opt}
	if _, err := st.Bank(context.Background(), imp.bank); err != nil {
		return failf(fs, "%v", err)
	}
	if *strict {
		return imp.importStrict(args[1:])
	}
	return imp.importEach(args[1:])
}

// readOptions validates --type and --format and returns the reader options they select.
func readOptions(typ, format string) (hashlist.ReadOptions, error) {
	var opt hashlist.ReadOptions
	if typ != "" {
		st, err := signal.Lookup(typ)
		if err != nil {
			return opt, fmt.Errorf("--type: %w", err)
		}
		opt.Type = st.Name()
	}
	if format != "" {
		f, err := hashlist.ParseFormat(format)
		if err != nil {
			return opt, fmt.Errorf("--format: %w", err)
		}
		opt.Format = f
	}
	return opt, nil
}

// importer imports hash-list files into one bank and keeps the counts for the summary.
type importer struct {
	e    *env
	fs   *flag.FlagSet
	st   *bankfile.Store
	bank string
	opt  hashlist.ReadOptions

	added, present, bad int
}

// importEach imports the files one after the other, each atomically, skipping bad lines.
// A file that cannot be read or stored is reported and the others are still imported.
func (imp *importer) importEach(files []string) int {
	status := exitOK
	for _, f := range files {
		entries, err := imp.read(f)
		if err == nil {
			err = imp.store(f, entries)
		}
		if err != nil {
			failf(imp.fs, "%v", err)
			status = exitFailed
		}
	}
	fmt.Fprintf(imp.e.stderr, "vigil bank import: imported %d new, %d already present, %d bad lines skipped\n",
		imp.added, imp.present, imp.bad)
	return status
}

// importStrict reads every file first and imports them only if none has a bad line.
func (imp *importer) importStrict(files []string) int {
	all := make([][]match.Entry, len(files))
	for i, f := range files {
		entries, err := imp.read(f)
		if err != nil {
			return failf(imp.fs, "%v; nothing imported", err)
		}
		all[i] = entries
	}
	if imp.bad > 0 {
		return failf(imp.fs, "%d bad lines; nothing imported (--strict)", imp.bad)
	}
	for i, entries := range all {
		if err := imp.store(files[i], entries); err != nil {
			return failf(imp.fs, "%v; the files before it were imported", err)
		}
	}
	fmt.Fprintf(imp.e.stderr, "vigil bank import: imported %d new, %d already present\n", imp.added, imp.present)
	return exitOK
}

// read reads the hash-list file at path ("-" for stdin), reports its bad lines and counts
// them, and returns its good records as entries of the bank. Its errors name the file.
func (imp *importer) read(path string) ([]match.Entry, error) {
	r, size, closeFile, err := openInput(imp.e.stdin, path)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	var bar *byteProgress
	if size >= progressMinBytes && isTerminal(imp.e.stderr) {
		bar = newByteProgress(r, imp.e.stderr, path, size)
		r = bar
	}
	opt := imp.opt
	opt.Name = path
	entries, err := imp.readEntries(r, opt, bar)
	if bar != nil {
		bar.finish()
	}
	return entries, err
}

// readEntries reads records one by one, reporting bad lines as they come (above the bar when
// there is one) rather than collecting them, and turns the good ones into entries: holding
// only entries keeps the memory of a large import down. Repeated signals are left for the
// store to skip.
func (imp *importer) readEntries(r io.Reader, opt hashlist.ReadOptions, bar *byteProgress) ([]match.Entry, error) {
	rd, err := hashlist.NewReader(r, opt)
	if err != nil {
		return nil, err
	}
	var entries []match.Entry
	for {
		rec, err := rd.Next()
		var bad *hashlist.LineError
		switch {
		case errors.Is(err, io.EOF):
			return entries, nil
		case errors.As(err, &bad):
			imp.bad++
			if bar != nil {
				bar.printAbove(bad.Error())
			} else {
				fmt.Fprintln(imp.e.stderr, bad.Error())
			}
		case err != nil:
			return nil, err
		default:
			entries = append(entries, match.Entry{Bank: imp.bank, Signal: rec.Signal, SupplierID: rec.ID, Category: rec.Category, Note: rec.Note})
		}
	}
}

// store adds the entries read from file to the bank in one atomic step and counts what was
// new.
func (imp *importer) store(file string, entries []match.Entry) error {
	added, err := imp.st.AddEntries(context.Background(), imp.bank, entries)
	if err != nil {
		return fmt.Errorf("import %s: %w", file, err)
	}
	imp.added += added
	imp.present += len(entries) - added
	return nil
}

// openInput opens path, or returns stdin for "-", with its size when known (-1 if not)
// and a function that closes it.
func openInput(stdin io.Reader, path string) (r io.Reader, size int64, closeFile func() error, err error) {
	if path == stdinPath {
		return stdin, -1, func() error { return nil }, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, nil, err
	}
	return f, info.Size(), f.Close, nil
}

// bankExportDescription is the help text of "vigil bank export".
const bankExportDescription = `Write every entry of a bank to stdout in one of the import formats, so that
importing the output into an empty bank recreates the entries. Hash lists are
sensitive: once the service exists, export will be for administrators only.`

// runBankExport is "vigil bank export".
func runBankExport(e *env, args []string) int {
	fs := newFlagSet(e, "bank export", "NAME", bankExportDescription)
	data := addDataFlag(fs)
	format := fs.String("format", string(hashlist.JSONL), "output `FORMAT`: lines, csv, tsv, tx or jsonl")
	names, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(names) != 1 {
		return usageError(fs, "want one bank NAME, got %d arguments", len(names))
	}
	f, err := hashlist.ParseFormat(*format)
	if err != nil {
		return usageError(fs, "--format: %v", err)
	}
	st, err := openStore(*data, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	entries, err := st.Entries(context.Background(), names[0])
	if err != nil {
		return failf(fs, "%v", err)
	}
	records := make([]hashlist.Record, len(entries))
	for i, en := range entries {
		records[i] = hashlist.Record{Signal: en.Signal, ID: en.SupplierID, Category: en.Category, Note: en.Note}
	}
	bw := bufio.NewWriter(e.stdout)
	if err := errors.Join(hashlist.Write(bw, f, records), bw.Flush()); err != nil {
		return failf(fs, "write output: %v", err)
	}
	return exitOK
}
