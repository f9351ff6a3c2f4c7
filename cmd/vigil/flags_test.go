package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// testFlags is a flag set like a command's, with the values it parsed.
type testFlags struct {
	fs      *flag.FlagSet
	format  *string
	fast    *bool
	workers *int
}

func newTestFlags() *testFlags {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &testFlags{
		fs:      fs,
		format:  fs.String("format", "jsonl", ""),
		fast:    fs.Bool("fast", false, ""),
		workers: fs.Int("workers", 1, ""),
	}
}

// lookupIn returns a lookupEnv function over a fixed environment.
func lookupIn(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

func TestParseArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		env         map[string]string
		args        []string
		wantArgs    []string
		wantFormat  string
		wantFast    bool
		wantWorkers int
		wantErr     string // substring of the error, or "" for success
	}{
		{name: "none", wantFormat: "jsonl", wantWorkers: 1},
		{name: "flags first", args: []string{"--format", "tsv", "a", "b"}, wantArgs: []string{"a", "b"}, wantFormat: "tsv", wantWorkers: 1},
		{name: "flags last", args: []string{"a", "b", "-workers=3", "--fast"}, wantArgs: []string{"a", "b"}, wantFormat: "jsonl", wantFast: true, wantWorkers: 3},
		{name: "interleaved", args: []string{"a", "--fast", "b", "--workers", "2", "c"}, wantArgs: []string{"a", "b", "c"}, wantFormat: "jsonl", wantFast: true, wantWorkers: 2},
		{name: "stdin dash is an argument", args: []string{"-", "--fast"}, wantArgs: []string{"-"}, wantFormat: "jsonl", wantFast: true, wantWorkers: 1},
		{name: "after double dash all are arguments", args: []string{"a", "--", "--fast", "-x"}, wantArgs: []string{"a", "--fast", "-x"}, wantFormat: "jsonl", wantWorkers: 1},
		{name: "double dash after bool flag ends flags", args: []string{"--fast", "--", "--workers=2"}, wantArgs: []string{"--workers=2"}, wantFormat: "jsonl", wantFast: true, wantWorkers: 1},
		{name: "double dash as a flag value", args: []string{"--format", "--", "a", "--fast"}, wantArgs: []string{"a"}, wantFormat: "--", wantFast: true, wantWorkers: 1},
		{name: "env", env: map[string]string{"VIGIL_TEST_FORMAT": "tsv", "VIGIL_FAST": "1", "VIGIL_WORKERS": "4"}, args: []string{"a"}, wantArgs: []string{"a"}, wantFormat: "tsv", wantFast: true, wantWorkers: 4},
		{name: "command flag ignores bare env", env: map[string]string{"VIGIL_FORMAT": "tsv"}, wantFormat: "jsonl", wantWorkers: 1},
		{name: "global flag ignores scoped env", env: map[string]string{"VIGIL_TEST_WORKERS": "4"}, wantFormat: "jsonl", wantWorkers: 1},
		{name: "flag beats env", env: map[string]string{"VIGIL_WORKERS": "4"}, args: []string{"a", "--workers", "2"}, wantArgs: []string{"a"}, wantFormat: "jsonl", wantWorkers: 2},
		{name: "empty env ignored", env: map[string]string{"VIGIL_WORKERS": ""}, wantFormat: "jsonl", wantWorkers: 1},
		{name: "unrelated env ignored", env: map[string]string{"VIGIL_NOPE": "x", "WORKERS": "9"}, wantFormat: "jsonl", wantWorkers: 1},
		{name: "bad env", env: map[string]string{"VIGIL_FAST": "maybe"}, wantErr: `VIGIL_FAST="maybe"`},
		{name: "unknown flag", args: []string{"a", "--nope"}, wantErr: "not defined: -nope"},
		{name: "bad flag value", args: []string{"--workers", "x"}, wantErr: "invalid value"},
		{name: "help", args: []string{"a", "-h"}, wantErr: "help requested"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newTestFlags()
			args, err := parseArgs(f.fs, tt.args, lookupIn(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseArgs: %v", err)
			}
			if !slices.Equal(args, tt.wantArgs) {
				t.Errorf("arguments %q, want %q", args, tt.wantArgs)
			}
			if *f.format != tt.wantFormat || *f.fast != tt.wantFast || *f.workers != tt.wantWorkers {
				t.Errorf("format %q fast %t workers %d, want %q %t %d",
					*f.format, *f.fast, *f.workers, tt.wantFormat, tt.wantFast, tt.wantWorkers)
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	t.Parallel()
	tests := []struct{ command, flag, want string }{
		{"hash", "workers", "VIGIL_WORKERS"},
		{"scan", "max-pixels", "VIGIL_MAX_PIXELS"},
		{"bank import", "data", "VIGIL_DATA"},
		{"match", "bank", "VIGIL_BANK"},
		{"hash", "format", "VIGIL_HASH_FORMAT"},
		{"bank import", "format", "VIGIL_BANK_IMPORT_FORMAT"},
		{"bank export", "format", "VIGIL_BANK_EXPORT_FORMAT"},
		{"bank create", "min-quality", "VIGIL_BANK_CREATE_MIN_QUALITY"},
		{"match", "threshold", "VIGIL_MATCH_THRESHOLD"},
		{"bench match", "threshold", "VIGIL_BENCH_MATCH_THRESHOLD"},
	}
	for _, tt := range tests {
		t.Run(tt.command+" "+tt.flag, func(t *testing.T) {
			t.Parallel()
			if got := envName(tt.command, tt.flag); got != tt.want {
				t.Errorf("envName(%q, %q) = %q, want %q", tt.command, tt.flag, got, tt.want)
			}
		})
	}
}

// TestEnvNamesUnique checks, on every command's usage text, that each flag shows its variable
// and that no variable sets flags of different meaning: a variable is either a global flag's,
// the same in every command, or one command's.
func TestEnvNamesUnique(t *testing.T) {
	t.Parallel()
	owner := map[string]string{} // variable to "global --flag" or "command --flag"
	for _, c := range commandTable() {
		var out strings.Builder
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, lookupEnv: lookupIn(nil)}
		c.run(e, []string{"-h"})
		lines := strings.Split(out.String(), "\n")
		for i, line := range lines[:len(lines)-1] {
			flagName, ok := strings.CutPrefix(line, "  --")
			if !ok {
				continue
			}
			flagName, _, _ = strings.Cut(flagName, " ")
			next := lines[i+1]
			v := strings.TrimSuffix(next[max(0, strings.LastIndex(next, "VIGIL_")):], ")")
			if want := envName(c.name, flagName); v != want {
				t.Errorf("vigil %s --%s: usage shows %q, want %q", c.name, flagName, v, want)
			}
			who := c.name + " --" + flagName
			if v == bareEnvName(flagName) {
				who = "global --" + flagName
			}
			if prev, seen := owner[v]; seen && prev != who {
				t.Errorf("%s sets both %s and %s", v, prev, who)
			}
			owner[v] = who
		}
	}
	if len(owner) < 20 {
		t.Fatalf("found only %d variables in the usage texts: %v", len(owner), owner)
	}
}

// FuzzParseArgs checks that any argument list parses without panicking and that the
// positional arguments returned are a subsequence of the input.
func FuzzParseArgs(f *testing.F) {
	f.Add("a\x00--format\x00tsv\x00b")
	f.Add("--\x00--fast\x00-")
	f.Add("--format\x00--\x00x\x00--workers=2")
	f.Add("-fast=false\x00---x\x00-")
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		got, err := parseArgs(newTestFlags().fs, args, lookupIn(nil))
		if err != nil {
			return
		}
		rest := args
		for _, a := range got {
			i := slices.Index(rest, a)
			if i < 0 {
				t.Fatalf("parseArgs(%q) = %q: %q is not in order in the input", args, got, a)
			}
			rest = rest[i+1:]
		}
	})
}
