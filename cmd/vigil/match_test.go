package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/pdq"
)

// drawnHash returns the hashes of the PNG encoding of testImage(seed, 64, 64). Seeds 1 to
// 6 give hashes of quality 50 or more, over 100 bits apart.
func drawnHash(t *testing.T, seed int) *hasher.Result {
	t.Helper()
	res, err := hasher.Hash(bytes.NewReader(encodeImage(t, ".png", testImage(seed, 64, 64))), hasher.Options{})
	if err != nil {
		t.Fatalf("hash drawn image %d: %v", seed, err)
	}
	return res
}

// flipBits returns h with its first n bits inverted, a hash at distance n from h.
func flipBits(h pdq.Hash, n int) pdq.Hash {
	for k := range n {
		h[k/64] ^= 1 << (k % 64)
	}
	return h
}

// mustRun runs vigil and fails the test unless it exits with status 0.
func mustRun(t *testing.T, stdin []byte, args ...string) cliResult {
	t.Helper()
	got := runCLI(t, stdin, args...)
	if got.code != exitOK {
		t.Fatalf("vigil %s: exit status %d, stderr %q", strings.Join(args, " "), got.code, got.stderr)
	}
	return got
}

// outMatch is a match as the tests compare it: the entry id is left out since the
// store assigns it.
type outMatch struct {
	Bank       string `json:"bank"`
	SignalType string `json:"signal_type"`
	Signal     string `json:"signal"`
	SupplierID string `json:"supplier_id"`
	Category   string `json:"category"`
	Distance   int    `json:"distance"`
}

// outRecord is one output line of "vigil match" or "vigil scan", decoded.
type outRecord struct {
	Query      string            `json:"query"`
	Path       string            `json:"path"`
	PDQ        string            `json:"pdq"`
	MD5        string            `json:"md5"`
	Matches    []json.RawMessage `json:"matches"`
	Allowed    []json.RawMessage `json:"allowed"`
	Suppressed []json.RawMessage `json:"suppressed"`
	Error      string            `json:"error"`
	raw        string
}

// decodeRecords decodes JSON Lines output.
func decodeRecords(t *testing.T, out string) []outRecord {
	t.Helper()
	var recs []outRecord
	for line := range strings.Lines(out) {
		var r outRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		r.raw = strings.TrimSpace(line)
		recs = append(recs, r)
	}
	return recs
}

// decodeMatches decodes matches, checking that each has a non-zero entry id.
func decodeMatches(t *testing.T, raw []json.RawMessage) []outMatch {
	t.Helper()
	ms := make([]outMatch, len(raw))
	for i, m := range raw {
		var entry struct {
			Entry uint32 `json:"entry"`
		}
		if err := json.Unmarshal(m, &ms[i]); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(m, &entry); err != nil || entry.Entry == 0 {
			t.Errorf("match %s has no entry id", m)
		}
	}
	return ms
}

// matchFixture is a data directory with banks of drawn images' hashes.
type matchFixture struct {
	data                 string
	h1, h2, h3, h4       *hasher.Result
	pdq1, md52, pdq3     string
	near1, far1, pdq4    string // h1 at distance 5 and 20, and an image in no bank
	wantK1, wantK2MD5    outMatch
	wantK3               outMatch
	wantTight, wantAllow outMatch
}

// newMatchFixture creates banks "known" (h1's PDQ, h2's MD5, h3's PDQ), "tight" (known,
// threshold 8: h1's PDQ) and "allow" (h3's PDQ).
func newMatchFixture(t *testing.T) *matchFixture {
	t.Helper()
	f := &matchFixture{data: t.TempDir(), h1: drawnHash(t, 1), h2: drawnHash(t, 2), h3: drawnHash(t, 3), h4: drawnHash(t, 4)}
	f.pdq1, f.pdq3, f.pdq4 = f.h1.PDQ.String(), f.h3.PDQ.String(), f.h4.PDQ.String()
	f.md52 = hex.EncodeToString(f.h2.MD5[:])
	f.near1, f.far1 = flipBits(f.h1.PDQ, 5).String(), flipBits(f.h1.PDQ, 20).String()
	d := "--data=" + f.data
	mustRun(t, nil, "bank", "create", "known", d)
	mustRun(t, nil, "bank", "create", "tight", "--threshold", "8", d)
	mustRun(t, nil, "bank", "create", "allow", "--kind", "allow", d)
	mustRun(t, nil, "bank", "add", "known", "--pdq", f.pdq1, "--id", "k1", "--category", "A1", d)
	mustRun(t, nil, "bank", "add", "known", "--md5", f.md52, "--id", "k2", "--category", "B", d)
	mustRun(t, nil, "bank", "add", "known", "--pdq", f.pdq3, "--id", "k3", d)
	mustRun(t, nil, "bank", "add", "tight", "--pdq", f.pdq1, "--id", "t1", d)
	mustRun(t, nil, "bank", "add", "allow", "--pdq", f.pdq3, "--id", "a3", "--note", "a known false positive", d)
	f.wantK1 = outMatch{Bank: "known", SignalType: "pdq", Signal: f.pdq1, SupplierID: "k1", Category: "A1"}
	f.wantK2MD5 = outMatch{Bank: "known", SignalType: "md5", Signal: f.md52, SupplierID: "k2", Category: "B"}
	f.wantK3 = outMatch{Bank: "known", SignalType: "pdq", Signal: f.pdq3, SupplierID: "k3"}
	f.wantTight = outMatch{Bank: "tight", SignalType: "pdq", Signal: f.pdq1, SupplierID: "t1"}
	f.wantAllow = outMatch{Bank: "allow", SignalType: "pdq", Signal: f.pdq3, SupplierID: "a3"}
	return f
}

