package main

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// lineResult is one call of lineReader.next.
type lineResult struct {
	line    string
	tooLong bool
}

func TestLineReader(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 40)
	tests := []struct {
		name string
		in   string
		want []lineResult
	}{
		{"empty", "", nil},
		{"one line without newline", "abc", []lineResult{{"abc", false}}},
		{"lines and blank", "a\n\nb\n", []lineResult{{"a", false}, {"", false}, {"b", false}}},
		{"crlf", "a\r\nb\r\n", []lineResult{{"a", false}, {"b", false}}},
		{"too long then short", long + "\nok\n", []lineResult{{long[:16], true}, {"ok", false}}},
		{"too long at end", "ok\n" + long, []lineResult{{"ok", false}, {long[:16], true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lr := newLineReader(strings.NewReader(tt.in), 16)
			var got []lineResult
			for {
				line, err := lr.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil && !errors.Is(err, errLineTooLong) {
					t.Fatalf("next: %v", err)
				}
				got = append(got, lineResult{line, err != nil})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestShorten(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"short", "abc", "abc"},
		{"exactly the limit", strings.Repeat("a", shortLen), strings.Repeat("a", shortLen)},
		{"long", strings.Repeat("a", 100), strings.Repeat("a", shortLen) + "..."},
		{"cut inside a character", strings.Repeat("a", shortLen-1) + "é" + "zz", strings.Repeat("a", shortLen-1) + "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := shorten(tt.in); got != tt.want {
				t.Errorf("shorten(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNameList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"unset", nil, nil, nil},
		{"repeated", nil, []string{"--bank", "a", "--bank=b"}, []string{"a", "b"}},
		{"commas", nil, []string{"--bank", "a, b", "--bank", "c"}, []string{"a", "b", "c"}},
		{"environment", map[string]string{"VIGIL_BANK": "x,y"}, nil, []string{"x", "y"}},
		{"command line replaces environment", map[string]string{"VIGIL_BANK": "x,y"}, []string{"--bank", "a", "--bank", "b"}, []string{"a", "b"}},
		{"empty environment ignored", map[string]string{"VIGIL_BANK": ""}, []string{"--bank", "a"}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &env{stderr: io.Discard, lookupEnv: lookupIn(tt.env)}
			fs := newFlagSet(e, "test", "", "")
			banks := newNameList(e, fs.Name(), "bank")
			fs.Var(banks, "bank", "")
			if _, err := parseArgs(fs, tt.args, e.lookupEnv); err != nil {
				t.Fatalf("parseArgs: %v", err)
			}
			if !slices.Equal(banks.names, tt.want) {
				t.Errorf("names = %q, want %q", banks.names, tt.want)
			}
		})
	}
}

func TestNameListEmptyName(t *testing.T) {
	t.Parallel()
	var l nameList
	if err := l.Set("a,,b"); err == nil || !strings.Contains(err.Error(), "empty name") {
		t.Errorf("Set(%q) error = %v, want an empty name error", "a,,b", err)
	}
}
