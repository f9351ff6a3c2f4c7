package main

import (
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// listBanks runs "bank list" and returns the banks by name.
func listBanks(t *testing.T, data string) map[string]bankRow {
	t.Helper()
	got := mustRun(t, nil, "bank", "list", "--data", data)
	banks := make(map[string]bankRow)
	for line := range strings.Lines(got.stdout) {
		var b bankRow
		if err := json.Unmarshal([]byte(line), &b); err != nil {
			t.Fatalf("bank list line %q: %v", line, err)
		}
		banks[b.Name] = b
	}
	return banks
}

func TestBankCreateListRm(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	d := "--data=" + data
	mustRun(t, nil, "bank", "create", "ncmec", "--threshold", "20", "--min-quality", "70",
		"--source", "NCMEC", "--licence", "MOU 2024", "--version", "2024-06", d)
	mustRun(t, nil, "bank", "create", d, "fp", "--kind", "allow")

	banks := listBanks(t, data)
	want := map[string]bankRow{
		"ncmec": {Name: "ncmec", Kind: "known", Threshold: 20, MinQuality: 70, Enabled: true, Source: "NCMEC", Licence: "MOU 2024", Version: "2024-06"},
		"fp":    {Name: "fp", Kind: "allow", Threshold: 31, MinQuality: 50, Enabled: true},
	}
	for name, w := range want {
		got := banks[name]
		if got.Created == "" || !strings.HasSuffix(got.Created, "Z") {
			t.Errorf("bank %s created %q, want a UTC timestamp", name, got.Created)
		}
		got.Created = ""
		if got != w {
			t.Errorf("bank %s = %+v, want %+v", name, got, w)
		}
	}
	if len(banks) != len(want) {
		t.Errorf("bank list has %d banks, want %d", len(banks), len(want))
	}

	table := mustRun(t, nil, "bank", "list", "--format", "table", d).stdout
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") || !strings.HasPrefix(lines[1], "fp ") ||
		!strings.Contains(lines[2], "NCMEC") {
		t.Errorf("bank list --format table =\n%s", table)
	}

	mustRun(t, nil, "bank", "rm", "ncmec", d)
	if banks := listBanks(t, data); len(banks) != 1 || banks["fp"].Name != "fp" {
		t.Errorf("after rm, banks = %+v, want only fp", banks)
	}
}

func TestBankErrors(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	mustRun(t, nil, "bank", "create", "known", "--data", data)
	hash := drawnHash(t, 1).PDQ.String()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"create existing", []string{"bank", "create", "known"}, exitFailed, "already exists"},
		{"create bad name", []string{"bank", "create", "Bad Name"}, exitUsage, "invalid bank name"},
		{"create bad kind", []string{"bank", "create", "x", "--kind", "maybe"}, exitUsage, "invalid kind"},
		{"create bad threshold", []string{"bank", "create", "x", "--threshold", "65"}, exitUsage, "threshold 65 out of range"},
		{"create bad quality", []string{"bank", "create", "x", "--min-quality", "101"}, exitUsage, "quality 101 out of range"},
		{"create no name", []string{"bank", "create"}, exitUsage, "want one bank NAME, got 0"},
		{"list bad format", []string{"bank", "list", "--format", "xml"}, exitUsage, `unknown format "xml"`},
		{"list argument", []string{"bank", "list", "x"}, exitUsage, "unexpected arguments"},
		{"rm unknown", []string{"bank", "rm", "nope"}, exitFailed, "nope"},
		{"rm two", []string{"bank", "rm", "a", "b"}, exitUsage, "want one bank NAME, got 2"},
		{"add unknown bank", []string{"bank", "add", "nope", "--pdq", hash}, exitFailed, "nope"},
		{"add no hash", []string{"bank", "add", "known"}, exitUsage, "want exactly one of --pdq, --md5, --sha1, --sha256, got 0"},
		{"add two hashes", []string{"bank", "add", "known", "--pdq", hash, "--sha256", hash}, exitUsage, "got 2"},
		{"add bad hash", []string{"bank", "add", "known", "--md5", "xyz"}, exitUsage, "--md5: md5"},
		{"import no file", []string{"bank", "import", "known"}, exitUsage, "at least one FILE"},
		{"import unknown bank", []string{"bank", "import", "nope", "x"}, exitFailed, "nope"},
		{"import bad type", []string{"bank", "import", "known", "x", "--type", "tlsh"}, exitUsage, "--type"},
		{"import bad format", []string{"bank", "import", "known", "x", "--format", "xml"}, exitUsage, "--format"},
		{"export bad format", []string{"bank", "export", "known", "--format", "xml"}, exitUsage, "--format"},
		{"export unknown bank", []string{"bank", "export", "nope"}, exitFailed, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { // not parallel: a writer would find the data directory locked
			got := runCLI(t, nil, append(tt.args, "--data", data)...)
			if got.code != tt.wantCode || !strings.Contains(got.stderr, tt.wantStderr) {
				t.Errorf("exit status %d, stderr %q; want %d and %q", got.code, got.stderr, tt.wantCode, tt.wantStderr)
			}
		})
	}
}

