package main

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/pdq"
)

// parseJSONL decodes one JSON object per line of out.
func parseJSONL(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("output line %d %q: %v", i+1, line, err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// hashFile returns hasher.HashFile's result for path, failing the test on error.
func hashFile(t *testing.T, path string, opt hasher.Options) *hasher.Result {
	t.Helper()
	res, err := hasher.HashFile(path, opt)
	if err != nil {
		t.Fatalf("hasher.HashFile(%s): %v", path, err)
	}
	return res
}

// recordPaths returns the path of each record.
func recordPaths(recs []map[string]any) []string {
	paths := make([]string, len(recs))
	for i, r := range recs {
		paths[i], _ = r["path"].(string)
	}
	return paths
}

func TestHashJSONL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := []struct {
		path string
		w, h int
	}{
		{filepath.Join(dir, "a.png"), 40, 30},
		{filepath.Join(dir, "b.jpg"), 64, 48},
		{filepath.Join(dir, "sub", "c.png"), 33, 70},
	}
	for i, f := range files {
		writeImage(t, f.path, testImage(i+1, f.w, f.h))
	}

	got := runCLI(t, nil, "hash", dir)
	if got.code != exitOK {
		t.Fatalf("exit status %d, stderr %q", got.code, got.stderr)
	}
	recs := parseJSONL(t, got.stdout)
	if len(recs) != len(files) {
		t.Fatalf("got %d records, want %d:\n%s", len(recs), len(files), got.stdout)
	}
	wantKeys := []string{"format", "height", "md5", "path", "pdq", "quality", "sha1", "sha256", "width"}
	for i, f := range files {
		t.Run(filepath.Base(f.path), func(t *testing.T) {
			rec := recs[i]
			if keys := slices.Sorted(maps.Keys(rec)); !slices.Equal(keys, wantKeys) {
				t.Errorf("keys %v, want %v", keys, wantKeys)
			}
			data, err := os.ReadFile(f.path)
			if err != nil {
				t.Fatal(err)
			}
			res := hashFile(t, f.path, hasher.Options{})
			md5Sum, sha1Sum, sha256Sum := md5.Sum(data), sha1.Sum(data), sha256.Sum256(data)
			want := map[string]any{
				"path":    f.path,
				"pdq":     res.PDQ.String(),
				"quality": float64(res.Quality),
				"md5":     hex.EncodeToString(md5Sum[:]),
				"sha1":    hex.EncodeToString(sha1Sum[:]),
				"sha256":  hex.EncodeToString(sha256Sum[:]),
				"width":   float64(f.w),
				"height":  float64(f.h),
				"format":  string(res.Format),
			}
			for k, v := range want {
				if rec[k] != v {
					t.Errorf("%s = %v, want %v", k, rec[k], v)
				}
			}
		})
	}
}

func TestHashDihedral(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a.jpg")
	writeImage(t, path, testImage(5, 50, 40))

	got := runCLI(t, nil, "hash", "--dihedral", path)
	if got.code != exitOK {
		t.Fatalf("exit status %d, stderr %q", got.code, got.stderr)
	}
	recs := parseJSONL(t, got.stdout)
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	res := hashFile(t, path, hasher.Options{Dihedral: true})
	want := hashStrings(res.Dihedral)
	if len(want) != 8 {
		t.Fatalf("hasher gave %d dihedral hashes, want 8", len(want))
	}
	gotHashes := fmt.Sprint(recs[0]["pdq_dihedral"])
	if gotHashes != fmt.Sprint(want) {
		t.Errorf("pdq_dihedral = %s, want %v", gotHashes, want)
	}
}

func TestHashOrderWithManyWorkers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var want []string
	for i := range 20 {
		want = append(want, filepath.Join(dir, fmt.Sprintf("f%02d.%s", i, []string{"png", "jpg"}[i%2])))
	}
	for i := range 10 {
		want = append(want, filepath.Join(dir, "sub", fmt.Sprintf("g%02d.png", i)))
	}
	// Files of very different sizes, written in random order, so that workers finish
	// out of order and directory order differs from creation order.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, i := range rng.Perm(len(want)) {
		side := 16 + rng.IntN(300)
		writeImage(t, want[i], testImage(i, side, side))
	}

	got := runCLI(t, nil, "hash", "--workers", "4", dir)
	if got.code != exitOK {
		t.Fatalf("exit status %d, stderr %q", got.code, got.stderr)
	}
	recs := parseJSONL(t, got.stdout)
	if paths := recordPaths(recs); !slices.Equal(paths, want) {
		t.Fatalf("paths in output order:\n%v\nwant\n%v", paths, want)
	}
	for i, rec := range recs {
		if wantPDQ := hashFile(t, want[i], hasher.Options{}).PDQ.String(); rec["pdq"] != wantPDQ {
			t.Errorf("%s: pdq %v, want %s", want[i], rec["pdq"], wantPDQ)
		}
	}
}

func TestHashFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good1, corrupt, good2 := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.jpg"), filepath.Join(dir, "c.png")
	missing := filepath.Join(dir, "missing.png")
	writeImage(t, good1, testImage(1, 30, 30))
	writeFile(t, corrupt, []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00 this is not a JPEG"))
	writeImage(t, good2, testImage(2, 30, 30))

	got := runCLI(t, nil, "hash", dir, missing)
	if got.code != exitFailed {
		t.Errorf("exit status %d, want %d", got.code, exitFailed)
	}
	if want := "2 of 4 files failed"; !strings.Contains(got.stderr, want) {
		t.Errorf("stderr %q, want it to contain %q", got.stderr, want)
	}
	recs := parseJSONL(t, got.stdout)
	if paths, want := recordPaths(recs), []string{good1, corrupt, good2, missing}; !slices.Equal(paths, want) {
		t.Fatalf("paths %v, want %v", paths, want)
	}
	tests := []struct {
		name      string
		rec       map[string]any
		wantError string // substring of the error, or "" for a hashed file
	}{
		{"good before", recs[0], ""},
		{"corrupt", recs[1], "b.jpg"},
		{"good after", recs[2], ""},
		{"missing", recs[3], "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, hasErr := tt.rec["error"].(string)
			_, hasPDQ := tt.rec["pdq"]
			switch {
			case tt.wantError == "" && (hasErr || !hasPDQ):
				t.Errorf("record %v, want a hash and no error", tt.rec)
			case tt.wantError != "" && (hasPDQ || len(tt.rec) != 2):
				t.Errorf("record %v, want only path and error", tt.rec)
			case !strings.Contains(msg, tt.wantError):
				t.Errorf("error %q, want it to contain %q", msg, tt.wantError)
			}
		})
	}
}

func TestHashStdin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	writeImage(t, a, testImage(1, 20, 20))
	writeImage(t, b, testImage(2, 20, 20))
	data := encodeImage(t, ".jpg", testImage(3, 45, 25))
	want, err := hasher.Hash(bytes.NewReader(data), hasher.Options{})
	if err != nil {
		t.Fatalf("hasher.Hash: %v", err)
	}

	got := runCLI(t, data, "hash", a, "-", b)
	if got.code != exitOK {
		t.Fatalf("exit status %d, stderr %q", got.code, got.stderr)
	}
	recs := parseJSONL(t, got.stdout)
	if paths := recordPaths(recs); !slices.Equal(paths, []string{a, "-", b}) {
		t.Fatalf("paths %v, want [%s - %s]", paths, a, b)
	}
	if recs[1]["pdq"] != want.PDQ.String() || recs[1]["width"] != 45.0 {
		t.Errorf("stdin record %v, want pdq %s and width 45", recs[1], want.PDQ)
	}
}

