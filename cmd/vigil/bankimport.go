package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

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
in one transaction (with --strict, all of them together), and hashes the bank
already holds are skipped without using up entry ids, so importing a file
twice changes nothing. The entries read are spooled to an unnamed temporary
file beside the database, not held in memory, and the database is locked for
writing only after the last line is read: a million PDQ hashes take about
14 s and 180 MB. A summary goes to stderr.

` + bankStoreHelp

// runBankImport is "vigil bank import".
func runBankImport(e *env, args []string) int {
	fs := newFlagSet(e, "bank import", "NAME FILE...", bankImportDescription)
	dbf := addDatabaseFlags(fs)
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
	st, err := openStoreToWrite(e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	imp := &importer{e: e, fs: fs, st: st, bank: args[0], opt: opt}
	if _, err := st.Bank(cliContext(), imp.bank); err != nil {
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
	st   *bankStore
	bank string
	opt  hashlist.ReadOptions

	added, present, bad int
}

// importEach imports the files one after the other, each atomically, skipping bad lines.
// A file that cannot be read or stored is reported and the others are still imported.
func (imp *importer) importEach(files []string) int {
	status := exitOK
	for _, f := range files {
		if err := imp.importFiles([]string{f}, false); err != nil {
			failf(imp.fs, "import %s: %v", f, err)
			status = exitFailed
		}
	}
	fmt.Fprintf(imp.e.stderr, "vigil bank import: imported %d new, %d already present, %d bad lines skipped\n",
		imp.added, imp.present, imp.bad)
	return status
}

// importStrict imports all the files in one atomic step, and nothing if any line is bad.
func (imp *importer) importStrict(files []string) int {
	err := imp.importFiles(files, true)
	switch {
	case errors.Is(err, errBadLines):
		return failf(imp.fs, "%d bad lines; nothing imported (--strict)", imp.bad)
	case err != nil:
		return failf(imp.fs, "%v; nothing imported", err)
	}
	fmt.Fprintf(imp.e.stderr, "vigil bank import: imported %d new, %d already present\n", imp.added, imp.present)
	return exitOK
}

// errBadLines ends a strict import that met bad lines.
var errBadLines = errors.New("bad lines")

// importFiles streams the records of files into the bank in one atomic step, reporting and
// counting bad lines; with strict, a bad line makes it fail with errBadLines once every
// file has been read, so that all bad lines are reported. The entries are spooled by the
// store, not held in memory.
func (imp *importer) importFiles(files []string, strict bool) error {
	src := &recordSource{imp: imp, files: files, strict: strict}
	defer src.finishFile()
	added, skipped, err := imp.st.ImportEntries(cliContext(), imp.bank, src.next)
	if err != nil {
		return err
	}
	imp.added += added
	imp.present += skipped
	return nil
}

// recordSource yields the good records of hash-list files, one file after the other, as bank
// entries, for sqlite.BankStore.ImportEntries.
type recordSource struct {
	imp    *importer
	files  []string // the files not yet opened
	strict bool
	bad    int // bad lines met

	rd    *hashlist.Reader // of the open file, nil between files
	bar   *byteProgress    // of the open file, nil without a terminal
	close func() error     // closes the open file, nil between files
}

// next returns the next entry, io.EOF after the last, or errBadLines at the end of a strict
// import with bad lines. Bad lines are reported as they come (above the bar when there is
// one) and skipped.
func (s *recordSource) next() (match.Entry, error) {
	for {
		if s.rd == nil {
			if len(s.files) == 0 {
				if s.strict && s.bad > 0 {
					return match.Entry{}, errBadLines
				}
				return match.Entry{}, io.EOF
			}
			if err := s.open(s.files[0]); err != nil {
				return match.Entry{}, err
			}
			s.files = s.files[1:]
		}
		rec, err := s.rd.Next()
		var bad *hashlist.LineError
		switch {
		case errors.Is(err, io.EOF):
			s.finishFile()
		case errors.As(err, &bad):
			s.bad++
			s.imp.bad++
			if s.bar != nil {
				s.bar.printAbove(bad.Error())
			} else {
				fmt.Fprintln(s.imp.e.stderr, bad.Error())
			}
		case err != nil:
			return match.Entry{}, err
		case !s.strict || s.bad == 0: // once a strict import fails, entries are not needed
			return match.Entry{Bank: s.imp.bank, Signal: rec.Signal, SupplierID: rec.ID, Category: rec.Category, Note: rec.Note}, nil
		}
	}
}

// open opens path ("-" for stdin) with a progress bar on a terminal for a large file.
func (s *recordSource) open(path string) error {
	r, size, closeFile, err := openInput(s.imp.e.stdin, path)
	if err != nil {
		return err
	}
	if size >= progressMinBytes && isTerminal(s.imp.e.stderr) {
		s.bar = newByteProgress(r, s.imp.e.stderr, path, size)
		r = s.bar
	}
	opt := s.imp.opt
	opt.Name = path
	s.close = closeFile
	if s.rd, err = hashlist.NewReader(r, opt); err != nil {
		s.finishFile()
		return err
	}
	return nil
}

// finishFile closes the open file, if any, and finishes its bar.
func (s *recordSource) finishFile() {
	if s.bar != nil {
		s.bar.finish()
	}
	if s.close != nil {
		s.close()
	}
	s.rd, s.bar, s.close = nil, nil, nil
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
sensitive: the export is recorded in the audit log, and through the API only
admins may export.`

// runBankExport is "vigil bank export".
func runBankExport(e *env, args []string) int {
	fs := newFlagSet(e, "bank export", "NAME", bankExportDescription)
	dbf := addDatabaseFlags(fs)
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
	st, err := openStore(e, *dbf)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	entries, err := st.Export(cliContext(), names[0])
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
