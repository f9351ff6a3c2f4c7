package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
)

// rotate90 returns img turned a quarter turn clockwise.
func rotate90(img *image.NRGBA) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.SetNRGBA(b.Dy()-1-y, x, img.NRGBAAt(x, y))
		}
	}
	return out
}

// scanTree writes images into a new directory: a.png (seed 1, in bank known by PDQ),
// b.png (seed 2, by MD5), c.png (seed 3, allowed), d.png and e.png (in no bank), sub/f.jpg
// (seed 1 as JPEG: near a.png) and rot.png (seed 1 turned, found only with --dihedral).
func scanTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, seed := range map[string]int{"a.png": 1, "b.png": 2, "c.png": 3, "d.png": 4, "e.png": 5, "sub/f.jpg": 1} {
		writeImage(t, filepath.Join(dir, filepath.FromSlash(name)), testImage(seed, 64, 64))
	}
	writeImage(t, filepath.Join(dir, "rot.png"), rotate90(testImage(1, 64, 64)))
	return dir
}

// scanSummary checks that stderr holds a scan summary with the given counts.
func checkSummary(t *testing.T, stderr string, want ...string) {
	t.Helper()
	for _, w := range append(want, "vigil scan: ", " MB, ", " s") {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q, want it to contain %q", stderr, w)
		}
	}
}

func TestScan(t *testing.T) {
	t.Parallel()
	f := newMatchFixture(t)
	dir := scanTree(t)
	broken := filepath.Join(t.TempDir(), "broken.jpg")
	writeFile(t, broken, []byte("\xff\xd8 not a JPEG"))
	p := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	tests := []struct {
		name        string
		args        []string
		wantPaths   []string // of the records, in order
		wantMatches []int    // number of matches of each record; -1 for an error record
		wantCode    int
		wantStderr  []string
	}{
		{"matches only", []string{dir}, []string{p("a.png"), p("b.png"), p("c.png"), p("sub/f.jpg")},
			[]int{2, 1, 0, 2}, exitOK, []string{"7 files", "3 matched", "1 allowed", "0 errors"}},
		{"all", []string{"--all", dir}, []string{p("a.png"), p("b.png"), p("c.png"), p("d.png"), p("e.png"), p("rot.png"), p("sub/f.jpg")},
			[]int{2, 1, 0, 0, 0, 0, 2}, exitOK, []string{"7 files"}},
		{"dihedral", []string{"--dihedral", p("rot.png"), p("d.png")}, []string{p("rot.png")}, []int{2}, exitOK, []string{"2 files", "1 matched"}},
		{"one bank, allow banks still apply", []string{"--bank", "tight", "--workers", "1", dir}, []string{p("a.png"), p("c.png"), p("sub/f.jpg")},
			[]int{1, 0, 1}, exitOK, []string{"2 matched", "1 allowed"}},
		{"broken file", []string{p("a.png"), broken}, []string{p("a.png"), broken}, []int{2, -1}, exitFailed, []string{"2 files", "1 errors"}},
		{"missing file", []string{filepath.Join(dir, "missing.png")}, []string{filepath.Join(dir, "missing.png")}, []int{-1}, exitFailed, []string{"1 errors"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, append([]string{"scan", "--data", f.data}, tt.args...)...)
			if got.code != tt.wantCode {
				t.Errorf("exit status %d, want %d (stderr %q)", got.code, tt.wantCode, got.stderr)
			}
			checkSummary(t, got.stderr, tt.wantStderr...)
			recs := decodeRecords(t, got.stdout)
			var paths []string
			var matches []int
			for _, r := range recs {
				paths = append(paths, r.Path)
				if r.Error != "" {
					matches = append(matches, -1)
				} else {
					matches = append(matches, len(r.Matches))
				}
			}
			if !slices.Equal(paths, tt.wantPaths) || !slices.Equal(matches, tt.wantMatches) {
				t.Errorf("records for %q with %v matches, want %q with %v:\n%s", paths, matches, tt.wantPaths, tt.wantMatches, got.stdout)
			}
		})
	}
}

