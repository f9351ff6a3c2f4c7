package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseUntil(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{"2026-12-31T00:00:00Z", time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), ""},
		{"2026-12-31T01:00:00.250+01:00", time.Date(2026, 12, 31, 0, 0, 0, 250e6, time.UTC), ""},
		{"72h", now.Add(72 * time.Hour), ""},
		{"-1h", now.Add(-time.Hour), ""},
		{"none", time.Time{}, ""},
		{"", time.Time{}, "give a TIME"},
		{"tomorrow", time.Time{}, `"tomorrow" is neither`},
		{"2026-12-31", time.Time{}, "neither an RFC 3339 time"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseUntil(tt.in, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("= %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// matchedEntries runs "vigil match" for the MD5 hash value and returns the ids of the entries it
// matched.
func matchedEntries(t *testing.T, data, value string) []uint32 {
	t.Helper()
	out := mustRun(t, []byte("md5:"+value+"\n"), "match", "--data", data).stdout
	var rec struct {
		Matches []struct {
			Entry uint32 `json:"entry"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("vigil match output %q: %v", out, err)
	}
	var ids []uint32
	for _, m := range rec.Matches {
		ids = append(ids, m.Entry)
	}
	return ids
}

func TestBankDisable(t *testing.T) {
	data := t.TempDir()
	d := "--data=" + data
	const md5 = "0123456789abcdef0123456789abcdef"
	mustRun(t, nil, "bank", "create", "known", d)
	mustRun(t, nil, "bank", "add", "known", "--md5", md5, d)
	ids := matchedEntries(t, data, md5)
	if len(ids) != 1 {
		t.Fatalf("before disabling, vigil match finds entries %v, want one", ids)
	}
	id := strconv.FormatUint(uint64(ids[0]), 10)
	tests := []struct {
		name    string
		until   string
		matches bool
	}{
		{"for a day", "24h", false},
		{"until none", "none", true},
		{"until next year", time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339), false},
		{"until a past time", "2020-01-01T00:00:00Z", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustRun(t, nil, "bank", "disable", "known", "--entry", id, "--until", tt.until, d)
			if got := len(matchedEntries(t, data, md5)) == 1; got != tt.matches {
				t.Errorf("after --until %s the entry matches: %v, want %v", tt.until, got, tt.matches)
			}
		})
	}
}

func TestBankDisableErrors(t *testing.T) {
	data := t.TempDir()
	mustRun(t, nil, "bank", "create", "known", "--data", data)
	mustRun(t, nil, "bank", "add", "known", "--md5", "0123456789abcdef0123456789abcdef", "--data", data)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"no bank", []string{"--entry", "1", "--until", "1h"}, exitUsage, "want one bank NAME, got 0"},
		{"no entry", []string{"known", "--until", "1h"}, exitUsage, "--entry: give at least one entry ID"},
		{"bad entry", []string{"known", "--entry", "x", "--until", "1h"}, exitUsage, `--entry: entry id "x"`},
		{"entry zero", []string{"known", "--entry", "0", "--until", "1h"}, exitUsage, `entry id "0" is not a positive integer`},
		{"no until", []string{"known", "--entry", "1"}, exitUsage, "--until: give a TIME"},
		{"bad until", []string{"known", "--entry", "1", "--until", "soon"}, exitUsage, `--until: "soon"`},
		{"unknown bank", []string{"nope", "--entry", "1", "--until", "1h"}, exitFailed, "bank nope"},
		{"unknown entry", []string{"known", "--entry", "1,99", "--until", "1h"}, exitFailed, "entry 99: not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLI(t, nil, append([]string{"bank", "disable", "--data", data}, tt.args...)...)
			if got.code != tt.wantCode || !strings.Contains(got.stderr, tt.wantStderr) {
				t.Errorf("exit status %d, stderr %q; want %d and %q", got.code, got.stderr, tt.wantCode, tt.wantStderr)
			}
		})
	}
	if ids := matchedEntries(t, data, "0123456789abcdef0123456789abcdef"); len(ids) != 1 {
		t.Errorf("after the refused changes vigil match finds %v, want the entry", ids)
	}
}