func TestHashTSV(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	writeImage(t, good, testImage(1, 30, 20))
	writeFile(t, bad, []byte("not\tan image"))
	res := hashFile(t, good, hasher.Options{Dihedral: true})

	tests := []struct {
		name     string
		args     []string
		wantRows [][]string
	}{
		{
			name: "plain",
			args: []string{"hash", "--format", "tsv", dir},
			wantRows: [][]string{
				{"path", "pdq", "quality", "md5", "sha1", "sha256", "width", "height", "format", "orientation", "error"},
				{good, res.PDQ.String(), fmt.Sprint(res.Quality), hex.EncodeToString(res.MD5[:]), hex.EncodeToString(res.SHA1[:]),
					hex.EncodeToString(res.SHA256[:]), "30", "20", string(res.Format), "0", ""},
				{bad, "", "", "", "", "", "", "", "", "", "*"},
			},
		},
		{
			name: "dihedral",
			args: []string{"hash", "--format=tsv", "--dihedral", good},
			wantRows: [][]string{
				append(append(slices.Clone(tsvColumns), tsvDihedralColumns...), "error"),
				append(append([]string{good, res.PDQ.String(), fmt.Sprint(res.Quality), hex.EncodeToString(res.MD5[:]),
					hex.EncodeToString(res.SHA1[:]), hex.EncodeToString(res.SHA256[:]), "30", "20", string(res.Format), "0"},
					hashStrings(res.Dihedral)...), ""),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, tt.args...)
			lines := strings.Split(strings.TrimSuffix(got.stdout, "\n"), "\n")
			if len(lines) != len(tt.wantRows) {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(tt.wantRows), got.stdout)
			}
			for i, line := range lines {
				checkTSVRow(t, i+1, strings.Split(line, "\t"), tt.wantRows[i])
			}
		})
	}
}

// checkTSVRow compares one TSV row with want, where "*" stands for any non-empty field.
func checkTSVRow(t *testing.T, line int, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("line %d has %d fields, want %d: %q", line, len(got), len(want), got)
		return
	}
	for i := range want {
		if want[i] == "*" && got[i] != "" || got[i] == want[i] {
			continue
		}
		t.Errorf("line %d field %d = %q, want %q", line, i+1, got[i], want[i])
	}
}

// TestHashEnvironment sets process environment variables, so it must not run in parallel.
func TestHashEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.jpg")
	writeImage(t, path, testImage(4, 700, 600))
	cliPDQ := hashFile(t, path, hasher.Options{Flavour: pdq.CLI}).PDQ.String()

	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		want     string // substring of stdout, or of stderr when wantCode is not exitOK
	}{
		{"format from env", map[string]string{"VIGIL_HASH_FORMAT": "tsv"}, nil, exitOK, "path\tpdq\t"},
		{"flag beats env", map[string]string{"VIGIL_HASH_FORMAT": "tsv"}, []string{"--format", "jsonl"}, exitOK, `{"path":`},
		{"empty env is unset", map[string]string{"VIGIL_HASH_FORMAT": ""}, nil, exitOK, `{"path":`},
		{"flavour from env", map[string]string{"VIGIL_FLAVOUR": "cli"}, nil, exitOK, cliPDQ},
		{"bool from env", map[string]string{"VIGIL_HASH_DIHEDRAL": "true"}, nil, exitOK, `"pdq_dihedral":[`},
		{"bad env value", map[string]string{"VIGIL_WORKERS": "many"}, nil, exitUsage, `VIGIL_WORKERS="many"`},
		{"invalid env value", map[string]string{"VIGIL_WORKERS": "0"}, nil, exitUsage, "--workers: must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got := runCLI(t, nil, append(append([]string{"hash"}, tt.args...), path)...)
			if got.code != tt.wantCode {
				t.Fatalf("exit status %d, want %d (stderr %q)", got.code, tt.wantCode, got.stderr)
			}
			stream := got.stdout
			if tt.wantCode != exitOK {
				stream = got.stderr
			}
			if !strings.Contains(stream, tt.want) {
				t.Errorf("output %q, want it to contain %q", stream, tt.want)
			}
		})
	}
}

