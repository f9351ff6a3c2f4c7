package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/masterkey"
	"github.com/vigilproject/vigil/sqlite"
)

// runWithEnv runs the command line in-process with environ as its whole environment.
func runWithEnv(environ map[string]string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, lookupEnv: lookupIn(environ)}
	cmd, rest := findCommand(args)
	return cmd.run(e, rest), stdout.String(), stderr.String()
}

// findCommand returns the command args name and the arguments after its words.
func findCommand(args []string) (command, []string) {
	for _, c := range commandTable() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):]
		}
	}
	panic("no command " + strings.Join(args, " "))
}

func TestMasterKeySources(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "elsewhere", "vigil.key")
	envKey := masterkey.Generate().Encode()
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		stderr  string // a regular expression stderr must match
		keyFile string // a file that must exist afterwards, mode 0600 ("": none)
	}{
		{"default: created in the data directory, with a warning", nil, []string{"migrate"}, exitOK,
			`created the master key .*master\.key(.|\n)*in production keep it elsewhere`, masterkey.DefaultFile},
		{"default again: no message", nil, []string{"migrate"}, exitOK, `^$`, masterkey.DefaultFile},
		{"a file outside the data directory", nil, []string{"migrate", "--master-key-file", keyFile}, exitOK,
			`^created the master key [^\n]*vigil\.key: keep a copy[^\n]*\n$`, keyFile},
		{"the same file from VIGIL_MASTER_KEY_FILE", map[string]string{"VIGIL_MASTER_KEY_FILE": keyFile},
			[]string{"migrate"}, exitOK, `^$`, keyFile},
		{"the key itself from VIGIL_MASTER_KEY", map[string]string{"VIGIL_MASTER_KEY": envKey}, []string{"migrate"}, exitOK, `^$`, ""},
		{"both a file and a key", map[string]string{"VIGIL_MASTER_KEY": envKey},
			[]string{"migrate", "--master-key-file", keyFile}, exitFailed, `keep one`, ""},
		{"a key that is not base64", map[string]string{"VIGIL_MASTER_KEY": "secret!"}, []string{"migrate"}, exitFailed,
			`VIGIL_MASTER_KEY: master key: not base64`, ""},
		{"a missing file is not created by other commands", nil,
			[]string{"audit", "verify", "--master-key-file", filepath.Join(dir, "none.key")}, exitUsage, `no master key at .*none\.key`, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := filepath.Join(dir, "data", string(rune('a'+i)))
			if i == 1 {
				data = filepath.Join(dir, "data", "a") // the database of the first case
			}
			if strings.HasPrefix(tt.args[0], "audit") {
				if code, _, stderr := runWithEnv(nil, "migrate", "--data", data); code != exitOK {
					t.Fatal(stderr)
				}
			}
			code, _, stderr := runWithEnv(tt.env, append(tt.args, "--data", data)...)
			if code != tt.code || !regexp.MustCompile(tt.stderr).MatchString(stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %s", code, stderr, tt.code, tt.stderr)
			}
			if tt.keyFile == "" {
				return
			}
			path := tt.keyFile
			if !filepath.IsAbs(path) {
				path = filepath.Join(data, path)
			}
			if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("key file %s: %v", path, err)
			}
		})
	}
}

func TestWrongMasterKeyIsRefusedAndLeavesNoKeyFile(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	key := masterkey.Generate().Encode()
	if code, _, stderr := runWithEnv(map[string]string{"VIGIL_MASTER_KEY": key}, "migrate", "--data", data); code != exitOK {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"another key", map[string]string{"VIGIL_MASTER_KEY": masterkey.Generate().Encode()}, []string{"migrate"}, exitFailed},
		{"no key: the default file would be a new key", nil, []string{"migrate"}, exitFailed},
		{"no key for a command that never creates one", nil, []string{"audit", "verify"}, exitUsage},
		{"the right key", map[string]string{"VIGIL_MASTER_KEY": key}, []string{"audit", "verify"}, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runWithEnv(tc.env, append(tc.args, "--data", data)...)
			if code != tc.code {
				t.Fatalf("exit %d (%s), want %d", code, stderr, tc.code)
			}
			if code == exitFailed && !strings.Contains(stderr, "not the one this database was created with") {
				t.Fatalf("stderr %q does not say the key is wrong", stderr)
			}
			if _, err := os.Stat(filepath.Join(data, masterkey.DefaultFile)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a key file was left in the data directory: %v", err)
			}
		})
	}
}

func TestBackupNeedsTheMasterKey(t *testing.T) {
	dir := t.TempDir()
	data, copyPath := filepath.Join(dir, "data"), filepath.Join(dir, "copy", databaseFile)
	os.Mkdir(filepath.Dir(copyPath), 0o700)
	runVigil("migrate", "--data", data)
	if code, _, stderr := runVigil("backup", copyPath, "--data", data); code != exitOK || !strings.Contains(stderr, "needs the master key") {
		t.Fatalf("backup: exit %d, %q", code, stderr)
	}
	ctx := context.Background()
	if _, err := sqlite.Open(ctx, copyPath, vigil.SystemClock{}, sqlite.WithMasterKey(masterkey.Generate())); !errors.Is(err, sqlite.ErrWrongMasterKey) {
		t.Fatalf("backup opened with another key: %v", err)
	}
	key, err := masterkey.ReadFile(filepath.Join(data, masterkey.DefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, copyPath, vigil.SystemClock{}, sqlite.WithMasterKey(key))
	if err != nil {
		t.Fatalf("backup with its key: %v", err)
	}
	db.Close()
}