func TestBankAdd(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	d := "--data=" + data
	h := drawnHash(t, 1)
	mustRun(t, nil, "bank", "create", "known", d)
	mustRun(t, nil, "bank", "add", "known", "--pdq", strings.ToUpper(h.PDQ.String()), "--id", "x1", "--category", "A1", "--note", "first", d)
	mustRun(t, nil, "bank", "add", "known", "--sha1", hex.EncodeToString(h.SHA1[:]), d)
	again := mustRun(t, nil, "bank", "add", "known", "--pdq", h.PDQ.String(), "--id", "other", d)
	if !strings.Contains(again.stderr, "already in bank known") {
		t.Errorf("adding a hash twice: stderr %q, want it to say it is already in the bank", again.stderr)
	}
	got := mustRun(t, nil, "bank", "export", "known", d).stdout
	want := `{"signal_type":"pdq","signal":"` + h.PDQ.String() + `","id":"x1","category":"A1","note":"first"}` + "\n" +
		`{"signal_type":"sha1","signal":"` + hex.EncodeToString(h.SHA1[:]) + `"}` + "\n"
	if got != want {
		t.Errorf("export =\n%s\nwant\n%s", got, want)
	}
	if n := listBanks(t, data)["known"].Entries; n != 2 {
		t.Errorf("bank list says %d entries, want 2", n)
	}
}

// importFiles writes one hash-list file of each format and returns their paths with the
// signals each holds.
func importFiles(t *testing.T) (files map[string]string, signals map[string][]string) {
	t.Helper()
	dir := t.TempDir()
	h := make([]string, 7)
	for i := 1; i < len(h); i++ {
		h[i] = drawnHash(t, i).PDQ.String()
	}
	r1 := drawnHash(t, 1)
	md5, sha1, sha256 := hex.EncodeToString(r1.MD5[:]), hex.EncodeToString(r1.SHA1[:]), hex.EncodeToString(r1.SHA256[:])
	contents := map[string]string{
		"bare.txt":    h[1] + "\n" + strings.ToUpper(h[2]) + "\r\n\n" + h[3] + "\n",
		"typed.txt":   "md5:" + md5 + "\npdq:" + h[4] + "\n",
		"list.csv":    "signal_type,signal,id,category,note\npdq," + h[5] + ",c5,A1,\"a, b\"\nsha1," + sha1 + ",c1,B,\n",
		"list.tsv":    "hash\tid\tsignal_type\n" + h[6] + "\tt6\tpdq\n" + sha256 + "\tt1\tsha256\n",
		"list.tx":     "pdq " + h[1] + "\nvideo_md5 " + md5 + "\n",
		"list.jsonl":  `{"signal_type":"sha256","signal":"` + sha256 + `","id":"j1","category":"C","note":"n"}` + "\n" + `{"signal":"` + h[2] + `","signal_type":"pdq"}` + "\n",
		"bad.txt":     h[1] + "\nmd5:xyz\n" + h[2] + "\nnot a hash\n",
		"all-bad.txt": "md5:xyz\n",
	}
	signals = map[string][]string{
		"bare.txt":   {"pdq:" + h[1], "pdq:" + h[2], "pdq:" + h[3]},
		"typed.txt":  {"md5:" + md5, "pdq:" + h[4]},
		"list.csv":   {"pdq:" + h[5], "sha1:" + sha1},
		"list.tsv":   {"pdq:" + h[6], "sha256:" + sha256},
		"list.tx":    {"pdq:" + h[1], "md5:" + md5},
		"list.jsonl": {"sha256:" + sha256, "pdq:" + h[2]},
		"bad.txt":    {"pdq:" + h[1], "pdq:" + h[2]},
	}
	files = make(map[string]string)
	for name, c := range contents {
		files[name] = filepath.Join(dir, name)
		writeFile(t, files[name], []byte(c))
	}
	return files, signals
}

