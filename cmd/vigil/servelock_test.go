//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBankWritesRefusedWhileServing checks that every bank command that changes banks refuses
// while a server holds the data directory, that reading goes on, and that a server cannot
// start while a bank command changes banks.
func TestBankWritesRefusedWhileServing(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	mustRun(t, nil, "bank", "create", "b", "--data", data)
	h := drawnHash(t, 1).PDQ.String()
	list := filepath.Join(t.TempDir(), "list.txt")
	writeFile(t, list, []byte(h+"\n"))

	release, err := lockServing(data)
	if err != nil {
		t.Fatal(err)
	}
	writes := [][]string{
		{"bank", "create", "c"},
		{"bank", "import", "b", list},
		{"bank", "add", "b", "--pdq", h},
		{"bank", "disable", "b", "--entry", "1", "--until", "none"},
		{"bank", "rm", "b"},
	}
	want := "vigil serve is running on " + data + ": change banks through its API or stop it"
	for _, args := range writes {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			got := runCLI(t, nil, append(args, "--data", data)...)
			if got.code != exitUsage || !strings.Contains(got.stderr, want) {
				t.Errorf("exit status %d, stderr %q; want %d and %q", got.code, got.stderr, exitUsage, want)
			}
		})
	}
	if banks := listBanks(t, data); len(banks) != 1 || banks["b"].Entries != 0 {
		t.Errorf("banks while serving = %+v, want b alone and empty", banks)
	}
	mustRun(t, []byte(h+"\n"), "match", "--data", data)
	if err := release(); err != nil {
		t.Fatal(err)
	}

	unlock, err := lockBankWrite(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockServing(data); err == nil || !strings.Contains(err.Error(), "vigil bank command") {
		t.Errorf("lockServing during a bank change: %v, want refused", err)
	}
	unlock()
	mustRun(t, nil, "bank", "add", "b", "--pdq", h, "--data", data)
	if _, err := os.Stat(filepath.Join(data, serveLockFile)); err != nil {
		t.Errorf("lock file: %v", err)
	}
}
