// Package vault keeps evidence encrypted at rest (PR-05, Art. 22(2)): each object is sealed
// with AES-256-GCM under a fresh data key, and the data key is wrapped by the evidence key, a
// key-encryption key of its own kept outside the database (a file or the environment) and
// separate from the database's master key, so that it can be rotated on its own. Only
// ciphertext is written to disk, as one file per object; the wrapped data key and the
// metadata belong in the database. Erasing the wrapped data key makes the object unreadable
// for good (crypto-shredding), whatever copies of its file remain.
package vault

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigilproject/vigil/internal/atomicfile"
)

// KeySize is the length of an evidence key in bytes: an AES-256 key.
const KeySize = 32

// DefaultKeyFile is the evidence key file that the server creates in its data directory when
// no key is given.
const DefaultKeyFile = "evidence.key"

// Key is an evidence key. Its String, GoString and LogValue never show the key, so it cannot
// reach a log or an error message by accident.
type Key struct {
	b [KeySize]byte
}

// GenerateKey returns a new random key.
func GenerateKey() Key {
	var k Key
	rand.Read(k.b[:])
	return k
}

// ParseKey reads a key written as base64 (standard or URL alphabet, padded or not), the form
// of the key file and of VIGIL_EVIDENCE_KEY. Surrounding white space is ignored. Errors never
// quote the text.
func ParseKey(text string) (Key, error) {
	text = strings.TrimRight(strings.TrimSpace(text), "=")
	var k Key
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(text)
		if err != nil {
			continue
		}
		if len(b) != KeySize {
			return k, fmt.Errorf("evidence key: %d bytes, want %d (base64 of %d random bytes)", len(b), KeySize, KeySize)
		}
		copy(k.b[:], b)
		return k, nil
	}
	return k, errors.New("evidence key: not base64")
}

// encode returns k as ParseKey reads it.
func (k Key) encode() string { return base64.StdEncoding.EncodeToString(k.b[:]) }

// ID names k without revealing it: "ek_" and 16 hex digits of an HMAC under the key. Each
// wrapped data key is stored with the id of the key that wrapped it.
func (k Key) ID() string {
	mac := hmac.New(sha256.New, k.b[:])
	mac.Write([]byte("vigil evidence key id"))
	return "ek_" + hex.EncodeToString(mac.Sum(nil)[:8])
}

// String hides the key.
func (k Key) String() string { return "vault.Key(" + k.ID() + ")" }

// GoString hides the key from %#v.
func (k Key) GoString() string { return k.String() }

// LogValue hides the key from slog.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// maxKeyFile bounds what ReadKeyFile reads: a key file is a line of base64.
const maxKeyFile = 1024

// ReadKeyFile reads a key file written by CreateKeyFile.
func ReadKeyFile(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, fmt.Errorf("evidence key file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return Key{}, fmt.Errorf("evidence key file %s: %w", path, err)
	}
	if len(b) > maxKeyFile {
		return Key{}, fmt.Errorf("evidence key file %s: longer than %d bytes, not a key", path, maxKeyFile)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// writeKeyFile writes k to path atomically (a temporary file, synced, renamed over path), so
// that a crash leaves the old file or the whole new one; the file is readable by its owner only.
func writeKeyFile(path string, k Key) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, k.encode()+"\n")
		return err
	})
	if err != nil {
		return fmt.Errorf("write evidence key file %s: %w", path, err)
	}
	return nil
}

// LoadOrCreateKeyFile reads the key file at path, creating it with a new key (mode 0600,
// directory 0700) when it does not exist; created says which happened. The new file is
// written whole under a temporary name and linked into place, so a crash never leaves a
// partial key file, and a file another process created first is kept.
func LoadOrCreateKeyFile(path string) (k Key, created bool, err error) {
	k, err = ReadKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Key{}, false, fmt.Errorf("create evidence key file: %w", err)
	}
	tmp := path + ".tmp-" + rand.Text()
	k = GenerateKey()
	if err := writeKeyFile(tmp, k); err != nil {
		return Key{}, false, err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	if errors.Is(err, fs.ErrExist) { // another process created it first
		k, err = ReadKeyFile(path)
		return k, false, err
	}
	if err != nil {
		return Key{}, false, fmt.Errorf("create evidence key file %s: %w", path, err)
	}
	return k, true, syncDir(filepath.Dir(path))
}

// syncDir makes the renames and links in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return errors.Join(d.Sync(), d.Close())
}