func TestHashFlagsAfterArguments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "-b.png")
	writeImage(t, a, testImage(1, 20, 20))
	writeImage(t, b, testImage(2, 20, 20))

	got := runCLI(t, nil, "hash", a, "--format", "tsv", "--workers=1", "--", b)
	if got.code != exitOK {
		t.Fatalf("exit status %d, stderr %q", got.code, got.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(got.stdout, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "path\t") ||
		!strings.HasPrefix(lines[1], a+"\t") || !strings.HasPrefix(lines[2], b+"\t") {
		t.Errorf("output %q, want a TSV header and rows for %s and %s", got.stdout, a, b)
	}
}

func TestHashUsageErrors(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a.png")
	writeImage(t, path, testImage(1, 20, 20))
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"no path", []string{"hash"}, "no PATH to hash"},
		{"unknown flag", []string{"hash", "--nope", path}, "flag provided but not defined: -nope"},
		{"unknown flag after path", []string{"hash", path, "--nope"}, "flag provided but not defined: -nope"},
		{"missing flag value", []string{"hash", path, "--workers"}, "flag needs an argument: -workers"},
		{"bad flavour", []string{"hash", "--flavour", "bogus", path}, "--flavour"},
		{"bad format", []string{"hash", "--format", "xml", path}, `unknown format "xml"`},
		{"zero workers", []string{"hash", "--workers", "0", path}, "--workers: must be at least 1"},
		{"negative max pixels", []string{"hash", "--max-pixels", "-1", path}, "--max-pixels: must not be negative"},
		{"negative max bytes", []string{"hash", "--max-bytes=-5", path}, "--max-bytes: must not be negative"},
		{"stdin twice", []string{"hash", "-", path, "-"}, "given more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, tt.args...)
			if got.code != exitUsage {
				t.Errorf("exit status %d, want %d", got.code, exitUsage)
			}
			checkOutput(t, "stdout", got.stdout, "")
			checkOutput(t, "stderr", got.stderr, tt.wantStderr)
		})
	}
}

func TestHashSkipsNonRegularFilesInDirectories(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "a.png")
	link := filepath.Join(dir, "b-link.png")
	writeImage(t, target, testImage(1, 20, 20))
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	linkToDir := filepath.Join(t.TempDir(), "dir-link")
	if err := os.Symlink(dir, linkToDir); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"link inside a directory is skipped", []string{dir}, []string{target}},
		{"link given as argument is hashed", []string{link}, []string{link}},
		{"link to a directory given as argument is walked", []string{linkToDir}, []string{filepath.Join(linkToDir, "a.png")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, append([]string{"hash"}, tt.args...)...)
			if got.code != exitOK {
				t.Fatalf("exit status %d, stderr %q", got.code, got.stderr)
			}
			if paths := recordPaths(parseJSONL(t, got.stdout)); !slices.Equal(paths, tt.want) {
				t.Errorf("paths %v, want %v", paths, tt.want)
			}
		})
	}
}

func TestHashLimitsReachTheHasher(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a.png")
	writeImage(t, path, testImage(1, 40, 30))
	tests := []struct {
		name string
		flag string
	}{
		{"max bytes", "--max-bytes=10"},
		{"max pixels", "--max-pixels=1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, "hash", tt.flag, path)
			recs := parseJSONL(t, got.stdout)
			if got.code != exitFailed || len(recs) != 1 || recs[0]["error"] == nil {
				t.Errorf("exit status %d, output %q: want the 40x30 image refused", got.code, got.stdout)
			}
		})
	}
}

// failingWriter refuses every write, like a closed pipe.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestHashReportsOutputErrors(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a.png")
	writeImage(t, path, testImage(1, 20, 20))
	var stderr bytes.Buffer
	code := run([]string{"hash", path}, nil, failingWriter{}, &stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), "write output: broken pipe") {
		t.Errorf("exit status %d, stderr %q: want %d and the write error", code, stderr.String(), exitFailed)
	}
}