// at returns m with the given distance.
func at(m outMatch, distance int) outMatch {
	m.Distance = distance
	return m
}

func TestMatch(t *testing.T) {
	t.Parallel()
	f := newMatchFixture(t)
	d := "--data=" + f.data
	type want struct {
		matches    []outMatch
		allowed    []outMatch
		suppressed []outMatch
		err        string // substring of the record's error
	}
	tests := []struct {
		name     string
		args     []string
		query    string
		want     want
		wantCode int
	}{
		{"exact PDQ in two banks", nil, f.pdq1,
			want{matches: []outMatch{at(f.wantK1, 0), at(f.wantTight, 0)}}, exitOK},
		{"typed upper-case PDQ", nil, "pdq:" + strings.ToUpper(f.pdq1),
			want{matches: []outMatch{at(f.wantK1, 0), at(f.wantTight, 0)}}, exitOK},
		{"near PDQ", nil, f.near1,
			want{matches: []outMatch{at(f.wantK1, 5), at(f.wantTight, 5)}}, exitOK},
		{"per-bank threshold", nil, f.far1,
			want{matches: []outMatch{at(f.wantK1, 20)}}, exitOK},
		{"threshold override", []string{"--threshold", "4"}, f.near1, want{matches: []outMatch{}}, exitOK},
		{"threshold override widens", []string{"--threshold=25"}, f.far1,
			want{matches: []outMatch{at(f.wantK1, 20), at(f.wantTight, 20)}}, exitOK},
		{"bank filter", []string{"--bank", "tight"}, f.pdq1, want{matches: []outMatch{at(f.wantTight, 0)}}, exitOK},
		{"MD5", nil, "md5:" + f.md52, want{matches: []outMatch{at(f.wantK2MD5, 0)}}, exitOK},
		{"no match", nil, f.pdq4, want{matches: []outMatch{}}, exitOK},
		{"allow list suppresses", nil, f.pdq3, want{matches: []outMatch{}, allowed: []outMatch{at(f.wantAllow, 0)}, suppressed: []outMatch{at(f.wantK3, 0)}}, exitOK},
		{"bad query", nil, "md5:xyz", want{err: "md5"}, exitFailed},
		{"bare hash of wrong length", nil, "abc", want{err: "type:value"}, exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, []byte(tt.query+"\n"), append([]string{"match", d}, tt.args...)...)
			if got.code != tt.wantCode {
				t.Fatalf("exit status %d, want %d (stderr %q)", got.code, tt.wantCode, got.stderr)
			}
			recs := decodeRecords(t, got.stdout)
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1: %q", len(recs), got.stdout)
			}
			r := recs[0]
			if r.Query != tt.query {
				t.Errorf("query = %q, want %q", r.Query, tt.query)
			}
			if tt.want.err != "" {
				if !strings.Contains(r.Error, tt.want.err) || r.Matches != nil {
					t.Errorf("record %s, want an error containing %q and no matches", r.raw, tt.want.err)
				}
				return
			}
			if !strings.Contains(r.raw, `"matches":[`) {
				t.Errorf("record %s: matches is not an array", r.raw)
			}
			checkMatches(t, "matches", decodeMatches(t, r.Matches), tt.want.matches)
			checkMatches(t, "allowed", decodeMatches(t, r.Allowed), tt.want.allowed)
			checkMatches(t, "suppressed", decodeMatches(t, r.Suppressed), tt.want.suppressed)
		})
	}
}

// checkMatches compares matches regardless of order.
func checkMatches(t *testing.T, name string, got, want []outMatch) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %+v, want %+v", name, got, want)
		return
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("%s = %+v, want it to contain %+v", name, got, w)
		}
	}
}

