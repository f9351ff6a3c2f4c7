package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// matchFlags are the flags that choose what to match against, shared by "match" and "scan".
type matchFlags struct {
	db        *dbFlags
	banks     *nameList
	threshold *int
}

// addMatchFlags defines the matching flags on fs.
func addMatchFlags(e *env, fs *flag.FlagSet) *matchFlags {
	mf := &matchFlags{db: addDatabaseFlags(fs), banks: newNameList(e, fs.Name(), "bank")}
	fs.Var(mf.banks, "bank", "match against bank `NAME` only; repeat or separate by commas for several (default: every enabled bank)")
	mf.threshold = fs.Int("threshold", 0, "match PDQ hashes within Hamming distance `N` in every bank (0: each bank's own threshold)")
	return mf
}

// snapshotFile is the name, in the data directory, of the Matcher snapshot that "match" and
// "scan" load instead of indexing every entry, and save after indexing them.
const snapshotFile = "matcher.snapshot"

// matcher opens the store and loads a matcher for the banks the flags select, with the
// options to match with: from the snapshot in the data directory when it is current,
// otherwise from the banks, then saving the snapshot. Its errors are configuration errors.
// It warns on fs's output when no bank is enabled, since then nothing can match, and when
// the snapshot was damaged or could not be saved.
func (mf *matchFlags) matcher(e *env, fs *flag.FlagSet) (*bankStore, *match.Matcher, match.MatchOptions, error) {
	opt := match.MatchOptions{Banks: mf.banks.names, Threshold: *mf.threshold}
	if opt.Threshold < 0 || opt.Threshold > match.MaxThreshold {
		return nil, nil, opt, fmt.Errorf("--threshold: must be 0 to %d, got %d", match.MaxThreshold, opt.Threshold)
	}
	st, err := openStore(e, *mf.db)
	if err != nil {
		return nil, nil, opt, err
	}
	m, opened, err := match.OpenMatcher(cliContext(), st, filepath.Join(mf.db.data, snapshotFile), time.Now)
	if err == nil {
		warnSnapshot(fs, opened)
		if err = m.Check(opt); err != nil {
			err = fmt.Errorf("--bank: %w", err)
		}
	} else {
		err = fmt.Errorf("load banks: %w", err)
	}
	if err != nil {
		st.Close()
		return nil, nil, opt, err
	}
	if !slices.ContainsFunc(m.Banks(), func(b match.Bank) bool { return b.Enabled }) {
		fmt.Fprintf(fs.Output(), "vigil %s: warning: no enabled bank in %s, nothing can match\n", fs.Name(), mf.db.data)
	}
	return st, m, opt, nil
}

// warnSnapshot warns on fs's output when the snapshot file was there but unusable for
// another reason than being out of date, or when the new one could not be saved for another
// reason than a change under way: either costs every later start the time of indexing.
func warnSnapshot(fs *flag.FlagSet, opened match.Opened) {
	if r := opened.Rejected; r != nil && !errors.Is(r, iofs.ErrNotExist) && !errors.Is(r, match.ErrStaleSnapshot) &&
		!errors.Is(r, match.ErrUnknownVersion) {
		fmt.Fprintf(fs.Output(), "vigil %s: warning: snapshot not used, indexed the banks instead: %v\n", fs.Name(), r)
	}
	if err := opened.SaveErr; err != nil && !errors.Is(err, match.ErrUnknownVersion) {
		fmt.Fprintf(fs.Output(), "vigil %s: warning: %v\n", fs.Name(), err)
	}
}

// jsonMatch is one bank entry a query matched, as "match" and "scan" print it.
type jsonMatch struct {
	Bank       string `json:"bank"`
	Entry      uint32 `json:"entry"`
	SignalType string `json:"signal_type"`
	Signal     string `json:"signal"`
	SupplierID string `json:"supplier_id"`
	Category   string `json:"category"`
	Distance   int    `json:"distance"`
}

// jsonMatches converts hits to their JSON form: an empty array, never null, for none.
func jsonMatches(hits []match.Hit) []jsonMatch {
	out := make([]jsonMatch, len(hits))
	for i, h := range hits {
		out[i] = jsonMatch{
			Bank: h.Bank, Entry: h.Entry, SignalType: string(h.Signal.Type), Signal: h.Signal.Value,
			SupplierID: h.SupplierID, Category: h.Category, Distance: h.Distance,
		}
	}
	return out
}

// jsonOptional converts hits to their JSON form, nil for none so that the key is left out.
func jsonOptional(hits []match.Hit) []jsonMatch {
	if len(hits) == 0 {
		return nil
	}
	return jsonMatches(hits)
}

