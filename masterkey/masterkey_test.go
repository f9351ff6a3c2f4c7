package masterkey

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testKey is a fixed key: 32 bytes 0x00..0x1f.
func testKey(t testing.TB) Key {
	t.Helper()
	raw := make([]byte, Size)
	for i := range raw {
		raw[i] = byte(i)
	}
	k, err := Parse(base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParse(t *testing.T) {
	raw := bytes.Repeat([]byte{0xfb}, Size) // encodes with '+'/'/' or '-'/'_'
	tests := []struct {
		name, text string
		wantErr    string
	}{
		{"standard", base64.StdEncoding.EncodeToString(raw), ""},
		{"url alphabet", base64.URLEncoding.EncodeToString(raw), ""},
		{"unpadded", base64.RawStdEncoding.EncodeToString(raw), ""},
		{"newline and spaces", "  " + base64.StdEncoding.EncodeToString(raw) + "\n", ""},
		{"too short", base64.StdEncoding.EncodeToString(raw[:16]), "16 bytes, want 32"},
		{"too long", base64.StdEncoding.EncodeToString(append(raw, 1)), "33 bytes, want 32"},
		{"not base64", "not a key!", "not base64"},
		{"empty", "", "0 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse(tt.text)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Parse: %v, want an error with %q", err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Parse: %v", err)
			case tt.wantErr == "" && !bytes.Equal(k.b[:], raw):
				t.Fatalf("Parse = %x, want %x", k.b, raw)
			}
		})
	}
}

func TestKeyNeverPrints(t *testing.T) {
	k := testKey(t)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "key", k)
	for _, out := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k), logged.String()} {
		if strings.Contains(out, k.Encode()) || strings.Contains(out, "[0 1 2 3") || !strings.Contains(out, "redacted") {
			t.Errorf("printed %q", out)
		}
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", DefaultFile)
	k, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreate: created %v, %v", created, err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", info.Mode(), err)
	}
	again, created, err := LoadOrCreate(path)
	if err != nil || created || again.b != k.b {
		t.Fatalf("second LoadOrCreate: created %v, same %v, %v", created, again.b == k.b, err)
	}
	if _, err := Create(path); err == nil {
		t.Fatal("Create over an existing key file succeeded")
	}
	bad := filepath.Join(dir, "bad.key")
	for _, tc := range []struct {
		name, content, wantErr string
	}{
		{"short key", base64.StdEncoding.EncodeToString([]byte("short")), "5 bytes"},
		{"huge file", strings.Repeat("A", 2000), "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(bad, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadFile(bad); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ReadFile: %v, want %q", err, tc.wantErr)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestWrap(t *testing.T) {
	k, other := testKey(t), Generate()
	secret := []byte("the case media key, 32 bytes....")
	wrapped, err := k.Wrap("case_media_key", secret)
	if err != nil {
		t.Fatal(err)
	}
	if len(wrapped) != len(secret)+WrapOverhead || !IsWrapped(wrapped) || bytes.Contains(wrapped, secret) {
		t.Fatalf("wrapped %d bytes (want %d), shows the secret: %v", len(wrapped), len(secret)+WrapOverhead, bytes.Contains(wrapped, secret))
	}
	flip := func(i int) []byte { w := bytes.Clone(wrapped); w[i] ^= 1; return w }
	tests := []struct {
		name    string
		key     Key
		as      string
		wrapped []byte
		wantErr error
	}{
		{"round trip", k, "case_media_key", wrapped, nil},
		{"other master key", other, "case_media_key", wrapped, ErrUnwrap},
		{"moved to another name", k, "session_key", wrapped, ErrUnwrap},
		{"changed data key", k, "case_media_key", flip(len(wrapMagic) + nonceSize + 3), ErrUnwrap},
		{"changed secret", k, "case_media_key", flip(len(wrapped) - 1), ErrUnwrap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.key.Unwrap(tt.as, tt.wrapped)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && !bytes.Equal(got, secret)) {
				t.Fatalf("Unwrap = %q, %v; want %v", got, err, tt.wantErr)
			}
		})
	}
	for _, v := range [][]byte{nil, secret, wrapped[:WrapOverhead-1]} {
		if _, err := k.Unwrap("case_media_key", v); err == nil || IsWrapped(v) {
			t.Fatalf("Unwrap of %d bytes that are not a wrapped secret: %v", len(v), err)
		}
	}
}

func TestDeriveSeparatesPurposes(t *testing.T) {
	k := testKey(t)
	a, b := k.Derive("audit chain"), k.Derive("secret wrapping")
	if bytes.Equal(a, b) || len(a) != Size || bytes.Equal(a, k.b[:]) || !bytes.Equal(a, k.Derive("audit chain")) {
		t.Fatalf("derived keys %x %x", a, b)
	}
}

func FuzzUnwrap(f *testing.F) {
	k := testKey(f)
	w, _ := k.Wrap("n", []byte("secret"))
	f.Add(w)
	f.Add([]byte(wrapMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, v []byte) {
		if got, err := k.Unwrap("n", v); err == nil && !bytes.Equal(got, []byte("secret")) {
			t.Fatalf("forged %q opened", got)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add(testKey(f).Encode())
	f.Add("====")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := Parse(text)
		if err == nil {
			if again, err := Parse(k.Encode()); err != nil || again.b != k.b {
				t.Fatalf("re-parse of %q: %v", text, err)
			}
		}
	})
}

// TestKindNamesTheKey checks that another kind of key reuses the master key's parsing and
// files with errors that name it, and that WriteFile replaces a key file whole.
func TestKindNamesTheKey(t *testing.T) {
	const kind Kind = "evidence key"
	dir := t.TempDir()
	path := filepath.Join(dir, "evidence.key")
	k, err := kind.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	next := Generate()
	if err := kind.WriteFile(path, next); err != nil {
		t.Fatal(err)
	}
	if got, err := kind.ReadFile(path); err != nil || got.b != next.b || got.b == k.b {
		t.Fatalf("ReadFile after WriteFile: same as written %v, %v", got.b == next.b, err)
	}
	if !bytes.Equal(next.Bytes(), next.b[:]) {
		t.Fatal("Bytes is not the key")
	}
	tests := []struct {
		name    string
		run     func() error
		wantErr string
	}{
		{"parse", func() error { _, err := kind.Parse("not a key!"); return err }, "evidence key: not base64"},
		{"read", func() error { _, err := kind.ReadFile(filepath.Join(dir, "missing")); return err }, "evidence key file"},
		{"create over a file", func() error { _, err := kind.Create(path); return err }, "create evidence key file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "master key") {
				t.Fatalf("error %v, want one naming %q and not the master key", err, tt.wantErr)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want the key file only", len(entries))
	}
}