// exportedSignals returns the signals of a bank as "type:value", in bank order.
func exportedSignals(t *testing.T, data, bank string) []string {
	t.Helper()
	got := mustRun(t, nil, "bank", "export", bank, "--data", data, "--format", "lines").stdout
	var sigs []string
	for line := range strings.Lines(got) {
		line = strings.TrimSpace(line)
		if !strings.Contains(line, ":") {
			line = "pdq:" + line // a bank of PDQ hashes only exports bare lines
		}
		sigs = append(sigs, line)
	}
	return sigs
}

func TestBankImportFormats(t *testing.T) {
	t.Parallel()
	files, signals := importFiles(t)
	tests := []struct {
		name, file string
		args       []string
	}{
		{"lines with --type", "bare.txt", []string{"--type", "pdq"}},
		{"lines with --format and --type", "bare.txt", []string{"--format", "lines", "--type", "PDQ"}},
		{"typed lines", "typed.txt", nil},
		{"csv detected", "list.csv", nil},
		{"csv", "list.csv", []string{"--format", "csv"}},
		{"tsv detected", "list.tsv", nil},
		{"tx detected", "list.tx", nil},
		{"tx", "list.tx", []string{"--format=tx"}},
		{"jsonl detected", "list.jsonl", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := t.TempDir()
			mustRun(t, nil, "bank", "create", "b", "--data", data)
			args := append([]string{"bank", "import", "b", files[tt.file], "--data", data}, tt.args...)
			want := signals[tt.file]
			got := mustRun(t, nil, args...)
			if summary := "imported " + strconv.Itoa(len(want)) + " new, 0 already present, 0 bad lines skipped"; !strings.Contains(got.stderr, summary) {
				t.Errorf("first import: stderr %q, want %q", got.stderr, summary)
			}
			got = mustRun(t, nil, args...)
			if summary := "imported 0 new, " + strconv.Itoa(len(want)) + " already present"; !strings.Contains(got.stderr, summary) {
				t.Errorf("second import: stderr %q, want %q", got.stderr, summary)
			}
			if sigs := exportedSignals(t, data, "b"); !slices.Equal(sigs, want) {
				t.Errorf("bank holds %q, want %q", sigs, want)
			}
		})
	}
}

func TestBankImportBadLines(t *testing.T) {
	t.Parallel()
	files, signals := importFiles(t)
	bad := files["bad.txt"]
	tests := []struct {
		name        string
		args        []string
		wantCode    int
		wantStderr  []string
		wantSignals []string
	}{
		{"skipped", []string{bad, "--type", "pdq"}, exitOK,
			[]string{bad + ":2: ", bad + ":4: ", "imported 2 new, 0 already present, 2 bad lines skipped"}, signals["bad.txt"]},
		{"strict", []string{"--strict", bad, "--type=pdq"}, exitFailed,
			[]string{bad + ":2: ", bad + ":4: ", "2 bad lines; nothing imported (--strict)"}, nil},
		{"strict with a good file first", []string{"--strict", files["typed.txt"], files["all-bad.txt"]}, exitFailed,
			[]string{files["all-bad.txt"] + ":1: ", "nothing imported"}, nil},
		{"strict all good", []string{"--strict", files["typed.txt"], files["list.csv"]}, exitOK,
			[]string{"imported 4 new, 0 already present"}, append(slices.Clone(signals["typed.txt"]), signals["list.csv"]...)},
		{"a missing file", []string{files["typed.txt"], filepath.Join(filepath.Dir(bad), "missing.txt"), files["list.csv"]}, exitFailed,
			[]string{"missing.txt", "imported 4 new"}, append(slices.Clone(signals["typed.txt"]), signals["list.csv"]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := t.TempDir()
			mustRun(t, nil, "bank", "create", "b", "--data", data)
			got := runCLI(t, nil, append([]string{"bank", "import", "b", "--data", data}, tt.args...)...)
			if got.code != tt.wantCode {
				t.Errorf("exit status %d, want %d (stderr %q)", got.code, tt.wantCode, got.stderr)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(got.stderr, w) {
					t.Errorf("stderr %q, want it to contain %q", got.stderr, w)
				}
			}
			if sigs := exportedSignals(t, data, "b"); !slices.Equal(sigs, tt.wantSignals) {
				t.Errorf("bank holds %q, want %q", sigs, tt.wantSignals)
			}
		})
	}
}