// matchRecord is the output line of "vigil match" for one query.
type matchRecord struct {
	Query      string      `json:"query"`
	Matches    []jsonMatch `json:"matches"`
	Allowed    []jsonMatch `json:"allowed,omitempty"`
	Suppressed []jsonMatch `json:"suppressed,omitempty"`
}

// queryError is the output line of "vigil match" for a query line that is not a hash.
type queryError struct {
	Query string `json:"query"`
	Error string `json:"error"`
}

// matchDescription is the help text of "vigil match".
const matchDescription = `Match hashes against the banks. Queries are read from stdin, or from FILE
with --queries, one per line: TYPE:HEX (pdq, md5, sha1 or sha256) or a bare
64-digit hex PDQ hash; blank lines are skipped. For each query one line of
JSON is printed, in input order:

  {"query": ..., "matches": [{"bank", "entry", "signal_type", "signal",
   "supplier_id", "category", "distance"}], "allowed": [...],
   "suppressed": [...]}

matches is [] when nothing matched. When the query matches an allow bank, the
allow-bank entries are listed under allowed and the known-bank matches move
from matches to suppressed; allowed and suppressed are left out when empty.
Allow banks apply even when --bank does not name them. A line that is not a
hash gets {"query": ..., "error": ...}; the others are still matched and the
exit status is 1.

A PDQ hash alone does not determine the hashes of the image rotated or
flipped, so there is no --dihedral here: "vigil scan --dihedral" computes them
from the image.

` + snapshotHelp

// snapshotHelp is the part of the help of "match" and "scan" about the snapshot.
const snapshotHelp = `The banks are those of the service's database, DIR/` + databaseFile + `, which "vigil serve"
uses too; reading them works while it runs. Their index is kept in
DIR/` + snapshotFile + `, shared with the server, which saves it when it stops: after
any change to the banks that left it behind, the next run indexes every entry
and saves the snapshot, and the runs after it load the snapshot instead, in a
fraction of the time and memory. A snapshot of another state of the banks is
never used; deleting the file is always safe.`

// runMatch is "vigil match".
func runMatch(e *env, args []string) int {
	fs := newFlagSet(e, "match", "", matchDescription)
	mf := addMatchFlags(e, fs)
	queries := fs.String("queries", "", "read the queries from `FILE` instead of stdin")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	in := e.stdin
	if *queries != "" {
		f, err := os.Open(*queries)
		if err != nil {
			return usageError(fs, "--queries: %v", err)
		}
		defer f.Close()
		in = f
	}
	st, m, opt, err := mf.matcher(e, fs)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	failed, err := matchLines(in, e.stdout, m, opt)
	if err != nil {
		return failf(fs, "%v", err)
	}
	if failed > 0 {
		return failf(fs, "%d bad query lines", failed)
	}
	return exitOK
}

// matchLines matches every query line of in and writes a record for each to out. It
// returns the number of bad query lines, and an error if reading or writing failed.
func matchLines(in io.Reader, out io.Writer, m *match.Matcher, opt match.MatchOptions) (failed int, err error) {
	bw := bufio.NewWriter(out)
	enc := newJSONEncoder(bw)
	lines := newLineReader(in, maxQueryLine)
	for {
		line, err := lines.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rec any
		switch {
		case errors.Is(err, errLineTooLong):
			rec = queryError{Query: shorten(line), Error: fmt.Sprintf("query longer than %d bytes", maxQueryLine)}
		case err != nil:
			return failed, fmt.Errorf("read queries: %w", err)
		case strings.TrimSpace(line) == "":
			continue
		default:
			rec = matchQuery(m, opt, strings.TrimSpace(line))
		}
		if _, bad := rec.(queryError); bad {
			failed++
		}
		if err := enc.Encode(rec); err != nil {
			return failed, fmt.Errorf("write output: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return failed, fmt.Errorf("write output: %w", err)
	}
	return failed, nil
}

// matchQuery parses one query and matches it, returning a matchRecord or a queryError.
func matchQuery(m *match.Matcher, opt match.MatchOptions, query string) any {
	sig, err := signal.ParseTyped(query)
	if err != nil {
		return queryError{Query: query, Error: err.Error()}
	}
	res := m.Match(match.Query{Signals: []signal.Signal{sig}, Quality: -1}, opt)
	return matchRecord{Query: query, Matches: jsonMatches(res.Hits), Allowed: jsonOptional(res.Allowed), Suppressed: jsonOptional(res.Suppressed)}
}
