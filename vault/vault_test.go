package vault

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func openTestVault(t testing.TB) *Vault {
	t.Helper()
	dir := t.TempDir()
	v, err := Open(Config{Dir: filepath.Join(dir, DefaultDir), KeyFile: filepath.Join(dir, DefaultKeyFile)})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSealOpen(t *testing.T) {
	v := openTestVault(t)
	data := []byte("a benign payload the test wrote")
	keyID, wrapped, err := v.Seal("evd_1", data)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := os.ReadFile(filepath.Join(v.Dir(), "evd_1"+blobSuffix))
	if err != nil || bytes.Contains(blob, data[:8]) || len(blob) != len(data)+BlobOverhead || len(wrapped) != WrappedKeySize {
		t.Fatalf("file %d bytes (%v), wrapped %d: want ciphertext only", len(blob), err, len(wrapped))
	}
	if fi, _ := os.Stat(filepath.Join(v.Dir(), "evd_1"+blobSuffix)); fi.Mode().Perm() != 0o600 {
		t.Errorf("object file mode %v, want 0600", fi.Mode().Perm())
	}
	other := GenerateKey()
	tampered := bytes.Clone(wrapped)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name    string
		id      string
		keyID   string
		wrapped []byte
		prepare func(t *testing.T)
		wantErr bool
	}{
		{"opens", "evd_1", keyID, wrapped, nil, false},
		{"unknown key", "evd_1", other.ID(), wrapped, nil, true},
		{"tampered key", "evd_1", keyID, tampered, nil, true},
		{"key of another object", "evd_2", keyID, wrapped, func(t *testing.T) {
			os.WriteFile(filepath.Join(v.Dir(), "evd_2"+blobSuffix), blob, 0o600)
		}, true},
		{"bad id", "../evd_1", keyID, wrapped, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prepare != nil {
				tt.prepare(t)
			}
			got, err := v.Open(tt.id, tt.keyID, tt.wrapped)
			if (err != nil) != tt.wantErr || (err == nil && !bytes.Equal(got, data)) {
				t.Fatalf("Open = %q, %v; want error %v", got, err, tt.wantErr)
			}
		})
	}
	if _, _, err := v.Seal("evd_1", data); err == nil {
		t.Error("sealing an id twice should fail: an object's file is written once")
	}
}

func TestRemoveAndObjects(t *testing.T) {
	v := openTestVault(t)
	for _, id := range []string{"evd_a", "evd_b"} {
		if _, _, err := v.Seal(id, []byte(id)); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(v.Dir(), ".evd_c.evd.tmp-1"), []byte("partial"), 0o600)
	if err := errors.Join(v.Remove("evd_a"), v.Remove("evd_a"), v.RemoveInterrupted()); err != nil {
		t.Fatal(err)
	}
	ids, err := v.Objects()
	if err != nil || strings.Join(ids, ",") != "evd_b" {
		t.Fatalf("Objects = %v, %v; want evd_b", ids, err)
	}
	entries, _ := os.ReadDir(v.Dir())
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only evd_b's file", len(entries))
	}
}

// TestKeyNeverShown checks that the evidence key cannot reach logs or output by accident.
func TestKeyNeverShown(t *testing.T) {
	k := GenerateKey()
	secret := k.mk.Encode()
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("key", "key", k)
	for _, shown := range []string{fmt.Sprintf("%v %+v %#v %s", k, k, k, k), logged.String()} {
		if strings.Contains(shown, secret[:16]) || !strings.Contains(shown, k.ID()) {
			t.Errorf("key shown as %q: want its id, never the key", shown)
		}
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "evidence.key")
	k, created, err := LoadOrCreateKeyFile(path)
	if err != nil || !created {
		t.Fatalf("create: %v, created %v", err, created)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	again, created, err := LoadOrCreateKeyFile(path)
	if err != nil || created || again.ID() != k.ID() {
		t.Fatalf("reload: %v, created %v, same %v", err, created, again.ID() == k.ID())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("key directory holds %d entries, want the key file only", len(entries))
	}
	tests := []struct {
		name, text string
	}{
		{"not base64", "not a key!"},
		{"short", "c2hvcnQ="},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(dir, tt.name)
			os.WriteFile(bad, []byte(tt.text), 0o600)
			if _, err := ReadKeyFile(bad); err == nil || (tt.text != "" && strings.Contains(err.Error(), tt.text)) {
				t.Errorf("ReadKeyFile = %v: want an error that does not quote the file", err)
			}
		})
	}
}

func TestRotationSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Dir: filepath.Join(dir, DefaultDir), KeyFile: filepath.Join(dir, DefaultKeyFile)}
	v, _ := Open(cfg)
	oldID, wrapped, err := v.Seal("evd_1", []byte("payload"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.StartRotation(); err != nil {
		t.Fatal(err)
	}
	restarted, err := Open(cfg) // a crash here: both keys load, the new one current
	if err != nil || !restarted.Rotating() || restarted.KeyID() != v.KeyID() {
		t.Fatalf("restart during rotation: %v, rotating %v", err, restarted.Rotating())
	}
	if err := restarted.StartRotation(); err != nil || restarted.KeyID() != v.KeyID() {
		t.Fatal("resuming a rotation must keep its new key")
	}
	newID, rewrapped, err := restarted.Rewrap("evd_1", oldID, wrapped)
	if err != nil || newID != v.KeyID() {
		t.Fatal(err)
	}
	if err := restarted.FinishRotation(); err != nil {
		t.Fatal(err)
	}
	after, _ := Open(cfg)
	if after.Rotating() || after.KeyID() != newID {
		t.Fatal("after the rotation only the new key should load")
	}
	if _, err := after.Open("evd_1", oldID, wrapped); err == nil {
		t.Error("the old wrapping still opens after the rotation")
	}
	if got, err := after.Open("evd_1", newID, rewrapped); err != nil || string(got) != "payload" {
		t.Errorf("Open = %q, %v", got, err)
	}
	k := GenerateKey()
	if err := (&Vault{keys: map[string]Key{k.ID(): k}, current: k}).StartRotation(); err == nil {
		t.Error("a key from the environment cannot rotate")
	}
}