func TestBankImportStdin(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	h := drawnHash(t, 1).PDQ.String()
	mustRun(t, nil, "bank", "create", "b", "--data", data)
	got := mustRun(t, []byte(h+"\nzz\n"), "bank", "import", "b", "-", "--type", "pdq", "--data", data)
	if !strings.Contains(got.stderr, "-:2: ") || !strings.Contains(got.stderr, "imported 1 new") {
		t.Errorf("stderr %q, want line 2 of - reported and 1 hash imported", got.stderr)
	}
}

func TestBankExportRoundTrip(t *testing.T) {
	t.Parallel()
	files, _ := importFiles(t)
	data := t.TempDir()
	mustRun(t, nil, "bank", "create", "src", "--data", data)
	mustRun(t, nil, "bank", "import", "src", files["typed.txt"], files["list.csv"], files["list.tsv"], files["list.jsonl"], "--data", data)
	full := mustRun(t, nil, "bank", "export", "src", "--data", data).stdout
	tests := []struct {
		format   string
		metadata bool // whether the format carries ids, categories and notes
	}{
		{"jsonl", true}, {"csv", true}, {"tsv", true}, {"tx", false}, {"lines", false},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) { // not parallel: the subtests share the data directory
			exported := mustRun(t, nil, "bank", "export", "src", "--format", tt.format, "--data", data).stdout
			path := filepath.Join(t.TempDir(), "export."+tt.format)
			writeFile(t, path, []byte(exported))
			dst := "dst-" + tt.format
			mustRun(t, nil, "bank", "create", dst, "--data", data)
			mustRun(t, nil, "bank", "import", dst, path, "--data", data)
			if tt.metadata {
				if again := mustRun(t, nil, "bank", "export", dst, "--data", data).stdout; again != full {
					t.Errorf("round trip through %s gives\n%s\nwant\n%s", tt.format, again, full)
				}
			}
			if a, b := exportedSignals(t, data, dst), exportedSignals(t, data, "src"); !slices.Equal(a, b) {
				t.Errorf("round trip through %s gives signals %q, want %q", tt.format, a, b)
			}
		})
	}
}

func TestBankMatchScanHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		command string
		want    string // a flag of the command
	}{
		{"bank create", "--min-quality N"},
		{"bank list", "--format format"},
		{"bank import", "--strict"},
		{"bank export", "--format FORMAT"},
		{"bank add", "--sha256 HEX"},
		{"bank disable", "--until TIME"},
		{"bank rm", "--data DIR"},
		{"match", "--queries FILE"},
		{"scan", "--resume STATEFILE"},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, append([]string{"help"}, strings.Fields(tt.command)...)...)
			if got.code != exitOK || !strings.Contains(got.stdout, tt.want) || !strings.Contains(got.stdout, "VIGIL_DATA") {
				t.Errorf("exit status %d, stdout %q; want 0 and %q and VIGIL_DATA", got.code, got.stdout, tt.want)
			}
		})
	}
}

func TestDataDirectory(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	mustRun(t, nil, "migrate", "--data", empty)
	missing := filepath.Join(t.TempDir(), "missing")
	query := []byte(drawnHash(t, 1).PDQ.String() + "\n")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"list missing", []string{"bank", "list", "--data", missing}, exitUsage, "", "no database"},
		{"match missing", []string{"match", "--data", missing}, exitUsage, "", "no database"},
		{"match with no bank", []string{"match", "--data", empty}, exitOK, `"matches":[]`, "warning: no enabled bank"},
		{"create makes it", []string{"bank", "create", "b", "--data", filepath.Join(t.TempDir(), "new", "data")}, exitOK, "", ""},
		{"from the environment", []string{"bank", "list"}, exitUsage, "", missing + ": no database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr strings.Builder
			e := &env{stdin: strings.NewReader(string(query)), stdout: &stdout, stderr: &stderr,
				lookupEnv: lookupIn(map[string]string{"VIGIL_DATA": missing})}
			cmd, rest, _ := lookup(tt.args)
			if code := cmd.run(e, rest); code != tt.wantCode {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stdout %q, stderr %q; want %q and %q", stdout.String(), stderr.String(), tt.wantStdout, tt.wantStderr)
			}
		})
	}
}