func TestMatchManyQueries(t *testing.T) {
	t.Parallel()
	f := newMatchFixture(t)
	queries := strings.Join([]string{f.pdq4, "", "nonsense", "  " + f.pdq1 + "\r", "sha256:" + hex.EncodeToString(f.h1.SHA256[:]),
		strings.Repeat("f", 5000), f.pdq3}, "\n")
	path := filepath.Join(t.TempDir(), "queries")
	writeFile(t, path, []byte(queries))
	for _, tt := range []struct {
		name  string
		stdin []byte
		args  []string
	}{
		{"stdin", []byte(queries), nil},
		{"file", nil, []string{"--queries", path}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, tt.stdin, append([]string{"match", "--data", f.data}, tt.args...)...)
			if got.code != exitFailed || !strings.Contains(got.stderr, "2 bad query lines") {
				t.Errorf("exit status %d, stderr %q; want 1 and 2 bad query lines", got.code, got.stderr)
			}
			recs := decodeRecords(t, got.stdout)
			wantQueries := []string{f.pdq4, "nonsense", f.pdq1, "sha256:" + hex.EncodeToString(f.h1.SHA256[:]),
				strings.Repeat("f", shortLen) + "...", f.pdq3}
			wantMatches := []int{0, -1, 2, 0, -1, 0} // -1: an error record
			if len(recs) != len(wantQueries) {
				t.Fatalf("got %d records, want %d:\n%s", len(recs), len(wantQueries), got.stdout)
			}
			for i, r := range recs {
				if r.Query != wantQueries[i] {
					t.Errorf("record %d query %q, want %q", i, r.Query, wantQueries[i])
				}
				if isErr := r.Error != ""; isErr != (wantMatches[i] < 0) || (!isErr && len(r.Matches) != wantMatches[i]) {
					t.Errorf("record %d = %s, want %d matches (-1: an error)", i, r.raw, wantMatches[i])
				}
			}
		})
	}
}

func TestMatchUsage(t *testing.T) {
	t.Parallel()
	f := newMatchFixture(t)
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"unknown bank", []string{"--bank", "nope"}, "--bank"},
		{"threshold out of range", []string{"--threshold", "65"}, "--threshold: must be 0 to 64"},
		{"allow bank named", []string{"--bank", "allow,nope"}, "nope"},
		{"negative threshold", []string{"--threshold=-1"}, "--threshold"},
		{"missing query file", []string{"--queries", filepath.Join(f.data, "missing")}, "--queries"},
		{"argument", []string{"x"}, "unexpected arguments: x"},
		{"dihedral", []string{"--dihedral"}, "flag provided but not defined: -dihedral"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, append([]string{"match", "--data", f.data}, tt.args...)...)
			if got.code != exitUsage || !strings.Contains(got.stderr, tt.wantStderr) {
				t.Errorf("exit status %d, stderr %q; want %d and %q", got.code, got.stderr, exitUsage, tt.wantStderr)
			}
		})
	}
}

func FuzzMatchLines(f *testing.F) {
	data := f.TempDir()
	h := drawnHashF(f, 1)
	for _, args := range [][]string{
		{"bank", "create", "known"},
		{"bank", "add", "known", "--pdq", h.PDQ.String()},
		{"bank", "add", "known", "--md5", hex.EncodeToString(h.MD5[:])},
	} {
		if got := runCLIF(append(args, "--data", data)...); got.code != exitOK {
			f.Fatalf("vigil %s: %s", strings.Join(args, " "), got.stderr)
		}
	}
	m, err := match.NewMatcher(cliContext(), openTestStore(f, data), time.Now)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(h.PDQ.String() + "\n\nmd5:" + hex.EncodeToString(h.MD5[:]) + "\r\nnonsense"))
	f.Add([]byte("pdq:" + strings.Repeat("0", 64) + "\n" + strings.Repeat(" ", 5000) + "\n\n"))
	f.Add([]byte("sha1:\x00\xff\n:\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		failed, err := matchLines(bytes.NewReader(in), &out, m, match.MatchOptions{})
		if err != nil {
			t.Fatalf("matchLines: %v", err)
		}
		wantRecords, gotFailed := 0, 0
		for line := range strings.Lines(string(in)) {
			if content := strings.TrimSuffix(line, "\n"); len(content) >= maxQueryLine || strings.TrimSpace(content) != "" {
				wantRecords++
			}
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if out.Len() == 0 {
			lines = nil
		}
		if len(lines) != wantRecords {
			t.Fatalf("%d records for %d queries:\n%s", len(lines), wantRecords, out.String())
		}
		for _, line := range lines {
			var rec struct {
				Query   *string          `json:"query"`
				Matches *json.RawMessage `json:"matches"`
				Error   string           `json:"error"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Query == nil || (rec.Matches == nil) == (rec.Error == "") {
				t.Fatalf("record %q: want a query and either matches or an error (%v)", line, err)
			}
			if rec.Error != "" {
				gotFailed++
			}
		}
		if gotFailed != failed {
			t.Errorf("matchLines counted %d bad lines, the output has %d", failed, gotFailed)
		}
	})
}

// drawnHashF is drawnHash for a fuzz target's setup.
func drawnHashF(f *testing.F, seed int) *hasher.Result {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(seed, 64, 64)); err != nil {
		f.Fatal(err)
	}
	res, err := hasher.Hash(&buf, hasher.Options{})
	if err != nil {
		f.Fatal(err)
	}
	return res
}

// runCLIF runs vigil in-process with no input, for a fuzz target's setup.
func runCLIF(args ...string) cliResult {
	var stdout, stderr bytes.Buffer
	code := run(args, bytes.NewReader(nil), &stdout, &stderr)
	return cliResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}