func TestScanRecord(t *testing.T) {
	t.Parallel()
	f := newMatchFixture(t)
	dir := scanTree(t)
	got := mustRun(t, nil, "scan", "--data", f.data, filepath.Join(dir, "b.png"), filepath.Join(dir, "c.png"))
	recs := decodeRecords(t, got.stdout)
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2:\n%s", len(recs), got.stdout)
	}
	var rec scanRecord
	if err := json.Unmarshal([]byte(recs[0].raw), &rec); err != nil {
		t.Fatal(err)
	}
	h := f.h2
	if rec.PDQ != h.PDQ.String() || rec.Quality != h.Quality || rec.MD5 != hex.EncodeToString(h.MD5[:]) ||
		rec.SHA1 != hex.EncodeToString(h.SHA1[:]) || rec.SHA256 != hex.EncodeToString(h.SHA256[:]) {
		t.Errorf("record %+v, want the hashes %+v", rec, h)
	}
	checkMatches(t, "matches", decodeMatches(t, recs[0].Matches), []outMatch{f.wantK2MD5})
	checkMatches(t, "matches", decodeMatches(t, recs[1].Matches), []outMatch{})
	checkMatches(t, "allowed", decodeMatches(t, recs[1].Allowed), []outMatch{f.wantAllow})
	checkMatches(t, "suppressed", decodeMatches(t, recs[1].Suppressed), []outMatch{f.wantK3})
}

func TestScanResume(t *testing.T) {
	t.Parallel()
	f := newMatchFixture(t)
	dir := scanTree(t)
	state := filepath.Join(t.TempDir(), "state")
	a, _ := filepath.Abs(filepath.Join(dir, "a.png"))
	writeFile(t, state, []byte(`"`+a+`"`+"\n"))

	got := mustRun(t, nil, "scan", "--data", f.data, "--all", "--resume", state, dir)
	checkSummary(t, got.stderr, "6 files", "1 files skipped")
	if strings.Contains(got.stdout, "a.png") {
		t.Errorf("a.png, listed in the state file, was scanned again:\n%s", got.stdout)
	}
	data, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 7 {
		t.Errorf("state file has %d lines, want 7:\n%s", n, data)
	}

	writeImage(t, filepath.Join(dir, "new.png"), testImage(6, 64, 64))
	broken := filepath.Join(dir, "z-broken.jpg")
	writeFile(t, broken, []byte("\xff\xd8 not a JPEG"))
	for run := range 2 {
		got = runCLI(t, nil, "scan", "--data", f.data, "--all", "--resume", state, dir)
		if got.code != exitFailed {
			t.Errorf("run %d with a broken file: exit status %d, want %d", run, got.code, exitFailed)
		}
		var paths []string
		for _, r := range decodeRecords(t, got.stdout) {
			paths = append(paths, r.Path)
		}
		wantPaths := []string{filepath.Join(dir, "new.png"), broken}
		if run == 1 {
			wantPaths = wantPaths[1:] // the broken file is tried again
		}
		if !slices.Equal(paths, wantPaths) {
			t.Errorf("run %d scanned %q, want %q", run, paths, wantPaths)
		}
	}
	checkSummary(t, got.stderr, "1 files", "8 files skipped", "1 errors")

	writeFile(t, state, []byte("garbage\n"))
	got = runCLI(t, nil, "scan", "--data", f.data, "--resume", state, dir)
	if got.code != exitUsage || !strings.Contains(got.stderr, state+":1: not a scan state line") {
		t.Errorf("corrupt state: exit status %d, stderr %q", got.code, got.stderr)
	}
}

func TestScanUsage(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	mustRun(t, nil, "bank", "create", "other", "--data", data)
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"no path", nil, "no PATH to scan"},
		{"stdin twice", []string{"-", "-"}, "given more than once"},
		{"bad workers", []string{"--workers", "0", "x"}, "--workers: must be at least 1"},
		{"unknown bank", []string{"--bank", "nope", "x"}, "--bank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, append([]string{"scan", "--data", data}, tt.args...)...)
			if got.code != exitUsage || !strings.Contains(got.stderr, tt.wantStderr) {
				t.Errorf("exit status %d, stderr %q; want %d and %q", got.code, got.stderr, exitUsage, tt.wantStderr)
			}
		})
	}
}

func TestScanInterrupted(t *testing.T) {
	t.Parallel()
	f := newMatchFixture(t)
	dir := scanTree(t)
	m, err := match.NewMatcher(cliContext(), openTestStore(t, f.data), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	s := &scanner{e: &env{stdout: &stdout, stderr: &stderr}, m: m, workers: 2}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := s.run(ctx, []string{dir}); code != exitFailed {
		t.Errorf("exit status %d, want %d", code, exitFailed)
	}
	checkSummary(t, stderr.String(), "0 files", "interrupted")
	if stdout.Len() != 0 {
		t.Errorf("stdout %q, want nothing scanned", stdout.String())
	}
}
